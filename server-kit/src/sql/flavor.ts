/**
 * Which engine answers, from its version string (`SELECT version()`):
 *
 *   CockroachDB   `CockroachDB CCL v24.1.0 (x86_64-pc-linux-gnu, …)`
 *   YugabyteDB    `PostgreSQL 11.2-YB-2.20.0.0-b0 on x86_64-pc-linux-gnu, …` (the `-YB-` marker)
 *   Citus         PostgreSQL's own string; the `citus` extension installed
 *   PostgreSQL    anything else from the `pg` adapter
 *
 * Migrations choose engine-specific DDL by it (hash-sharded indexes on CockroachDB, range indexes
 * on YugabyteDB) and transactions the words that ask for a snapshot.
 */
import type { SqlEngine } from './engine.ts';
import type { Flavor } from './sql.ts';

export function flavorOfVersion(version: string): Exclude<Flavor, 'citus'> {
  if (/CockroachDB/i.test(version)) return 'cockroachdb';
  if (/-YB-/.test(version)) return 'yugabytedb';
  return 'postgres';
}

/** The flavor behind `engine`, asked through `read` (the layer's retried reads). */
export async function flavorOf(
  engine: SqlEngine,
  read: <T>(what: () => Promise<T>) => Promise<T>,
): Promise<Flavor> {
  if (engine.engine === 'sqlite') return 'sqlite';
  const flavor = flavorOfVersion(await read(() => engine.version()));
  if (flavor !== 'postgres') return flavor;
  const citus = await read(() =>
    engine.query("SELECT 1 AS x FROM pg_extension WHERE extname = 'citus'"),
  );
  return citus.length > 0 ? 'citus' : 'postgres';
}
