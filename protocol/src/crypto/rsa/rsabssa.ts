/**
 * RSA blind signatures, RFC 9474, variant RSABSSA-SHA384-PSS-Deterministic: the client's side
 * and verification, on BigInt and @noble/hashes (SHA-384). Synchronous like every NC1
 * primitive, and free of Node imports so it runs unchanged in the extension's service worker.
 *
 *   client  {blindedMsg, inv} = blind(p, pk, msg)         §4.2  PSS-encode (random salt), m·r^e
 *   signer  blindSig = BlindSign(sk, blindedMsg)           §4.3  rsabssa-node.ts (OpenSSL, m^d)
 *   client  sig = finalize(pk, msg, blindSig, inv)         §4.4  s = z·r⁻¹ mod n, then verify
 *   anyone  verifyPss(pk, msg, sig)                        §4.5  RSASSA-PSS-VERIFY (RFC 8017 §8.1.2)
 *   recoup  blindedMsg = reblind(pk, sig, r)               z = (s·r)^e: the withdrawal, given r
 *
 * Why Deterministic (PrepareIdentity, no 32-byte message prefix): RFC 9474 §5 and §7.3 allow it
 * when the message carries entropy the signer could not guess before choosing its key, and a
 * blind-rsa coin's message holds a fresh 32-byte random serial. The PSS salt still randomizes
 * every encoding, and blindness comes from r either way; a prefix would only add 32 bytes every
 * coin must carry and every verifier must strip.
 *
 * Known issues: BigInt arithmetic is not constant-time. Only the client computes with the
 * blinding factor r and its inverse, at moments the signer does not choose (§7.1), and
 * verification uses public values only; the signer's private-key operation is OpenSSL's, which
 * blinds it.
 */
import { sha384 } from '@noble/hashes/sha2.js';
import type { CryptoProvider } from '../provider.ts';
import { CryptoError } from '../provider.ts';
import { bigintFromBytes, bigintToBytes, bitLength, type RsaPublicKey } from './spki.ts';

/** What `blind` returns: the message for the signer, and the secret to unblind its answer. */
export interface Blinded {
  /** modulus_len bytes, sent to the signer. */
  readonly blindedMsg: Uint8Array;
  /** r⁻¹ mod n as modulus_len bytes: secret, kept by the client until `finalize`. */
  readonly inv: Uint8Array;
}

