/**
 * The currency server's tables (one schema for SQLite and the PostgreSQL-speaking engines, with
 * their engine-specific indexes; store.ts says what each holds) as numbered migrations, the
 * counter stripes, and the rollback a commit throws to undo its transaction with an outcome.
 *
 * Stored in key order, not in the order written (docs/PRIVACY.md "Storage"): SQLite keeps a
 * table's rows by rowid, i.e. as inserted — the coins a buy minted side by side, after the
 * digest of the check that paid for them in `deposits`. The tables whose keys are random
 * (serials, digests, hashes) are `WITHOUT ROWID` on SQLite, so their rows sit in key order and
 * tell nothing of when they came. (Files made before keep their layout; PostgreSQL's heap has
 * no such switch, see PRIVACY.md.) Nothing is kept that the CS never reads: a deposit is its
 * check's digest, amount and expiry, not the request that brought it.
 *
 * Migration 2 takes the hot rows off the paths every request takes (docs/SCALING.md §2):
 *   books           one row per stripe (ids 1..STRIPES; row 1 keeps what was booked before): a
 *                   buy, convert, cash-out or prune adds to the stripe of its request, and the
 *                   audit sums them. The backing condition is checked per stripe, which is
 *                   sound: every stripe backed ⇒ their sum backed.
 *   quota           the reservations under the mint limit (was `books.reserved`): the one row only
 *                   reserve and release write.
 *   blind_counts    blind-rsa withdrawals and spends per key and stripe; `blind_keys` keeps the
 *                   key's facts, and its own counters (what was counted before) no longer move.
 *   triplet_members the serials of each triplet, recorded when the pair is minted: consuming a
 *                   triplet deletes its members by primary key (no more `OR lock IN (…)`, nor the
 *                   mostly-NULL index on `outstanding.lock`).
 */
import {
  addColumn,
  dropColumn,
  dropIndex,
  type Flavor,
  type Schema,
  sequentialIndex,
} from '@netcash/server-kit';
import type { CommitOutcome } from './store.ts';

/** How many rows the books and each blind-rsa key's counters are spread over. */
export const STRIPES = 16;

/** The stripe of a request (FNV-1a of its id: request ids are random, so stripes are even). */
export function stripeOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % STRIPES) + 1;
}

/** Random-keyed tables are stored in key order on SQLite (see above). */
const keyOrder = (flavor: Flavor) => (flavor === 'sqlite' ? ' WITHOUT ROWID' : '');

const stripeRows = Array.from({ length: STRIPES - 1 }, (_, i) => `(${i + 2}, 0, 0, 0, 0, 0, 0)`);

