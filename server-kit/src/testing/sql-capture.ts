/**
 * A statement recorder between an engine and the SQL layer (test-only): every statement a store
 * sends, with the transaction it ran in and that transaction's label, for the portability lint
 * (sql-lint.ts). Each autocommit statement and each schema statement is a transaction of its own.
 */
import type { AttemptOptions, SqlEngine, SqlTx, SqlValue } from '../index.ts';

export interface Captured {
  readonly sql: string;
  /** The transaction (attempt) it ran in; unique per attempt. */
  readonly tx: number;
  readonly kind: 'transaction' | 'autocommit' | 'ddl';
  /** The transaction's label (`exchange`, …), if it had one. */
  readonly label?: string;
}

/** Transaction numbers, unique across every engine recorded into one list. */
let next = 0;

export function capturing(engine: SqlEngine, into: Captured[]): SqlEngine {
  const record = (sql: string, tx: number, kind: Captured['kind'], label?: string) => {
    into.push({ sql, tx, kind, ...(label === undefined ? {} : { label }) });
  };
  return {
    engine: engine.engine,
    defaultIsolation: engine.defaultIsolation,
    version: () => engine.version(),
    query<R extends object>(sql: string, params?: readonly SqlValue[]) {
      record(sql, ++next, 'autocommit');
      return engine.query<R>(sql, params);
    },
    run(sql, params) {
      record(sql, ++next, 'autocommit');
      return engine.run(sql, params);
    },
    attempt<T>(fn: (tx: SqlTx) => Promise<T>, attempt: AttemptOptions): Promise<T> {
      const id = ++next;
      return engine.attempt(
        (tx) =>
          fn({
            ...(tx.mayHaveCommitted === undefined ? {} : { mayHaveCommitted: tx.mayHaveCommitted }),
            query<R extends object>(sql: string, params?: readonly SqlValue[]) {
              record(sql, id, 'transaction', attempt.label);
              return tx.query<R>(sql, params);
            },
            run(sql, params) {
              record(sql, id, 'transaction', attempt.label);
              return tx.run(sql, params);
            },
          }),
        attempt,
      );
    },
    ddl(sql) {
      record(sql, ++next, 'ddl');
      return engine.ddl(sql);
    },
    close: () => engine.close(),
  };
}
