/**
 * PostgreSQL engine (`pg`): several stateless server processes over one database (SPEC §9).
 *
 * Transactions run at READ COMMITTED, which is enough for our statements to be linearizable:
 * each double-spend check is one conditional `DELETE … RETURNING` that waits on a concurrent
 * writer's row lock and then re-reads the row; counters are updated in place with their guard in
 * the WHERE clause; uniqueness (request ids, check digests, cleared checks) is an index.
 * Deadlocks and serialization failures roll back and retry the whole function.
 */
import pg from 'pg';
import type { Logger } from '../log.ts';
import type { SqlDb, SqlTx, SqlValue } from './sql.ts';

const INT8 = 20;
const NUMERIC = 1700;
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 8;

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

function wrap(client: pg.ClientBase | pg.Pool): SqlTx {
  return {
    async query<R extends object>(sql: string, params: readonly SqlValue[] = []) {
      const result = await client.query(sql, [...params]);
      return result.rows as R[];
    },
    async run(sql, params = []) {
      const result = await client.query(sql, [...params]);
      return result.rowCount ?? 0;
    },
  };
}

function code(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

export function openPostgres(
  url: string,
  options: { maxConnections?: number; log?: Logger } = {},
): SqlDb {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types });
  // An idle client losing its connection must not crash the process: the pool drops it and
  // connects afresh for the next statement.
  pool.on('error', (error) => {
    options.log?.warn('database connection lost; reconnecting', { error: String(error) });
  });
  const direct = wrap(pool);

  async function transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (!RETRYABLE.has(code(error) ?? '') || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it.
        client.release(broken);
      }
    }
  }

  return {
    engine: 'postgres',
    query: direct.query,
    run: direct.run,
    transaction,
    async migrate(ddl) {
      // Two processes starting at once must not race on CREATE TABLE IF NOT EXISTS.
      await transaction(async (tx) => {
        await tx.run('SELECT pg_advisory_xact_lock(7400)');
        for (const statement of ddl.split(';')) {
          if (statement.trim() !== '') await tx.run(statement);
        }
      });
    },
    close: () => pool.end(),
  };
}