/** SHA-384 output and PSS salt length (hLen = sLen = 48). */
const H_LEN = 48;
const S_LEN = 48;

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let x = exponent; x > 0n; x >>= 1n) {
    if (x & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/** x⁻¹ mod n, or null when gcd(x, n) ≠ 1 (iterative extended Euclid). */
export function modInverse(x: bigint, n: bigint): bigint | null {
  let [r0, r1] = [n, ((x % n) + n) % n];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  if (r0 !== 1n) return null;
  return ((t0 % n) + n) % n;
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** MGF1 with SHA-384 (RFC 8017 Appendix B.2.1). */
function mgf1(seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  const block = new Uint8Array(seed.length + 4);
  block.set(seed);
  for (let counter = 0, at = 0; at < length; counter++, at += H_LEN) {
    new DataView(block.buffer).setUint32(seed.length, counter);
    out.set(sha384(block).subarray(0, Math.min(H_LEN, length - at)), at);
  }
  return out;
}

/** H(0x00·8 ‖ mHash ‖ salt), the PSS M' hash. */
function pssHash(mHash: Uint8Array, salt: Uint8Array): Uint8Array {
  const mPrime = new Uint8Array(8 + H_LEN + salt.length);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + H_LEN);
  return sha384(mPrime);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-384, MGF1-SHA-384, a 48-byte salt. */
export function emsaPssEncode(msg: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array {
  const emLen = Math.ceil(emBits / 8);
  if (salt.length !== S_LEN || emLen < H_LEN + S_LEN + 2) throw new CryptoError('encoding error');
  const h = pssHash(sha384(msg), salt);
  const db = new Uint8Array(emLen - H_LEN - 1);
  db[db.length - S_LEN - 1] = 0x01;
  db.set(salt, db.length - S_LEN);
  const mask = mgf1(h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(h, db.length);
  em[emLen - 1] = 0xbc;
  return em;
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2): true when `em` is a consistent encoding of `msg`. */
function emsaPssVerify(msg: Uint8Array, em: Uint8Array, emBits: number): boolean {
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || emLen < H_LEN + S_LEN + 2 || em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - H_LEN - 1;
  const h = em.subarray(dbLen, dbLen + H_LEN);
  const topBits = 0xff >> (8 * emLen - emBits);
  if ((em[0]! & ~topBits) !== 0) return false;
  const db = mgf1(h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i]! ^= em[i]!;
  db[0]! &= topBits;
  const separator = dbLen - S_LEN - 1;
  for (let i = 0; i < separator; i++) if (db[i] !== 0) return false;
  if (db[separator] !== 0x01) return false;
  const expected = pssHash(sha384(msg), db.subarray(dbLen - S_LEN));
  let diff = 0;
  for (let i = 0; i < H_LEN; i++) diff |= expected[i]! ^ h[i]!;
  return diff === 0;
}

/** RSASSA-PSS-VERIFY (RFC 8017 §8.1.2): `sig` is a valid signature of `msg` under `key`. Never throws. */
export function verifyPss(key: RsaPublicKey, msg: Uint8Array, sig: Uint8Array): boolean {
  if (!(sig instanceof Uint8Array) || sig.length !== key.length) return false;
  const s = bigintFromBytes(sig);
  if (s >= key.n) return false;
  const emBits = key.bits - 1;
  const em = bigintToBytes(modPow(s, key.e, key.n), Math.ceil(emBits / 8));
  return em !== null && emsaPssVerify(msg, em, emBits);
}

/** A uniformly random integer in [1, n), by rejection sampling (RFC 9474 §4.2). */
function randomBelow(p: CryptoProvider, n: bigint): bigint {
  const bits = bitLength(n);
  const bytes = Math.ceil(bits / 8);
  const topMask = 0xff >> (8 * bytes - bits);
  for (;;) {
    const raw = p.randomBytes(bytes);
    raw[0]! &= topMask;
    const r = bigintFromBytes(raw);
    if (r >= 1n && r < n) return r;
  }
}

/**
 * Blind with a given salt and blinding factor r: the steps of RFC 9474 §4.2 after the random
 * choices. Exported for the RFC's test vectors only; `blind` draws both from the CSPRNG, as
 * §7.4 asks (a chosen salt or r could smuggle information to the signer).
 */
export function blindWith(
  key: RsaPublicKey,
  msg: Uint8Array,
  salt: Uint8Array,
  r: bigint,
): Blinded | null {
  const encoded = emsaPssEncode(msg, key.bits - 1, salt);
  const m = bigintFromBytes(encoded);
  if (gcd(m, key.n) !== 1n) throw new CryptoError('invalid input');
  const inv = modInverse(r, key.n);
  if (inv === null) return null;
  const z = (m * modPow(r, key.e, key.n)) % key.n;
  return {
    blindedMsg: bigintToBytes(z, key.length)!,
    inv: bigintToBytes(inv, key.length)!,
  };
}

/** Blind (RFC 9474 §4.2) the prepared message `msg` for the holder of `key`. */
export function blind(p: CryptoProvider, key: RsaPublicKey, msg: Uint8Array): Blinded {
  // A "blinding error" (r shares a factor with n) means r revealed a factor of n: try again.
  for (let attempt = 0; attempt < 8; attempt++) {
    const blinded = blindWith(key, msg, p.randomBytes(S_LEN), randomBelow(p, key.n));
    if (blinded !== null) return blinded;
  }
  throw new CryptoError('blinding error');
}

/**
 * Finalize (RFC 9474 §4.4): unblinds the signer's answer and checks it is a valid signature of
 * `msg`. Throws `CryptoError` for a wrong length or an invalid signature.
 */
export function finalize(
  key: RsaPublicKey,
  msg: Uint8Array,
  blindSig: Uint8Array,
  inv: Uint8Array,
): Uint8Array {
  if (blindSig.length !== key.length || inv.length !== key.length) {
    throw new CryptoError('unexpected input size');
  }
  const s = (bigintFromBytes(blindSig) * bigintFromBytes(inv)) % key.n;
  const sig = bigintToBytes(s, key.length)!;
  if (!verifyPss(key, msg, sig)) throw new CryptoError('invalid signature');
  return sig;
}

/**
 * The blinded message a signature was withdrawn with, from the blinding factor r (for recoup,
 * docs/PROTOCOL.md §4.7): the signer answered z^d for z = m·r^e, and the final signature is
 * s = m^d, so z = (s·r)^e mod n. Null for inputs of the wrong size or out of range.
 */
export function reblind(key: RsaPublicKey, sig: Uint8Array, r: Uint8Array): Uint8Array | null {
  if (sig.length !== key.length || r.length !== key.length) return null;
  const s = bigintFromBytes(sig);
  const factor = bigintFromBytes(r);
  if (s >= key.n || factor === 0n || factor >= key.n) return null;
  return bigintToBytes(modPow((s * factor) % key.n, key.e, key.n), key.length);
}

/** r from r⁻¹ (what the wallet keeps after Finalize), modulus_len bytes; null if not invertible. */
export function blindingFactor(key: RsaPublicKey, inv: Uint8Array): Uint8Array | null {
  const r = modInverse(bigintFromBytes(inv), key.n);
  return r === null ? null : bigintToBytes(r, key.length);
}
