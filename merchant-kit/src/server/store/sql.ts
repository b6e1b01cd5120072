/**
 * A minimal SQL connection shared by the merchant store's two back ends: SQLite (better-sqlite3,
 * WAL, synchronous=FULL — the embedded default) and PostgreSQL (pg). Queries are written once with
 * `?` placeholders; the PostgreSQL side numbers them (`$1`, `$2`, …).
 *
 * Transactions take an async function so the same store code runs on both. better-sqlite3 is
 * synchronous and has one connection, so its transactions are serialized through a queue: no
 * statement of another caller can interleave with an open transaction. Nothing inside a
 * transaction may do network I/O (the store never does).
 */
import Database from 'better-sqlite3';

export type SqlValue = string | number | null;

/** What a store may do inside or outside a transaction. */
export interface SqlRunner {
  /** Rows as plain objects keyed by column name. */
  all<R>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Executes a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDb extends SqlRunner {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: all of its writes commit together or none do. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Runs DDL (several statements separated by `;`). */
  exec(ddl: string): Promise<void>;
  close(): Promise<void>;
}

/** A FIFO mutex: callers run one at a time, in order. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** Opens (creating if needed) a SQLite database file; `:memory:` for a throwaway one. */
export function openSqlite(path: string): SqlDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // Receipts and held coins are money: a commit must survive a power cut.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const queue = new Queue();
  const runner: SqlRunner = {
    all: async <R>(sql: string, params: readonly SqlValue[] = []) =>
      db.prepare(sql).all(...params) as R[],
    run: async (sql, params = []) => db.prepare(sql).run(...params).changes,
  };
  return {
    dialect: 'sqlite',
    all: (sql, params) => queue.run(() => runner.all(sql, params)),
    run: (sql, params) => queue.run(() => runner.run(sql, params)),
    transaction: (fn) =>
      queue.run(async () => {
        // IMMEDIATE: take the write lock now, so two processes on one file never deadlock.
        db.exec('BEGIN IMMEDIATE');
        try {
          const out = await fn(runner);
          db.exec('COMMIT');
          return out;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    exec: (ddl) =>
      queue.run(async () => {
        db.exec(ddl);
      }),
    close: () =>
      queue.run(async () => {
        db.close();
      }),
  };
}

/** `?` → `$n`, outside string literals (the store's SQL has no `?` in literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

interface PgClient {
  query(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<{ rows: unknown[]; rowCount: number | null }>;
}
interface PgPoolClient extends PgClient {
  release(): void;
}
interface PgPool extends PgClient {
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

function pgRunner(client: PgClient): SqlRunner {
  return {
    all: async <R>(sql: string, params: readonly SqlValue[] = []) =>
      (await client.query(numberPlaceholders(sql), params)).rows as R[],
    run: async (sql, params = []) =>
      (await client.query(numberPlaceholders(sql), params)).rowCount ?? 0,
  };
}

/** Connects to PostgreSQL (`postgres://…`). `pg` is loaded only when this is used. */
export async function openPostgres(url: string, poolSize = 8): Promise<SqlDb> {
  const { default: pg } = await import('pg');
  const pool: PgPool = new pg.Pool({ connectionString: url, max: poolSize });
  const runner = pgRunner(pool);
  return {
    dialect: 'postgres',
    ...runner,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(pgRunner(client));
        await client.query('COMMIT');
        return out;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async exec(ddl) {
      await pool.query(ddl);
    },
    close: () => pool.end(),
  };
}

/** BIGINT columns come back as strings from pg and numbers from SQLite. */
export function int(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new TypeError(`not a safe integer: ${String(value)}`);
  return n;
}
