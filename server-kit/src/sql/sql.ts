/**
 * The one SQL surface every NetCash store is written against — the insurer's, the bank's, the
 * currency server's and the merchant's — so that each has a single store implementation with two
 * engines under it: SQLite (`better-sqlite3`, the embedded default) and PostgreSQL (`pg`), the
 * latter also for the distributed engines that speak its protocol (CockroachDB, YugabyteDB;
 * docs/SCALING.md).
 *
 * Statements use PostgreSQL's `$1, $2, …` placeholders and the portable subset of SQL the engines
 * share (`INSERT … ON CONFLICT DO NOTHING`, `DELETE … RETURNING`, `CAST(… AS BIGINT)`); the
 * SQLite adapter rewrites placeholders. Values are strings, safe integers or null: bytes travel as
 * base64url text and amounts as integers of minor units, never floats.
 *
 * A transaction is an async function; it either commits as a whole or rolls back on a throw. The
 * layer runs it again from the start on serialization failures and deadlocks (retrying.ts), so the
 * function must not do network I/O or have other side effects outside the database. After a
 * commit whose outcome is unknown (`40003`, a connection lost during COMMIT) it runs it again only
 * if the caller marked it idempotent — and then tells it so (`mayHaveCommitted`), so that it can
 * find its own writes instead of reporting them as someone else's.
 */

export type SqlValue = string | number | null;
export type SqlRow = Record<string, SqlValue>;

/** Which database answers: decides engine-specific DDL (migrate.ts) and transaction modes. */
export type Flavor = 'sqlite' | 'postgres' | 'cockroachdb' | 'yugabytedb' | 'citus';

/** Statements inside one transaction (or one autocommit statement outside). */
export interface SqlTx {
  /** Rows of a SELECT or of a statement with RETURNING. */
  query<R extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * An earlier attempt of this transaction ended with its commit's outcome unknown: its writes
   * may already be there. Only ever true for transactions marked `idempotent`.
   */
  readonly mayHaveCommitted?: boolean;
}

export interface TxOptions {
  /**
   * Running it again after a commit whose outcome is unknown is safe: it claims something unique
   * first (a request id, a claim token) and, finding it taken by its own earlier attempt, does
   * nothing twice. Only such transactions are retried on `40003`.
   */
  readonly idempotent?: boolean;
  /**
   * `snapshot`: at least snapshot isolation for this transaction (one snapshot for all its
   * reads; a concurrent update of a row it writes aborts it with `40001`, and it is retried).
   * Absent: the connection's default (READ COMMITTED on PostgreSQL unless configured).
   */
  readonly isolation?: 'snapshot';
  readonly readOnly?: boolean;
  /** What the transaction is (`exchange`, …): recorded with its statements by tests' capture. */
  readonly label?: string;
}

export interface AutocommitOptions {
  /** As TxOptions.idempotent, for a single statement outside a transaction. */
  readonly idempotent?: boolean;
}

export interface SqlDb {
  readonly engine: 'sqlite' | 'postgres';
  /** The engine answering (`SELECT version()` once, cached). */
  flavor(): Promise<Flavor>;
  /** One statement in its own transaction; retried on conflicts (reads: also on `40003`). */
  query<R extends object = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  run(sql: string, params?: readonly SqlValue[], options?: AutocommitOptions): Promise<number>;
  /** Runs `fn` in one transaction: all its writes commit together or not at all. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * Reads at one consistent snapshot where the engine has one (`consistent: true`): an audit
   * sees the books as of one instant. Where it has none (Citus across shards) the reads still
   * run in one transaction, and `consistent` says they may not be of one instant.
   */
  snapshot<T>(fn: (tx: SqlTx) => Promise<T>): Promise<{ value: T; consistent: boolean }>;
  /** One schema statement, alone in its transaction (migrate.ts runs migrations with it). */
  ddl(statement: string): Promise<void>;
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

/**
 * The answer of an idempotent transaction that may find its work already done. Create one per
 * call, outside the transaction function, and pass every attempt's answer through it: run again
 * after an unknown commit outcome and finding `nothingLeft`, the earlier attempt is the one that
 * committed, and its answer (`true`, what it pruned, the rows it wrote) is the call's answer.
 */
export function lastAnswer<T>(): (tx: SqlTx, answer: T, nothingLeft: boolean) => T {
  let last: { value: T } | undefined;
  return (tx, answer, nothingLeft) => {
    if (tx.mayHaveCommitted === true && nothingLeft && last !== undefined) return last.value;
    last = { value: answer };
    return answer;
  };
}
