/**
 * Migrations as a step of their own (migrate.ts), on a real SQLite file and a real PostgreSQL
 * database: numbered migrations applied once each, statement by statement; a failed one resumes
 * where it stopped; a server's start-up check refuses a schema behind or ahead of its code; six
 * processes' worth of connections migrating one empty database at once run each statement once,
 * and a lease left by a dead migrator is taken over once it runs out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresCluster, postgresAvailable, startPostgres } from '../testing/postgres.ts';
import type { Captured } from '../testing/sql-capture.ts';
import { capturing } from '../testing/sql-capture.ts';
import { sequentialIndex } from './ddl.ts';
import { awaitSchema, migrate, type Schema, SchemaError, schemaVersion } from './migrate.ts';
import { openPostgres, openSqlite } from './open.ts';
import { postgresEngine } from './postgres.ts';
import { retrying } from './retrying.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA: Schema = {
  component: 'demo',
  migrations: [
    {
      name: 'tables',
      statements: (flavor) => [
        'CREATE TABLE IF NOT EXISTS item (id TEXT PRIMARY KEY, made BIGINT NOT NULL)',
        sequentialIndex(flavor, 'item_made', 'item', 'made'),
      ],
    },
    {
      name: 'counts',
      statements: () => [
        'CREATE TABLE IF NOT EXISTS tally (k INTEGER PRIMARY KEY, n BIGINT NOT NULL)',
        'INSERT INTO tally (k, n) VALUES (1, 0) ON CONFLICT (k) DO NOTHING',
      ],
    },
  ],
};

describe('migrations on SQLite', () => {
  it('applies each migration once and records the version', async () => {
    const db = openSqlite(join(dir, 'once.db'));
    expect(await schemaVersion(db, 'demo')).toBe(0);
    expect(await migrate(db, SCHEMA)).toEqual({ from: 0, to: 2, applied: true });
    expect(await migrate(db, SCHEMA)).toEqual({ from: 2, to: 2, applied: false });
    expect(await schemaVersion(db, 'demo')).toBe(2);
    expect(await db.query('SELECT k, n FROM tally')).toEqual([{ k: 1, n: 0 }]);
    await awaitSchema(db, SCHEMA);
    await db.close();
  });

  it('stops at a failing statement and resumes there on the next run', async () => {
    const db = openSqlite(join(dir, 'resume.db'));
    const broken: Schema = {
      component: 'demo',
      migrations: [SCHEMA.migrations[0]!, { name: 'bad', statements: () => ['CREATE TABLE'] }],
    };
    await expect(migrate(db, broken)).rejects.toBeInstanceOf(SchemaError);
    expect(await schemaVersion(db, 'demo')).toBe(1);
    // Nobody holds the lease after the failure: the fixed schema migrates at once.
    expect(await migrate(db, SCHEMA, { waitMs: 0 })).toEqual({ from: 1, to: 2, applied: true });
    await db.close();
  });

  it('refuses at start a schema behind or ahead of the code, saying what to run', async () => {
    const db = openSqlite(join(dir, 'check.db'));
    await expect(awaitSchema(db, SCHEMA)).rejects.toThrow(/version 0.*needs 2.*netcash migrate/);
    await migrate(db, SCHEMA);
    const older: Schema = { component: 'demo', migrations: SCHEMA.migrations.slice(0, 1) };
    await expect(awaitSchema(db, older)).rejects.toThrow(/version 2, newer than this netcash/);
    await expect(migrate(db, older)).rejects.toThrow(/newer than this netcash/);
    await db.close();
  });

  it('waits at start while the migration runs elsewhere, then serves', async () => {
    const path = join(dir, 'wait.db');
    const server = openSqlite(path);
    const migrator = openSqlite(path);
    const waiting = awaitSchema(server, SCHEMA, { waitMs: 10_000 });
    await new Promise((r) => setTimeout(r, 50));
    await migrate(migrator, SCHEMA);
    await waiting;
    await migrator.close();
    await server.close();
  });
});

describe.skipIf(!postgresAvailable())('migrations on PostgreSQL', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('six migrators on one empty database: one migrates, each statement runs once', async () => {
    const url = await cluster.createDatabase('six');
    const statements: Captured[] = [];
    const dbs = Array.from({ length: 6 }, () =>
      retrying(capturing(postgresEngine(url), statements)),
    );
    const results = await Promise.all(dbs.map((db) => migrate(db, SCHEMA)));
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(results.every((r) => r.to === 2)).toBe(true);
    const schemaStatements = SCHEMA.migrations.flatMap((m) => m.statements('postgres'));
    for (const statement of schemaStatements) {
      expect(statements.filter((s) => s.sql === statement)).toHaveLength(1);
    }
    expect(statements.some((s) => /advisory/i.test(s.sql))).toBe(false);
    await Promise.all(dbs.map((db) => db.close()));
  });

  it('takes over the lease of a migrator that died, once it runs out', async () => {
    const url = await cluster.createDatabase('dead');
    const db = openPostgres(url);
    await migrate(db, { component: 'demo', migrations: SCHEMA.migrations.slice(0, 1) });
    // A process claimed migration 2 and died: its lease still has a while to run.
    let now = 1_000_000;
    await db.run('UPDATE schema_version SET holder = $1, lease_until = $2', ['dead', now + 5_000]);
    const sleep = async (ms: number) => {
      now += ms;
    };
    const done = await migrate(db, SCHEMA, { nowMs: () => now, sleep, waitMs: 60_000 });
    expect(done).toEqual({ from: 1, to: 2, applied: true });
    expect(now).toBeGreaterThan(1_005_000);
    await db.close();
  });
});
