/**
 * `createPaywall`: the payee handler a publisher mounts — fetch-standard (`Request → Response`),
 * so it runs in Node (through `toNodeListener`/`listen`), Express, Hono or a Worker.
 *
 *   paid resource, no valid proof   → 402 + {offer} + WWW-Authenticate   (SPEC §5 step 1)
 *   paid resource, valid proof      → the publisher's own handler        (step 5)
 *   POST payPath {msg: 1a | 1c}     → 1b | 2, with CORS for the wallet   (steps 2–4)
 *   anything else                   → the publisher's own handler
 *
 * It keeps its books in a MerchantStore, re-drives interrupted payments and cash-outs at start and
 * every `redriveEveryMs`, and cashes out on command or above `cashoutAbove`.
 */
import {
  asNetCashError,
  type CryptoProvider,
  decodeJson,
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
import { checkAccess } from './access.ts';
import { Cashier, type CashoutSummary } from './cashout.ts';
import {
  DEFAULT_OFFER_LIFETIME,
  DEFAULT_PAY_PATH,
  MAX_PAYMENT_BODY,
  normalizeResources,
  type PaywallOptions,
  type Resource,
} from './config.ts';
import type { MerchantContext } from './context.ts';
import { PAYEE_CORS, PAYEE_CORS_HEADERS } from './cors.ts';
import { CsLink } from './cs-link.ts';
import { holdingsOf } from './holdings.ts';
import { loadMerchantKeys } from './keys.ts';
import { makeOffer, wwwAuthenticate } from './offer.ts';
import { answerKeyRequest, PaymentDesk } from './payment.ts';
import { openMerchantStore } from './store/sql-store.ts';
import type { MerchantStore, StoredReceipt } from './store/types.ts';

export type Authorization =
  | { readonly granted: true; readonly receipt: StoredReceipt }
  | { readonly granted: false; readonly response: Response };

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
  /** Paths of the paid resources. */
  readonly paths: ReadonlySet<string>;
  close(): Promise<void>;
}

/** How long answered payments are kept for retries, and expired 1b session keys (7 days). */
const REPLY_RETENTION = 7 * 86_400;

export async function createPaywall(options: PaywallOptions): Promise<Paywall> {
  const p: CryptoProvider = options.crypto ?? nodeProvider;
  const byPath = normalizeResources(options.resources);
  const bySid = new Map<string, Resource>([...byPath.values()].map((r) => [r.sid, r]));
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
    byPath,
    bySid,
    anonymous: options.anonymous ?? false,
    offerLifetime: options.offerLifetime ?? DEFAULT_OFFER_LIFETIME,
    acceptCs: options.acceptCs,
    fetch: options.fetch,
    retry: options.retry ?? OUTBOUND,
    now,
    // Without a `log` option: server-kit's structured log, as every server's.
    log: options.log ?? createLogger('merchant'),
  };
  const payPath = options.payPath ?? DEFAULT_PAY_PATH;
  const cashier = new Cashier(ctx, options.bank, options.cashoutAbove);
  const desk = new PaymentDesk(ctx, () => {
    cashier
      .maybeCashout()
      .catch((e: unknown) => ctx.log.error('automatic cash-out failed', { error: String(e) }));
  });

  const base = (request: Request) => options.publicUrl ?? new URL(request.url).origin;

  async function offerResponse(request: Request, resource: Resource, error?: string) {
    const own = await ctx.link.ownCs();
    if (!own.ok) return refusal(own.error);
    const b = base(request);
    const offer = makeOffer(
      ctx,
      own.value,
      resource,
      new URL(resource.path, b).href,
      new URL(payPath, b).href,
    );
    return json(
      402,
      { offer },
      { ...PAYEE_CORS_HEADERS, 'www-authenticate': wwwAuthenticate(resource.sid, error) },
    );
  }

  async function authorize(request: Request, path?: string): Promise<Authorization> {
    const resource = byPath.get(path ?? new URL(request.url).pathname);
    if (resource === undefined) {
      return { granted: false, response: refuse('not-found', 'not a paid resource') };
    }
    const header = request.headers.get('authorization');
    if (header === null || !/^\s*NetCash(\s|$)/i.test(header)) {
      return { granted: false, response: await offerResponse(request, resource) };
    }
    const checked = await checkAccess(
      ctx,
      resource,
      new URL(resource.path, base(request)).href,
      header,
    );
    if (checked.ok) return { granted: true, receipt: checked.value };
    // A stale or used challenge is no fault of the shopper: a fresh offer lets the wallet prove
    // again (a reload does the same). Whoever replays a copied header gets only that offer.
    if (checked.error.code === 'expired' || checked.error.code === 'challenge-used') {
      return {
        granted: false,
        response: await offerResponse(request, resource, checked.error.code),
      };
    }
    return {
      granted: false,
      response: refusal(checked.error, {
        'www-authenticate': wwwAuthenticate(resource.sid, checked.error.code),
      }),
    };
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
    return paid.ok
      ? json(200, paid.value, PAYEE_CORS_HEADERS)
      : refusal(paid.error, PAYEE_CORS_HEADERS);
  }

  async function handle(request: Request, site: FetchHandler): Promise<Response> {
    try {
      const path = new URL(request.url).pathname;
      if (path === payPath) return await pay(request);
      const resource = byPath.get(path);
      if (resource === undefined || request.method === 'OPTIONS') return await site(request);
      const access = await authorize(request, path);
      if (!access.granted) return access.response;
      const response = await site(request);
      const headers = new Headers(response.headers);
      headers.set('cache-control', 'private, no-store');
      headers.append('vary', 'authorization');
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
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

  let recovering: Promise<void> | null = null;
  function recover(): Promise<void> {
    recovering ??= (async () => {
      await desk.redrive();
      await cashier.redrive();
      // Stored replies are kept for retries as long as a CS keeps its own (PROTOCOL §10).
      await store.prune(now() - REPLY_RETENTION);
    })().finally(() => {
      recovering = null;
    });
    return recovering;
  }

  const every = options.redriveEveryMs ?? 30_000;
  const timer =
    every > 0
      ? setInterval(() => {
          recover().catch((e: unknown) => ctx.log.error('re-drive failed', { error: String(e) }));
        }, every)
      : null;
  timer?.unref?.();
  // Payments a crash interrupted are finished before anything else needs them.
  recover().catch((e: unknown) => ctx.log.error('re-drive failed', { error: String(e) }));

  return {
    wrap: (site) => (request) => handle(request, site),
    handle,
    authorize,
    cashout: () => cashier.cashout(),
    held: () => store.heldValue(),
    holdings: () => holdingsOf(store, `merchant ${ctx.keys.signKey.slice(0, 8)}`),
    recover,
    payeeKey: ctx.keys.signKey,
    store,
    payPath,
    paths: new Set(byPath.keys()),
    async close() {
      if (timer !== null) clearInterval(timer);
      await recovering?.catch(() => undefined);
      if (ownsStore) await store.close();
    },
  };
}
