/**
 * What an engine adapter (sqlite.ts, postgres.ts) gives the SQL layer: statements, and ONE attempt
 * at a transaction. Retrying is not the engine's business — retrying.ts does it once for every
 * engine — so that a test can put a fault injector or a statement recorder between the two
 * (@netcash/server-kit/testing).
 */
import type { SqlTx, SqlValue, TxOptions } from './sql.ts';

export interface AttemptOptions extends TxOptions {
  /**
   * Transaction modes after BEGIN (`ISOLATION LEVEL REPEATABLE READ, READ ONLY`), chosen by the
   * layer for the engine's flavor; none means the connection's default.
   */
  readonly modes?: string;
  /** An earlier attempt may have committed (passed on to the function as tx.mayHaveCommitted). */
  readonly mayHaveCommitted: boolean;
}

export interface SqlEngine {
  readonly engine: 'sqlite' | 'postgres';
  /**
   * The isolation level transactions get by default on this connection (PostgreSQL's
   * `default_transaction_isolation`; the layer needs it to ask for at least a snapshot).
   */
  readonly defaultIsolation: 'read committed' | 'repeatable read' | 'serializable';
  /** The server's version string (`SELECT version()`); SQLite's library version. */
  version(): Promise<string>;
  /** One statement in autocommit mode. */
  query<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * One try of a transaction: BEGIN, `fn`, COMMIT; on a throw, ROLLBACK and rethrow. A failure
   * of the COMMIT whose outcome is unknown is thrown with SQLSTATE `40003` (classify.ts).
   */
  attempt<T>(fn: (tx: SqlTx) => Promise<T>, options: AttemptOptions): Promise<T>;
  /** One schema statement, alone in its transaction. */
  ddl(statement: string): Promise<void>;
  close(): Promise<void>;
}
