/**
 * `npm run bench:store`: what the currency server's store alone costs per exchange — the CPU
 * time (user and system) of committing exchanges through `createCsStore`, as the CS does, with
 * nothing else in the process: no HTTP, no decoding, no cryptography. bench:exchange measures
 * the whole server; this is the share of it the store takes, measured on the same work whatever
 * else the machine runs (the figures are per exchange, not per second).
 *
 *   - C outstanding serials (20,000; --coins N), then rounds of exchanges committed `--group` at
 *     a time (40, as arrive together at 64 connections), each consuming random outstanding
 *     serials and minting as many fresh ones (1→1 and 8→8), a 640-byte sealed reply stored with
 *     each request id;
 *   - on a SQLite file (WAL, synchronous = FULL, checkpoints in the background: the product's
 *     settings) and, for the share that is not I/O, on an in-memory SQLite database;
 *   - ids and serials are made before each round, so only the store is measured.
 *
 * Prints the median (min–max) over --rounds rounds of CPU µs per exchange, user and system.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { retrying, sqliteEngine } from '@netcash/server-kit';
import type { Commit, CsStore, OutstandingRow } from '../../server-mock/src/cs/store.ts';
import { createCsStore } from '../../server-mock/src/cs/store.ts';
import { load, machine, median, num, table } from './lib/stats.ts';

const { values: opts } = parseArgs({
  options: {
    coins: { type: 'string', default: '20000' },
    group: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '5' },
    exchanges: { type: 'string', default: '4000' },
  },
});
const COINS = Number(opts.coins);
const GROUP = Number(opts.group);
const ROUNDS = Number(opts.rounds);
const EXCHANGES = Number(opts.exchanges);

const id = () => randomBytes(16).toString('base64url');
const REPLY = 'x'.repeat(640);
const row = (serial: string, expires: number): OutstandingRow => ({
  serial,
  certId: 'cert-0123456789abcdef',
  value: 100,
  expires,
});

interface Figures {
  readonly user: number;
  readonly system: number;
}

/** Rounds of `EXCHANGES` n→n exchanges on `store`; CPU µs per exchange of each round. */
async function measure(store: CsStore, n: number): Promise<Figures[]> {
  const pool = Array.from({ length: COINS }, id);
  for (let i = 0; i < pool.length; i += 500) {
    const mint = pool.slice(i, i + 500).map((s) => row(s, 2_000_000_000));
    const outcome = await store.commit({
      requestId: id(),
      requestHash: 'seed',
      reply: '',
      date: 1,
      mint,
    });
    if (!outcome.ok) throw new Error(`seeding: ${outcome.reason}`);
  }
  let expires = 2_000_000_000;
  /** The commits of one round, made before it (random serials out of the pool, fresh ones in). */
  const prepare = (count: number): Commit[] =>
    Array.from({ length: count }, () => {
      const taken = new Set<number>();
      while (taken.size < n) taken.add(Math.floor(Math.random() * pool.length));
      const consume = [...taken].map((k) => ({ serial: pool[k] as string }));
      const mint = [...taken].map((k) => {
        pool[k] = id();
        return row(pool[k] as string, expires++);
      });
      return { requestId: id(), requestHash: id(), reply: REPLY, date: 1, consume, mint };
    });
  const run = async (commits: readonly Commit[]) => {
    for (let i = 0; i < commits.length; i += GROUP) {
      const outcomes = await Promise.all(commits.slice(i, i + GROUP).map((c) => store.commit(c)));
      const refused = outcomes.find((o) => !o.ok);
      if (refused !== undefined) throw new Error(`refused: ${JSON.stringify(refused)}`);
    }
  };
  await run(prepare(EXCHANGES)); // warm-up
  const rounds: Figures[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const commits = prepare(EXCHANGES);
    const before = process.cpuUsage();
    await run(commits);
    const used = process.cpuUsage(before);
    rounds.push({ user: used.user / EXCHANGES, system: used.system / EXCHANGES });
  }
  return rounds;
}

const spreadOf = (values: number[]) =>
  `${num(median(values), 1)} (${num(Math.min(...values), 1)}–${num(Math.max(...values), 1)})`;

console.log(
  `bench:store — ${machine()}; ${num(COINS)} serials outstanding, groups of ${GROUP}, ${ROUNDS} rounds of ${num(EXCHANGES)} exchanges`,
);
const dir = mkdtempSync(join(tmpdir(), 'netcash-bench-store-'));
const rows: string[][] = [];
try {
  for (const n of [1, 8]) {
    for (const where of ['file', 'memory'] as const) {
      const path = where === 'memory' ? ':memory:' : join(dir, `cs-${n}.db`);
      const db = retrying(sqliteEngine(path));
      const store = await createCsStore(db);
      const rounds = await measure(store, n);
      await db.close();
      rows.push([
        `${n}→${n}`,
        where === 'file' ? 'SQLite file (product settings)' : 'SQLite in memory',
        spreadOf(rounds.map((f) => f.user + f.system)),
        spreadOf(rounds.map((f) => f.user)),
        spreadOf(rounds.map((f) => f.system)),
      ]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
table(['shape', 'store', 'CPU µs/exch', 'user', 'system'], rows);
console.log(load());
