/**
 * What a refused cash-out means for its coins. A CS refuses a whole request when one coin in it is
 * bad, and changes nothing (PROTOCOL §4.4), so one spent or expired coin must not cost the good
 * ones: the refused batch is split and its parts sent under fresh request ids.
 *
 *   - Coins to blame go alone: those the refusal names (`detail.serial` / `detail.serials`), for
 *     `expired` also every coin expiring no later than the one named (the CS's clock is past them
 *     too), and those the merchant's own offline check refuses (a revoked or unknown certificate:
 *     such refusals name no coin).
 *   - The rest go on together; with no coin to blame, the batch is halved (bisection) — unless
 *     the refusal is about a certificate that none of the coins has here (then it is about the
 *     request's envelope).
 *   - A cash-out of one coin refused *for that coin* (named, or refused offline here as well) is
 *     the proof: the coin is written off with the reason.
 *   - A refusal that is not about the coins (an unknown account, a certificate of the envelope)
 *     returns them to the purse: nothing is written off on a guess.
 */
import type { AnyCoin, NetCashError } from '@netcash/protocol';

/** Refusals about a coin presented rather than the request (PROTOCOL §9). */
const COIN_REFUSALS: ReadonlySet<string> = new Set([
  'double-spent',
  'expired',
  'revoked',
  'unknown-cert',
  'untrusted-cert',
  'bad-signature',
  'foreign-coin',
  'wrong-currency',
  'locked',
  'unsupported-scheme',
]);

/** Refusals about a coin's certificate or key, which name no coin: checked offline here too. */
export const CERTIFICATE_REFUSALS: ReadonlySet<string> = new Set([
  'revoked',
  'unknown-cert',
  'untrusted-cert',
  'expired',
]);

export type RefusalPlan =
  /** Not the coins' fault: they are held again. */
  | { readonly kind: 'return' }
  /** The one coin was refused for itself. */
  | { readonly kind: 'write-off'; readonly reason: string; readonly message: string }
  /** Serials per new cash-out, in the order to send them; each coin in exactly one group. */
  | { readonly kind: 'split'; readonly groups: readonly (readonly string[])[] };

/** The serials a refusal names (`detail.serial`, `detail.serials`). */
function named(error: NetCashError): Set<string> {
  const out = new Set<string>();
  const detail = error.detail ?? {};
  const one = detail['serial'];
  if (typeof one === 'string') out.add(one);
  const many = detail['serials'];
  if (Array.isArray(many)) for (const s of many) if (typeof s === 'string') out.add(s);
  return out;
}

/**
 * Plans what to do with the coins of a cash-out the CS refused with `error`. `offline` is the
 * merchant's own check of one coin (null: it verifies).
 */
export function planRefusal(
  coins: readonly AnyCoin[],
  error: NetCashError,
  offline: (coin: AnyCoin) => NetCashError | null,
): RefusalPlan {
  if (!COIN_REFUSALS.has(error.code) || coins.length === 0) return { kind: 'return' };
  const blamed = new Set([...named(error)].filter((s) => coins.some((c) => c.body.serial === s)));
  if (error.code === 'expired' && blamed.size > 0) {
    const latest = Math.max(
      ...coins.filter((c) => blamed.has(c.body.serial)).map((c) => c.body.expires),
    );
    for (const c of coins) if (c.body.expires <= latest) blamed.add(c.body.serial);
  }
  const refusedHere = new Map<string, NetCashError>();
  for (const c of coins) {
    const local = offline(c);
    if (local !== null) refusedHere.set(c.body.serial, local);
  }

  if (coins.length === 1) {
    const serial = coins[0]!.body.serial;
    if (blamed.has(serial))
      return { kind: 'write-off', reason: error.code, message: error.message };
    const local = refusedHere.get(serial);
    if (local !== undefined && CERTIFICATE_REFUSALS.has(error.code)) {
      return { kind: 'write-off', reason: local.code, message: local.message };
    }
    return { kind: 'return' };
  }

  const alone = coins.filter((c) => blamed.has(c.body.serial) || refusedHere.has(c.body.serial));
  const rest = coins.filter((c) => !alone.includes(c));
  if (alone.length > 0) {
    // The rest first: most of the value, and likely good, so it is paid before the probes.
    const groups = rest.length > 0 ? [rest.map((c) => c.body.serial)] : [];
    for (const c of alone) groups.push([c.body.serial]);
    return { kind: 'split', groups };
  }
  // A certificate refusal that fits no coin here is about the request (its envelope's
  // certificate), not the coins: halving would only repeat it down to single coins.
  if (CERTIFICATE_REFUSALS.has(error.code)) return { kind: 'return' };
  const half = Math.ceil(coins.length / 2);
  return {
    kind: 'split',
    groups: [coins.slice(0, half), coins.slice(half)].map((g) => g.map((c) => c.body.serial)),
  };
}
