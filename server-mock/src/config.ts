/**
 * Defaults of the reference federation (docs/PROTOCOL.md §10), in one place. Every server takes
 * these as overridable config; tests shorten lifetimes and move time with an injected clock
 * (`now()` in integer seconds), so nothing here reads the wall clock but `systemNow`.
 */
export const DAY = 86_400;

export const DEFAULTS = {
  /** NetCash demo dollar; minor unit one cent. */
  currency: 'NCD',
  /** Coin values in cents: 0.01 … 50.00. */
  denominations: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] as readonly number[],
  coinLifetime: 30 * DAY,
  /** A blind-rsa denomination key takes withdrawals this long; its coins live coinLifetime more. */
  blindWithdrawPeriod: 7 * DAY,
  /**
   * The insurer's redemption window: a coin's issuing CS still exchanges or cashes it out (never
   * for payment) this long after it expires, keeping its serial outstanding (PROTOCOL §4.7).
   */
  redemptionWindow: 365 * DAY,
  /**
   * Serials are pruned (their value booked as `expired`) this long after their redemption window
   * closes; a blind-rsa key's spent list and withdrawal records likewise after its redeemUntil.
   */
  pruneGrace: 7 * DAY,
  /** Milliseconds between a CS's maintenance runs (pruning, renewals, replacing revoked keys). */
  maintenanceIntervalMs: 3_600_000,
  /** Idempotency records (request id → reply) are kept this long. */
  requestRetention: 7 * DAY,
  certificateLifetime: 365 * DAY,
  /** A certificate this close to its expiry is renewed at startup. */
  certificateRenewal: 30 * DAY,
  checkLifetime: 30 * DAY,
  /** Most value a CS may have outstanding: 1,000,000.00 NCD. */
  mintLimit: 100_000_000,
  /** In demo mode (`netcash up`, `netcash bank --demo`) a customer account opens with 100.00 NCD. */
  demoBalance: 10_000,
  /** In demo mode, account openings per client address: a burst of 10, then one a minute. */
  demoOpenings: { burst: 10, perSecond: 1 / 60 },
  maxBodyBytes: 256 * 1024,
  maxInstruments: 64,
  outboundTimeoutMs: 10_000,
  /** Seconds a signed request's date (account opening or request, enrollment) may be off the receiver's clock. */
  requestWindow: 300,
  /** Seconds between refreshes of the insurer's revocation list at a CS. */
  revocationRefresh: 30,
  insurerName: 'insurer',
  bankName: 'bank',
} as const;

/** Integer seconds since the Unix epoch, from the wall clock. */
export function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}

export type Clock = () => number;
