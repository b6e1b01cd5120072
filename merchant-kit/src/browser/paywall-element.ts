/**
 * `<netcash-paywall resource="/articles/x">teaser…</netcash-paywall>` — the one tag a publisher
 * pastes (SPEC §5, §8). It fetches the resource; on 402 it reads the offer, asks the wallet over
 * the bridge where a purchase of it stands (proving an earlier one without a click), otherwise
 * shows the price and a Pay button; on click the wallet pays (asking the shopper, or within their
 * allowance) and returns an access proof; the element re-fetches with `Authorization: NetCash …`
 * and shows the content in place of the teaser. It never sees coins or K_ses.
 *
 * It cannot tell whether a wallet is installed, by design (docs/PRIVACY.md "Page scripts"): a
 * wallet answers only a site its owner paid or gave a budget. So the element always offers Pay;
 * when nothing answers a click for a few seconds it says so — maybe no wallet, maybe the wallet's
 * window is asking — links to the wallet, and lets the reader click again, while a late answer
 * (she approved after reading) still opens the article.
 *
 * Attributes: `resource` (required), `install-url` (where to get the wallet; default
 * `/netcash/install`, which the payee handler serves), `autopay` (ask the wallet at once instead
 * of waiting for a click), `page` (the element is the whole page, as in the handler's own 402
 * page: the paid resource replaces the document instead of the teaser). Events, bubbling
 * `CustomEvent`s: `netcash:ready` {resource, sid, amount, currency, description},
 * `netcash:paid` {tid, amount, currency, repeat, receipt}, `netcash:error` {code, message},
 * `netcash:pending` {resource, message} (a payment is sent and not answered yet: the element
 * waits for it and shows the article when it completes; it is never paid twice).
 *
 * On load (and reload, and in a second tab) the element asks the wallet where a payment for this
 * resource stands (`check`, SPEC §12) and shows that: the article, "pending", or the Pay button.
 */
import {
  type AccessResult,
  backoffDelay,
  decode,
  type ErrorCode,
  ErrorReply,
  NetCashError,
  type Offer,
  PaymentRequired,
  type PaymentStatus,
  type RetryPolicy,
} from '@netcash/protocol';
import { formatPrice } from '../price.ts';
import { WalletBridge } from './bridge-client.ts';

export { formatPrice };

export const DEFAULT_INSTALL_URL = '/netcash/install';

/** What `netcash:ready` carries. */
export interface ReadyDetail {
  readonly resource: string;
  readonly sid: string;
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
}
/** What `netcash:paid` carries: the resource is shown. */
export interface PaidDetail {
  readonly resource: string;
  readonly tid: string;
  readonly amount: number;
  readonly currency: string;
  /** True when an earlier purchase was proved and nothing was paid now. */
  readonly repeat: boolean;
  readonly receipt: AccessResult['receipt'];
}
/** What `netcash:pending` carries: a payment is under way and finishes by itself. */
export interface PendingDetail {
  readonly resource: string;
  readonly message: string;
}
export interface ErrorDetail {
  readonly code: string;
  readonly message: string;
}

/** Words a reader understands, by error code. */
const MESSAGES: Record<string, string> = {
  'no-wallet':
    'No NetCash wallet answered. If your wallet is asking you in its window, answer it there — nothing is paid without you. No wallet yet?',
  'wallet-not-ready': 'Open your NetCash wallet and finish setting it up, then try again.',
  'user-rejected': 'Payment declined. Nothing was paid.',
  'insufficient-funds': 'Your wallet does not hold enough coins for this. Add funds and try again.',
  'double-spent': 'These coins were already spent. Nothing was paid for this article.',
  'origin-mismatch': 'This payment request points to another site and was refused.',
  // Refusals before anything was sent: nothing was paid, so trying again later is right.
  'upstream-unavailable':
    'A payment server could not be reached. Nothing was paid; try again later.',
  timeout: 'A payment server took too long to answer. Nothing was paid; try again later.',
};

