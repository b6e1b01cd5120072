/**
 * The currency server's tables (one schema for SQLite and the PostgreSQL-speaking engines, with
 * their engine-specific indexes; store.ts says what each holds) as numbered migrations, and the
 * rollback a commit throws to undo its transaction with an outcome.
 *
 * Stored in key order, not in the order written (docs/PRIVACY.md "Storage"): SQLite keeps a
 * table's rows by rowid, i.e. as inserted — the coins a buy minted side by side, after the
 * digest of the check that paid for them in `deposits`. The tables whose keys are random
 * (serials, digests, hashes) are `WITHOUT ROWID` on SQLite, so their rows sit in key order and
 * tell nothing of when they came. (Files made before keep their layout; PostgreSQL's heap has
 * no such switch, see PRIVACY.md.) Nothing is kept that the CS never reads: a deposit is its
 * check's digest, amount and expiry, not the request that brought it.
 */
import { dropColumn, type Flavor, type Schema, sequentialIndex } from '@netcash/server-kit';
import type { CommitOutcome } from './store.ts';

/** Random-keyed tables are stored in key order on SQLite (see above). */
const keyOrder = (flavor: Flavor) => (flavor === 'sqlite' ? ' WITHOUT ROWID' : '');

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
  ],
};

export class Rollback extends Error {
  constructor(readonly outcome: CommitOutcome) {
    super('rollback');
  }
}
