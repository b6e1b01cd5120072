/**
 * What every part of the wallet core works with: the database, the crypto provider, `fetch`,
 * the clock, the fault points and the trust store (a cache of the trusted rows in IndexedDB).
 * Platform-free: the service worker and Node tests each build one with their own `fetch`.
 */
import type { CryptoProvider, FetchFn, HttpOptions, TrustStore } from '@netcash/protocol';
import type { WalletDb } from './db/open.ts';
import type { Faults } from './faults.ts';

export interface Core {
  readonly db: WalletDb;
  readonly p: CryptoProvider;
  readonly fetch: FetchFn;
  /** Seconds since the epoch. */
  readonly now: () => number;
  readonly faults: Faults;
  readonly timeoutMs: number;
  /** Rebuilt from the `insurers`, `certificates` and `revocations` stores when they change. */
  trust: TrustStore;
  /** Names of the currency servers with stored certificates, sorted. */
  csNames: readonly string[];
  /**
   * Withdraw blind-rsa coins where a CS offers a key for the value (SPEC §7; the shopper's
   * setting; absent means on). Read when a request is built; journaled requests keep theirs.
   */
  blindCoins?: boolean;
}

export function http(core: Core, fetchFn: FetchFn = core.fetch): HttpOptions {
  return { fetch: fetchFn, timeoutMs: core.timeoutMs };
}
