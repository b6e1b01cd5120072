/**
 * `npm run bench:exchange`: coin exchanges per second of a currency server with durable commits,
 * its CPU time per exchange, p50/p99 latency, and both compared with the crypto-only limit
 * measured interleaved with the runs (SPEC §10, issue #16).
 *
 *   configurations  SQLite (WAL, synchronous=FULL) · PostgreSQL · two CS processes over one
 *                   PostgreSQL — each CS a real `netcash cs` process (exchange/servers.ts), with
 *                   `--workers N` crypto threads for each N of `--workers`
 *   shapes          1 coin in / 1 out, and 8 in / 8 out (1-cent coins)
 *   load            a separate load generator process (exchange/load.ts) sends pre-sealed
 *                   requests over loopback HTTP/1.1 keep-alive: closed loop at several
 *                   connection counts, the best one again `--repeat` times, then open loop at
 *                   half of the peak rate for the latency target; client crypto happens between
 *                   runs (exchange/pool.ts)
 *   limit           after every run, one short round of the exchange's crypto in a tight loop on
 *                   as many cores as the CS has crypto threads (exchange/limit.ts): its wall
 *                   rate and its CPU time per exchange; the medians over a shape's rounds are
 *                   the denominators (exchange/stats.ts)
 *
 * The stable figure is the CPU-time ratio: the CS's CPU per exchange (its processes' CPU
 * counters, /proc) over the crypto's CPU per exchange — CPU time barely moves with other load on
 * the machine, wall-clock rates do. Both ratios are printed with their spread over the runs.
 *
 * Options: --quick, --configs sqlite,postgres,postgres-2, --workers 0,1,2 (0: the crypto on the
 * main thread; default: the server's default), --levels 1,4,16,64, --seconds 5, --repeat 2,
 * --shapes 1,8, --profile (V8 CPU profiles of the CS processes into bench/profiles/). Prints
 * figures; never fails on a time.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TestClient } from '@netcash/server';
import { postgresAvailable } from '@netcash/server-kit/testing';
import type { ExchangeShape } from './crypto-limit.ts';
import { type CryptoMeter, startCryptoMeter } from './exchange/limit.ts';
import { type LoadGenerator, startLoadGenerator } from './exchange/loadgen.ts';
import { CoinPool } from './exchange/pool.ts';
import { printLevels, printShapeLine, printSummary, shapeName } from './exchange/report.ts';
import {
  type Base,
  type CsProcess,
  type Postgres,
  spawnCs,
  startBase,
  startPg,
} from './exchange/servers.ts';
import { type Level, type ShapeSummary, summarize } from './exchange/stats.ts';
import { fsyncLatencyMs } from './lib/proc.ts';
import { machine, ms, num } from './lib/stats.ts';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    configs: { type: 'string', default: 'sqlite,postgres,postgres-2' },
    workers: { type: 'string' },
    levels: { type: 'string' },
    seconds: { type: 'string' },
    repeat: { type: 'string' },
    shapes: { type: 'string', default: '1,8' },
    profile: { type: 'boolean', default: false },
  },
});
const quick = opts.quick === true;
const levels = (opts.levels ?? (quick ? '1,8' : '1,4,16,64')).split(',').map(Number);
const durationMs = Number(opts.seconds ?? (quick ? 1.5 : 5)) * 1000;
const repeat = Number(opts.repeat ?? (quick ? 1 : 2));
const warmupMs = quick ? 300 : 1000;
const shapes: ExchangeShape[] = opts.shapes
  .split(',')
  .map((n) => ({ coinsIn: Number(n), coinsOut: Number(n) }));
const configs = opts.configs.split(',');
/** Worker counts to run each configuration with; undefined = the server's default. */
const workerCounts: (number | undefined)[] =
  opts.workers === undefined ? [undefined] : opts.workers.split(',').map(Number);
