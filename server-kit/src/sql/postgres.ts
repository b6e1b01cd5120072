/**
 * PostgreSQL engine (`pg`): several stateless server processes over one database (SPEC §9), and
 * the engines that speak its protocol (CockroachDB, YugabyteDB; docs/SCALING.md).
 *
 * Transactions run at the connection's default isolation — READ COMMITTED on PostgreSQL unless
 * `isolation` says otherwise (the stores are written to stay correct at every level: each
 * double-spend check is one conditional `DELETE … RETURNING` that waits on a concurrent writer's
 * row lock and re-reads the row, or aborts with `40001` and is run again). One attempt at a time:
 * retrying.ts decides about running it again. A COMMIT whose connection breaks is reported as
 * `40003` (its outcome is unknown); a connection that broke before is destroyed, never reused.
 */
import pg from 'pg';
import type { Logger } from '../log.ts';
import { connectionLost, UnknownOutcome } from './classify.ts';
import type { SqlEngine } from './engine.ts';
import type { SqlTx } from './sql.ts';

const INT8 = 20;
const NUMERIC = 1700;

function toNumber(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${text} is not safe in JavaScript`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function wrap(client: pg.ClientBase | pg.Pool, mayHaveCommitted = false): SqlTx {
  return {
    mayHaveCommitted,
    async query<R extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, [...params]);
      return result.rows as R[];
    },
    async run(sql, params = []) {
      const result = await client.query(sql, [...params]);
      return result.rowCount ?? 0;
    },
  };
}

export interface PostgresOptions {
  readonly maxConnections?: number;
  readonly log?: Logger;
  /**
   * Every transaction's default isolation (`default_transaction_isolation`, set when each
   * connection opens). Absent: the server's own default.
   */
  readonly isolation?: SqlEngine['defaultIsolation'];
}

export function postgresEngine(url: string, options: PostgresOptions = {}): SqlEngine {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types,
    ...(options.isolation === undefined
      ? {}
      : { options: `-c default_transaction_isolation=${options.isolation.replace(' ', '\\ ')}` }),
  });
  // An idle client losing its connection must not crash the process: the pool drops it and
  // connects afresh for the next statement.
  pool.on('error', (error) => {
    options.log?.warn('database connection lost; reconnecting', { error: String(error) });
  });
  const direct = wrap(pool);

  return {
    engine: 'postgres',
    defaultIsolation: options.isolation ?? 'read committed',
    async version() {
      const rows = await direct.query<{ v: string }>('SELECT version() AS v');
      return rows[0]?.v ?? '';
    },
    query: direct.query,
    run: direct.run,
    async attempt(fn, attempt) {
      const client = await pool.connect();
      let broken = false;
      // A connection that dies while checked out (its backend terminated, the network gone)
      // also emits 'error': unheard, it would crash the process. The failing query says it.
      const lost = () => {
        broken = true;
      };
      client.on('error', lost);
      try {
        await client.query(attempt.modes === undefined ? 'BEGIN' : `BEGIN ${attempt.modes}`);
        const result = await fn(wrap(client, attempt.mayHaveCommitted));
        try {
          await client.query('COMMIT');
        } catch (error) {
          if (!connectionLost(error)) throw error;
          broken = true;
          throw new UnknownOutcome(error);
        }
        return result;
      } catch (error) {
        if (!broken) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
        }
        throw error;
      } finally {
        client.off('error', lost);
        // A connection whose ROLLBACK failed is in an unknown state: destroy it.
        client.release(broken);
      }
    },
    async ddl(statement) {
      await pool.query(statement);
    },
    close: () => pool.end(),
  };
}
