/**
 * The page's end of the page ↔ wallet bridge (protocol/src/bridge.ts, SPEC §8). Discovery in the
 * EIP-6963 style: post `request-wallet`, collect `announce-wallet`s; then `request`s with ids,
 * matched to `response`s. Only messages from this very window (`event.source === window`), from
 * this origin, in the `netcash` namespace and decoding as a wallet message are looked at: another
 * frame, a stray script's junk or our own outgoing requests are ignored.
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
  type WalletInfo,
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
  private readonly announced: WalletInfo[] = [];
  private readonly listeners = new Set<(info: WalletInfo) => void>();
  private seq = 0;
  private readonly onMessage = (event: MessageEvent) => this.receive(event);

  constructor(private readonly win: Window = window) {
    win.addEventListener('message', this.onMessage);
  }

  /** The wallets that announced themselves so far (first one is used). */
  get wallets(): readonly WalletInfo[] {
    return this.announced;
  }

  /** Called for every wallet that announces itself, now or later (a late content script). */
  onAnnounce(listener: (info: WalletInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks installed wallets to announce themselves; resolves with the first, or null. */
  discover(timeoutMs = 1500): Promise<WalletInfo | null> {
    const first = this.announced[0];
    if (first !== undefined) return Promise.resolve(first);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(null);
      }, timeoutMs);
      const off = this.onAnnounce((info) => {
        clearTimeout(timer);
        off();
        resolve(info);
      });
      this.post({ ns: BRIDGE_NAMESPACE, v: BRIDGE_VERSION, kind: 'request-wallet' });
    });
  }

  status(): Promise<BridgeResults['status']> {
    return this.request('status', undefined);
  }

  /** Pay `offer` (the wallet asks the shopper or applies their allowance), or prove a purchase. */
  pay(offer: Offer): Promise<BridgeResults['pay']> {
    return this.request('pay', { offer });
  }

  /** Prove an earlier purchase of `offer`'s resource for its challenge; never pays. */
  prove(offer: Offer): Promise<BridgeResults['prove']> {
    return this.request('prove', { offer });
  }

  /**
   * Where a payment for `offer` stands in the wallet (paid, pending, none); never pays. A wallet
   * may stay silent to a site it does not know: no answer within `timeoutMs` is `none`.
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
    if (message.kind === 'announce-wallet') {
      if (!this.announced.some((w) => w.rdns === message.info.rdns)) {
        this.announced.push(message.info);
        for (const listener of [...this.listeners]) listener(message.info);
      }
      return;
    }
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