/** How long a Pay click waits for an answer before the element says nothing answered. */
export const QUIET_MS = 4_000;

/**
 * How often a pending payment is asked about while the reader waits (plus 0.3 s): the wallet
 * answers from its own journal, so asking every few seconds costs no server anything.
 */
const WATCH: RetryPolicy = { baseMs: 500, maxMs: 3_000 };

const NOT_ACCEPTED = 'The site did not accept the proof of payment. Reload the page to try again.';

let sharedBridge: WalletBridge | null = null;
const bridge = () => {
  sharedBridge ??= new WalletBridge();
  return sharedBridge;
};

export class NetCashPaywall extends HTMLElement {
  private offer: Offer | null = null;
  private busy = false;
  private opened = false;
  private watching = false;
  private box: HTMLElement | null = null;
  private started = false;

  get resource(): string {
    return this.getAttribute('resource') ?? '';
  }

  connectedCallback(): void {
    if (this.started) return;
    this.started = true;
    void this.start();
  }

  /** Re-runs the whole flow (e.g. after the shopper installed or set up the wallet). */
  async start(): Promise<void> {
    const first = await this.fetchResource(undefined);
    if (first === null) return;
    if (first.kind === 'response') {
      await this.show(first.response, null);
      return;
    }
    this.offer = first.offer;
    this.renderPay();
    this.emitReady();
    if (this.hasAttribute('autopay')) {
      await this.pay();
      return;
    }
    // Where this purchase stands in the wallet (SPEC §12), asked while Pay is already shown: a
    // wallet that does not know this site never answers, so the answer can't be waited for.
    // Bought before → read it without a click and without paying again; being paid (a reload,
    // a second tab) → wait for it.
    const status = await this.lookup(first.offer);
    if (this.busy || this.opened) return; // the reader clicked meanwhile: pay() takes it from here
    if (status.state === 'paid') await this.unlock(status.access);
    else if (status.state === 'pending') await this.watch(status.message);
    else if (status.note !== undefined) this.renderPay(status.note);
  }

  /** `check`, or — with a wallet that does not know it — `prove`. */
  private async lookup(offer: Offer): Promise<PaymentStatus> {
    try {
      return await bridge().check(offer);
    } catch {
      const proved = await bridge()
        .prove(offer)
        .catch(() => null);
      return proved === null ? { state: 'none' } : { state: 'paid', access: proved };
    }
  }

  /**
   * A payment is pending in the wallet: say so — it finishes when the server answers, and is
   * never charged twice — and ask the wallet again now and then (backoff) until it is paid (show
   * the article) or over without a receipt (offer to pay, with what happened).
   */
  private async watch(message: string): Promise<void> {
    this.renderPending(message);
    this.emit('netcash:pending', { resource: this.resource, message } satisfies PendingDetail);
    if (this.watching) return;
    this.watching = true;
    try {
      for (let n = 1; this.isConnected && this.offer !== null; n++) {
        await new Promise((r) => setTimeout(r, 300 + backoffDelay(WATCH, n, Math.random)));
        let status: PaymentStatus;
        try {
          status = await bridge().check(this.offer);
        } catch (error) {
          // An offer that expired while we waited: fetch a fresh one and ask about that.
          if (error instanceof NetCashError && error.code === 'expired') {
            const again = await this.fetchResource(undefined);
            if (again === null) return;
            if (again.kind === 'response') return void (await this.show(again.response, null));
            this.offer = again.offer;
          }
          continue;
        }
        if (status.state === 'paid') {
          await this.unlock(status.access);
          return;
        }
        if (status.state === 'none') {
          this.renderPay(
            status.note ?? 'The payment did not complete; nothing was charged for it.',
          );
          return;
        }
        this.renderPending(status.message);
      }
    } finally {
      this.watching = false;
    }
  }

