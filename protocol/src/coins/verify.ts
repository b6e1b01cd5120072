/**
 * Offline coin verification (SPEC §3, §7), for coins of any scheme: the scheme checks the
 * signature under its key (certificate of insurance for nc1, denomination key for blind-rsa),
 * that the key comes from a trusted insurer, is not revoked or expired, and the coin not expired
 * (schemes/); then the currency and issuer the caller expects. No network: a payee can do this
 * before it goes to the issuing CS, which alone can tell whether the coin was already spent.
 */
import type { CryptoProvider } from '../crypto/provider.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { AnyCoin } from '../schema/objects.ts';
import type { TrustStore } from '../trust.ts';
import { schemeOf } from './schemes/index.ts';

export interface CoinCheck {
  /** Seconds since the epoch. */
  readonly now: number;
  /** Refuse coins of another currency. */
  readonly currency?: string;
  /** Refuse coins not minted by this CS (a CS exchanging its own coins). */
  readonly cs?: string;
}

export function verifyCoin<C extends AnyCoin>(
  p: CryptoProvider,
  trust: TrustStore,
  coin: C,
  check: CoinCheck,
): Result<C['body']> {
  const { body } = coin;
  const verified = schemeOf(coin).verify(p, trust, check.now);
  if (!verified.ok) return verified;
  if (check.currency !== undefined && body.currency !== check.currency) {
    return fail('wrong-currency', `coin is in ${body.currency}, not ${check.currency}`);
  }
  if (check.cs !== undefined && body.cs !== check.cs) {
    return fail('foreign-coin', `coin was minted by ${body.cs}`, { serial: body.serial });
  }
  return ok(body);
}

/**
 * Verifies every coin; the first failure wins. Also refuses a coin that appears twice (the same
 * spend identity of one CS, whatever its scheme).
 */
export function verifyCoins<C extends AnyCoin>(
  p: CryptoProvider,
  trust: TrustStore,
  coins: readonly C[],
  check: CoinCheck,
): Result<C['body'][]> {
  const seen = new Set<string>();
  const bodies: C['body'][] = [];
  for (const coin of coins) {
    const key = `${coin.body.cs}/${schemeOf(coin).spendId()}`;
    if (seen.has(key))
      return fail('double-spent', 'the same coin appears twice', { serial: coin.body.serial });
    seen.add(key);
    const verified = verifyCoin(p, trust, coin, check);
    if (!verified.ok) return verified;
    bodies.push(verified.value);
  }
  return ok(bodies);
}

/** Sum of coin values (safe: at most 64 coins of at most 2^53−1 are checked by callers). */
export function totalValue(coins: readonly { readonly value: number }[]): number {
  let sum = 0;
  for (const c of coins) sum += c.value;
  return sum;
}
