/**
 * Offline coin verification (SPEC §3): the coin's signature is valid under its certificate's
 * signKey, the certificate is signed by a trusted insurer, not revoked, not expired, the coin is
 * not expired and in the expected currency. No network: a payee can do this before it goes to
 * the issuing CS, which alone can tell whether the serial is still outstanding.
 */
import type { CryptoProvider } from '../crypto/provider.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { Coin, CoinBody } from '../schema/objects.ts';
import { verify } from '../signing.ts';
import type { TrustStore } from '../trust.ts';

export interface CoinCheck {
  /** Seconds since the epoch. */
  readonly now: number;
  /** Refuse coins of another currency. */
  readonly currency?: string;
  /** Refuse coins not minted by this CS (a CS exchanging its own coins). */
  readonly cs?: string;
}

export function verifyCoin(
  p: CryptoProvider,
  trust: TrustStore,
  coin: Coin,
  check: CoinCheck,
): Result<CoinBody> {
  const { body } = coin;
  const cert = trust.validCertificate(body.certId, check.now);
  if (!cert.ok) return cert;
  if (cert.value.csName !== body.cs || cert.value.currency !== body.currency) {
    return fail('untrusted-cert', `certificate ${body.certId} does not certify this coin's CS`);
  }
  if (!verify(p, cert.value.signKey, coin)) {
    return fail('bad-signature', 'coin signature does not verify', { serial: body.serial });
  }
  if (check.now >= body.expires) return fail('expired', 'coin expired', { serial: body.serial });
  if (check.currency !== undefined && body.currency !== check.currency) {
    return fail('wrong-currency', `coin is in ${body.currency}, not ${check.currency}`);
  }
  if (check.cs !== undefined && body.cs !== check.cs) {
    return fail('foreign-coin', `coin was minted by ${body.cs}`, { serial: body.serial });
  }
  return ok(body);
}

/** Verifies every coin; the first failure wins. Also refuses a serial that appears twice. */
export function verifyCoins(
  p: CryptoProvider,
  trust: TrustStore,
  coins: readonly Coin[],
  check: CoinCheck,
): Result<CoinBody[]> {
  const seen = new Set<string>();
  const bodies: CoinBody[] = [];
  for (const coin of coins) {
    const key = `${coin.body.cs}/${coin.body.serial}`;
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
