/**
 * A worker's line to the main thread (messages.ts): calls that wait for an answer — store
 * methods and non-final settles — each numbered, resolved when its `result` or `failed` comes
 * back; and the store itself as the worker sees it, every method a call (only the main thread
 * holds the database, so transactions stay on its one connection and stay linearizable).
 */
import { NetCashError } from '@netcash/protocol';
import type { CsStore } from '../store.ts';
import type { FromWorker, StoreCall, ToWorker } from './messages.ts';

export class MainLink {
  private next = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly post: (message: FromWorker) => void) {}

  /** Posts the message `make(call)` and waits for the answer to `call`. */
  call(make: (call: number) => FromWorker): Promise<unknown> {
    const call = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(call, { resolve, reject });
      this.post(make(call));
    });
  }

  /** Takes an answer from the main thread. */
  receive(message: Extract<ToWorker, { type: 'result' | 'failed' }>): void {
    const waiter = this.waiting.get(message.call);
    if (waiter === undefined) return;
    this.waiting.delete(message.call);
    if (message.type === 'result') waiter.resolve(message.value);
    else waiter.reject(NetCashError.fromBody(message.error));
  }
}

/** The store over the link: each method runs on the main thread. */
export function storeLink(link: MainLink): CsStore {
  /**
   * The main thread answers a store call with what that method returned (structured-cloned):
   * the one place that value is given its type back.
   */
  const ask = <M extends StoreCall['method']>(
    store: Extract<StoreCall, { method: M }>,
  ): Promise<Awaited<ReturnType<CsStore[M]>>> =>
    link.call((call) => ({ type: 'store', call, store })) as Promise<
      Awaited<ReturnType<CsStore[M]>>
    >;
  return {
    stored: (...args) => ask({ method: 'stored', args }),
    depositSeen: (...args) => ask({ method: 'depositSeen', args }),
    reserve: (...args) => ask({ method: 'reserve', args }),
    release: (...args) => ask({ method: 'release', args }),
    commit: (...args) => ask({ method: 'commit', args }),
    tripletSpend: (...args) => ask({ method: 'tripletSpend', args }),
    prune: (...args) => ask({ method: 'prune', args }),
    books: (...args) => ask({ method: 'books', args }),
    outstanding: (...args) => ask({ method: 'outstanding', args }),
    snapshot: (...args) => ask({ method: 'snapshot', args }),
    withdrawnPerKey: (...args) => ask({ method: 'withdrawnPerKey', args }),
    tagged: (...args) => ask({ method: 'tagged', args }),
    withdrawn: (...args) => ask({ method: 'withdrawn', args }),
    withdrawalSigs: (...args) => ask({ method: 'withdrawalSigs', args }),
    standing: (...args) => ask({ method: 'standing', args }),
    close: async () => undefined,
  };
}

/** Runs a worker's store call on the main thread's store. */
export function runStoreCall(store: CsStore, call: StoreCall): Promise<unknown> {
  switch (call.method) {
    case 'stored':
      return store.stored(...call.args);
    case 'depositSeen':
      return store.depositSeen(...call.args);
    case 'reserve':
      return store.reserve(...call.args);
    case 'release':
      return store.release(...call.args);
    case 'commit':
      return store.commit(...call.args);
    case 'tripletSpend':
      return store.tripletSpend(...call.args);
    case 'prune':
      return store.prune(...call.args);
    case 'books':
      return store.books(...call.args);
    case 'outstanding':
      return store.outstanding(...call.args);
    case 'snapshot':
      return store.snapshot(...call.args);
    case 'withdrawnPerKey':
      return store.withdrawnPerKey(...call.args);
    case 'tagged':
      return store.tagged(...call.args);
    case 'withdrawn':
      return store.withdrawn(...call.args);
    case 'withdrawalSigs':
      return store.withdrawalSigs(...call.args);
    case 'standing':
      return store.standing(...call.args);
  }
}