/** The CS store's migrations (server-kit migrate.ts): `netcash migrate` or a start with --migrate. */
export const CS_SCHEMA: Schema = {
  component: 'cs',
  migrations: [
    {
      name: 'outstanding serials, requests, deposits, checks, blind-rsa books, counters',
      statements: (flavor) => [
        `CREATE TABLE IF NOT EXISTS outstanding (
          serial TEXT PRIMARY KEY,
          cert_id TEXT NOT NULL,
          value BIGINT NOT NULL,
          expires BIGINT NOT NULL,
          lock TEXT
        )${keyOrder(flavor)}`,
        sequentialIndex(flavor, 'outstanding_expires', 'outstanding', 'expires'),
        'CREATE INDEX IF NOT EXISTS outstanding_lock ON outstanding (lock)',
        `CREATE TABLE IF NOT EXISTS requests (
          request_id TEXT PRIMARY KEY,
          request_hash TEXT NOT NULL,
          reply TEXT NOT NULL,
          created BIGINT NOT NULL
        )`,
        sequentialIndex(flavor, 'requests_created', 'requests', 'created'),
        `CREATE TABLE IF NOT EXISTS deposits (
          digest TEXT PRIMARY KEY,
          amount BIGINT NOT NULL,
          expires BIGINT NOT NULL
        )${keyOrder(flavor)}`,
        // Files made before kept the buy's request id beside its check's digest, never read.
        dropColumn(flavor, 'deposits', 'request_id'),
        `CREATE TABLE IF NOT EXISTS checks_written (
          check_no TEXT PRIMARY KEY,
          payee TEXT NOT NULL,
          amount BIGINT NOT NULL,
          expires BIGINT NOT NULL,
          created BIGINT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS triplet_spends (
          triplet_id TEXT PRIMARY KEY,
          serial TEXT NOT NULL,
          owner TEXT NOT NULL,
          value BIGINT NOT NULL,
          date BIGINT NOT NULL,
          expires BIGINT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS spent (
          serial TEXT PRIMARY KEY,
          key_id TEXT NOT NULL,
          expires BIGINT NOT NULL
        )${keyOrder(flavor)}`,
        sequentialIndex(flavor, 'spent_expires', 'spent', 'expires'),
        `CREATE TABLE IF NOT EXISTS blind_keys (
          key_id TEXT PRIMARY KEY,
          value BIGINT NOT NULL,
          deposit_until BIGINT NOT NULL,
          redeem_until BIGINT NOT NULL,
          withdrawn BIGINT NOT NULL,
          spent BIGINT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS withdrawals (
          hash TEXT PRIMARY KEY,
          key_id TEXT NOT NULL,
          expires BIGINT NOT NULL
        )${keyOrder(flavor)}`,
        sequentialIndex(flavor, 'withdrawals_expires', 'withdrawals', 'expires'),
        `CREATE TABLE IF NOT EXISTS redemptions (
          kind TEXT PRIMARY KEY,
          value BIGINT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS pending (
          request_id TEXT PRIMARY KEY,
          amount BIGINT NOT NULL,
          created BIGINT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS books (
          id INTEGER PRIMARY KEY,
          minted BIGINT NOT NULL,
          redeemed BIGINT NOT NULL,
          expired BIGINT NOT NULL,
          reserved BIGINT NOT NULL,
          deposited BIGINT NOT NULL,
          written BIGINT NOT NULL
        )`,
        `INSERT INTO books (id, minted, redeemed, expired, reserved, deposited, written)
          VALUES (1, 0, 0, 0, 0, 0, 0) ON CONFLICT (id) DO NOTHING`,
      ],
    },
    {
      name: 'striped books and blind-rsa counters, a quota row, triplet members',
      statements: (flavor) => [
        `INSERT INTO books (id, minted, redeemed, expired, reserved, deposited, written)
          VALUES ${stripeRows.join(', ')} ON CONFLICT (id) DO NOTHING`,
        `CREATE TABLE IF NOT EXISTS quota (
          id INTEGER PRIMARY KEY,
          reserved BIGINT NOT NULL
        )`,
        // The reservations move to the quota row; `books.reserved` stays 0 from here on.
        `INSERT INTO quota (id, reserved) SELECT 1, reserved FROM books WHERE id = 1
          ON CONFLICT (id) DO NOTHING`,
        'UPDATE books SET reserved = 0 WHERE id = 1',
        `CREATE TABLE IF NOT EXISTS blind_counts (
          key_id TEXT NOT NULL,
          stripe INTEGER NOT NULL,
          withdrawn BIGINT NOT NULL,
          spent BIGINT NOT NULL,
          PRIMARY KEY (key_id, stripe)
        )`,
        `CREATE TABLE IF NOT EXISTS triplet_members (
          triplet_id TEXT NOT NULL,
          serial TEXT NOT NULL,
          expires BIGINT NOT NULL,
          PRIMARY KEY (triplet_id, serial)
        )${keyOrder(flavor)}`,
        sequentialIndex(flavor, 'triplet_members_expires', 'triplet_members', 'expires'),
        // Prunes delete in bounded batches by these (store-sql.ts).
        sequentialIndex(flavor, 'deposits_expires', 'deposits', 'expires'),
        sequentialIndex(flavor, 'triplet_spends_expires', 'triplet_spends', 'expires'),
        `INSERT INTO triplet_members (triplet_id, serial, expires)
          SELECT lock, serial, expires FROM outstanding WHERE lock IS NOT NULL
          ON CONFLICT (triplet_id, serial) DO NOTHING`,
        dropIndex(flavor, 'outstanding_lock', 'outstanding'),
      ],
    },
    {
      // docs/PROTOCOL.md §4.8: the restore tag of an nc1 output (partial index: rows without a
      // tag cost nothing), and the blind signature of a withdrawal, kept for restore.
      name: 'restore tags on outstanding serials, blind signatures of withdrawals',
      statements: (flavor) => [
        addColumn(flavor, 'outstanding', 'tag', 'TEXT'),
        addColumn(flavor, 'withdrawals', 'sig', 'TEXT'),
        'CREATE INDEX IF NOT EXISTS outstanding_tag ON outstanding (tag, serial) WHERE tag IS NOT NULL',
      ],
    },
    {
      // docs/PROTOCOL.md §4.8: a triplet request's reply is a restore's only way to its C_A, so
      // it is kept while C_A can be claimed (its rows' life), whatever the request retention.
      name: 'requests kept until their triplets end',
      statements: (flavor) => [
        addColumn(flavor, 'requests', 'keep_until', 'BIGINT NOT NULL DEFAULT 0'),
      ],
    },
    {
      // Issue #16: the index cost every exchange one random page per coin spent (its entry
      // deleted) — a quarter of the pages a 1→1 exchange writes. The prune sweeps the table in
      // serial order instead (store-sql.ts, PRUNE_SCAN), once per maintenance run.
      name: 'no index on outstanding.expires',
      statements: (flavor) => [dropIndex(flavor, 'outstanding_expires', 'outstanding')],
    },
  ],
};

export class Rollback extends Error {
  constructor(readonly outcome: CommitOutcome) {
    super('rollback');
  }
}
