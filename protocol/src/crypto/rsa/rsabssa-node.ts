/**
 * The signer's side of RFC 9474 on `node:crypto` (servers only; exported from
 * `@netcash/protocol/node`): key generation and BlindSign (§4.3).
 *
 * BlindSign is the raw private-key operation s = m^d mod n. OpenSSL does it as `privateDecrypt`
 * with RSA_NO_PADDING (CRT and RSA blinding against timing, §7.1; ~1 ms for 2048 bits, where
 * BigInt would take ~50 ms), refusing m ≥ n. The result is checked with the public operation
 * (m = s^e mod n) before it leaves, as §4.3 step 3 requires against fault attacks.
 *
 * The private key is an ordinary `rsa` key, since OpenSSL refuses raw operations on `rsa-pss`
 * keys; the public key travels as the RSASSA-PSS SubjectPublicKeyInfo of spki.ts.
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import { CryptoError } from '../provider.ts';
import { bigintFromBytes, encodeRsaSpki, parseRsaSpki, type RsaPublicKey } from './spki.ts';

/** A blind-signing key: the private key and its public key in the forms the protocol uses. */
export interface BlindSigningKey {
  /** PKCS#8 DER of the private key (what a server stores). */
  readonly pkcs8: Uint8Array;
  /** RSASSA-PSS SubjectPublicKeyInfo (what the insurer certifies; its SHA-256 is the key id). */
  readonly spki: Uint8Array;
  readonly publicKey: RsaPublicKey;
  /** BlindSign (RFC 9474 §4.3). Throws `CryptoError` for a message of the wrong size or ≥ n. */
  blindSign(blindedMsg: Uint8Array): Uint8Array;
}

const DEFAULT_BITS = 2048;

function fromJwk(value: string | undefined): bigint {
  if (value === undefined) throw new CryptoError('not an RSA key');
  return bigintFromBytes(Buffer.from(value, 'base64url'));
}

/** The signing key in a PKCS#8 DER `rsa` private key. */
export function blindSigningKey(pkcs8: Uint8Array): BlindSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw new CryptoError('not a PKCS#8 RSA private key');
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new CryptoError('not an RSA key');
  const jwk = privateKey.export({ format: 'jwk' });
  const spki = encodeRsaSpki({ n: fromJwk(jwk.n), e: fromJwk(jwk.e) });
  const publicKey = parseRsaSpki(spki);
  if (publicKey === null) throw new CryptoError('RSA key of an unsupported size or exponent');
  const verifier = createPublicKey(privateKey);
  return {
    pkcs8: Uint8Array.from(pkcs8),
    spki,
    publicKey,
    blindSign(blindedMsg) {
      if (!(blindedMsg instanceof Uint8Array) || blindedMsg.length !== publicKey.length) {
        throw new CryptoError('unexpected input size');
      }
      const m = Buffer.from(blindedMsg);
      let s: Buffer;
      try {
        s = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, m);
      } catch {
        throw new CryptoError('message representative out of range');
      }
      const back = publicEncrypt({ key: verifier, padding: constants.RSA_NO_PADDING }, s);
      if (!back.equals(m)) throw new CryptoError('signing failure');
      return new Uint8Array(s);
    },
  };
}

function exported(privateKey: KeyObject): BlindSigningKey {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return blindSigningKey(new Uint8Array(der));
}

/** A fresh key (FIPS 186-4 generation by OpenSSL, RFC 9474 §6.2), blocking. */
export function generateBlindSigningKey(bits: number = DEFAULT_BITS): BlindSigningKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
  return exported(privateKey);
}

/** A fresh key generated on libuv's thread pool, so several can be made in parallel. */
export function generateBlindSigningKeyAsync(
  bits: number = DEFAULT_BITS,
): Promise<BlindSigningKey> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 65537 }, (error, _pub, key) => {
      if (error !== null) reject(error);
      else resolve(exported(key));
    });
  });
}
