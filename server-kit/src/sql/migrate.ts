/**
 * Schema migrations as a step of their own (`netcash migrate`), portable to the distributed
 * engines (docs/SCALING.md):
 *
 * - Each store declares its `Schema`: numbered migrations, each a list of statements. Every
 *   statement runs alone in its own transaction — CockroachDB runs most schema changes outside
 *   transactions, and YugabyteDB's DDL is not transactional by default — and is idempotent
 *   (`IF NOT EXISTS`, `ON CONFLICT DO NOTHING`), so a migration cut short runs again whole.
 * - `schema_version` holds each store's version. A server checks it at start (`awaitSchema`) and
 *   waits for, or refuses, a schema that is not the one its code was written for.
 * - No advisory lock (CockroachDB has none; YugabyteDB only from 2.25.1 and behind a flag): a
 *   lease on the store's `schema_version` row. The process that sets `holder` with an expired or
 *   empty lease migrates, renewing the lease before each statement; the others wait until the
 *   version is reached or the lease runs out. So several processes starting at once migrate once,
 *   and no two run DDL at the same time (YugabyteDB does not support concurrent DDL).
 */
import { randomUUID } from 'node:crypto';
import { platformSleep } from '@netcash/protocol';
import type { Logger } from '../log.ts';
import { sqlState } from './classify.ts';
import type { Flavor, SqlDb } from './sql.ts';
import { int } from './sql.ts';

export interface Migration {
  /** What it does, for the log. */
  readonly name: string;
  /** Its statements for this engine, in order; each alone in its transaction, each idempotent. */
  readonly statements: (flavor: Flavor) => readonly string[];
}

export interface Schema {
  /** The store's row in `schema_version` (`cs`, `bank`, `insurer`, `merchant`). */
  readonly component: string;
  /** Migration n brings the schema from version n − 1 to n. */
  readonly migrations: readonly Migration[];
}

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

