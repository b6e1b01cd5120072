/**
 * The worker threads of a currency server (`--workers N`): the cryptography of its sealed
 * requests — open, verify, sign, seal — and everything else about them but the database runs on
 * N threads, so one server process uses every core it is given; the main thread keeps the HTTP
 * server, the store (one connection; the SQLite group commit and its durability are unchanged),
 * maintenance and the admin endpoints.
 *
 *   main                                        worker (worker.ts)
 *   body of POST /v1/requests ───request──────▶ decode, open, verify, sign, seal
 *   store.stored/reserve/… ◀──store / result──▶ (buy, cash-out, convert, triplet: as needed)
 *   settle: commit, answer the client ◀─settle─ the operation's commit and sealed reply
 *
 * Messages go in batches both ways (outbox.ts): the requests read in one turn go to a worker as
 * one message, their bodies copied into one transferred buffer; a worker's settles come back
 * together and are committed as one group.
 *
 * Linearizable as before: every commit is one transaction on the main thread's connection, and
 * a double spend is still decided by its conditional DELETE there. A request is sent to the
 * worker with the fewest in flight. A worker that dies fails its requests with `internal` and is
 * replaced.
 */
import { Worker } from 'node:worker_threads';
import { asNetCashError, type CertificateBody } from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import { refusalOf, type SealedAnswer, type SealedService } from '../endpoint.ts';
import { settle } from '../requests.ts';
import type { CsStore } from '../store.ts';
import { runStoreCall } from './link.ts';
import type { FromWorker, ToWorker, WorkerInit } from './messages.ts';
import { Outbox } from './outbox.ts';

const ENTRY = new URL('./entry.mjs', import.meta.url);

interface Thread {
  worker: Worker;
  readonly outbox: Outbox<ToWorker>;
  /** Requests sent and not yet answered: id → resolver. */
  readonly inFlight: Map<number, (answer: SealedAnswer) => void>;
  /** `keys` messages not yet acknowledged. */
  readonly acks: Map<number, () => void>;
  /** Called when the worker says it is ready (after `init`). */
  ready: (() => void) | null;
}

export class WorkerPool {
  private readonly threads: Thread[] = [];
  private readonly loading: Promise<Thread>[];
  private init: WorkerInit | null = null;
  private store: CsStore | null = null;
  private nextId = 1;
  private nextAck = 1;
  private closing = false;

  /**
   * Starts `count` workers loading their modules at once, so that this overlaps the server's own
   * start; `open` then gives them what they need and waits until each is ready.
   */
  constructor(
    count: number,
    private readonly log: Logger,
  ) {
    this.loading = Array.from({ length: count }, () => this.spawn());
    // A failed start is reported by `open`; not an unhandled rejection meanwhile.
    for (const loading of this.loading) loading.catch(() => undefined);
  }

  async open(init: WorkerInit, store: CsStore): Promise<void> {
    this.init = init;
    this.store = store;
    const loaded = await Promise.all(this.loading);
    await Promise.all(loaded.map((thread) => this.begin(thread)));
  }

  get size(): number {
    return this.threads.length;
  }

  /** The endpoint's service: each body answered by a worker. */
  readonly service: SealedService = (body) => {
    let thread = this.threads[0];
    if (thread === undefined) {
      return Promise.resolve(refusalOf(new Error('no worker thread'), this.log));
    }
    for (const t of this.threads) if (t.inFlight.size < thread.inFlight.size) thread = t;
    const chosen = thread;
    const id = this.nextId++;
    return new Promise<SealedAnswer>((resolve) => {
      chosen.inFlight.set(id, resolve);
      // The body as read (a view of a socket chunk): copied when its batch is posted.
      chosen.outbox.send({ type: 'request', id, body });
    });
  };

