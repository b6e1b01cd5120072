/**
 * @netcash/merchant-kit — the publisher's side of NetCash (SPEC §5, §8).
 *
 * Server: `createPaywall(options)` gives a fetch-standard payee handler (offers on 402, payments
 * 1a/1b and 1c → 2, access proofs, cash-out); `listen`/`toNodeListener` (from
 * @netcash/server-kit, re-exported here) serve a fetch handler on Node's http; the adapters
 * mount the paywall in front of a Node listener, Express, Hono or Next.js route handlers. The
 * handler serves the `<netcash-paywall>` script itself at `/netcash/paywall.js`.
 *
 *   const paywall = await createPaywall({ cs, insurers: [key], store: 'merchant.db',
 *     resources: [{ path: '/articles/*', price: 5, description: 'An article' }] });
 *   await listen(paywall.wrap(site), { port: 8080 });        // site: (Request) => Response
 *   createServer(nodePaywall(paywall, site)).listen(8080);   // site: (req, res) => void
 */

// Serving, from server-kit: the Node adapter and the pieces a publisher may wrap its site in.
/** The publisher's log takes server-kit's logger (the servers' one logging mechanism). */
export {
  compose,
  createLogger,
  type FetchHandler,
  type Listening,
  type ListenOptions,
  type Logger,
  limitBody,
  listen,
  logRequests,
  type Piece,
  type RateLimitOptions,
  rateLimit,
  type ServerTimeouts,
  silentLogger,
  type TlsOptions,
  toNodeListener,
} from '@netcash/server-kit';
export { type HonoContextLike, honoPaywall } from './adapters/hono.ts';
export { nextPaywall, nextRoutes, type RouteHandler } from './adapters/next.ts';
export { expressPaywall, type NodeListener, nodePaywall } from './adapters/node.ts';
export { type PublisherBooks, publisherBooks } from './admin/books.ts';
export type { CashoutSummary } from './server/cashout.ts';
export type { PaidResource } from './server/catalogue.ts';
export {
  type BankAccount,
  DEFAULT_PAY_PATH,
  DEFAULT_SCRIPT_PATH,
  type PaywallOptions,
  sidOfPath,
} from './server/config.ts';
export { type Authorization, createPaywall, type Paywall } from './server/paywall.ts';
export { openMerchantStore, SqlMerchantStore } from './server/store/sql-store.ts';
export type {
  Cashout,
  CashoutState,
  HeldCoin,
  MerchantStore,
  PendingPayment,
  StoredReceipt,
  WriteOff,
} from './server/store/types.ts';
