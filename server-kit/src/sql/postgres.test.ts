/**
 * The PostgreSQL engine's safeguards, on a real throwaway cluster: a dropped idle connection does
 * not crash the process (the pool's error handler) and the next statement gets a fresh one; a
 * deadlock between two transactions is retried, so both commit; two processes migrating the same
 * schema at once both succeed (the migration lock).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import { type PostgresCluster, postgresAvailable, startPostgres } from '../testing/postgres.ts';
import { openPostgres } from './postgres.ts';

describe.skipIf(!postgresAvailable())('PostgreSQL engine safeguards', () => {
  let cluster: PostgresCluster;
  let databases = 0;
  const fresh = () => cluster.createDatabase(`kit_${++databases}`);
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('survives the server dropping its idle connections, and reconnects', async () => {
    const url = await fresh();
    const warnings: string[] = [];
    const log: Logger = {
      debug: () => {},
      info: () => {},
      warn: (msg) => warnings.push(msg),
      error: () => {},
      child: () => log,
    };
    const db = openPostgres(url, { log });
    await db.migrate('CREATE TABLE t (k TEXT PRIMARY KEY)');
    await db.run('INSERT INTO t (k) VALUES ($1)', ['before']);
    // Terminate every backend of this database but the admin's own: the pool's idle clients
    // get an error event with no query waiting on them (an unhandled one kills the process).
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    await db.run('INSERT INTO t (k) VALUES ($1)', ['after']);
    expect(warnings).toContain('database connection lost; reconnecting');
    expect((await db.query<{ k: string }>('SELECT k FROM t ORDER BY k')).map((r) => r.k)).toEqual([
      'after',
      'before',
    ]);
    await db.close();
  });

  it('retries a transaction chosen as a deadlock victim, so both commit', async () => {
    const db = openPostgres(await fresh());
    await db.migrate('CREATE TABLE acct (id TEXT PRIMARY KEY, n BIGINT NOT NULL)');
    await db.run("INSERT INTO acct (id, n) VALUES ('a', 0), ('b', 0)");
    // Each transaction locks one row, waits for the other to lock its row, then asks for the
    // other's row: PostgreSQL aborts one with 40P01, and the engine runs it again.
    let locked = 0;
    const bothLocked = () =>
      new Promise<void>((resolve) => {
        const poll = () => (locked >= 2 ? resolve() : setTimeout(poll, 5));
        poll();
      });
    let attempts = 0;
    const transfer = (first: string, second: string) =>
      db.transaction(async (tx) => {
        attempts++;
        await tx.run('UPDATE acct SET n = n + 1 WHERE id = $1', [first]);
        locked++;
        await bothLocked();
        await tx.run('UPDATE acct SET n = n + 1 WHERE id = $1', [second]);
      });
    await Promise.all([transfer('a', 'b'), transfer('b', 'a')]);
    expect(attempts).toBeGreaterThanOrEqual(3);
    const rows = await db.query<{ id: string; n: number }>('SELECT id, n FROM acct ORDER BY id');
    expect(rows).toEqual([
      { id: 'a', n: 2 },
      { id: 'b', n: 2 },
    ]);
    await db.close();
  });

  it('lets several processes migrate one schema at once', async () => {
    const url = await fresh();
    const ddl = `CREATE TABLE IF NOT EXISTS one (k TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS two (k TEXT PRIMARY KEY);
      CREATE INDEX IF NOT EXISTS two_k ON two (k)`;
    const dbs = Array.from({ length: 6 }, () => openPostgres(url));
    const results = await Promise.allSettled(dbs.map((db) => db.migrate(ddl)));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    await Promise.all(dbs.map((db) => db.close()));
  });
});