export interface MigrateOptions {
  readonly log?: Logger;
  /** How long a lease lasts without renewal (ms; default 2 minutes). */
  readonly leaseMs?: number;
  /** How long to wait for another process's migration before giving up (ms; default 10 minutes). */
  readonly waitMs?: number;
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface Migrated {
  readonly from: number;
  readonly to: number;
  /** This process ran the migrations (false: they were done, or another process did them). */
  readonly applied: boolean;
}

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS schema_version (
  component TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  holder TEXT,
  lease_until BIGINT NOT NULL
)`;

function missingTable(error: unknown): boolean {
  return (
    sqlState(error) === '42P01' ||
    (error instanceof Error && /no such table|does not exist/i.test(error.message))
  );
}

/** The version of `component` in this database (0 before its first migration). */
export async function schemaVersion(db: SqlDb, component: string): Promise<number> {
  try {
    const rows = await db.query<{ version: unknown }>(
      'SELECT version FROM schema_version WHERE component = $1',
      [component],
    );
    return rows[0] === undefined ? 0 : int(rows[0].version);
  } catch (error) {
    if (missingTable(error)) return 0;
    throw error;
  }
}

function ahead(schema: Schema, version: number): SchemaError {
  return new SchemaError(
    `the ${schema.component} schema is at version ${version}, newer than this netcash knows ` +
      `(${schema.migrations.length}): run the newer netcash, or restore a matching backup`,
  );
}

/** Creates `schema_version` (several processes may try at once: one wins, the others find it). */
async function ensureVersionTable(db: SqlDb, sleep: (ms: number) => Promise<void>) {
  for (let tries = 1; ; tries++) {
    try {
      await db.ddl(VERSION_TABLE);
      return;
    } catch (error) {
      // PostgreSQL may refuse a concurrent CREATE TABLE IF NOT EXISTS of the same name (23505
      // on its catalog): the other one made it.
      try {
        await db.query('SELECT component FROM schema_version WHERE component = $1', ['']);
        return;
      } catch {
        if (tries >= 20) throw error;
        await sleep(50 * tries);
      }
    }
  }
}

/**
 * Brings `schema` in `db` to its newest version, or waits while another process does. Safe to
 * run from any number of processes at once; does nothing when the version is current.
 */
export async function migrate(
  db: SqlDb,
  schema: Schema,
  options: MigrateOptions = {},
): Promise<Migrated> {
  const target = schema.migrations.length;
  const nowMs = options.nowMs ?? Date.now;
  const sleep = options.sleep ?? platformSleep;
  const leaseMs = options.leaseMs ?? 120_000;
  const deadline = nowMs() + (options.waitMs ?? 600_000);
  const holder = randomUUID();
  const c = schema.component;

  const current = await schemaVersion(db, c);
  if (current === target) return { from: current, to: target, applied: false };
  if (current > target) throw ahead(schema, current);

  await ensureVersionTable(db, sleep);
  await db.run(
    `INSERT INTO schema_version (component, version, holder, lease_until)
     VALUES ($1, 0, NULL, 0) ON CONFLICT (component) DO NOTHING`,
    [c],
    { idempotent: true },
  );
  const flavor = await db.flavor();
  let applied = false;
  let from = current;
  for (let waits = 0; ; waits++) {
    const version = await schemaVersion(db, c);
    if (version > target) throw ahead(schema, version);
    if (version === target) return { from, to: target, applied };
    // Ours again (this claim run again after an unknown outcome), free, or run out.
    const claimed = await db.run(
      `UPDATE schema_version SET holder = $2, lease_until = $3
       WHERE component = $1 AND version < $4
         AND (holder IS NULL OR holder = $2 OR lease_until < $5)`,
      [c, holder, nowMs() + leaseMs, target, nowMs()],
      { idempotent: true },
    );
    if (claimed === 1) {
      from = version;
      await runMigrations(db, schema, { flavor, holder, from: version, leaseMs, nowMs });
      applied = true;
      options.log?.info('schema migrated', { component: c, from: version, to: target });
      continue;
    }
    if (nowMs() > deadline) {
      throw new SchemaError(
        `the ${c} schema is still at version ${version}: another process holds the migration`,
      );
    }
    if (waits === 0) {
      options.log?.info('waiting for another process to migrate the schema', { component: c });
    }
    await sleep(Math.min(1_000, 25 * 2 ** Math.min(waits, 6)));
  }
}

async function runMigrations(
  db: SqlDb,
  schema: Schema,
  run: { flavor: Flavor; holder: string; from: number; leaseMs: number; nowMs: () => number },
): Promise<void> {
  const c = schema.component;
  const renew = async () => {
    const held = await db.run(
      'UPDATE schema_version SET lease_until = $3 WHERE component = $1 AND holder = $2',
      [c, run.holder, run.nowMs() + run.leaseMs],
      { idempotent: true },
    );
    if (held !== 1) throw new SchemaError(`lost the ${c} migration lease (it ran out)`);
  };
  try {
    for (let version = run.from + 1; version <= schema.migrations.length; version++) {
      const migration = schema.migrations[version - 1]!;
      for (const statement of migration.statements(run.flavor)) {
        await renew();
        try {
          await db.ddl(statement);
        } catch (error) {
          // SQLite has no ADD/DROP COLUMN IF [NOT] EXISTS: a column already there (or already
          // gone) is the step done.
          const added = /ADD COLUMN/i.test(statement) && /duplicate column/i.test(String(error));
          const dropped = /DROP COLUMN/i.test(statement) && /no such column/i.test(String(error));
          if (!added && !dropped) {
            throw new SchemaError(
              `${c} migration ${version} (${migration.name}) failed at: ${statement.trim().split('\n')[0]}: ${String(error)}`,
            );
          }
        }
      }
      const moved = await db.run(
        'UPDATE schema_version SET version = $3 WHERE component = $1 AND holder = $2',
        [c, run.holder, version],
        { idempotent: true },
      );
      if (moved !== 1) throw new SchemaError(`lost the ${c} migration lease (it ran out)`);
    }
  } finally {
    await db
      .run(
        'UPDATE schema_version SET holder = NULL, lease_until = 0 WHERE component = $1 AND holder = $2',
        [c, run.holder],
        { idempotent: true },
      )
      .catch(() => undefined);
  }
}

export interface AwaitOptions {
  readonly log?: Logger;
  /** How long to wait for `netcash migrate` (ms; 0: check once). */
  readonly waitMs?: number;
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A server's start-up check: resolves once `db` holds `schema` at exactly its newest version;
 * waits up to `waitMs` for a migration under way or about to be run (deployments start servers
 * and the migration job together), then refuses with what to run.
 */
export async function awaitSchema(
  db: SqlDb,
  schema: Schema,
  options: AwaitOptions = {},
): Promise<void> {
  const target = schema.migrations.length;
  const nowMs = options.nowMs ?? Date.now;
  const sleep = options.sleep ?? platformSleep;
  const deadline = nowMs() + (options.waitMs ?? 0);
  for (let waits = 0; ; waits++) {
    const version = await schemaVersion(db, schema.component);
    if (version === target) return;
    if (version > target) throw ahead(schema, version);
    if (nowMs() >= deadline) {
      throw new SchemaError(
        `the ${schema.component} schema is at version ${version}, this netcash needs ${target}: ` +
          'run `netcash migrate` for this database first',
      );
    }
    if (waits === 0) {
      options.log?.warn('waiting for the database schema (netcash migrate)', {
        component: schema.component,
        version,
        needed: target,
      });
    }
    await sleep(Math.min(1_000, 25 * 2 ** Math.min(waits, 6)));
  }
}

/**
 * How a server makes sure of its schema at start: `migrate` (the embedded SQLite default, tests,
 * `--migrate`), or wait up to `waitMs` for `netcash migrate` to have done it.
 */
export type SchemaStart = 'migrate' | { readonly waitMs: number };

export async function readySchema(
  db: SqlDb,
  schema: Schema,
  start: SchemaStart,
  log?: Logger,
): Promise<void> {
  const logged = log === undefined ? {} : { log };
  if (start === 'migrate') await migrate(db, schema, logged);
  else await awaitSchema(db, schema, { ...logged, waitMs: start.waitMs });
}
