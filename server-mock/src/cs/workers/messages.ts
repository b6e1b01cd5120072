/**
 * What the main thread of a currency server and its worker threads say to each other
 * (pool.ts ↔ worker.ts). A worker runs whole requests — decoding, opening, verifying, signing,
 * sealing — and reaches the store, which only the main thread holds, through `store` calls; an
 * operation's commit is a `settle`, run by the main thread. A final settle (an exchange of own
 * coins: nothing runs after its commit) is answered by the main thread to the requester itself,
 * so the common request costs two messages: its body in, its commit out. Messages travel in
 * batches (outbox.ts): each `postMessage` carries an array of them, in order.
 */
import type { CertificateBody, ErrorBody } from '@netcash/protocol';
import type { CsLimits } from '../context.ts';
import type { Commit, CsStore } from '../store.ts';

/** Everything a worker needs to build its context (the rest it reads from the data folder). */
export interface WorkerInit {
  readonly dataDir: string;
  readonly name: string;
  readonly currency: string;
  readonly bank: string;
  readonly account: string;
  readonly insurerUrl: string;
  readonly insurerKey: string;
  readonly bankUrl: string;
  readonly limits: CsLimits;
  readonly revocationRefresh: number;
  /** Whether this CS mints blind-rsa coins (its keys are in the data folder). */
  readonly blindRsa: boolean;
  /** The certificate new coins are minted under. */
  readonly current: CertificateBody;
}

/** The store methods a worker may call, with their arguments. */
export type StoreCall = {
  [M in Exclude<keyof CsStore, 'close'>]: {
    readonly method: M;
    readonly args: Parameters<CsStore[M]>;
  };
}[Exclude<keyof CsStore, 'close'>];

export type ToWorker =
  /** Build the context (once, after `loaded`). */
  | { readonly type: 'init'; readonly init: WorkerInit }
  /** A request body to answer. */
  | { readonly type: 'request'; readonly id: number; readonly body: Uint8Array }
  /** The answer to a `store` call or a non-final `settle`. */
  | { readonly type: 'result'; readonly call: number; readonly value: unknown }
  | { readonly type: 'failed'; readonly call: number; readonly error: ErrorBody }
  /** Keys or certificates changed (rotation, renewal): read them again; mint under `current`. */
  | { readonly type: 'keys'; readonly current: CertificateBody; readonly ack: number };

export type FromWorker =
  /** Modules loaded: waiting for `init`. */
  | { readonly type: 'loaded' }
  /** Context built: taking requests. */
  | { readonly type: 'ready' }
  /** The answer to request `id`. */
  | { readonly type: 'answer'; readonly id: number; readonly status: number; readonly body: string }
  /**
   * Commit the operation of request `id`. Final: answer the requester with the outcome (its reply
   * or refusal); else send the outcome back as the answer to `call`.
   */
  | {
      readonly type: 'settle';
      readonly id: number;
      readonly commit: Commit;
      readonly final: boolean;
      readonly call: number;
    }
  | { readonly type: 'store'; readonly call: number; readonly store: StoreCall }
  | { readonly type: 'keys-read'; readonly ack: number }
  | {
      readonly type: 'log';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly msg: string;
      readonly fields?: Record<string, unknown>;
    };