  /** Tells every worker that keys or certificates changed; resolves once each has read them. */
  async keysChanged(current: CertificateBody): Promise<void> {
    if (this.init !== null) this.init = { ...this.init, current };
    await Promise.all(
      this.threads.map(
        (thread) =>
          new Promise<void>((resolve) => {
            const ack = this.nextAck++;
            thread.acks.set(ack, resolve);
            this.send(thread, { type: 'keys', current, ack });
          }),
      ),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    const all = await Promise.allSettled(this.loading);
    const workers = new Set(this.threads.map((t) => t.worker));
    for (const r of all) if (r.status === 'fulfilled') workers.add(r.value.worker);
    await Promise.all([...workers].map((w) => w.terminate()));
  }

  private send(thread: Thread, message: ToWorker): void {
    thread.outbox.send(message);
  }

  /** Sends a loaded worker its `init`; resolves once it takes requests. */
  private begin(thread: Thread): Promise<void> {
    const init = this.init;
    if (init === null) throw new Error('worker pool not open');
    return new Promise((resolve) => {
      thread.ready = () => {
        this.threads.push(thread);
        resolve();
      };
      this.send(thread, { type: 'init', init });
    });
  }

  /** A new worker; resolves once its modules are loaded. */
  private spawn(): Promise<Thread> {
    const worker = new Worker(ENTRY);
    const thread: Thread = {
      worker,
      outbox: new Outbox((batch) => post(worker, batch)),
      inFlight: new Map(),
      acks: new Map(),
      ready: null,
    };
    return new Promise((resolve, reject) => {
      let loaded = false;
      worker.on('message', (batch: FromWorker[]) => {
        for (const message of batch) {
          if (message.type === 'loaded') {
            loaded = true;
            resolve(thread);
          } else if (message.type === 'ready') {
            thread.ready?.();
          } else {
            this.receive(thread, message);
          }
        }
      });
      worker.on('error', (error) => {
        this.log.error('worker thread failed', { error: String(error), stack: error.stack });
      });
      worker.on('exit', (code) => this.exited(thread, code, loaded, reject));
    });
  }

  /** A worker ended: its requests fail with `internal`; unless closing, another takes its place. */
  private exited(thread: Thread, code: number, loaded: boolean, reject: (e: Error) => void): void {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
    for (const done of thread.inFlight.values()) {
      done(refusalOf(new Error('worker thread exited'), this.log));
    }
    thread.inFlight.clear();
    for (const done of thread.acks.values()) done();
    thread.acks.clear();
    if (!loaded) {
      reject(new Error(`worker thread exited (${code}) while loading`));
      return;
    }
    if (this.closing || this.init === null) return;
    this.log.error('worker thread exited; starting another', { code });
    this.spawn()
      .then((fresh) => this.begin(fresh))
      .catch((error: unknown) => this.log.error('no worker thread', { error: String(error) }));
  }

  private answer(thread: Thread, id: number, answer: SealedAnswer): void {
    const done = thread.inFlight.get(id);
    thread.inFlight.delete(id);
    done?.(answer);
  }

  private receive(thread: Thread, message: FromWorker): void {
    switch (message.type) {
      case 'answer':
        this.answer(thread, message.id, { status: message.status, body: message.body });
        return;
      case 'settle': {
        const { id, final, call } = message;
        settle(this.requireStore(), message.commit).then(
          (reply) => {
            if (final) this.answer(thread, id, { status: 200, body: reply });
            else this.send(thread, { type: 'result', call, value: reply });
          },
          (error: unknown) => {
            if (final) this.answer(thread, id, refusalOf(error, this.log));
            else this.send(thread, { type: 'failed', call, error: this.failure(error) });
          },
        );
        return;
      }
      case 'store':
        runStoreCall(this.requireStore(), message.store).then(
          (value) => this.send(thread, { type: 'result', call: message.call, value }),
          (error: unknown) =>
            this.send(thread, { type: 'failed', call: message.call, error: this.failure(error) }),
        );
        return;
      case 'keys-read': {
        const done = thread.acks.get(message.ack);
        thread.acks.delete(message.ack);
        done?.();
        return;
      }
      case 'log':
        this.log[message.level](message.msg, message.fields);
        return;
      case 'loaded':
      case 'ready':
        return;
    }
  }

  private requireStore(): CsStore {
    if (this.store === null) throw new Error('worker pool not open');
    return this.store;
  }

  /** An error for a worker: its refusal, or `internal` (logged here, never passed on). */
  private failure(error: unknown) {
    const e = asNetCashError(error);
    if (e.code === 'internal') {
      this.log.error('store call failed', { error: String(error) });
      return { code: e.code, message: 'internal error' };
    }
    return e.toBody();
  }
}

/**
 * Posts a batch to a worker: the request bodies in it (views of socket chunks, which may share
 * their memory with other data) copied into one buffer the worker then owns — one copy and one
 * transfer per batch.
 */
function post(worker: Worker, batch: ToWorker[]): void {
  let size = 0;
  for (const m of batch) if (m.type === 'request') size += m.body.byteLength;
  if (size === 0) {
    worker.postMessage(batch);
    return;
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  const packed = batch.map((m) => {
    if (m.type !== 'request') return m;
    bytes.set(m.body, at);
    const body = bytes.subarray(at, at + m.body.byteLength);
    at += m.body.byteLength;
    return { ...m, body };
  });
  worker.postMessage(packed, [bytes.buffer]);
}
