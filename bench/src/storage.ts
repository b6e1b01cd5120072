/**
 * `npm run bench:storage`: the currency server's storage per outstanding coin as the number of
 * exchanges grows ×10 (SPEC §4 "Bounded state", §10), beside the spent-serial list the paper
 * argues against, measured on the same work in the same run.
 *
 *   1. a `netcash cs` process on SQLite sells C 1-cent coins (C = 1,024; --coins N, rounded up
 *      to whole buys of 64);
 *   2. rounds of C exchanges (1 coin in, 1 out, each with a restore tag as wallets send,
 *      docs/PROTOCOL.md §4.8) spend every coin in circulation once per round,
 *      so C stay outstanding while the exchanges add up: measured after 10×C and 100×C;
 *   3. at each point: the CS database after a WAL checkpoint — pages in use × page size, the file
 *      and WAL bytes, rows per table — as kept (idempotency records are retained 7 days,
 *      PROTOCOL §4.4, so all of this run's are still there), and on a copy pruned by the store's
 *      own `prune` as maintenance does once the records are past retention (then VACUUMed);
 *   4. beside it, a spent-serial list in the same engine: every serial spent, with its expiry
 *      (it must be kept until the coin would have expired), indexed like the outstanding list;
 *   5. dormant coins (PROTOCOL §4.7): the last point's database pruned as maintenance would 40
 *      days on — every coin past its expiry, inside its redemption window, still outstanding at
 *      the cost of a live one — and once the window and the grace are over (none left).
 *
 * Options: --coins N, --quick (C = 128). Prints figures; never fails on a size.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Coin } from '@netcash/protocol';
import { TestClient } from '@netcash/server';
import { openSqlite } from '@netcash/server-kit';
import Database from 'better-sqlite3';
import { createCsStore } from '../../server-mock/src/cs/store.ts';
import { startLoadGenerator } from './exchange/loadgen.ts';
import { CoinPool } from './exchange/pool.ts';
import { spawnCs, startBase } from './exchange/servers.ts';
import { load, machine, num, table } from './lib/stats.ts';

const { values: opts } = parseArgs({
  options: { coins: { type: 'string' }, quick: { type: 'boolean', default: false } },
});
/** Coins in circulation, a whole number of `buy`s of 64. */
const C = Math.ceil(Number(opts.coins ?? (opts.quick ? 100 : 1_000)) / 64) * 64;
const ONE_TO_ONE = { coinsIn: 1, coinsOut: 1 };

interface DbSize {
  /** (page_count − freelist_count) × page_size */
  readonly inUse: number;
  /** Main file + WAL on disk, after the checkpoint. */
  readonly file: number;
  readonly rows: Readonly<Record<string, number>>;
}

/** Checkpoints `path` (WAL into the main file, WAL truncated) and measures it. */
function measure(path: string): DbSize {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    const pages = Number(db.pragma('page_count', { simple: true }));
    const free = Number(db.pragma('freelist_count', { simple: true }));
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    const rows: Record<string, number> = {};
    for (const { name } of tables) {
      const n = db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number };
      rows[name] = n.n;
    }
    const wal = `${path}-wal`;
    const file = statSync(path).size + (existsSync(wal) ? statSync(wal).size : 0);
    return { inUse: (pages - free) * pageSize, file, rows };
  } finally {
    db.close();
  }
}

const DAY = 86_400;
/** Coin lifetime, redemption window, pruning grace and request retention: the defaults. */
const LIFETIME = 30 * DAY;
const WINDOW = 365 * DAY;
const GRACE = 7 * DAY;

/**
 * A copy of the CS database pruned by the store itself as maintenance would `daysOn` days from
 * now (grace and retention 7 days). Default 7: no coin has expired (30-day lifetime), every
 * idempotency record of this run is past its retention.
 */
async function prunedCopy(path: string, scratch: string, daysOn = 7): Promise<DbSize> {
  const copy = join(scratch, 'pruned.db');
  rmSync(copy, { force: true });
  copyFileSync(path, copy);
  const store = await createCsStore(openSqlite(copy));
  const at = Math.floor(Date.now() / 1000) + daysOn * DAY;
  await store.prune(at - GRACE, at - GRACE + 1);
  await store.close();
  const db = new Database(copy);
  db.exec('VACUUM');
  db.close();
  return measure(copy);
}