const profileDir = opts.profile
  ? join(process.cwd(), 'bench', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'))
  : undefined;

/** Cores the CS's crypto may use: its worker threads (default: every core), 1 without. */
const cryptoCores = (workers: number | undefined) =>
  workers === undefined ? availableParallelism() : Math.max(1, workers);

interface Config {
  readonly config: string;
  readonly workers: string;
  readonly processes: readonly CsProcess[];
  readonly pg: Postgres | undefined;
  readonly meter: CryptoMeter;
}

async function runLevel(
  gen: LoadGenerator,
  pool: CoinPool,
  work: string,
  c: Config,
  level: {
    shape: ExchangeShape;
    mode: 'closed' | 'open';
    connections: number;
    rate?: number;
    expected: number;
  },
): Promise<Level> {
  const n = Math.ceil((level.expected * (warmupMs + durationMs)) / 1000) + level.connections;
  const batch = await pool.seal(level.shape, n, join(work, 'bodies.jsonl'));
  const meters = c.processes.map((p, i) => ({
    label: i === 0 ? 'cs' : `cs#${i}`,
    pid: p.pid,
    children: false,
  }));
  if (c.pg !== undefined) meters.push({ label: 'postgres', pid: c.pg.postmaster, children: true });
  const report = await gen.run({
    bodiesFile: batch.bodiesFile,
    repliesFile: join(work, 'replies.txt'),
    targets: c.processes.map((p) => {
      const url = new URL(p.url);
      return { host: url.hostname, port: Number(url.port) };
    }),
    mode: level.mode,
    connections: level.connections,
    ...(level.rate === undefined ? {} : { rate: level.rate }),
    warmupMs,
    durationMs,
    meters,
  });
  pool.settle(batch, join(work, 'replies.txt'), report.taken);
  for (const sample of report.errorSamples) console.log(`    error: ${sample}`);
  const mode =
    level.mode === 'closed' ? `${level.connections} conn` : `open ${num(level.rate ?? 0)}/s`;
  const name = `${c.config} w${c.workers} ${shapeName(level.shape)} ${mode}`;
  if (profileDir !== undefined) {
    appendFileSync(
      join(profileDir, 'windows.jsonl'),
      `${JSON.stringify({ run: name, us: report.monotonicUs })}\n`,
    );
  }
  // Two CS processes are one `cs` figure (in cores).
  const cpuMs: Record<string, number> = {};
  for (const [label, value] of Object.entries(report.cpuMs)) {
    const key = label.split('#')[0]!;
    cpuMs[key] = (cpuMs[key] ?? 0) + value;
  }
  const at = loadavg()[0]!;
  const limit = await c.meter.round(level.shape);
  const rate = report.windowMs > 0 ? report.measured / (report.windowMs / 1000) : 0;
  const cs = cpuMs['cs'];
  process.stderr.write(
    `  … ${name}: ${num(rate)}/s, CS ${cs === undefined ? '–' : num((cs * 1000) / Math.max(1, report.cpuCounted))} µs/exch, ` +
      `crypto ${num(limit.cpuUs)} µs/exch, load ${at.toFixed(2)}\n`,
  );
  return {
    config: c.config,
    shape: level.shape,
    mode,
    connections: level.connections,
    report: { ...report, cpuMs },
    rate,
    windowMs: report.windowMs,
    limit,
    load: at,
  };
}

async function suite(
  gen: LoadGenerator,
  pool: CoinPool,
  work: string,
  c: Config,
): Promise<ShapeSummary[]> {
  const summaries: ShapeSummary[] = [];
  for (const shape of shapes) {
    const first = await c.meter.round(shape);
    const rows: Level[] = [];
    let expected = first.rate * 0.3;
    for (const connections of levels) {
      const level = await runLevel(gen, pool, work, c, {
        shape,
        mode: 'closed',
        connections,
        expected: expected * 1.3,
      });
      rows.push(level);
      expected = Math.min(first.rate * c.processes.length, Math.max(expected, level.rate * 2));
    }
    const peak = rows.reduce((a, b) => (b.rate > a.rate ? b : a));
    const peakRuns = [peak];
    for (let i = 0; i < repeat; i++) {
      peakRuns.push(
        await runLevel(gen, pool, work, c, {
          shape,
          mode: 'closed',
          connections: peak.connections,
          expected: peak.rate * 1.3,
        }),
      );
    }
    const half = await runLevel(gen, pool, work, c, {
      shape,
      mode: 'open',
      connections: 64,
      rate: Math.max(1, Math.round(peak.rate / 2)),
      expected: peak.rate / 2,
    });
    printLevels([...rows, ...peakRuns.slice(1), half], c.processes.length);
    const summary = summarize(c.config, c.workers, shape, rows, peakRuns, half);
    printShapeLine(summary, c.meter.cores);
    summaries.push(summary);
  }
  return summaries;
}

async function main(): Promise<void> {
  console.log(`bench:exchange — ${machine()}`);
  const root = mkdtempSync(join(tmpdir(), 'netcash-bench-exchange-'));
  const fsyncMs = fsyncLatencyMs(root);
  console.log(
    `data under ${root}; a 4 KiB write + fdatasync there takes ${ms(fsyncMs)} ms (median): ` +
      `one durable commit at a time could do at most ${num(1000 / fsyncMs)} commits/s`,
  );
  console.log(
    `each run: ${warmupMs} ms warm-up, then ${durationMs / 1000} s measured; levels ${levels.join(', ')} connections, ` +
      `the best again ${repeat} time(s); a crypto-only round after each run\n`,
  );
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const base: Base = await startBase(join(root, 'data'));
  const gen = await startLoadGenerator();
  const client = await TestClient.open(base.bank.url, { holder: 'bench' });
  const summaries: ShapeSummary[] = [];
  let pg: Postgres | undefined;
  const running: CsProcess[] = [];
  const meters = new Map<number, CryptoMeter>();
  const meterFor = async (cores: number) => {
    let meter = meters.get(cores);
    if (meter === undefined) {
      meter = await startCryptoMeter(cores);
      meters.set(cores, meter);
    }
    return meter;
  };
  let serial = 0;
  try {
    for (const config of configs) {
      for (const workers of workerCounts) {
        const w = workers === undefined ? 'default' : String(workers);
        const name = `cs${++serial}`;
        if (config === 'sqlite') {
          const cs = await spawnCs(base, { name, workers, profileDir });
          running.push(cs);
          console.log(`== SQLite store, one CS process (pid ${cs.pid}), workers ${w} ==`);
          const pool = await poolFor(client, cs.url);
          const meter = await meterFor(cryptoCores(workers));
          const c = { config, workers: w, processes: [cs], pg: undefined, meter };
          summaries.push(...(await suite(gen, pool, root, c)));
          reportPool(pool);
          await cs.stop();
          running.splice(running.indexOf(cs), 1);
          continue;
        }
        if (!postgresAvailable()) {
          console.log(`== ${config}: skipped, PostgreSQL is not installed ==\n`);
          continue;
        }
        pg ??= await startPg();
        const database = await pg.cluster.createDatabase(`bench_${name}`);
        const first = await spawnCs(base, { name, workers, postgres: database, profileDir });
        running.push(first);
        const processes = [first];
        if (config === 'postgres-2') {
          const second = await spawnCs(base, {
            name,
            workers,
            postgres: database,
            publicUrl: first.url,
            profileDir,
          });
          running.push(second);
          processes.push(second);
        }
        console.log(
          `== PostgreSQL store, ${processes.length} CS process(es) (pids ${processes.map((p) => p.pid).join(', ')}), workers ${w}; ${pg.settings} ==`,
        );
        const pool = await poolFor(client, first.url);
        const meter = await meterFor(cryptoCores(workers) * processes.length);
        const c = { config, workers: w, processes, pg, meter };
        summaries.push(...(await suite(gen, pool, root, c)));
        reportPool(pool);
        for (const p of processes) {
          await p.stop();
          running.splice(running.indexOf(p), 1);
        }
      }
    }
  } catch (error) {
    // Said now: stopping the servers below may take a while.
    console.error('bench:exchange failed:', error);
    process.exitCode = 1;
  } finally {
    for (const p of running) await p.stop().catch(() => undefined);
    for (const meter of meters.values()) await meter.close();
    await gen.close();
    await pg?.cluster.stop();
    await base.close();
    rmSync(root, { recursive: true, force: true });
  }
  printSummary(summaries);
  if (profileDir !== undefined) {
    console.log(`\nCPU profiles of the CS processes: ${profileDir}`);
    console.log(
      'summarize one (measured windows only): npx tsx bench/src/profile.ts FILE.cpuprofile',
    );
  }
}

async function poolFor(client: TestClient, csUrl: string): Promise<CoinPool> {
  const target = await client.target(csUrl);
  const pool = new CoinPool(client, csUrl, target);
  const t = performance.now();
  await pool.buy(quick ? 4_000 : 20_000);
  console.log(`  bought ${num(pool.size)} 1-cent coins in ${num(performance.now() - t)} ms`);
  return pool;
}

function reportPool(pool: CoinPool): void {
  console.log(
    `  client crypto between runs (sealing, opening): ${num(pool.clientCryptoMs)} ms; ` +
      `coins lost to failed requests: ${pool.lost}\n`,
  );
}

await main();
