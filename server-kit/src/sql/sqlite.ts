/**
 * SQLite engine (`better-sqlite3`): the embedded default. WAL journal with `synchronous=FULL`,
 * so a commit that returned survives a power cut or a `kill -9` (SPEC §4 "Atomic", §10 durable
 * commits). One connection per process; transactions are serialized by an in-process queue
 * and take the write lock up front (`BEGIN IMMEDIATE`), so two of them never interleave.
 *
 * Group commit: better-sqlite3 is synchronous, so each COMMIT blocks the process for one fsync
 * of the WAL (1–3 ms on this disk) and commits one at a time could never exceed ~1/fsync per
 * second. Transactions requested while others run or in the same turn of the event loop are
 * therefore run together: one `BEGIN IMMEDIATE`, each function in its own SAVEPOINT (a function
 * that throws is rolled back to its savepoint alone, exactly as if it had run by itself; a group
 * of one needs none), one COMMIT — one fsync for the group. Savepoint journals stay in memory. No caller hears of its transaction before that COMMIT has
 * returned, so durability is unchanged; if the COMMIT fails, every transaction of the group
 * fails and nothing of it is stored.
 *
 * WAL checkpoints run on a second connection in a worker thread (sqlite-checkpointer.ts), not
 * inside the COMMIT that crosses SQLite's automatic threshold: copying pages into the database
 * file would otherwise stall every request for that group's COMMIT.
 *
 * Deleted rows are scrubbed (docs/PRIVACY.md): a spent serial must not stay readable in the file
 * after its row is gone. `secure_delete = ON` overwrites deleted content with zeros, freed pages
 * included; but the WAL keeps every page image written since the last checkpoint, the image
 * before the delete too, so every `scrubMs` (if anything was written) the WAL is checkpointed
 * and truncated to zero bytes. Between scrubs a WAL that restarts keeps its file (up to the
 * checkpointer's `walLimit`), rewritten from its start — cheaper for the kernel than a file
 * that grows — so older frames stay in it until overwritten or that scrub. A deleted value can
 * outlive its row only as a divider key in an interior b-tree page, until that page is rewritten.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Mutex } from '@netcash/protocol';
import Database from 'better-sqlite3';
import type { SqlEngine } from './engine.ts';
import type { SqlTx, SqlValue } from './sql.ts';
import { type Checkpointer, checkpointer } from './sqlite-checkpointer.ts';

/**
 * Rewrites `$n` placeholders to `?`; `order[i]` is the index in the caller's parameters of the
 * i-th `?` (a `$n` may repeat). Done once per SQL text, then cached with its statement.
 */
function positional(sql: string): { text: string; order: number[] | null } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  // $1, $2, … in order, each once (nearly every statement): the parameters pass as they are.
  return { text, order: order.every((n, i) => n === i) ? null : order };
}

/** Most transactions committed together (bounds the wait of the last one in a group). */
const MAX_GROUP = 128;

/** How long a deleted row may stay in the WAL at most (plus one checkpoint), by default. */
export const DEFAULT_SCRUB_MS = 60_000;

export interface SqliteOptions {
  /** Milliseconds between WAL scrubs (checkpoint + truncate) while rows are written; 0: never. */
  readonly scrubMs?: number;
  /** Overwrite deleted content with zeros (default true; off only to measure what it costs). */
  readonly secureDelete?: boolean;
  /** WAL frames that start a background checkpoint, and that make the writer truncate it (tests). */
  readonly checkpoint?: { readonly frames: number; readonly restartFrames: number };
}

