/**
 * What a publisher configures: its paid resources (paths or path patterns, prices, descriptions;
 * catalogue.ts), its currency
 * server, the insurer keys it trusts, its bank account and where it keeps its books. Checked once
 * at startup, so a typo fails loudly instead of producing offers no wallet can pay.
 */
import type { CryptoProvider, FetchFn, RetryPolicy } from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import type { PaidResource } from './catalogue.ts';
import type { MerchantStore } from './store/types.ts';

export type { PaidResource, Resource } from './catalogue.ts';
export { sidOfPath } from './catalogue.ts';

/** The publisher's bank account, where cash-outs are deposited. */
export interface BankAccount {
  /** The bank's base URL. */
  readonly url: string;
  /** Account id and its Ed25519 secret key (b64u). Omitted: a demo account is opened once. */
  readonly account?: string;
  readonly secretKey?: string;
}

export interface PaywallOptions {
  /** Base URL of the merchant's own currency server (it exchanges and converts the coins). */
  readonly cs: string;
  /** Insurer keys (b64u Ed25519) whose certificates this merchant trusts: the trust anchors. */
  readonly insurers: readonly string[];
  /** Insurer base URL: certificates of other currency servers and revocations are read there. */
  readonly insurer?: string;
  /** SQLite file, `postgres://…` URL, or an open store. */
  readonly store: string | MerchantStore;
  readonly resources: readonly PaidResource[];
  readonly bank?: BankAccount;
  /** Cash out automatically once the coins held reach this value. */
  readonly cashoutAbove?: number;
  /** Base URL the site is reached at (offers name absolute URLs); default: each request's own. */
  readonly publicUrl?: string;
  /** Path of the payee endpoint (1a, 1c); default `/netcash/pay`. */
  readonly payPath?: string;
  /**
   * The publisher's admin token: with it, `/netcash/admin` shows the books (sales, coins held,
   * cash-outs) to whoever presents it (HTTP Basic password or Bearer). Unset: no admin page.
   */
  readonly adminToken?: string;
  /** Answer each 1a with a fresh key pair (an anonymous payee, SPEC §5 step 2). */
  readonly anonymous?: boolean;
  /** Offer and challenge lifetime in seconds (default 600). */
  readonly offerLifetime?: number;
  /** Also accept coins of these currency servers only (default: any the insurers certify). */
  readonly acceptCs?: readonly string[];
  /**
   * When interrupted payments and cash-outs are sent again while they stay open (redrive.ts):
   * backoff with jitter by this policy (default the protocol's `BACKGROUND`: from a few seconds up
   * to 15 minutes apart), at once when the CS answers another request; `false`: only at start and
   * on `recover()`.
   */
  readonly redrive?: RetryPolicy | false;
  /**
   * How long a written-off coin stays listed (`writeOffs()`, `netcash-merchant writeoffs`), in
   * seconds (default 400 days: a year's accounts, closed after year end). Its value stays in the
   * books for good — the cash-out that wrote it off is kept.
   */
  readonly writeOffRetention?: number;
  /**
   * Triplet coins (SPEC §6, paper figure 6): the offer publishes the payee's key and these
   * windows, and a payment made of coins locked to that key is taken offline — checked here,
   * answered at once, redeemed at their CS in the background before their window closes (default
   * on, `lead` 60 s, `longest` 7 days; `false`: not published, locked coins are exchanged before
   * the answer like any coin).
   */
  readonly triplets?: Partial<TripletWindows> | false;
  /**
   * How a payment's exchange at the CS is sent again, with the same request id, while its failure
   * is transient and the shopper waits (default the protocol's `OUTBOUND`: a few quick tries).
   */
  readonly retry?: RetryPolicy;
  /** Outbound HTTP (to the CS, insurer, bank); for tests that inject faults. */
  readonly fetch?: FetchFn;
  /** Crypto provider (default node:crypto). */
  readonly crypto?: CryptoProvider;
  /** Clock in seconds (tests). */
  readonly now?: () => number;
  /**
   * The publisher's log: what happened to their money, in words (publisher-log.ts) — `warn` for
   * what needs a person, `info` for what the paywall finishes by itself. Default: JSON lines on
   * stderr like the federation's servers (`createLogger('merchant')`, `NETCASH_LOG` level).
   */
  readonly log?: Logger;
}

/** The windows a payee takes C_B coins in (the offer's `triplets`, PROTOCOL §3.9). */
export interface TripletWindows {
  /**
   * Seconds C_B's first window must still run when it is paid: the payee's time to redeem it at
   * its issuer (through its own CS, retrying) before the window closes.
   */
  readonly lead: number;
  /**
   * The furthest ahead (seconds) a C_B's window may end: the payee remembers each C_B it took
   * until then, against the same coin paid twice, so this bounds what it keeps.
   */
  readonly longest: number;
}

export const DEFAULT_TRIPLET_WINDOWS: TripletWindows = { lead: 60, longest: 7 * 86_400 };

/** The windows the payee takes C_B in, or null when it takes no triplet coins offline. */
export function tripletWindows(option: PaywallOptions['triplets']): TripletWindows | null {
  if (option === false) return null;
  const windows = { ...DEFAULT_TRIPLET_WINDOWS, ...option };
  for (const [name, value] of Object.entries(windows)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`triplets.${name} must be a whole number of seconds`);
    }
  }
  if (windows.longest <= windows.lead) {
    throw new TypeError('triplets.longest must be longer than triplets.lead');
  }
  return windows;
}

export const DEFAULT_PAY_PATH = '/netcash/pay';
/** Where the handler serves the paywall script (`<script src="/netcash/paywall.js">`). */
export const DEFAULT_SCRIPT_PATH = '/netcash/paywall.js';
export const DEFAULT_OFFER_LIFETIME = 600;
export const DEFAULT_WRITE_OFF_RETENTION = 400 * 86_400;
export const MAX_PAYMENT_BODY = 256 * 1024;
