/**
 * The demo publisher, "The NetCash Gazette": a small site selling a handful of articles for a few
 * cents each, paid with NetCash. It uses only merchant-kit's public API — the integration is ten
 * lines: the import of `createPaywall`/`listen` and the 7 lines marked below on the server, the
 * script tag and the `<netcash-paywall>` element in site.ts's `articlePage` — and banks at a currency server other
 * than the wallet's default (cs2, while wallets buy from cs1), so every demo payment crosses
 * servers: the merchant's CS converts the shopper's coins at their issuer (SPEC §5).
 *
 *   const demo = await startDemoPublisher({ cs: cs2Url, insurers: [key], insurer, bank });
 *   demo.url        // http://127.0.0.1:PORT — open it, pick an article, pay
 *   await demo.cashout();   // coins held → check from cs2 → deposited at the bank
 *   await demo.close();
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CashoutSummary,
  compose,
  createPaywall,
  type FetchHandler,
  listen,
  type Paywall,
  type PaywallOptions,
  type RateLimitOptions,
  rateLimit,
  type TlsOptions,
} from '@netcash/merchant-kit';
import type { FetchFn } from '@netcash/protocol';
import { ARTICLES, type Article } from './articles.ts';
import { ensurePaywallScript } from './paywall-script.ts';
import { articleFragment, articlePage, html, indexPage, installPage } from './site.ts';

export { ARTICLES, type Article } from './articles.ts';

export interface DemoPublisherOptions {
  /** Base URL of the publisher's currency server (cs2 in `npm start`). */
  readonly cs: string;
  /** Trusted insurer keys (b64u). */
  readonly insurers: readonly string[];
  /** Insurer base URL (certificates of other currency servers, revocations). */
  readonly insurer?: string;
  /** Bank base URL: a demo account is opened for the publisher on first start. */
  readonly bank: string;
  /** Where the publisher keeps its books (`publisher.sqlite`); default: a fresh temp folder. */
  readonly dataDir?: string;
  /** Or a `postgres://` URL for its store. */
  readonly database?: string;
  readonly host?: string;
  /** Default 0: the OS picks a free port. */
  readonly port?: number;
  /** Serve HTTPS with this certificate and key. */
  readonly tls?: TlsOptions;
  /** Requests per client address on the whole site (`npm start` sets it; off unless given). */
  readonly rateLimit?: RateLimitOptions;
  /** Base URL readers reach the site at, if not the listening address (e.g. through a proxy). */
  readonly publicUrl?: string;
  /** Cash out automatically once this many cents are held. */
  readonly cashoutAbove?: number;
  /** The catalogue (default: the five demo articles). */
  readonly articles?: readonly Article[];
  /** The payee handler's clock in seconds (tests move time forward). */
  readonly now?: () => number;
  /** Outbound HTTP of the payee handler (tests inject faults). */
  readonly fetch?: FetchFn;
  /** The publisher's admin token: its books at /netcash/admin, its holdings for the audit. */
  readonly adminToken?: string;
  /** The publisher's log (see PaywallOptions `log`). */
  readonly log?: PaywallOptions['log'];
  /** The windows it takes triplet coins in (see PaywallOptions `triplets`; default on). */
  readonly triplets?: PaywallOptions['triplets'];
}

export interface DemoArticle {
  readonly slug: string;
  readonly title: string;
  readonly price: number;
  /** The article page (teaser + paywall). */
  readonly url: string;
  /** The paid resource the paywall unlocks. */
  readonly resource: string;
}

export interface DemoPublisher {
  /** `http://HOST:PORT` */
  readonly url: string;
  readonly port: number;
  readonly articles: readonly DemoArticle[];
  readonly paywall: Paywall;
  /** Cashes out the coins held into the publisher's bank account. */
  cashout(): Promise<CashoutSummary>;
  /** Cents held in coins, not yet cashed out. */
  held(): Promise<number>;
  close(): Promise<void>;
}

const fullPath = (a: Article) => `/articles/${a.slug}/full`;

/** The publisher's own site: pages and the paid fragments (the paywall serves its script). */
function site(articles: readonly Article[]) {
  const bySlug = new Map(articles.map((a) => [a.slug, a]));
  return async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path === '/' || path === '/index.html') return html(indexPage(articles));
    if (path === '/install' || path === '/netcash/install') return html(installPage());
    const match = /^\/articles\/([a-z0-9-]+)(\/full)?$/.exec(path);
    const article = match === null ? undefined : bySlug.get(match[1]!);
    if (article === undefined) return html('<h1>Not found</h1>', 404);
    // Reached for /full only once the paywall has checked the reader's access proof.
    return html(match![2] === undefined ? articlePage(article) : articleFragment(article));
  };
}

/** The site behind a per-address rate limit, when one is asked for (a 429 any page can read). */
function limited(handler: FetchHandler, o: DemoPublisherOptions): FetchHandler {
  if (o.rateLimit === undefined) return handler;
  return compose(
    handler,
    rateLimit({ ...o.rateLimit, headers: { 'access-control-allow-origin': '*' } }),
  );
}

export async function startDemoPublisher(options: DemoPublisherOptions): Promise<DemoPublisher> {
  // merchant-kit ships the script built; in this tree it is rebuilt from source when stale.
  await ensurePaywallScript();
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'netcash-publisher-'));
  const o = options;
  const articles = options.articles ?? ARTICLES;

  // ---- merchant-kit integration, server side: 8 lines (+ the import above, + 2 in site.ts) ----
  const paywall = await createPaywall({
    ...o, // cs, insurers, insurer, cashoutAbove, publicUrl, adminToken, fetch, now, log, triplets
    bank: { url: o.bank },
    store: o.database ?? join(dataDir, 'publisher.sqlite'),
    resources: articles.map((a) => ({ path: fullPath(a), price: a.price, description: a.title })),
  });
  const served = limited(paywall.wrap(site(articles)), o);
  const server = await listen(served, { host: o.host, port: o.port, tls: o.tls });
  // ---- end of integration ------------------------------------------------------------------------

  const base = options.publicUrl ?? server.url;
  return {
    url: base,
    port: server.port,
    articles: articles.map((a) => ({
      slug: a.slug,
      title: a.title,
      price: a.price,
      url: new URL(`/articles/${a.slug}`, base).href,
      resource: new URL(fullPath(a), base).href,
    })),
    paywall,
    cashout: () => paywall.cashout(),
    held: () => paywall.held(),
    async close() {
      await server.close();
      await paywall.close();
    },
  };
}
