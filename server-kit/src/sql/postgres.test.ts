/**
 * The PostgreSQL engine's safeguards, on a real throwaway cluster: a dropped idle connection does
 * not crash the process (the pool's error handler) and the next statement gets a fresh one; a
 * deadlock between two transactions is retried, so both commit; so are serialization failures
 * at SERIALIZABLE; a COMMIT whose connection is cut is an unknown outcome (40003), run again
 * only for a transaction marked idempotent.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import { type PostgresCluster, postgresAvailable, startPostgres } from '../testing/postgres.ts';
import { openPostgres } from './open.ts';
import type { SqlTx } from './sql.ts';

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
    await db.ddl('CREATE TABLE t (k TEXT PRIMARY KEY)');
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
    await db.ddl('CREATE TABLE acct (id TEXT PRIMARY KEY, n BIGINT NOT NULL)');
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

  it('runs 30 conflicting read-modify-write transactions at SERIALIZABLE to completion', async () => {
    // Each reads the counter and writes it back plus one: at SERIALIZABLE all but one of a
    // concurrent group abort with 40001 and run again under the backoff, until all 30 commit.
    const url = await fresh();
    const db = openPostgres(url, { isolation: 'serializable', maxConnections: 10 });
    await db.ddl('CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)');
    await db.run('INSERT INTO counter (id, n) VALUES (1, 0)');
    let attempts = 0;
    await Promise.all(
      Array.from({ length: 30 }, () =>
        db.transaction(async (tx) => {
          attempts++;
          const [row] = await tx.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
          await tx.run('UPDATE counter SET n = $1 WHERE id = 1', [row!.n + 1]);
        }),
      ),
    );
    expect((await db.query<{ n: number }>('SELECT n FROM counter'))[0]?.n).toBe(30);
    expect(attempts).toBeGreaterThan(30);
    await db.close();
  });

  it('reports a COMMIT cut off as an unknown outcome: run again only when idempotent', async () => {
    const url = await fresh();
    const db = openPostgres(url);
    await db.ddl('CREATE TABLE t (k TEXT PRIMARY KEY)');
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // The transaction's own backend is killed after its last statement, before COMMIT arrives:
    // the client sees its connection end during COMMIT and cannot know what happened.
    const cutOff = async (tx: SqlTx, key: string) => {
      await tx.run('INSERT INTO t (k) VALUES ($1)', [key]);
      const [me] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await admin.query('SELECT pg_terminate_backend($1)', [me!.pid]);
    };
    const seen: boolean[] = [];
    await db.transaction(
      async (tx) => {
        seen.push(tx.mayHaveCommitted === true);
        if (seen.length === 1) await cutOff(tx, 'a');
        else await tx.run('INSERT INTO t (k) VALUES ($1) ON CONFLICT (k) DO NOTHING', ['a']);
      },
      { idempotent: true },
    );
    expect(seen).toEqual([false, true]);
    await expect(db.transaction((tx) => cutOff(tx, 'b'))).rejects.toMatchObject({ code: '40003' });
    expect((await db.query<{ k: string }>('SELECT k FROM t ORDER BY k')).map((r) => r.k)).toEqual([
      'a',
    ]);
    await admin.end();
    await db.close();
  });
});
