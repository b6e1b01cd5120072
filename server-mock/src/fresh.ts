/**
 * Freshness of signed requests (docs/PROTOCOL.md §7.1, §8): a request carries the date its
 * signer made it, and a receiver refuses one dated further than its clock window from now, so a
 * copied request is worthless after the window; within it, the receiver remembers the request's
 * nonce (or, for an idempotent request, answers it again).
 */
import { NetCashError } from '@netcash/protocol';

/** Refuses a request dated more than `window` seconds from `now` with `expired`. */
export function requireFresh(date: number, now: number, window: number, what: string): void {
  if (Math.abs(date - now) > window) {
    throw new NetCashError('expired', `${what} is dated outside the clock window (${window} s)`);
  }
}
