/**
 * `createPaywall`: the payee handler a publisher mounts — fetch-standard (`Request → Response`),
 * so it runs on Node's http, in Express, Hono, a Next.js route handler (adapters/) or behind the
 * paywall proxy (proxy/).
 *
 *   paid resource, no valid proof   → 402 + {offer} + WWW-Authenticate (gate.ts)  (SPEC §5 step 1)
 *   paid resource, valid proof      → the publisher's own handler                  (step 5)
 *   POST payPath {msg: 1a | 1c}     → 1b | 2, with CORS for the wallet             (steps 2–4)
 *   GET /netcash/paywall.js         → the paywall script; /netcash/install: where to get a wallet
 *   /netcash/admin                  → the publisher's books, behind `adminToken` (admin/)
 *   anything else                   → the publisher's own handler
 *
 * It keeps its books in a MerchantStore, re-drives interrupted payments and cash-outs at start and
 * while they stay open (redrive.ts: the one retry policy), and cashes out on command or above
 * `cashoutAbove`.
 */
import {
  asNetCashError,
  BACKGROUND,
  type CryptoProvider,
  decodeJson,
  isTransient,
  type MerchantHoldings,
  NetCashError,
  nowSeconds,
  OUTBOUND,
  PayeeMessage,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import {
  createLogger,
  type FetchHandler,
  json,
  preflight,
  readText,
  refusal,
  refuse,
} from '@netcash/server-kit';
import { adminRoute } from '../admin/route.ts';
import { Cashier, type CashoutSummary } from './cashout.ts';
import { type Catalogue, createCatalogue, type Resource } from './catalogue.ts';
import {
  DEFAULT_OFFER_LIFETIME,
  DEFAULT_PAY_PATH,
  DEFAULT_SCRIPT_PATH,
  DEFAULT_WRITE_OFF_RETENTION,
  MAX_PAYMENT_BODY,
  type PaywallOptions,
  tripletWindows,
} from './config.ts';
import type { MerchantContext } from './context.ts';
import { PAYEE_CORS, PAYEE_CORS_HEADERS } from './cors.ts';
import { CsLink } from './cs-link.ts';
import { type Authorization, Gate, notPaid } from './gate.ts';
import { holdingsOf } from './holdings.ts';
import { loadMerchantKeys } from './keys.ts';
import { htmlResponse, INSTALL_PATH, installPage } from './pages.ts';
import { answerKeyRequest, PaymentDesk } from './payment.ts';
import { Redeemer } from './redemption.ts';
import { Redriver } from './redrive.ts';
import { paywallScript } from './script.ts';
import { openMerchantStore } from './store/sql-store.ts';
import type { MerchantStore, StoredReceipt } from './store/types.ts';

export type { Authorization } from './gate.ts';

export interface Paywall {
  /** A fetch handler: NetCash's routes and paid resources here, everything else to `site`. */
  wrap(site: FetchHandler): FetchHandler;
  /** Handles one request; `site` serves content (paid resources only once access is proved). */
  handle(request: Request, site: FetchHandler): Promise<Response>;
  /**
   * For frameworks that route themselves: is this request for paid `path` (default: its own
   * path) allowed? If not, `response` is the 402 (or refusal) to send.
   */
  authorize(request: Request, path?: string): Promise<Authorization>;
  /**
   * NetCash's own routes (pay URL, paywall script, install and admin pages) — `undefined` for any
   * other request, which belongs to the site (and, for a paid path, to `authorize` first).
   */
  own(request: Request): Promise<Response> | undefined;
  /** Is `path` one of NetCash's own routes (what `own` answers)? */
  ownsPath(path: string): boolean;
  /** Is `path` sold (an exact path or one a pattern matches)? */
  isPaid(path: string): boolean;
  /** Headers to add to content released for `receipt` (private caching, `Payment-Receipt`). */
  releaseHeaders(receipt: StoredReceipt): Record<string, string>;
  /** Cashes out the coins held into the bank account. */
  cashout(): Promise<CashoutSummary>;
  /** Value of the coins held, not yet cashed out. */
  held(): Promise<number>;
  /** What it holds, for the federation audit: coins by issuer, cash-out checks not deposited. */
  holdings(): Promise<MerchantHoldings>;
  /** Re-drives interrupted payments and cash-outs now. */
  recover(): Promise<void>;
  /** The payee's public signing key (b64u): receipts verify under it. */
  readonly payeeKey: string;
  readonly store: MerchantStore;
  readonly payPath: string;
  /** Where the paywall script is served (`/netcash/paywall.js`). */
  readonly scriptPath: string;
  close(): Promise<void>;
}

/** How long answered payments are kept for retries, and expired 1b session keys (7 days). */
const REPLY_RETENTION = 7 * 86_400;
/** How often old replies and write-offs are pruned (housekeeping, not a retry). */
const TIDY_EVERY_MS = 6 * 3_600_000;

export async function createPaywall(options: PaywallOptions): Promise<Paywall> {
  const p: CryptoProvider = options.crypto ?? nodeProvider;
  const catalogue: Catalogue = createCatalogue(p, options.resources);
  const ownsStore = typeof options.store === 'string';
  const store =
    typeof options.store === 'string' ? await openMerchantStore(options.store) : options.store;
  if (!ownsStore) await store.migrate();
  const now = options.now ?? nowSeconds;
  const ctx: MerchantContext = {
    p,
    store,
    keys: await loadMerchantKeys(p, store),
    link: new CsLink(p, options.insurers, options.cs, options.insurer, options.fetch, now),
    byPath: catalogue.byPath,
    bySid: catalogue.bySid,
    anonymous: options.anonymous ?? false,
    offerLifetime: options.offerLifetime ?? DEFAULT_OFFER_LIFETIME,
    acceptCs: options.acceptCs,
    triplets: tripletWindows(options.triplets),
    fetch: options.fetch,
    retry: options.retry ?? OUTBOUND,
    now,
    // Without a `log` option: server-kit's structured log, as every server's.
    log: options.log ?? createLogger('merchant'),
  };
  const payPath = options.payPath ?? DEFAULT_PAY_PATH;
  const scriptPath = DEFAULT_SCRIPT_PATH;
  const cashier = new Cashier(ctx, options.bank, options.cashoutAbove);
  const failed = (what: string) => (e: unknown) => ctx.log.error(what, { error: String(e) });
  const redeemer = new Redeemer(ctx);
  const desk = new PaymentDesk(
    ctx,
    () => {
      // The CS answered: what waits for it goes now, not at the end of its backoff.
      redriver.answered();
      cashier
        .maybeCashout()
        .then((s) => s !== null && s.pending > 0 && redriver.kick())
        .catch(failed('automatic cash-out failed'));
    },
    // C_B taken offline: redeemed at once (and by the re-drive until it is).
    () => redeemer.redeemSoon(),
  );
  const redriver = new Redriver(
    async () => {
      await desk.redrive();
      await redeemer.redrive();
      await cashier.redrive();
      const [payments, cashouts, redemptions] = await Promise.all([
        store.pendingPayments(),
        store.cashouts(['pending', 'checked']),
        store.pendingRedemptions(),
      ]);
      return payments.length > 0 || cashouts.length > 0 || redemptions.length > 0;
    },
    { policy: options.redrive ?? BACKGROUND, onError: failed('re-drive failed') },
  );
  const writeOffRetention = options.writeOffRetention ?? DEFAULT_WRITE_OFF_RETENTION;
  const gate = new Gate(ctx, { publicUrl: options.publicUrl, payPath, scriptPath });
  const holdings = () => holdingsOf(store, `merchant ${ctx.keys.signKey.slice(0, 8)}`);
  const admin = adminRoute(options.adminToken, { store, catalogue, holdings });

  async function authorize(request: Request, path?: string): Promise<Authorization> {
    const resource = catalogue.byPath.get(path ?? new URL(request.url).pathname);
    if (resource === undefined) return { granted: false, response: notPaid() };
    return gate.authorize(request, resource);
  }

  async function pay(request: Request): Promise<Response> {
    if (request.method === 'OPTIONS') return preflight(PAYEE_CORS);
    if (request.method !== 'POST')
      return refuse('method-not-allowed', 'POST a payment message', PAYEE_CORS_HEADERS);
    const text = await readText(request, MAX_PAYMENT_BODY);
    const message = text.ok ? decodeJson(PayeeMessage, text.value, MAX_PAYMENT_BODY) : text;
    if (!message.ok) return refusal(message.error, PAYEE_CORS_HEADERS);
    if (message.value.msg === '1a') {
      return json(200, await answerKeyRequest(ctx, message.value), PAYEE_CORS_HEADERS);
    }
    const paid = await desk.pay(message.value);
    // Journaled but not answered by the CS: re-driven by itself, even if the wallet never asks.
    if (!paid.ok && isTransient(paid.error)) redriver.kick();
    return paid.ok
      ? json(200, paid.value, PAYEE_CORS_HEADERS)
      : refusal(paid.error, PAYEE_CORS_HEADERS);
  }

  /** Runs `work`, turning a throw into a refusal that leaks nothing internal. */
  async function guarded(work: () => Promise<Response>): Promise<Response> {
    try {
      return await work();
    } catch (thrown) {
      const error = asNetCashError(thrown);
      if (!(thrown instanceof NetCashError))
        ctx.log.error('internal error', { error: String(thrown) });
      return refusal(
        error.code === 'internal' ? new NetCashError('internal') : error,
        PAYEE_CORS_HEADERS,
      );
    }
  }

  const ownsPath = (path: string) =>
    path === payPath || path === scriptPath || path === INSTALL_PATH || admin(path) !== undefined;

  function own(request: Request): Promise<Response> | undefined {
    const path = new URL(request.url).pathname;
    if (path === payPath) return guarded(() => pay(request));
    if (path === scriptPath) return paywallScript(request);
    if (path === INSTALL_PATH) return Promise.resolve(htmlResponse(installPage(), 200));
    const adminHandler = admin(path);
    return adminHandler === undefined ? undefined : guarded(() => adminHandler(request));
  }

  async function released(resource: Resource, request: Request, site: FetchHandler) {
    const access = await gate.authorize(request, resource);
    if (!access.granted) return access.response;
    const response = await site(request);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(Gate.releaseHeaders(access.receipt))) {
      headers.set(name, value);
    }
    headers.append('vary', 'authorization');
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }

  function handle(request: Request, site: FetchHandler): Promise<Response> {
    const answered = own(request);
    if (answered !== undefined) return answered;
    const resource = catalogue.byPath.get(new URL(request.url).pathname);
    if (resource === undefined || request.method === 'OPTIONS')
      return guarded(async () => site(request));
    return guarded(() => released(resource, request, site));
  }

  let closed = false;
  let tidying: Promise<void> | null = null;
  function tidy(): Promise<void> {
    if (closed) return Promise.resolve();
    tidying ??= (async () => {
      // Stored replies are kept for retries as long as a CS keeps its own (PROTOCOL §10).
      await store.prune(now() - REPLY_RETENTION);
      await store.forgetWriteOffs(now() - writeOffRetention);
    })().finally(() => {
      tidying = null;
    });
    return tidying;
  }
  async function recover(): Promise<void> {
    await redriver.run();
    await tidy();
  }
  async function cashout(): Promise<CashoutSummary> {
    const summary = await cashier.cashout();
    if (summary.pending > 0) redriver.kick();
    return summary;
  }

  const tidyTimer = setInterval(() => tidy().catch(failed('pruning failed')), TIDY_EVERY_MS);
  tidyTimer.unref?.();
  // Payments a crash interrupted are finished before anything else needs them.
  recover().catch(failed('re-drive failed'));

  return {
    wrap: (site) => (request) => handle(request, site),
    handle,
    authorize,
    cashout,
    held: () => store.heldValue(),
    holdings,
    recover,
    payeeKey: ctx.keys.signKey,
    store,
    payPath,
    scriptPath,
    own,
    ownsPath,
    isPaid: (path) => catalogue.byPath.has(path),
    releaseHeaders: (receipt) => Gate.releaseHeaders(receipt),
    async close() {
      closed = true;
      clearInterval(tidyTimer);
      await redriver.close();
      await tidying?.catch(() => undefined);
      // Triplet coins being redeemed finish first: a redemption sent is answered and stored.
      await redeemer.idle();
      if (ownsStore) await store.close();
    },
  };
}