  /** Asks the wallet to pay (or prove), then shows the resource. */
  async pay(): Promise<void> {
    if (this.busy || this.offer === null) return;
    this.busy = true;
    this.renderPay('Waiting for your wallet…');
    // Silence may be no wallet, or the wallet's window waiting for the reader: after a while say
    // both and let her click again; this request's answer, if one comes, still counts.
    const quiet = setTimeout(() => {
      this.busy = false;
      this.renderQuiet();
      this.fail(new NetCashError('no-wallet', 'no wallet answered yet'));
    }, QUIET_MS);
    let access: AccessResult;
    try {
      access = await bridge().pay(this.offer);
    } catch (error) {
      clearTimeout(quiet);
      this.busy = false;
      if (error instanceof NetCashError && error.code === 'pending') {
        // Sent and not answered yet: it completes by itself; no "try again" about it.
        await this.watch(error.message);
        return;
      }
      // Nothing was paid: the reader may try again.
      this.fail(error);
      this.renderPay(undefined, messageOf(error));
      return;
    }
    clearTimeout(quiet);
    if (this.opened) return;
    this.busy = true;
    try {
      // Paid: a failure now is the site's; its message stays (a reload proves the purchase).
      await this.unlock(access);
    } finally {
      this.busy = false;
    }
  }

  /** Re-fetches with the proof; a stale challenge gets one more proof for the fresh offer. */
  private async unlock(access: AccessResult): Promise<boolean> {
    let current = access;
    for (let attempt = 0; attempt < 2; attempt++) {
      const got = await this.fetchResource(current.authorization);
      if (got === null) return false;
      if (got.kind === 'response') return this.show(got.response, current);
      this.offer = got.offer;
      try {
        current = await bridge().prove(got.offer);
      } catch (error) {
        this.fail(error);
        this.renderMessage(NOT_ACCEPTED);
        return false;
      }
    }
    this.fail(new NetCashError('bad-proof', 'the site did not accept the proof'));
    this.renderMessage(NOT_ACCEPTED);
    return false;
  }

  private async fetchResource(
    authorization: string | undefined,
  ): Promise<{ kind: 'offer'; offer: Offer } | { kind: 'response'; response: Response } | null> {
    let response: Response;
    try {
      const headers: Record<string, string> = { accept: 'text/html, application/json' };
      if (authorization !== undefined) headers['authorization'] = authorization;
      response = await fetch(this.resource, {
        headers,
        cache: 'no-store',
        credentials: 'same-origin',
      });
    } catch (error) {
      this.fail(new NetCashError('upstream-unavailable', String(error)));
      this.renderMessage(MESSAGES['upstream-unavailable']!);
      return null;
    }
    if (response.status !== 402) return { kind: 'response', response };
    const body = decode(PaymentRequired, await response.json().catch(() => null));
    if (!body.ok) {
      this.fail(body.error);
      this.renderMessage('This page asks for a payment the paywall cannot read.');
      return null;
    }
    return { kind: 'offer', offer: body.value.offer };
  }

  private async show(response: Response, access: AccessResult | null): Promise<boolean> {
    if (!response.ok) {
      const code = await errorCodeOf(response);
      this.fail(new NetCashError(code, `the site answered ${response.status}`));
      this.renderMessage(MESSAGES[code] ?? `The article could not be loaded (${response.status}).`);
      return false;
    }
    this.opened = true;
    const type = response.headers.get('content-type') ?? '';
    if (this.hasAttribute('page')) {
      // The whole page was the paywall (a navigation to a paid URL): the resource replaces it.
      if (access !== null) this.emitPaid(access);
      if (type.includes('html')) {
        const text = await response.text();
        document.open();
        document.write(text);
        document.close();
      } else location.replace(URL.createObjectURL(await response.blob()));
      return true;
    }
    const text = await response.text();
    const content = document.createElement('div');
    content.className = 'netcash-content';
    if (type.includes('html')) content.innerHTML = text;
    else content.textContent = text;
    this.replaceChildren(content);
    this.box = null;
    if (access !== null) this.emitPaid(access);
    return true;
  }