/** The paper's alternative: a list of spent serials, kept until each coin's expiry. */
class SpentList {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  constructor(readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE spent (serial TEXT PRIMARY KEY, cert_id TEXT NOT NULL, expires BIGINT NOT NULL);
      CREATE INDEX spent_expires ON spent (expires)`);
    this.insert = this.db.prepare('INSERT INTO spent (serial, cert_id, expires) VALUES (?, ?, ?)');
  }
  add(coins: readonly Coin[]): void {
    this.db.transaction(() => {
      for (const c of coins) this.insert.run(c.body.serial, c.body.certId, c.body.expires);
    })();
  }
  close(): void {
    this.db.close();
  }
}

interface Point {
  readonly label: string;
  readonly exchanges: number;
  readonly outstanding: number;
  readonly kept: DbSize;
  readonly pruned: DbSize;
  readonly spent: DbSize;
}

const total = (rows: Readonly<Record<string, number>>) =>
  Object.values(rows).reduce((s, n) => s + n, 0);

async function main(): Promise<void> {
  console.log(`bench:storage — ${machine()}`);
  console.log(`C = ${num(C)} coins in circulation; exchanges of 1 coin in, 1 out\n`);
  const root = mkdtempSync(join(tmpdir(), 'netcash-bench-storage-'));
  const base = await startBase(join(root, 'data'));
  const cs = await spawnCs(base, { name: 'cs1' });
  const gen = await startLoadGenerator();
  const spentList = new SpentList(join(root, 'spent.db'));
  const csDb = join(base.dataDir, 'cs1', 'cs.db');
  const points: Point[] = [];
  let dormant: Dormant | null = null;
  try {
    const client = await TestClient.open(base.bank.url, { holder: 'bench' });
    // Outputs carry restore tags, as a wallet's do (PROTOCOL §4.8): kept on the outstanding rows.
    const pool = new CoinPool(client, cs.url, await client.target(cs.url), true);
    await pool.buy(C);
    let exchanges = 0;
    const record = async (label: string) => {
      const kept = measure(csDb);
      const outstanding = kept.rows['outstanding'] ?? 0;
      points.push({
        label,
        exchanges,
        outstanding,
        kept,
        pruned: await prunedCopy(csDb, root),
        spent: measure(spentList.path),
      });
      console.log(
        `  ${label}: ${num(exchanges)} exchanges, ${num(outstanding)} outstanding; ${load()}`,
      );
    };
    await record('bought');
    const started = performance.now();
    for (const goal of [10 * C, 100 * C]) {
      while (exchanges < goal) {
        const n = Math.min(pool.size, goal - exchanges);
        const batch = await pool.seal(ONE_TO_ONE, n, join(root, 'bodies.jsonl'));
        const report = await gen.run({
          bodiesFile: batch.bodiesFile,
          repliesFile: join(root, 'replies.txt'),
          targets: [{ host: '127.0.0.1', port: Number(new URL(cs.url).port) }],
          mode: 'closed',
          connections: 16,
          warmupMs: 0,
          durationMs: 600_000,
          meters: [],
        });
        const spent = pool.settle(batch, join(root, 'replies.txt'), report.taken);
        spentList.add(spent);
        exchanges += spent.length;
        if (spent.length < n) throw new Error(`${n - spent.length} exchanges failed`);
      }
      await record(`${goal / C}×C`);
    }
    console.log(
      `  (${num(exchanges)} exchanges in ${num((performance.now() - started) / 1000, 1)} s)\n`,
    );
    // The same coins left dormant: maintenance 40 days on (all past expiry, inside their
    // redemption window) and past the window plus the grace.
    const windowEnds = (LIFETIME + WINDOW + GRACE) / DAY + 1;
    dormant = {
      outstanding: points.at(-1)?.outstanding ?? 0,
      live: points.at(-1)?.pruned ?? measure(csDb),
      at40: await prunedCopy(csDb, root, 40),
      pastWindow: await prunedCopy(csDb, root, windowEnds),
      windowEnds,
    };
  } finally {
    spentList.close();
    await gen.close();
    await cs.stop();
    await base.close();
    rmSync(root, { recursive: true, force: true });
  }
  print(points);
  if (dormant !== null) printDormant(dormant);
}

interface Dormant {
  readonly outstanding: number;
  /** The last point, records past retention pruned: every coin still valid. */
  readonly live: DbSize;
  readonly at40: DbSize;
  readonly pastWindow: DbSize;
  readonly windowEnds: number;
}

/** Dormant coins (SPEC §4 "Bounded state", PROTOCOL §4.7): kept, not multiplied, until their window closes. */
function printDormant(d: Dormant): void {
  const rows = (s: DbSize) => num(s.rows['outstanding'] ?? 0);
  const perCoin = (s: DbSize) => s.inUse / d.outstanding;
  // Once the window closed no coin is left: what remains is the empty tables' pages.
  const shown = (s: DbSize) => ((s.rows['outstanding'] ?? 0) === 0 ? '—' : num(perCoin(s)));
  console.log(
    `\ndormant coins: the ${num(d.outstanding)} coins of the last point left untouched, pruned as maintenance would`,
  );
  table(
    ['when', 'outstanding rows', 'bytes', 'B/coin'],
    [
      ['now (all valid)', rows(d.live), num(d.live.inUse), shown(d.live)],
      ['40 days on (expired, in window)', rows(d.at40), num(d.at40.inUse), shown(d.at40)],
      [
        `${num(d.windowEnds)} days on (window + grace over)`,
        rows(d.pastWindow),
        num(d.pastWindow.inUse),
        shown(d.pastWindow),
      ],
    ],
  );
  console.log(
    `ratio 40 days on ÷ now of bytes per coin (dormant coins cost what live ones do; target ≤ 1.05): ${num(perCoin(d.at40) / perCoin(d.live), 2)}`,
  );
}

function print(points: readonly Point[]): void {
  const perCoin = (p: Point, bytes: number) => num(bytes / p.outstanding);
  const rowsPerCoin = (p: Point, rows: Readonly<Record<string, number>>) =>
    num(total(rows) / p.outstanding, 2);
  table(
    [
      'point',
      'exchanges',
      'outstanding',
      'kept: bytes',
      'B/coin',
      'rows/coin',
      'file+WAL',
      'pruned: bytes',
      'B/coin',
      'rows/coin',
      'spent list: rows',
      'bytes',
      'B/coin',
    ],
    points.map((p) => [
      p.label,
      num(p.exchanges),
      num(p.outstanding),
      num(p.kept.inUse),
      perCoin(p, p.kept.inUse),
      rowsPerCoin(p, p.kept.rows),
      num(p.kept.file),
      num(p.pruned.inUse),
      perCoin(p, p.pruned.inUse),
      rowsPerCoin(p, p.pruned.rows),
      num(p.spent.rows['spent'] ?? 0),
      num(p.spent.inUse),
      perCoin(p, p.spent.inUse),
    ]),
  );
  const at10 = points.find((p) => p.label === '10×C');
  const at100 = points.find((p) => p.label === '100×C');
  if (at10 === undefined || at100 === undefined) return;
  const ratio = (a: number, b: number) => num(b / a, 2);
  console.log('\nratio 100×C ÷ 10×C of bytes per outstanding coin (goal 1.00, target ≤ 1.05):');
  console.log(
    `  records kept (default 7-day retention): ${ratio(at10.kept.inUse / at10.outstanding, at100.kept.inUse / at100.outstanding)}`,
  );
  console.log(
    `  records past retention pruned:          ${ratio(at10.pruned.inUse / at10.outstanding, at100.pruned.inUse / at100.outstanding)}`,
  );
  console.log(
    `  spent-serial list:                      ${ratio(at10.spent.inUse / at10.outstanding, at100.spent.inUse / at100.outstanding)}`,
  );
  console.log('\nrows per table at 100×C (kept):');
  for (const [name, n] of Object.entries(at100.kept.rows)) {
    if (n > 0)
      console.log(
        `  ${name.padEnd(16)} ${num(n).padStart(10)}  (${num(n / at100.outstanding, 2)} per coin)`,
      );
  }
  console.log(
    '\nSteady state: the outstanding list stays at one row per coin in circulation; idempotency\n' +
      'records add one row (with its sealed reply) per request of the last 7 days — proportional to\n' +
      'the request *rate* × retention, not to the number of exchanges ever made. The pruned column\n' +
      'is what a CS holds for traffic older than the retention window; the spent list keeps growing\n' +
      'with every exchange until the coins expire (30 days), and forever without expiry.',
  );
}

await main();
