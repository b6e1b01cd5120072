/**
 * The page's end of the page ↔ wallet bridge (protocol/src/bridge.ts, SPEC §8): `request`s with
 * ids, matched to `response`s. There is no discovery: a wallet answers only a site its owner let
 * in (docs/PRIVACY.md), so silence is an answer too — `check` reads it as `none` after a timeout,
 * `pay` waits (the shopper may be reading the wallet's window). Only messages from this very
 * window (`event.source === window`), from this origin, in the `netcash` namespace and decoding
 * as a wallet message are looked at: another frame, a stray script's junk or our own outgoing
 * requests are ignored.
 *
 * The page only ever asks. What comes back from `pay`/`prove` is an access proof for one resource
 * and one challenge — never coins, never K_ses.
 */
import {
  AccessResult,
  BRIDGE_NAMESPACE,
  BRIDGE_VERSION,
  type BridgeMethod,
  type BridgeResults,
  decode,
  NetCashError,
  type Offer,
  PaymentStatus,
  type Schema,
  StatusResult,
  WalletMessage,
} from '@netcash/protocol';

const RESULT_SCHEMAS: { [M in BridgeMethod]: Schema<BridgeResults[M]> } = {
  status: StatusResult,
  pay: AccessResult,
  prove: AccessResult,
  check: PaymentStatus,
};

interface Waiting {
  readonly schema: Schema<unknown>;
  resolve(value: unknown): void;
  reject(error: NetCashError): void;
}

export class WalletBridge {
  private readonly waiting = new Map<string, Waiting>();
  private seq = 0;
  private readonly onMessage = (event: MessageEvent) => this.receive(event);

  constructor(private readonly win: Window = window) {
    win.addEventListener('message', this.onMessage);
  }

  /** Whether the wallet is set up; a wallet that does not know this site never answers. */
  status(timeoutMs?: number): Promise<BridgeResults['status']> {
    return this.request('status', undefined, timeoutMs);
  }

  /**
   * Pay `offer` (the wallet asks the shopper or applies their allowance), or prove a purchase.
   * No timeout: the shopper may take her time in the wallet's window, and from a site she has
   * not let in, the answer comes only if she approves.
   */
  pay(offer: Offer): Promise<BridgeResults['pay']> {
    return this.request('pay', { offer });
  }

  /** Prove an earlier purchase of `offer`'s resource for its challenge; never pays. */
  prove(offer: Offer): Promise<BridgeResults['prove']> {
    return this.request('prove', { offer });
  }

  /**
   * Where a payment for `offer` stands in the wallet (paid, pending, none); never pays. A wallet
   * stays silent to a site it does not know: no answer within `timeoutMs` is `none`.
   */
  async check(offer: Offer, timeoutMs = 3_000): Promise<BridgeResults['check']> {
    const none: BridgeResults['check'] = { state: 'none' };
    return this.request('check', { offer }, timeoutMs).catch((error: unknown) => {
      if (error instanceof NetCashError && error.code === 'timeout') return none;
      throw error;
    });
  }

  close(): void {
    this.win.removeEventListener('message', this.onMessage);
    for (const w of this.waiting.values()) w.reject(new NetCashError('no-wallet', 'closed'));
    this.waiting.clear();
  }

  private request<M extends BridgeMethod>(
    method: M,
    params: { offer: Offer } | undefined,
    timeoutMs?: number,
  ): Promise<BridgeResults[M]> {
    const id = `nc${Date.now().toString(36)}-${++this.seq}`;
    return new Promise<BridgeResults[M]>((resolve, reject) => {
      if (timeoutMs !== undefined) {
        setTimeout(() => {
          if (!this.waiting.delete(id)) return;
          reject(new NetCashError('timeout', `the wallet did not answer ${method}`));
        }, timeoutMs);
      }
      this.waiting.set(id, {
        schema: RESULT_SCHEMAS[method],
        resolve: (value) => resolve(value as BridgeResults[M]),
        reject,
      });
      const base = { ns: BRIDGE_NAMESPACE, v: BRIDGE_VERSION, kind: 'request', id, method };
      this.post(params === undefined ? base : { ...base, params });
    });
  }

  private post(message: unknown): void {
    const origin = this.win.location.origin;
    this.win.postMessage(message, origin === 'null' ? '*' : origin);
  }

  private receive(event: MessageEvent): void {
    if (event.source !== this.win) return;
    const origin = this.win.location.origin;
    if (origin !== 'null' && event.origin !== origin) return;
    const data: unknown = event.data;
    if (
      typeof data !== 'object' ||
      data === null ||
      !('ns' in data) ||
      data.ns !== BRIDGE_NAMESPACE
    ) {
      return;
    }
    const decoded = decode(WalletMessage, data);
    if (!decoded.ok) return;
    const message = decoded.value;
    const waiting = this.waiting.get(message.id);
    if (waiting === undefined) return;
    this.waiting.delete(message.id);
    if ('error' in message) {
      waiting.reject(new NetCashError(message.error.code, message.error.message));
      return;
    }
    const result = decode(waiting.schema, message.result);
    if (result.ok) waiting.resolve(result.value);
    else waiting.reject(new NetCashError('malformed', 'the wallet sent an unexpected answer'));
  }
}
