/**
 * The one retry policy for database transactions (protocol's `TRANSACTION`: exponential backoff
 * with full jitter under a time budget), over any engine. Engines that abort on conflict instead
 * of waiting — CockroachDB's default SERIALIZABLE, YugabyteDB's snapshot isolation, PostgreSQL at
 * REPEATABLE READ or SERIALIZABLE — need it as much as PostgreSQL's READ COMMITTED needs it for
 * deadlocks (docs/SCALING.md):
 *
 *   conflict (`40001`, `40P01`) or connection broken before COMMIT → run it again;
 *   commit outcome unknown (`40003`, connection broken during COMMIT) → run it again only when the
 *   caller marked the transaction idempotent, telling it `mayHaveCommitted`; otherwise throw;
 *   anything else → throw at once.
 *
 * Autocommit statements are transactions of one statement: the same rules, a SELECT counting as
 * idempotent. The flavor (`SELECT version()`, once) decides how to ask for a snapshot.
 */
import {
  nextRetry,
  platformSleep,
  type Random,
  type RetryPolicy,
  TRANSACTION,
} from '@netcash/protocol';
import type { Logger } from '../log.ts';
import { classifyFailure } from './classify.ts';
import type { AttemptOptions, SqlEngine } from './engine.ts';
import { flavorOf } from './flavor.ts';
import type { Flavor, SqlDb, SqlTx, TxOptions } from './sql.ts';

export interface RetryEnv {
  readonly policy?: RetryPolicy;
  readonly nowMs?: () => number;
  readonly random?: Random;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Hears of each retry (debug level) and of budgets running out (warn). */
  readonly log?: Logger;
}

const READS = /^\s*(SELECT|WITH\s+\w+\s+AS\s*\(\s*SELECT)\b/i;

/** The transaction modes after BEGIN that give `options` on this flavor (engine.ts `modes`). */
export function transactionModes(
  flavor: Flavor,
  defaultIsolation: SqlEngine['defaultIsolation'],
  options: TxOptions,
): string | undefined {
  const modes: string[] = [];
  if (options.isolation === 'snapshot' && flavor !== 'sqlite') {
    // CockroachDB: SERIALIZABLE is its default and its snapshot (REPEATABLE READ is an alias of
    // it, or a preview level, depending on the version); the others: REPEATABLE READ is a
    // snapshot, unless the connection already runs everything SERIALIZABLE.
    if (flavor === 'cockroachdb' || defaultIsolation === 'serializable') {
      modes.push('ISOLATION LEVEL SERIALIZABLE');
    } else {
      modes.push('ISOLATION LEVEL REPEATABLE READ');
    }
  }
  if (options.readOnly === true && flavor !== 'sqlite') modes.push('READ ONLY');
  return modes.length === 0 ? undefined : modes.join(', ');
}

export function retrying(engine: SqlEngine, env: RetryEnv = {}): SqlDb {
  const policy = env.policy ?? TRANSACTION;
  const nowMs = env.nowMs ?? Date.now;
  const random = env.random ?? Math.random;
  const sleep = env.sleep ?? platformSleep;
  let flavor: Promise<Flavor> | undefined;
  const flavorOnce = () => {
    flavor ??= flavorOf(engine, (read) => retried('version', true, true, read)).catch(
      (error: unknown) => {
        flavor = undefined;
        throw error;
      },
    );
    return flavor;
  };

  /** Runs `attempt` under the policy; `idempotent` allows a retry after an unknown outcome. */
  async function retried<T>(
    what: string,
    idempotent: boolean,
    atCommit: boolean,
    attempt: (mayHaveCommitted: boolean) => Promise<T>,
  ): Promise<T> {
    const startedMs = nowMs();
    let mayHaveCommitted = false;
    for (let attempts = 1; ; attempts++) {
      try {
        return await attempt(mayHaveCommitted);
      } catch (error) {
        const failure = classifyFailure(error, atCommit);
        if (failure === 'fatal') throw error;
        if (failure === 'ambiguous') {
          if (!idempotent) throw error;
          mayHaveCommitted = true;
        }
        const decision = nextRetry(policy, { attempts, startedMs }, nowMs(), random);
        if (!decision.retry) {
          env.log?.warn('database transaction gave up', { what, attempts, failure });
          throw error;
        }
        env.log?.debug('database transaction retried', { what, attempts, failure });
        await sleep(decision.delayMs);
      }
    }
  }

  const db: SqlDb = {
    engine: engine.engine,
    flavor: flavorOnce,
    query: (sql, params) =>
      retried('statement', READS.test(sql), true, () => engine.query(sql, params)),
    run: (sql, params, options) =>
      retried('statement', options?.idempotent === true, true, () => engine.run(sql, params)),
    async transaction<T>(fn: (tx: SqlTx) => Promise<T>, options: TxOptions = {}): Promise<T> {
      const modes = transactionModes(await flavorOnce(), engine.defaultIsolation, options);
      return retried(options.label ?? 'transaction', options.idempotent === true, false, (may) => {
        const attempt: AttemptOptions = {
          ...options,
          mayHaveCommitted: may,
          ...(modes === undefined ? {} : { modes }),
        };
        return engine.attempt(fn, attempt);
      });
    },
    async snapshot<T>(fn: (tx: SqlTx) => Promise<T>) {
      const value = await db.transaction(fn, {
        isolation: 'snapshot',
        readOnly: true,
        idempotent: true,
        label: 'snapshot',
      });
      // Citus: a transaction spanning shards reads each at its own snapshot.
      return { value, consistent: (await flavorOnce()) !== 'citus' };
    },
    // Migrations' statements are idempotent by construction (IF NOT EXISTS): always retried.
    ddl: (statement) => retried('ddl', true, true, () => engine.ddl(statement)),
    close: () => engine.close(),
  };
  return db;
}
