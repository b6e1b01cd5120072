/**
 * The currency server's tables (one schema for SQLite and PostgreSQL; store.ts says what each
 * holds) and the rollback a commit throws to undo its transaction with an outcome.
 */
import type { CommitOutcome } from './store.ts';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS outstanding (
  serial TEXT PRIMARY KEY,
  cert_id TEXT NOT NULL,
  value BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  lock TEXT
);
CREATE INDEX IF NOT EXISTS outstanding_expires ON outstanding (expires);
CREATE INDEX IF NOT EXISTS outstanding_lock ON outstanding (lock);
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  reply TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_created ON requests (created);
CREATE TABLE IF NOT EXISTS deposits (
  digest TEXT PRIMARY KEY,
  amount BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS checks_written (
  check_no TEXT PRIMARY KEY,
  payee TEXT NOT NULL,
  amount BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS triplet_spends (
  triplet_id TEXT PRIMARY KEY,
  serial TEXT NOT NULL,
  owner TEXT NOT NULL,
  value BIGINT NOT NULL,
  date BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS spent (
  serial TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS spent_expires ON spent (expires);
CREATE TABLE IF NOT EXISTS blind_keys (
  key_id TEXT PRIMARY KEY,
  value BIGINT NOT NULL,
  deposit_until BIGINT NOT NULL,
  redeem_until BIGINT NOT NULL,
  withdrawn BIGINT NOT NULL,
  spent BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS withdrawals (
  hash TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS withdrawals_expires ON withdrawals (expires);
CREATE TABLE IF NOT EXISTS redemptions (
  kind TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
  request_id TEXT PRIMARY KEY,
  amount BIGINT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS books (
  id INTEGER PRIMARY KEY,
  minted BIGINT NOT NULL,
  redeemed BIGINT NOT NULL,
  expired BIGINT NOT NULL,
  reserved BIGINT NOT NULL,
  deposited BIGINT NOT NULL,
  written BIGINT NOT NULL
);
INSERT INTO books (id, minted, redeemed, expired, reserved, deposited, written)
  VALUES (1, 0, 0, 0, 0, 0, 0) ON CONFLICT (id) DO NOTHING`;

export class Rollback extends Error {
  constructor(readonly outcome: CommitOutcome) {
    super('rollback');
  }
}