/** The engine alone (tests wrap it); `openSqlite` (open.ts) is the database to use. */
export function sqliteEngine(path: string, options: SqliteOptions = {}): SqlEngine {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma(`secure_delete = ${options.secureDelete === false ? 'OFF' : 'ON'}`);
  // Savepoints journal every page they first touch; on disk that is a temp file in /var/tmp
  // (a write call per page, and deleted serials left on disk). Kept in memory instead.
  db.pragma('temp_store = MEMORY');
  const background: Checkpointer | null =
    path === ':memory:'
      ? null
      : checkpointer(path, Number(db.pragma('page_size', { simple: true })), {
          // Without its thread the store checkpoints as SQLite does by itself.
          onFailure: () => db.pragma('wal_autocheckpoint = 1000'),
          ...(options.checkpoint === undefined
            ? {}
            : {
                framesPerCheckpoint: options.checkpoint.frames,
                restartFrames: options.checkpoint.restartFrames,
              }),
        });
  if (background !== null) db.pragma('wal_autocheckpoint = 0');
  // A restarted WAL keeps this much of its file (the checkpointer's restart length).
  db.pragma(`journal_size_limit = ${background?.walLimit ?? 0}`);
  const cache = new Map<string, { stmt: Database.Statement; order: number[] | null }>();
  // Transaction control, prepared once (an exec parses its text every time).
  const control = {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: db.prepare('SAVEPOINT one'),
    release: db.prepare('RELEASE one'),
    rollbackTo: db.prepare('ROLLBACK TO one'),
  };

  const prepare = (sql: string, params: readonly SqlValue[]) => {
    let entry = cache.get(sql);
    if (entry === undefined) {
      const { text, order } = positional(sql);
      entry = { stmt: db.prepare(text), order };
      if (cache.size > 500) cache.clear();
      cache.set(sql, entry);
    }
    const { order } = entry;
    const args =
      order === null
        ? params
        : order.map((index) => {
            if (index < 0 || index >= params.length)
              throw new Error(`missing SQL parameter $${index + 1}`);
            return params[index]!;
          });
    return { stmt: entry.stmt, args };
  };

  const tx: SqlTx = {
    async query<R extends object>(sql: string, params: readonly SqlValue[] = []) {
      const { stmt, args } = prepare(sql, params);
      return stmt.all(...args) as R[];
    },
    async run(sql, params = []) {
      const { stmt, args } = prepare(sql, params);
      return stmt.run(...args).changes;
    },
  };

  // Every use of the one connection goes through this mutex: an await inside a transaction
  // must not let another request's statements into it.
  const mutex = new Mutex();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => mutex.run(fn);
  let closed = false;
  /** Something may have been written (or deleted) since the last scrub. */
  let dirty = false;
  const touched = <T>(value: T): T => {
    dirty = true;
    return value;
  };

  /**
   * Runs `fn` on the connection once no background checkpoint runs (one can only start in a
   * group commit, so none starts while `fn` holds the connection): two checkpoints at once would
   * make the writer wait on the other's lock.
   */
  const withoutBackground = async (fn: () => void): Promise<void> => {
    for (;;) {
      await background?.idle();
      const done = await exclusive(async () => {
        if (background?.busy() === true) return false;
        fn();
        return true;
      });
      if (done) return;
    }
  };

  /**
   * Checkpoints the whole WAL; TRUNCATE then cuts it to zero bytes (the scrub; retried next time
   * if a reader holds it), RESTART leaves the file for the next frames to overwrite.
   */
  const checkpoint = (mode: 'TRUNCATE' | 'RESTART'): boolean => {
    const [result] = db.pragma(`wal_checkpoint(${mode})`) as { busy: number }[];
    return result === undefined || result.busy === 0;
  };
  const scrub = () =>
    withoutBackground(() => {
      if (closed || !dirty) return;
      dirty = false;
      if (!checkpoint('TRUNCATE')) dirty = true;
    });
  let restarting = false;
  /** The WAL grew past what the background copies while commits continue: restart it here. */
  const restart = () => {
    if (restarting) return;
    restarting = true;
    void withoutBackground(() => {
      if (!closed) checkpoint('RESTART');
    }).finally(() => {
      restarting = false;
    });
  };
  const scrubMs = options.scrubMs ?? DEFAULT_SCRUB_MS;
  const scrubber =
    scrubMs > 0 && path !== ':memory:'
      ? setInterval(() => {
          scrub().catch(() => {
            dirty = true;
          });
        }, scrubMs)
      : undefined;
  scrubber?.unref();

  interface Pending {
    fn: (t: SqlTx) => Promise<unknown>;
    mayHaveCommitted: boolean;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }
  const pending: Pending[] = [];
  let flushScheduled = false;

  /**
   * Runs the waiting transactions as one group: one BEGIN, a SAVEPOINT each, one COMMIT. A group
   * of one needs no savepoint (its failure is the whole transaction's), and a savepoint costs a
   * copy of every page it first touches — with batched exchanges (store-batch.ts) most groups
   * are one batch.
   */
  const flush = async (): Promise<void> => {
    flushScheduled = false;
    const group = pending.splice(0, MAX_GROUP);
    if (pending.length > 0) schedule();
    const outcomes: (() => void)[] = [];
    const alone = group.length === 1;
    try {
      control.begin.run();
      for (const item of group) {
        if (!alone) control.savepoint.run();
        try {
          const value = await item.fn(
            item.mayHaveCommitted ? { ...tx, mayHaveCommitted: true } : tx,
          );
          if (!alone) control.release.run();
          outcomes.push(() => item.resolve(value));
        } catch (error) {
          if (alone) {
            control.rollback.run();
            item.reject(error);
            return;
          }
          control.rollbackTo.run();
          control.release.run();
          outcomes.push(() => item.reject(error));
        }
      }
      control.commit.run();
      dirty = true;
      if (background?.committed() === true) restart();
    } catch (error) {
      // Nothing of the group was committed: every one of its transactions fails.
      if (db.inTransaction) control.rollback.run();
      for (const item of group) item.reject(error);
      return;
    }
    for (const settle of outcomes) settle();
  };

  /**
   * Queues a flush behind the work already queued, after this turn's I/O callbacks
   * (setImmediate), so that every request read in this turn joins the same group.
   */
  const schedule = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      void exclusive(flush);
    });
  };

  return {
    engine: 'sqlite',
    // One connection, transactions in a queue: SERIALIZABLE in effect.
    defaultIsolation: 'serializable',
    version: async () =>
      `SQLite ${String(db.prepare('SELECT sqlite_version() AS v').pluck().get())}`,
    query: (sql, params) => exclusive(async () => touched(await tx.query(sql, params))),
    run: (sql, params) => exclusive(async () => touched(await tx.run(sql, params))),
    attempt<T>(fn: (t: SqlTx) => Promise<T>, options: { mayHaveCommitted: boolean }): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({
          fn,
          mayHaveCommitted: options.mayHaveCommitted,
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        schedule();
      });
    },
    ddl: (statement) =>
      exclusive(async () => {
        db.exec(statement);
        dirty = true;
      }),
    close: () =>
      exclusive(async () => {
        clearInterval(scrubber);
        // The last connection to close checkpoints the WAL and deletes it: the writer's.
        await background?.close();
        if (!closed) db.close();
        closed = true;
      }),
  };
}
