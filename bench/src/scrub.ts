/**
 * `npm run bench:scrub`: what scrubbing deleted rows costs the currency server's exchange path
 * (docs/PRIVACY.md "Storage"). A quick local comparison, not the exchange benchmark: the CS
 * store's own commit of an exchange (consume n serials with DELETE … RETURNING, mint n, store the
 * reply; SQLite WAL, synchronous=FULL, group commit) on a temp file holding 20,000 outstanding
 * coins, with and without `secure_delete` and the periodic WAL truncation, 1→1 and 8→8, one
 * request at a time and 16 at once. Crypto is left out: it is the same in every setting, and
 * the exchange benchmark (docs/PERFORMANCE.md) puts it at most of a request's time.
 *
 * Options: --commits N per run (default 3,000). Prints figures; never fails on a time.
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSqlite, type SqliteOptions } from '@netcash/server-kit';
import { createCsStore, type OutstandingRow } from '../../server-mock/src/cs/store.ts';
import { machine, num, table } from './lib/stats.ts';

const { values: opts } = parseArgs({ options: { commits: { type: 'string' } } });
const COMMITS = Number(opts.commits ?? 3_000);
const PREFILL = 20_000;

const serial = () => randomBytes(16).toString('base64url');
const row = (s: string): OutstandingRow => ({ serial: s, certId: 'cert', value: 1, expires: 2e9 });

async function run(
  settings: SqliteOptions,
  shape: number,
  concurrency: number,
): Promise<{ perSecond: number; usPerCommit: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'netcash-scrub-'));
  const store = await createCsStore(openSqlite(join(dir, 'cs.db'), settings));
  const live: string[] = [];
  for (let i = 0; i < PREFILL; i += 500) {
    const mint = Array.from({ length: 500 }, () => row(serial()));
    live.push(...mint.map((m) => m.serial));
    await store.commit({ requestId: serial(), requestHash: 'h', reply: 'r', date: 1, mint });
  }
  let next = 0;
  const exchange = async () => {
    // Each request spends n coins nobody else spends, and adds n new ones.
    const spend = live.splice(Math.floor(Math.random() * (live.length - shape)), shape);
    const mint = Array.from({ length: shape }, () => row(serial()));
    live.push(...mint.map((m) => m.serial));
    const outcome = await store.commit({
      requestId: `r${next++}`,
      requestHash: 'h'.repeat(43),
      reply: 'x'.repeat(300 + 200 * shape),
      date: 1,
      consume: spend.map((s) => ({ serial: s })),
      mint,
    });
    if (!outcome.ok) throw new Error(`commit refused: ${outcome.reason}`);
  };
  const started = process.hrtime.bigint();
  for (let done = 0; done < COMMITS; done += concurrency) {
    await Promise.all(Array.from({ length: Math.min(concurrency, COMMITS - done) }, exchange));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { perSecond: COMMITS / seconds, usPerCommit: (seconds * 1e6) / COMMITS };
}

const SETTINGS: { name: string; settings: SqliteOptions }[] = [
  { name: 'SQLite defaults (no scrubbing)', settings: { secureDelete: false, scrubMs: 0 } },
  { name: 'secure_delete = ON', settings: { secureDelete: true, scrubMs: 0 } },
  {
    name: 'secure_delete + WAL truncated every 1 s',
    settings: { secureDelete: true, scrubMs: 1_000 },
  },
];

console.log(machine());
console.log(`${COMMITS} exchange commits per run, ${num(PREFILL)} coins outstanding\n`);
const rows: string[][] = [];
for (const shape of [1, 8]) {
  for (const concurrency of [1, 16]) {
    for (const { name, settings } of SETTINGS) {
      const r = await run(settings, shape, concurrency);
      rows.push([
        `${shape}→${shape}`,
        String(concurrency),
        name,
        num(r.perSecond),
        num(r.usPerCommit),
      ]);
    }
  }
}
table(['shape', 'at once', 'storage', 'commits/s', 'µs per commit'], rows);
