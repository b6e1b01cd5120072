/**
 * SQLite engine (`better-sqlite3`): the embedded default. WAL journal with `synchronous=FULL`,
 * so a commit that returned survives a power cut or a `kill -9` (SPEC §4 "Atomic", §10 durable
 * commits). One connection per process; transactions are serialized by an in-process queue
 * and take the write lock up front (`BEGIN IMMEDIATE`), so two of them never interleave.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDb, SqlRow, SqlTx, SqlValue } from './sql.ts';

/** Rewrites `$n` placeholders to `?` and orders the parameters to match. */
function positional(sql: string, params: readonly SqlValue[]): { sql: string; args: SqlValue[] } {
  const args: SqlValue[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    const index = Number(n) - 1;
    if (index < 0 || index >= params.length) throw new Error(`missing SQL parameter $${n}`);
    args.push(params[index]!);
    return '?';
  });
  return { sql: text, args };
}

export function openSqlite(path: string): SqlDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const cache = new Map<string, { text: string; stmt: Database.Statement }>();

  const prepare = (sql: string, params: readonly SqlValue[]) => {
    const { sql: text, args } = positional(sql, params);
    let entry = cache.get(sql);
    if (entry === undefined) {
      entry = { text, stmt: db.prepare(text) };
      if (cache.size > 500) cache.clear();
      cache.set(sql, entry);
    }
    return { stmt: entry.stmt, args };
  };

  const tx: SqlTx = {
    async query<R extends SqlRow>(sql: string, params: readonly SqlValue[] = []) {
      const { stmt, args } = prepare(sql, params);
      return stmt.all(...args) as R[];
    },
    async run(sql, params = []) {
      const { stmt, args } = prepare(sql, params);
      return stmt.run(...args).changes;
    },
  };

  // Every use of the one connection goes through this queue: an await inside a transaction
  // must not let another request's statements into it.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };
  let closed = false;

  return {
    engine: 'sqlite',
    query: (sql, params) => exclusive(() => tx.query(sql, params)),
    run: (sql, params) => exclusive(() => tx.run(sql, params)),
    transaction<T>(fn: (t: SqlTx) => Promise<T>): Promise<T> {
      return exclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(tx);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
    },
    migrate: (ddl) =>
      exclusive(async () => {
        db.exec(ddl);
      }),
    close: () =>
      exclusive(async () => {
        if (!closed) db.close();
        closed = true;
      }),
  };
}
