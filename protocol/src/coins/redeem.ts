/**
 * Two windows per coin (docs/PROTOCOL.md §4.7): until its `expires` a coin pays anyone; after
 * that its issuing CS still exchanges or cashes it out for the redemption window its key
 * publishes (`certificate.redeemFor`, `denomination-key.redeemUntil`) — a wallet closed for a
 * month loses nothing. A coin whose key was revoked is no longer trusted on its signature alone:
 * its issuer redeems it only against its own records (recoup: the outstanding serial of an nc1
 * coin, the withdrawal of a blind-rsa coin).
 *
 *   standingOf        where a held coin stands now, from its key alone (wallets sort their coins)
 *   verifyRedeemable  what an issuing CS checks before it exchanges or cashes a coin out
 */
import type { CryptoProvider } from '../crypto/provider.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { AnyCoin, AnyCoinBody } from '../schema/objects.ts';
import type { TrustStore } from '../trust.ts';
import { schemeOf, windowsOf } from './schemes/index.ts';
import type { CoinCheck } from './verify.ts';

/**
 * `valid`: pays and redeems as usual. `late`: past `expires`, inside the redemption window — only
 * its issuer takes it (exchange, cash-out). `revoked`: its key was revoked, inside the window —
 * only its issuer takes it, by recoup.
 */
export type Standing = 'valid' | 'late' | 'revoked';

/**
 * Where a coin stands at `now` by its key's windows and revocation (no signature checked: the
 * holder checked it on receipt). `expired` past the redemption window; `unknown-cert` /
 * `untrusted-cert` when its key is not held or does not match.
 */
export function standingOf(trust: TrustStore, body: AnyCoinBody, now: number): Result<Standing> {
  const windows = windowsOf(trust, body);
  if (!windows.ok) return windows;
  const w = windows.value;
  if (now >= w.redeemableUntil) {
    return fail('expired', 'the coin is past its redemption window', { serial: body.serial });
  }
  if (w.revoked) return ok('revoked');
  return ok(now < w.payableUntil ? 'valid' : 'late');
}

/**
 * The issuing CS's check of a coin presented for exchange or cash-out: a valid coin passes the
 * full offline verification (verify.ts); a late or revoked one its key's windows and its
 * signature (which, under a revoked key, proves nothing by itself: the caller redeems it only
 * against its own records). Currency and issuer as asked.
 */
export function verifyRedeemable<C extends AnyCoin>(
  p: CryptoProvider,
  trust: TrustStore,
  coin: C,
  check: CoinCheck,
): Result<{ body: C['body']; standing: Standing }> {
  const { body } = coin;
  const scheme = schemeOf(coin);
  const standing = standingOf(trust, body, check.now);
  if (!standing.ok) return standing;
  if (standing.value === 'valid') {
    const verified = scheme.verify(p, trust, check.now);
    if (!verified.ok) return verified;
  } else if (!scheme.signatureValid(p, trust)) {
    return fail('bad-signature', 'coin signature does not verify', { serial: body.serial });
  }
  if (check.currency !== undefined && body.currency !== check.currency) {
    return fail('wrong-currency', `coin is in ${body.currency}, not ${check.currency}`);
  }
  if (check.cs !== undefined && body.cs !== check.cs) {
    return fail('foreign-coin', `coin was minted by ${body.cs}`, { serial: body.serial });
  }
  return ok({ body, standing: standing.value });
}
