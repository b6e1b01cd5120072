/**
 * The `blind-rsa` coin scheme (SPEC §7, PROTOCOL §3.12): an RSABSSA-SHA384-PSS-Deterministic
 * signature (RFC 9474) under the insurer-certified denomination key `keyId`, over the coin's
 * domain-separated canonical bytes. Publicly verifiable, so a payee checks it offline like an
 * nc1 coin. The key fixes what the CS could not see when it signed: the coin's `value`,
 * `currency`, issuing `cs` and `expires` (= the key's `depositUntil`, the same for every coin of
 * the key, so expiry can't tell two withdrawals apart) must be the key's.
 */
import { verifyPss } from '../../crypto/rsa/rsabssa.ts';
import { fromB64u } from '../../encoding/base64url.ts';
import { fail, ok } from '../../errors.ts';
import type { BlindRsaCoin, BlindRsaCoinBody, DenominationKeyBody } from '../../schema/objects.ts';
import { signingBytes } from '../../signing.ts';
import type { TrustStore } from '../../trust.ts';
import type { CoinScheme } from './types.ts';

export const blindRsaScheme: CoinScheme<BlindRsaCoin> = {
  name: 'blind-rsa',
  ledger: 'spent',
  signerId: (body) => body.keyId,
  spendId: (body) => body.serial,
  credential(trust, body) {
    const key = trust.signedDenominationKey(body.keyId);
    return key === undefined ? undefined : { kind: 'denomination-key', key };
  },
  verify(_p, trust, coin, now) {
    const { body } = coin;
    const key = trust.validDenominationKey(body.keyId, now);
    if (!key.ok) return key;
    if (!matches(key.value, body)) return mismatch(body);
    if (!blindSignatureValid(trust, coin)) {
      return fail('bad-signature', 'coin signature does not verify', { serial: body.serial });
    }
    if (now >= body.expires) return fail('expired', 'coin expired', { serial: body.serial });
    return ok(body);
  },
  windows(trust, body) {
    const key = trust.denominationKey(body.keyId);
    if (key === undefined) {
      return fail('unknown-cert', `denomination key ${body.keyId} is not known`);
    }
    if (!matches(key, body)) return mismatch(body);
    return ok({
      payableUntil: key.depositUntil,
      redeemableUntil: key.redeemUntil,
      revoked: trust.isRevoked(key),
    });
  },
  signatureValid: (_p, trust, coin) => blindSignatureValid(trust, coin),
};

/** The key fixes what the CS could not see when it signed blinded. */
function matches(k: DenominationKeyBody, body: BlindRsaCoinBody): boolean {
  return (
    k.cs === body.cs &&
    k.currency === body.currency &&
    k.value === body.value &&
    k.depositUntil === body.expires
  );
}

function mismatch(body: BlindRsaCoinBody) {
  return fail('untrusted-cert', `coin does not match its denomination key ${body.keyId}`, {
    serial: body.serial,
  });
}

function blindSignatureValid(trust: TrustStore, coin: BlindRsaCoin): boolean {
  const rsa = trust.rsaKey(coin.body.keyId);
  const sig = fromB64u(coin.sig);
  return rsa !== undefined && sig !== null && verifyPss(rsa, signingBytes(coin.body), sig);
}
