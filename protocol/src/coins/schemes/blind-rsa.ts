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
import type { BlindRsaCoin } from '../../schema/objects.ts';
import { signingBytes } from '../../signing.ts';
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
    const k = key.value;
    if (
      k.cs !== body.cs ||
      k.currency !== body.currency ||
      k.value !== body.value ||
      k.depositUntil !== body.expires
    ) {
      return fail('untrusted-cert', `coin does not match its denomination key ${body.keyId}`, {
        serial: body.serial,
      });
    }
    const rsa = trust.rsaKey(body.keyId);
    const sig = fromB64u(coin.sig);
    if (rsa === undefined || sig === null || !verifyPss(rsa, signingBytes(body), sig)) {
      return fail('bad-signature', 'coin signature does not verify', { serial: body.serial });
    }
    if (now >= body.expires) return fail('expired', 'coin expired', { serial: body.serial });
    return ok(body);
  },
};
