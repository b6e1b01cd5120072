/**
 * RFC 9474 RSABSSA-SHA384-PSS-Deterministic: the RFC's own vector (Appendix A.3) on both sides —
 * the BigInt client (blind, finalize, verify) and the node:crypto signer (BlindSign) — and
 * interoperability with an independent implementation, Cloudflare's @cloudflare/blindrsa-ts
 * (WebCrypto + sjcl): each side blinds for the other's signer and finalizes the other's answer.
 */
import { constants, createPrivateKey, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { RSABSSA } from '@cloudflare/blindrsa-ts';
import { describe, expect, it } from 'vitest';
import v from '../../../test-vectors/rfc/rsabssa-rfc9474-a3.json';
import { nodeProvider } from '../node-provider.ts';
import { CryptoError } from '../provider.ts';
import {
  blind,
  blindWith,
  emsaPssEncode,
  finalize,
  modInverse,
  modPow,
  verifyPss,
} from './rsabssa.ts';
import { blindSigningKey, generateBlindSigningKey } from './rsabssa-node.ts';
import { bigintFromBytes, encodeRsaSpki, parseRsaSpki, type RsaPublicKey } from './spki.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const big = (s: string) => BigInt(`0x${s}`);
const b64u = (x: bigint) => {
  const h = x.toString(16);
  return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex').toString('base64url');
};

const n = big(v.n);
const e = big(v.e);
const key: RsaPublicKey = parseRsaSpki(encodeRsaSpki({ n, e }))!;

/** The vector's private key as PKCS#8, through a JWK with the CRT values computed here. */
function vectorPkcs8(): Uint8Array {
  const [p, q, d] = [big(v.p), big(v.q), big(v.d)];
  const pad = (x: bigint) => {
    const h = x.toString(16);
    return Buffer.from(h.length % 2 ? `0${h}` : h, 'hex').toString('base64url');
  };
  const jwk = {
    kty: 'RSA',
    n: pad(n),
    e: pad(e),
    d: pad(d),
    p: pad(p),
    q: pad(q),
    dp: pad(d % (p - 1n)),
    dq: pad(d % (q - 1n)),
    qi: pad(modInverse(q, p)!),
  };
  const der = createPrivateKey({ key: jwk, format: 'jwk' }).export({
    format: 'der',
    type: 'pkcs8',
  });
  return new Uint8Array(der);
}

describe('RFC 9474 A.3 (RSABSSA-SHA384-PSS-Deterministic)', () => {
  it('reads the vector key through its one SPKI encoding', () => {
    expect(key.bits).toBe(4096);
    expect(key.length).toBe(512);
    expect(big(v.p) * big(v.q)).toBe(n);
    // OpenSSL reads the encoding as an RSASSA-PSS key with the same modulus.
    const imported = createPublicKey({
      key: Buffer.from(encodeRsaSpki(key)),
      format: 'der',
      type: 'spki',
    });
    expect(imported.asymmetricKeyType).toBe('rsa-pss');
    const der = new Uint8Array(imported.export({ format: 'der', type: 'spki' }));
    expect(parseRsaSpki(der)?.n).toBe(n);
  });

  it('client: encodes, blinds with the vector salt and r, finalizes to the vector signature', () => {
    const msg = hex(v.msg);
    expect(v.prepared_msg).toBe(v.msg); // PrepareIdentity: no prefix
    expect(Buffer.from(emsaPssEncode(msg, key.bits - 1, hex(v.salt))).toString('hex')).toBe(
      v.encoded_msg,
    );
    const r = modInverse(big(v.inv), n)!;
    const blinded = blindWith(key, msg, hex(v.salt), r)!;
    expect(Buffer.from(blinded.blindedMsg).toString('hex')).toBe(v.blinded_msg);
    expect(Buffer.from(blinded.inv).toString('hex')).toBe(v.inv);
    const sig = finalize(key, msg, hex(v.blind_sig), hex(v.inv));
    expect(Buffer.from(sig).toString('hex')).toBe(v.sig);
    expect(verifyPss(key, msg, hex(v.sig))).toBe(true);
  });

  it('signer: BlindSign on node:crypto gives the vector blind signature', () => {
    const signer = blindSigningKey(vectorPkcs8());
    expect(signer.publicKey.n).toBe(n);
    expect(Buffer.from(signer.blindSign(hex(v.blinded_msg))).toString('hex')).toBe(v.blind_sig);
    // OpenSSL's own RSASSA-PSS verify agrees with the BigInt one on the final signature.
    const ok = nodeVerify(
      'sha384',
      hex(v.msg),
      {
        key: createPublicKey({ key: Buffer.from(signer.spki), format: 'der', type: 'spki' }),
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 48,
      },
      hex(v.sig),
    );
    expect(ok).toBe(true);
  });

  it('refuses what is not the signature of this message', () => {
    const msg = hex(v.msg);
    const sig = hex(v.sig);
    const flipped = Uint8Array.from(sig);
    flipped[100]! ^= 1;
    expect(verifyPss(key, msg, flipped)).toBe(false);
    expect(verifyPss(key, Uint8Array.of(...msg, 0), sig)).toBe(false);
    expect(verifyPss(key, msg, sig.subarray(1))).toBe(false);
    expect(verifyPss(key, msg, new Uint8Array(512).fill(0xff))).toBe(false);
    expect(() => finalize(key, msg, flipped, hex(v.inv))).toThrow(CryptoError);
    expect(() => finalize(key, msg, hex(v.blind_sig), hex(v.inv).subarray(1))).toThrow(CryptoError);
    const signer = blindSigningKey(vectorPkcs8());
    expect(() => signer.blindSign(new Uint8Array(512).fill(0xff))).toThrow(CryptoError);
    expect(() => signer.blindSign(new Uint8Array(511))).toThrow(CryptoError);
  });

  it('SPKI: only the canonical RSASSA-PSS encoding of a supported key is read', () => {
    const spki = encodeRsaSpki(key);
    expect(parseRsaSpki(Uint8Array.of(...spki, 0))).toBeNull();
    const wrongOid = Uint8Array.from(spki);
    wrongOid[16]! ^= 1;
    expect(parseRsaSpki(wrongOid)).toBeNull();
    expect(parseRsaSpki(encodeRsaSpki({ n, e: 3n }))).toBeNull();
    expect(parseRsaSpki(encodeRsaSpki({ n: n >> 2100n, e }))).toBeNull();
  });
});

describe('a fresh 2048-bit key, and Cloudflare blindrsa-ts as the other side', () => {
  const signer = generateBlindSigningKey();
  const suite = RSABSSA.SHA384.PSS.Deterministic();
  const msg = new TextEncoder().encode('NetCash-v1/coin\n{"serial":"…"}');

  const webKeys = async () => {
    const params = { name: 'RSA-PSS', hash: 'SHA-384' };
    const publicKey = await crypto.subtle.importKey(
      'jwk',
      { kty: 'RSA', n: b64u(signer.publicKey.n), e: b64u(signer.publicKey.e) },
      params,
      true,
      ['verify'],
    );
    const privateKey = await crypto.subtle.importKey(
      'pkcs8',
      Uint8Array.from(signer.pkcs8),
      params,
      true,
      ['sign'],
    );
    return { publicKey, privateKey };
  };

  it('our OpenSSL encoding matches what OpenSSL writes for the same RSASSA-PSS key', () => {
    const pss = createPublicKey({ key: Buffer.from(signer.spki), format: 'der', type: 'spki' });
    expect(new Uint8Array(pss.export({ format: 'der', type: 'spki' }))).toEqual(signer.spki);
    expect(signer.publicKey.bits).toBe(2048);
  });

  it('our blind → our BlindSign → our finalize, and OpenSSL verifies the result', () => {
    const blinded = blind(nodeProvider, signer.publicKey, msg);
    const sig = finalize(signer.publicKey, msg, signer.blindSign(blinded.blindedMsg), blinded.inv);
    expect(verifyPss(signer.publicKey, msg, sig)).toBe(true);
    // The signer saw nothing equal to what it later verifies.
    expect(bigintFromBytes(blinded.blindedMsg)).not.toBe(
      modPow(bigintFromBytes(sig), 65537n, signer.publicKey.n),
    );
  });

  it('their blind → our BlindSign → their finalize; our blind → their BlindSign → our finalize', async () => {
    const { publicKey, privateKey } = await webKeys();
    const theirs = await suite.blind(publicKey, msg);
    const sig1 = await suite.finalize(
      publicKey,
      msg,
      signer.blindSign(theirs.blindedMsg),
      theirs.inv,
    );
    expect(verifyPss(signer.publicKey, msg, sig1)).toBe(true);

    const ours = blind(nodeProvider, signer.publicKey, msg);
    const blindSig = await suite.blindSign(privateKey, ours.blindedMsg);
    const sig2 = finalize(signer.publicKey, msg, blindSig, ours.inv);
    expect(await suite.verify(publicKey, sig2, msg)).toBe(true);
  });
});
