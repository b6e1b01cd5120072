/**
 * Which coins to hold (SPEC §5: "the wallet pays exact amounts. It keeps a spread of
 * denominations and refreshes it in the background so that most payments need no extra round
 * trip"). Pure functions; the exchange module carries out what they decide.
 *
 * A holding *covers* every amount up to S when its coins, sorted ascending, each fit under the
 * running sum plus one (c ≤ S + 1 ⇒ every amount ≤ S + c is payable exactly). `spread` builds
 * such a holding: repeatedly take the largest denomination that still extends the covered range,
 * until `coverUpTo` is covered, then pay the rest in the fewest coins.
 */
import { decompose } from '@netcash/protocol';

/** Most coins one CS request may carry (PROTOCOL.md §4.2). */
export const MAX_COINS = 64;

export interface SpreadPolicy {
  /** Every amount up to this should be payable exactly (minor units). */
  readonly coverUpTo: number;
  /** Exchange coins this many seconds before they expire. */
  readonly refreshBefore: number;
}

export const DEFAULT_POLICY: SpreadPolicy = { coverUpTo: 2_000, refreshBefore: 3 * 86_400 };

/** The largest S such that every amount in [0, S] is payable exactly from `values`. */
export function coverage(values: readonly number[]): number {
  let covered = 0;
  for (const v of [...values].sort((a, b) => a - b)) {
    if (v > covered + 1) break;
    covered += v;
  }
  return covered;
}

/**
 * Coin values summing to `total` that cover every amount up to `min(total, coverUpTo)`, at most
 * MAX_COINS of them (descending); null when the denominations can't make `total`.
 */
export function spread(
  total: number,
  denominations: readonly number[],
  coverUpTo: number,
): number[] | null {
  const denoms = [...new Set(denominations)].sort((a, b) => a - b);
  const goal = Math.min(total, coverUpTo);
  const out: number[] = [];
  let covered = 0;
  while (covered < goal) {
    const left = total - covered;
    let pick = 0;
    for (const d of denoms) if (d <= covered + 1 && d <= left) pick = d;
    if (pick === 0) break;
    out.push(pick);
    covered += pick;
  }
  const rest = decompose(total - covered, denoms);
  if (rest === null) {
    // The spread left a remainder the denominations can't make: fall back to fewest coins.
    const plain = decompose(total, denoms);
    return plain === null || plain.length > MAX_COINS ? null : plain;
  }
  const values = [...out, ...rest].sort((a, b) => b - a);
  if (values.length <= MAX_COINS) return values;
  const plain = decompose(total, denoms);
  return plain === null || plain.length > MAX_COINS ? null : plain;
}

export interface HeldCoin {
  readonly id: string;
  readonly value: number;
  readonly expires: number;
  /** When the wallet received it: `expires − added` is about its lifetime. */
  readonly added?: number;
}

/**
 * How long before its expiry a coin is refreshed: the policy's window, or a quarter of the coin's
 * lifetime when that is shorter — coins that live an hour are refreshed in their last quarter
 * hour, not at every upkeep because they always expire "within 3 days".
 */
export function refreshWindow(coin: HeldCoin, policy: SpreadPolicy): number {
  if (coin.added === undefined) return policy.refreshBefore;
  return Math.min(policy.refreshBefore, Math.floor((coin.expires - coin.added) / 4));
}

/**
 * The coins of one CS worth exchanging now, or null when the holding is fine: any coin expiring
 * within its refresh window (`refreshWindow`), or — when the holding covers less than it could —
 * all of them (at most MAX_COINS, largest first, since those are the ones to break).
 */
export function refreshPlan<C extends HeldCoin>(
  coins: readonly C[],
  denominations: readonly number[],
  policy: SpreadPolicy,
  now: number,
): { coins: C[]; values: number[] } | null {
  if (coins.length === 0) return null;
  const live = coins.filter((c) => c.expires > now);
  const expiring = live.filter((c) => c.expires - now < refreshWindow(c, policy));
  let total = 0;
  for (const c of live) total += c.value;
  const goal = Math.min(total, policy.coverUpTo);
  const needsSpread = coverage(live.map((c) => c.value)) < goal;
  if (!needsSpread && expiring.length === 0) return null;
  let chosen: C[];
  if (needsSpread) {
    chosen = [...live].sort((a, b) => b.value - a.value).slice(0, MAX_COINS);
    // Expiring coins always go along, even past the largest ones.
    for (const c of expiring) if (!chosen.includes(c)) chosen.push(c);
    chosen = chosen.slice(0, MAX_COINS);
  } else {
    chosen = expiring.slice(0, MAX_COINS);
  }
  let sum = 0;
  for (const c of chosen) sum += c.value;
  const values = spread(sum, denominations, policy.coverUpTo);
  if (values === null) return null;
  // Exchanging a holding for the very same values gains nothing unless coins expire soon.
  const same =
    expiring.length === 0 &&
    values.length === chosen.length &&
    [...values].sort((a, b) => a - b).join() ===
      chosen
        .map((c) => c.value)
        .sort((a, b) => a - b)
        .join();
  return same ? null : { coins: chosen, values };
}
