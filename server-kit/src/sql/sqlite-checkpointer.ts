/**
 * WAL checkpoints off the event loop (sqlite.ts). SQLite's own automatic checkpoint runs inside
 * the COMMIT that crosses 1,000 WAL frames: that one COMMIT then copies every page changed since
 * the last checkpoint into the database file and fsyncs it, a pause of several milliseconds every
 * few group commits during which better-sqlite3 blocks the process — no request is read, opened
 * or answered meanwhile. Here the copying is done by a second connection on a worker thread
 * (`wal_checkpoint(PASSIVE)`: it never blocks the writer and never waits for it), started the
 * first time the WAL reaches `framesPerCheckpoint`, so a store with little to write never starts
 * the thread.
 *
 * A passive checkpoint copies the frames committed before it began; if commits keep coming it
 * never catches up with the end of the WAL, and SQLite restarts the WAL only once all of it has
 * been copied. So when the WAL passes `restartFrames` the writer finishes the job itself
 * (`restart()`, a RESTART checkpoint on its own connection, with little left to copy) — and the
 * two never checkpoint at the same time, so neither waits on the other's lock.
 *
 * A restarted WAL is written again from its start in the file it has (`walLimit` bytes kept, the
 * writer's `journal_size_limit`): frames written into blocks the file already has cost the
 * kernel less than frames that extend it (no block allocation, no zeroing of fresh blocks, no
 * new page-cache pages; issue #16). So the file's length does not say how many frames the WAL
 * holds: they are read from the wal-index instead.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { endianness } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Frames written since the last checkpoint that start the next one (SQLite's default is 1,000):
 * a page written again before the checkpoint is copied once, and the hot pages of a store
 * (b-tree interiors, the tails of tables that grow at their end) are written every few commits.
 */
export const FRAMES_PER_CHECKPOINT = 3000;
/** WAL length (frames) at which the writer restarts it itself (~64 MB of 4 KiB pages). */
export const RESTART_FRAMES = 16_000;

/** The worker's code: one connection, a passive checkpoint per message. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
});
`;

type Reply = { log: number; checkpointed: number } | { error: string } | { closed: true };

export interface Checkpointer {
  /**
   * After a commit: starts a background checkpoint if the WAL grew enough since the last; true
   * if the WAL is long enough that the writer should truncate it itself.
   */
  committed(): boolean;
  /** Resolves when no background checkpoint is running (the writer may then checkpoint). */
  idle(): Promise<void>;
  /** A background checkpoint is running now. */
  busy(): boolean;
  /** The background thread's failure, if any: the writer then checkpoints as SQLite does. */
  readonly failed: () => string | null;
  /** Bytes of WAL file to keep when the WAL restarts: `restartFrames` frames. */
  readonly walLimit: number;
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  readonly framesPerCheckpoint?: number;
  readonly restartFrames?: number;
  /** Called once if the thread fails; the engine turns SQLite's own checkpoints back on. */
  readonly onFailure: (error: string) => void;
}

/** A checkpointer for the database at `path` whose pages are `pageSize` bytes. */
export function checkpointer(
  path: string,
  pageSize: number,
  options: CheckpointerOptions,
): Checkpointer {
  const every = options.framesPerCheckpoint ?? FRAMES_PER_CHECKPOINT;
  const restartAt = options.restartFrames ?? RESTART_FRAMES;
  /** WAL header, then frames of a 24-byte header and a page. */
  const walLimit = 32 + restartAt * (pageSize + 24);
  /** WAL frames the last background checkpoint found (its copying began after them). */
  let copiedUpTo = 0;
  let worker: Worker | null = null;
  let running: Promise<void> | null = null;
  let settle: (() => void) | null = null;
  let failure: string | null = null;

  let shm: number | null = null;
  const word = Buffer.alloc(4);
  /**
   * The frames in the WAL: `mxFrame` of the wal-index header, which opens the `-shm` file — a
   * 32-bit integer at byte 16, in the machine's byte order (sqlite.org/walformat.html §2.1).
   * Read on the writer's thread between its transactions, so no commit is changing it.
   */
  const walFrames = (): number => {
    try {
      shm ??= openSync(`${path}-shm`, 'r');
      if (readSync(shm, word, 0, 4, 16) < 4) return 0;
      return endianness() === 'LE' ? word.readUInt32LE(0) : word.readUInt32BE(0);
    } catch {
      return 0; // no wal-index (yet)
    }
  };

  const fail = (error: string) => {
    if (failure !== null) return;
    failure = error;
    worker?.terminate().catch(() => undefined);
    worker = null;
    settle?.();
    options.onFailure(error);
  };

  const start = (): Worker => {
    const w = new Worker(WORKER, {
      eval: true,
      workerData: { path, module: createRequire(import.meta.url).resolve('better-sqlite3') },
    });
    w.unref();
    w.on('message', (reply: Reply) => {
      if ('error' in reply) fail(reply.error);
      else if ('log' in reply) copiedUpTo = reply.log;
      const done = settle;
      running = null;
      settle = null;
      done?.();
    });
    w.on('error', (error) => fail(String(error)));
    return w;
  };

  return {
    committed() {
      if (failure !== null) return false;
      const frames = walFrames();
      // The WAL restarted (truncated) since: count from its start again.
      if (frames < copiedUpTo) copiedUpTo = 0;
      if (running === null && frames - copiedUpTo >= every) {
        worker ??= start();
        running = new Promise<void>((resolve) => {
          settle = resolve;
        });
        worker.postMessage('checkpoint');
      }
      return frames >= restartAt;
    },
    idle: () => running ?? Promise.resolve(),
    busy: () => running !== null,
    failed: () => failure,
    walLimit,
    async close() {
      await (running ?? Promise.resolve());
      if (shm !== null) closeSync(shm);
      shm = null;
      const w = worker;
      worker = null;
      if (w === null) return;
      // Closed before the writer's connection, so that the writer's close is the last one (it
      // checkpoints the WAL into the file and deletes it).
      await new Promise<void>((resolve) => {
        w.once('message', () => resolve());
        w.once('exit', () => resolve());
        w.postMessage('close');
      });
      await w.terminate();
    },
  };
}