  private emitPaid(access: AccessResult): void {
    const detail: PaidDetail = {
      resource: this.resource,
      tid: access.tid,
      amount: access.receipt.body.amount,
      currency: access.receipt.body.currency,
      repeat: access.repeat,
      receipt: access.receipt,
    };
    this.emit('netcash:paid', detail);
  }

  private emitReady(): void {
    const offer = this.offer;
    if (offer === null) return;
    const detail: ReadyDetail = {
      resource: offer.body.resource,
      sid: offer.body.sid,
      amount: offer.body.amount,
      currency: offer.body.currency,
      description: offer.body.description,
    };
    this.emit('netcash:ready', detail);
  }

  private fail(error: unknown): void {
    const e = error instanceof NetCashError ? error : new NetCashError('internal', String(error));
    const detail: ErrorDetail = { code: e.code, message: e.message };
    this.emit('netcash:error', detail);
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail }));
  }

  // ---- rendering (light DOM, classes a publisher can style) -----------------------------------

  private ensureBox(): HTMLElement {
    if (this.box === null || !this.contains(this.box)) {
      this.box = document.createElement('div');
      this.box.className = 'netcash-box';
      this.box.setAttribute('part', 'box');
      this.box.style.cssText =
        'border:1px solid #ccd;border-radius:8px;padding:12px 16px;margin:12px 0;font:inherit;background:#f7f8fc';
      this.append(this.box);
    }
    return this.box;
  }

  private renderPending(message: string): void {
    const offer = this.offer;
    if (offer === null) return;
    const box = this.ensureBox();
    const price = document.createElement('p');
    price.className = 'netcash-price';
    price.textContent = `${offer.body.description} — ${formatPrice(offer.body.amount, offer.body.currency)}`;
    const note = document.createElement('p');
    note.className = 'netcash-status netcash-pending';
    note.setAttribute('role', 'status');
    note.textContent = message;
    box.replaceChildren(price, note);
  }

  private renderPay(status?: string, error?: string): void {
    const offer = this.offer;
    if (offer === null) return;
    const box = this.ensureBox();
    const price = document.createElement('p');
    price.className = 'netcash-price';
    price.textContent = `${offer.body.description} — ${formatPrice(offer.body.amount, offer.body.currency)}`;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'netcash-pay';
    button.textContent = `Pay ${formatPrice(offer.body.amount, offer.body.currency)} with NetCash`;
    button.disabled = this.busy;
    button.addEventListener('click', () => void this.pay());
    const note = document.createElement('p');
    note.className = error === undefined ? 'netcash-status' : 'netcash-message netcash-error';
    note.setAttribute('role', error === undefined ? 'status' : 'alert');
    note.textContent = error ?? status ?? '';
    box.replaceChildren(price, button, note);
  }

  /** Pay again, with what silence may mean and where to get the wallet. */
  private renderQuiet(): void {
    this.renderPay();
    const box = this.ensureBox();
    box.querySelector('.netcash-status')?.remove();
    const text = document.createElement('p');
    text.className = 'netcash-message netcash-no-wallet';
    text.setAttribute('role', 'status');
    text.textContent = `${MESSAGES['no-wallet']} `;
    const link = document.createElement('a');
    link.className = 'netcash-install';
    link.href = this.getAttribute('install-url') ?? DEFAULT_INSTALL_URL;
    link.textContent = 'Get the NetCash wallet';
    text.append(link);
    box.append(text);
  }

  private renderMessage(message: string): void {
    const box = this.ensureBox();
    const text = document.createElement('p');
    text.className = 'netcash-message netcash-error';
    text.setAttribute('role', 'alert');
    text.textContent = message;
    box.replaceChildren(text);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof NetCashError) return MESSAGES[error.code] ?? error.message;
  return 'Something went wrong with the payment.';
}

async function errorCodeOf(response: Response): Promise<ErrorCode> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  const refusal = decode(ErrorReply, body);
  if (refusal.ok) return refusal.value.error.code;
  return response.status === 404 ? 'not-found' : 'internal';
}
