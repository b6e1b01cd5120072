/**
 * The blind-rsa test vectors (docs/PROTOCOL.md §11, SPEC §7): a denomination key certified by the
 * insurer, a blind-rsa coin body, the bytes its RSA signature covers, the blinded message for a
 * fixed salt and blinding factor, the CS's blind signature, the final coin, and an exchange
 * request and result carrying them. The RSA key is the one of RFC 9474 Appendix A (its private
 * values are published there), so anyone can reproduce every byte; the blind signature is
 * computed here with BigInt (m^d mod n), and the node signer must agree (blind-rsa.test.ts).
 * `protocol/test-vectors/blind-rsa.json` is this function's output.
 */
import rfc from '../../test-vectors/rfc/rsabssa-rfc9474-a3.json';
import type { CryptoProvider } from '../crypto/provider.ts';
import { blindWith, finalize, modPow } from '../crypto/rsa/rsabssa.ts';
import { bigintFromBytes, bigintToBytes, encodeRsaSpki, parseRsaSpki } from '../crypto/rsa/spki.ts';
import { toB64u } from '../encoding/base64url.ts';
import { canonicalize } from '../encoding/jcs.ts';
import type { CsRequest, CsResult } from '../schema/cs-messages.ts';
import type { BlindRsaCoin, BlindRsaCoinBody, DenominationKeyBody } from '../schema/objects.ts';
import { sign, signingBytes } from '../signing.ts';
import { denominationKeyId } from '../trust.ts';

const fill = (length: number, n: number) => new Uint8Array(length).fill(n);

export function blindRsaVectors(p: CryptoProvider) {
  const insurer = p.ed25519.keygen(fill(32, 1));
  const n = BigInt(`0x${rfc.n}`);
  const d = BigInt(`0x${rfc.d}`);
  const spki = encodeRsaSpki({ n, e: BigInt(`0x${rfc.e}`) });
  const rsa = parseRsaSpki(spki)!;
  const keyId = denominationKeyId(p, spki);
  const keyBody: DenominationKeyBody = {
    type: 'denomination-key',
    keyId,
    cs: 'cs1',
    value: 5,
    currency: 'NCD',
    publicKey: toB64u(spki),
    insurer: toB64u(insurer.publicKey),
    issued: 1_790_000_000,
    withdrawUntil: 1_790_604_800,
    depositUntil: 1_793_196_800,
    redeemUntil: 1_824_732_800,
  };
  const denominationKey = sign(p, insurer.secretKey, keyBody);
  const coinBody: BlindRsaCoinBody = {
    type: 'coin',
    scheme: 'blind-rsa',
    cs: 'cs1',
    addr: 'http://127.0.0.1:7402',
    keyId,
    serial: toB64u(fill(32, 0x61)),
    value: 5,
    currency: 'NCD',
    expires: keyBody.depositUntil,
  };
  const msg = signingBytes(coinBody);
  const salt = fill(48, 0x71);
  const r = bigintFromBytes(fill(256, 0x33));
  const blinded = blindWith(rsa, msg, salt, r)!;
  const blindSig = bigintToBytes(modPow(bigintFromBytes(blinded.blindedMsg), d, n), rsa.length)!;
  const sig = finalize(rsa, msg, blindSig, blinded.inv);
  const coin: BlindRsaCoin = { body: coinBody, sig: toB64u(sig) };
  const request: CsRequest = {
    requestId: toB64u(fill(16, 0x41)),
    op: 'exchange',
    instruments: [{ kind: 'coin', coin }],
    want: { values: [], blinded: [{ keyId, msg: toB64u(blinded.blindedMsg) }] },
    replyKey: toB64u(fill(32, 9)),
  };
  const result: CsResult = {
    requestId: request.requestId,
    op: 'exchange',
    coins: [],
    blindSigs: [toB64u(blindSig)],
  };
  return {
    description:
      'NetCash blind-rsa test vectors (SPEC §7, docs/PROTOCOL.md §11): RSABSSA-SHA384-PSS-Deterministic (RFC 9474) under the RFC 9474 Appendix A key; the insurer seed is 32 bytes of 0x01.',
    insurer: { seed: toB64u(insurer.secretKey), publicKey: toB64u(insurer.publicKey) },
    denominationKey: {
      body: keyBody,
      canonical: canonicalize(keyBody),
      sig: denominationKey.sig,
    },
    coin: {
      body: coinBody,
      signingBytes: toB64u(msg),
      salt: toB64u(salt),
      r: toB64u(fill(256, 0x33)),
      blindedMsg: toB64u(blinded.blindedMsg),
      inv: toB64u(blinded.inv),
      blindSig: toB64u(blindSig),
      sig: coin.sig,
    },
    exchange: { request: canonicalize(request), result: canonicalize(result) },
  };
}
