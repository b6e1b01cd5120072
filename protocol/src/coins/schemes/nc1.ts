/**
 * The `nc1` coin scheme (paper figure 2, PROTOCOL §3.3): signed with the Ed25519 `signKey` of the
 * certificate of insurance `certId`; the issuing CS keeps it on its outstanding list.
 */
import { fail, ok } from '../../errors.ts';
import type { Coin } from '../../schema/objects.ts';
import { verify } from '../../signing.ts';
import type { CoinScheme } from './types.ts';

export const nc1Scheme: CoinScheme<Coin> = {
  name: 'nc1',
  ledger: 'outstanding',
  signerId: (body) => body.certId,
  spendId: (body) => body.serial,
  credential(trust, body) {
    const certificate = trust.signedCertificate(body.certId);
    return certificate === undefined ? undefined : { kind: 'certificate', certificate };
  },
  verify(p, trust, coin, now) {
    const { body } = coin;
    const cert = trust.validCertificate(body.certId, now);
    if (!cert.ok) return cert;
    if (cert.value.csName !== body.cs || cert.value.currency !== body.currency) {
      return fail('untrusted-cert', `certificate ${body.certId} does not certify this coin's CS`);
    }
    if (!verify(p, cert.value.signKey, coin)) {
      return fail('bad-signature', 'coin signature does not verify', { serial: body.serial });
    }
    if (now >= body.expires) return fail('expired', 'coin expired', { serial: body.serial });
    return ok(body);
  },
  windows(trust, body) {
    const cert = trust.certificate(body.certId);
    if (cert === undefined) return fail('unknown-cert', `certificate ${body.certId} is not known`);
    if (cert.csName !== body.cs || cert.currency !== body.currency) {
      return fail('untrusted-cert', `certificate ${body.certId} does not certify this coin's CS`);
    }
    return ok({
      payableUntil: Math.min(body.expires, cert.expires),
      redeemableUntil: body.expires + cert.redeemFor,
      revoked: trust.isRevoked(cert),
    });
  },
  signatureValid(p, trust, coin) {
    const cert = trust.certificate(coin.body.certId);
    return cert !== undefined && verify(p, cert.signKey, coin);
  },
};
