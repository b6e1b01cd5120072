/**
 * A fault injector between an engine and the SQL layer's retry policy (test-only): at random it
 * aborts a transaction with `40001` just before its COMMIT (rolled back, as CockroachDB or
 * YugabyteDB would on a conflict), or lets it COMMIT and then reports `40003` (committed, but the
 * caller is told the outcome is unknown). Autocommit statements get the same two faults. A store
 * whose outcomes stay the same under it retries conflicts and finds its own committed writes.
 */
import type { AttemptOptions, SqlDb, SqlEngine, SqlTx, SqlValue } from '../index.ts';
import { retrying, UnknownOutcome } from '../index.ts';

export interface FaultCounts {
  /** `40001` raised before a COMMIT (or before an autocommit statement ran). */
  conflicts: number;
  /** `40003` raised after a COMMIT succeeded (or after an autocommit statement ran). */
  unknownOutcomes: number;
}

export interface FaultOptions {
  /** Chance that an attempt gets a fault (half conflicts, half unknown outcomes); default 0.2. */
  readonly rate?: number;
  /** A seeded source makes a failing run repeatable (`seededRandom`). */
  readonly random?: () => number;
}

/** `40001`, as a database reports it. */
export class InjectedConflict extends Error {
  readonly code = '40001';
  constructor() {
    super('injected serialization failure (40001)');
  }
}

/** A small deterministic PRNG (mulberry32) for repeatable fault schedules. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function withFaults(
  engine: SqlEngine,
  options: FaultOptions = {},
): SqlEngine & { readonly faults: FaultCounts } {
  const rate = options.rate ?? 0.2;
  const random = options.random ?? Math.random;
  const faults: FaultCounts = { conflicts: 0, unknownOutcomes: 0 };
  const pick = (): 'none' | 'conflict' | 'unknown' => {
    const r = random();
    if (r < rate / 2) return 'conflict';
    if (r < rate) return 'unknown';
    return 'none';
  };
  const statement = async <T>(run: () => Promise<T>): Promise<T> => {
    const fault = pick();
    if (fault === 'conflict') {
      faults.conflicts++;
      throw new InjectedConflict();
    }
    const result = await run();
    if (fault === 'unknown') {
      faults.unknownOutcomes++;
      throw new UnknownOutcome();
    }
    return result;
  };
  return {
    engine: engine.engine,
    defaultIsolation: engine.defaultIsolation,
    faults,
    version: () => engine.version(),
    query: <R extends object>(sql: string, params?: readonly SqlValue[]) =>
      statement(() => engine.query<R>(sql, params)),
    run: (sql, params) => statement(() => engine.run(sql, params)),
    async attempt<T>(fn: (tx: SqlTx) => Promise<T>, attempt: AttemptOptions): Promise<T> {
      const fault = pick();
      const result = await engine.attempt(async (tx) => {
        const value = await fn(tx);
        if (fault === 'conflict') {
          faults.conflicts++;
          throw new InjectedConflict();
        }
        return value;
      }, attempt);
      if (fault === 'unknown') {
        faults.unknownOutcomes++;
        throw new UnknownOutcome();
      }
      return result;
    },
    ddl: (sql) => engine.ddl(sql),
    close: () => engine.close(),
  };
}

/** The engines of one test file under faults, and what was injected into them in all. */
export interface FaultSchedule {
  /** The seed of the file's random source: NETCASH_FAULT_SEED=seed replays the same faults. */
  readonly seed: number;
  /** `engine` with faults (`withFaults`) under the SQL layer's retry policy (`retrying`). */
  faulty(engine: SqlEngine): SqlDb;
  /** Faults of that kind injected so far, over every engine `faulty` wrapped. */
  injected(kind: keyof FaultCounts): number;
}

/**
 * One seeded fault schedule for a test file (the seed from NETCASH_FAULT_SEED or random, printed
 * so that a failing run can be replayed), shared by every engine it wraps.
 */
export function faultSchedule(options: Omit<FaultOptions, 'random'> = {}): FaultSchedule {
  const seed = Number(process.env['NETCASH_FAULT_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`fault schedule seed ${seed} (NETCASH_FAULT_SEED to replay)`);
  const random = seededRandom(seed);
  const counts: FaultCounts[] = [];
  return {
    seed,
    faulty(engine) {
      const wrapped = withFaults(engine, { ...options, random });
      counts.push(wrapped.faults);
      return retrying(wrapped);
    },
    injected: (kind) => counts.reduce((sum, c) => sum + c[kind], 0),
  };
}
