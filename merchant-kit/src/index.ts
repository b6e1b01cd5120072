/**
 * @netcash/merchant-kit — the publisher's side of NetCash (SPEC §5, §8).
 *
 * Server: `createPaywall(options)` gives a fetch-standard payee handler (offers on 402, payments
 * 1a/1b and 1c → 2, access proofs, cash-out); `listen`/`toNodeListener` (from
 * @netcash/server-kit, re-exported here) mount it on Node's http or Express. Browser: the
 * `<netcash-paywall>` element is in `@netcash/merchant-kit/browser` and ships as one script
 * (`dist/merchant-kit/netcash-paywall.js`).
 *
 *   const paywall = await createPaywall({ cs, insurers: [key], store: 'merchant.db',
 *     resources: [{ path: '/articles/x', price: 5, description: 'Article X' }] });
 *   await listen(paywall.wrap(site), { port: 8080 });
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
export type { CashoutSummary } from './cashout.ts';
export {
  type BankAccount,
  DEFAULT_PAY_PATH,
  type PaidResource,
  type PaywallOptions,
  sidOfPath,
} from './config.ts';
export { paywallMiddleware } from './middleware.ts';
export { type Authorization, createPaywall, type Paywall } from './paywall.ts';
export { openMerchantStore, SqlMerchantStore } from './store/sql-store.ts';
export type {
  Cashout,
  CashoutState,
  HeldCoin,
  MerchantStore,
  PendingPayment,
  StoredReceipt,
  WriteOff,
} from './store/types.ts';
