/**
 * The one SQL surface every NetCash store is written against — the insurer's, the bank's, the
 * currency server's and the merchant's — so that each has a single store implementation with two
 * engines under it: SQLite (`better-sqlite3`, the embedded default) and PostgreSQL (`pg`, for
 * several processes over one database, SPEC §9).
 *
 * Statements use PostgreSQL's `$1, $2, …` placeholders and the portable subset of SQL both
 * engines share (`INSERT … ON CONFLICT DO NOTHING`, `DELETE … RETURNING`, `CAST(… AS BIGINT)`);
 * the SQLite adapter rewrites placeholders. Values are strings, safe integers or null: bytes
 * travel as base64url text and amounts as integers of minor units, never floats.
 *
 * A transaction is an async function; it either commits as a whole or rolls back on a throw.
 * Engines retry it from the start on serialization failures and deadlocks, so the function must
 * not do network I/O or have other side effects outside the database.
 */

export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

/** Statements inside one transaction (or one autocommit statement outside). */
export interface SqlTx {
  /** Rows of a SELECT or of a statement with RETURNING. */
  query<R extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDb extends SqlTx {
  readonly engine: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Runs schema statements (DDL) separated by `;`, idempotently. */
  migrate(ddl: string): Promise<void>;
  close(): Promise<void>;
}

/** `IN ($k, $k+1, …)` for a list of values, placeholders numbered from `first`. */
export function inList(first: number, count: number): string {
  return `(${Array.from({ length: count }, (_, i) => `$${first + i}`).join(', ')})`;
}

/** A stored integer as a number; refuses anything that is not a safe integer. */
export function int(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw new TypeError(`not a safe integer: ${String(value)}`);
  return n;
}

/** A row's column as a number (both engines give numbers for BIGINT once configured). */
export function num(row: SqlRow | undefined, column: string): number {
  const value = row?.[column];
  return value === null || value === undefined ? 0 : int(value);
}

/** A row's column as a string. */
export function str(row: SqlRow | undefined, column: string): string {
  const value = row?.[column];
  if (typeof value !== 'string') throw new Error(`column ${column} is not text`);
  return value;
}
