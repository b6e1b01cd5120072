/**
 * What a publisher configures: its paid resources (S_id, path, price, description), its currency
 * server, the insurer keys it trusts, its bank account and where it keeps its books. Checked once
 * at startup, so a typo fails loudly instead of producing offers no wallet can pay.
 */
import { type CryptoProvider, type FetchFn, isSafeText, type RetryPolicy } from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import type { MerchantStore } from './store/types.ts';

/** One thing for sale: the paper's service S_id at a path of the publisher's site. */
export interface PaidResource {
  /** Path on this site, e.g. `/articles/x` (matched exactly, without the query). */
  readonly path: string;
  /** Price in the currency's minor unit (cents for the demo `NCD`). */
  readonly price: number;
  /** Shown in the wallet's approval window (≤ 280 characters). */
  readonly description: string;
  /** Service id S_id (a token); derived from the path when omitted. */
  readonly sid?: string;
}

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
  /** Answer each 1a with a fresh key pair (an anonymous payee, SPEC §5 step 2). */
  readonly anonymous?: boolean;
  /** Offer and challenge lifetime in seconds (default 600). */
  readonly offerLifetime?: number;
  /** Also accept coins of these currency servers only (default: any the insurers certify). */
  readonly acceptCs?: readonly string[];
  /** Re-drive interrupted payments and cash-outs this often, in ms (default 30 s; 0: never). */
  readonly redriveEveryMs?: number;
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

export interface Resource {
  readonly path: string;
  readonly sid: string;
  readonly price: number;
  readonly description: string;
}

export const DEFAULT_PAY_PATH = '/netcash/pay';
export const DEFAULT_OFFER_LIFETIME = 600;
export const MAX_PAYMENT_BODY = 256 * 1024;

const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** `/articles/x` → `articles.x`: a token, unique per path for ordinary paths. */
export function sidOfPath(path: string): string {
  const sid = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/[^A-Za-z0-9_.:-]+/g, '.')
    .slice(-64);
  return sid === '' ? 'root' : sid;
}

export function normalizeResources(list: readonly PaidResource[]): Map<string, Resource> {
  const byPath = new Map<string, Resource>();
  const sids = new Set<string>();
  for (const r of list) {
    if (!r.path.startsWith('/')) throw new TypeError(`resource path ${r.path} must start with /`);
    if (!Number.isSafeInteger(r.price) || r.price < 1) {
      throw new TypeError(`price of ${r.path} must be a positive integer of minor units`);
    }
    if (r.description.length > 280) throw new TypeError(`description of ${r.path} is too long`);
    if (!isSafeText(r.description)) {
      throw new TypeError(`description of ${r.path} holds control or bidi-override characters`);
    }
    const sid = r.sid ?? sidOfPath(r.path);
    if (!TOKEN.test(sid)) throw new TypeError(`sid ${sid} is not a token`);
    if (byPath.has(r.path)) throw new TypeError(`resource ${r.path} is listed twice`);
    if (sids.has(sid)) throw new TypeError(`sid ${sid} is used twice`);
    sids.add(sid);
    byPath.set(r.path, { path: r.path, sid, price: r.price, description: r.description });
  }
  return byPath;
}
