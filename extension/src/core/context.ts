/**
 * What every part of the wallet core works with: the database, the crypto provider, `fetch`,
 * the clocks, the fault points, the network policy and the trust store (a cache of the trusted
 * rows in IndexedDB). Platform-free: the service worker and Node tests each build one with their
 * own `fetch`.
 */
import type {
  CryptoProvider,
  FetchFn,
  HttpOptions,
  RetryPolicy,
  TrustStore,
} from '@netcash/protocol';
import type { WalletDb } from './db/open.ts';
import type { Faults } from './faults.ts';

/**
 * How the wallet waits for servers. Tests shorten every figure; the shopper's settings may too.
 * The currency servers keep request ids for 7 days (PROTOCOL.md §10): a pending operation must
 * be answered before then, so the figures below stay well inside it.
 */
export interface NetPolicy {
  /** One request, in ms. */
  readonly timeoutMs: number;
  /**
   * How long a buy, payment or cash-out the shopper is watching is retried (backoff inside this
   * budget) before the wallet reports it pending and finishes it in the background, in ms.
   */
  readonly patienceMs: number;
  /** Backoff between background re-drives of a pending operation (full jitter, no limit). */
  readonly retry: RetryPolicy;
  /**
   * Seconds a payment keeps asking a silent payee for the receipt before it takes its coins back
   * at their currency server (reclaim).
   */
  readonly reclaimAfter: number;
  /** Seconds pending after which the wallet warns that a server may forget the request. */
  readonly warnAfter: number;
  /**
   * A protected payment (SPEC §6): seconds C_B stays valid beyond the payee's `lead` — the time
   * the payee has to answer before the wallet may claim the value back with C_A.
   */
  readonly protectWindow: number;
  /** A prepayment: seconds its C_B stay ready for payments (at most the payee's `longest`). */
  readonly prepayHold: number;
}

export const DEFAULT_NET: NetPolicy = {
  timeoutMs: 10_000,
  patienceMs: 8_000,
  retry: { baseMs: 2_000, maxMs: 5 * 60_000 },
  reclaimAfter: 3_600,
  warnAfter: 86_400,
  protectWindow: 600,
  prepayHold: 86_400,
};

export interface Core {
  readonly db: WalletDb;
  readonly p: CryptoProvider;
  readonly fetch: FetchFn;
  /** Seconds since the epoch (dates in the journal, coins, receipts). */
  readonly now: () => number;
  /** Milliseconds, for scheduling retries. */
  readonly nowMs: () => number;
  /** A random number in [0, 1), for backoff jitter. */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly faults: Faults;
  /** Replaced when the shopper (or a test) changes it. */
  net: NetPolicy;
  /** Rebuilt from the `insurers`, `certificates` and `revocations` stores when they change. */
  trust: TrustStore;
  /** Names of the currency servers with stored certificates, sorted. */
  csNames: readonly string[];
  /**
   * Withdraw blind-rsa coins where a CS offers a key for the value (SPEC §7; the shopper's
   * setting; absent means on). Read when a request is built; journaled requests keep theirs.
   */
  blindCoins?: boolean;
  /** Currency servers the shopper stopped using (stopped.ts); absent means none. */
  stopped?: ReadonlySet<string>;
  /**
   * The BIP-39 seed of the wallet's recovery phrase (restore/seed.ts): output secrets and restore
   * tags are derived from it (docs/PROTOCOL.md §4.8). Absent only in a wallet opened without one.
   */
  seed?: Uint8Array;
}

export function http(core: Core, fetchFn: FetchFn = core.fetch): HttpOptions {
  return { fetch: fetchFn, timeoutMs: core.net.timeoutMs };
}
