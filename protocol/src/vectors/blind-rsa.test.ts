/**
 * protocol/test-vectors/blind-rsa.json: both providers reproduce it byte for byte; the node
 * signer (OpenSSL) gives the same blind signature as the BigInt computation that made the file;
 * the coin verifies offline through a TrustStore that learned the denomination key; the request
 * and result decode.
 */

import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import rfc from '../../test-vectors/rfc/rsabssa-rfc9474-a3.json';
import { verifyCoin } from '../coins/verify.ts';
import { nobleProvider } from '../crypto/noble-provider.ts';
import { blindSigningKey, nodeProvider } from '../crypto/node-provider.ts';
import { modInverse } from '../crypto/rsa/rsabssa.ts';
import { fromB64u, toB64u } from '../encoding/base64url.ts';
import { CsRequest, CsResult } from '../schema/cs-messages.ts';
import { decode, decodeJson } from '../schema/decode.ts';
import { AnyCoin } from '../schema/objects.ts';
import { TrustStore } from '../trust.ts';
import { blindRsaVectors } from './blind-rsa-vectors.ts';

const stored = JSON.parse(
  readFileSync(new URL('../../test-vectors/blind-rsa.json', import.meta.url), 'utf8'),
) as ReturnType<typeof blindRsaVectors>;

function rfcSigner() {
  const h = (s: string) => BigInt(`0x${s}`);
  const [n, e, d, p, q] = [h(rfc.n), h(rfc.e), h(rfc.d), h(rfc.p), h(rfc.q)];
  const b = (x: bigint) => {
    const hex = x.toString(16);
    return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
  };
  const jwk = {
    kty: 'RSA',
    n: b(n),
    e: b(e),
    d: b(d),
    p: b(p),
    q: b(q),
    dp: b(d % (p - 1n)),
    dq: b(d % (q - 1n)),
    qi: b(modInverse(q, p)!),
  };
  const der = createPrivateKey({ key: jwk, format: 'jwk' }).export({
    format: 'der',
    type: 'pkcs8',
  });
  return blindSigningKey(new Uint8Array(der));
}

for (const p of [nobleProvider, nodeProvider]) {
  describe(`blind-rsa vectors (${p.name})`, () => {
    it('reproduces the stored vectors byte for byte', () => {
      expect(JSON.parse(JSON.stringify(blindRsaVectors(p)))).toEqual(stored);
    });

    it('verifies the coin offline under the certified denomination key', () => {
      const trust = new TrustStore(p, [stored.insurer.publicKey]);
      const added = trust.addDenominationKey({
        body: stored.denominationKey.body,
        sig: stored.denominationKey.sig,
      });
      expect(added.ok).toBe(true);
      const coin = decode(AnyCoin, { body: stored.coin.body, sig: stored.coin.sig });
      expect(coin.ok && coin.value.body.scheme).toBe('blind-rsa');
      if (!coin.ok) return;
      const now = stored.denominationKey.body.issued + 10;
      expect(verifyCoin(p, trust, coin.value, { now, currency: 'NCD', cs: 'cs1' }).ok).toBe(true);
    });
  });
}

describe('blind-rsa vectors: the wire', () => {
  it('the node signer gives the stored blind signature', () => {
    const signer = rfcSigner();
    expect(toB64u(signer.spki)).toBe(stored.denominationKey.body.publicKey);
    expect(toB64u(signer.blindSign(fromB64u(stored.coin.blindedMsg)!))).toBe(stored.coin.blindSig);
  });

  it('the exchange request and its result decode, blinded outputs and blind signatures in order', () => {
    const request = decodeJson(CsRequest, stored.exchange.request);
    expect(request.ok && request.value.op === 'exchange' && request.value.want.blinded).toEqual([
      { keyId: stored.denominationKey.body.keyId, msg: stored.coin.blindedMsg },
    ]);
    const result = decodeJson(CsResult, stored.exchange.result);
    expect(result.ok && result.value.op === 'exchange' && result.value.blindSigs).toEqual([
      stored.coin.blindSig,
    ]);
  });
});
