/**
 * Schema statements that differ by engine (docs/SCALING.md cites each engine's page):
 *
 * - An index on a column that only grows (`created`, `expires`) puts every new entry at its end.
 *   On CockroachDB that end is one range on one node, a write hot spot its load-based splitting
 *   cannot divide: such indexes are hash-sharded (`USING HASH`). YugabyteDB shards the first
 *   column of an index by hash unless told otherwise, which turns the prunes' `expires < $1`
 *   into full scans: such indexes are range indexes (`ASC`) there. PostgreSQL and SQLite: B-trees.
 * - `ALTER TABLE … ADD COLUMN IF NOT EXISTS` / `DROP COLUMN IF EXISTS` everywhere but SQLite,
 *   which lacks the words; the migration runner takes SQLite's "duplicate column" / "no such
 *   column" for done.
 */
import type { Flavor } from './sql.ts';

/** `CREATE INDEX IF NOT EXISTS name ON table (column)` for a column whose values only grow. */
export function sequentialIndex(
  flavor: Flavor,
  name: string,
  table: string,
  column: string,
): string {
  const head = `CREATE INDEX IF NOT EXISTS ${name} ON ${table}`;
  if (flavor === 'cockroachdb') return `${head} (${column}) USING HASH`;
  if (flavor === 'yugabytedb') return `${head} (${column} ASC)`;
  return `${head} (${column})`;
}

export function addColumn(flavor: Flavor, table: string, column: string, type: string): string {
  return flavor === 'sqlite'
    ? `ALTER TABLE ${table} ADD COLUMN ${column} ${type}`
    : `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`;
}

export function dropIndex(flavor: Flavor, name: string, table: string): string {
  // CockroachDB names an index by its table (`table@index`); the others by the index alone.
  return flavor === 'cockroachdb'
    ? `DROP INDEX IF EXISTS ${table}@${name}`
    : `DROP INDEX IF EXISTS ${name}`;
}

export function dropColumn(flavor: Flavor, table: string, column: string): string {
  return flavor === 'sqlite'
    ? `ALTER TABLE ${table} DROP COLUMN ${column}`
    : `ALTER TABLE ${table} DROP COLUMN IF EXISTS ${column}`;
}
