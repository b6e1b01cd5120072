/**
 * The NC1 crypto provider on the audited pure-JS @noble libraries, for browsers, the extension's
 * service worker and anywhere without `node:crypto` (SPEC §2).
 *
 * - Ed25519: RFC 8032 §5.1 via `@noble/curves`. Verification is strict (`zip215: false`):
 *   canonical encodings of A and R only, S < L, small-order public keys refused. That is the
 *   RFC 8032 / FIPS 186-5 reading and the one closest to OpenSSL, so both providers agree on every
 *   honestly made signature and on all malformed encodings. (They can still differ on signatures
 *   a key holder crafts with torsion components: noble checks the cofactored equation, OpenSSL
 *   the cofactorless one. Honest signers never produce those.)
 * - X25519: RFC 7748 §5. noble refuses the low-order u values before the ladder; those are
 *   exactly the inputs whose result would be all zeros (RFC 7748 §6.1), so the behaviour equals
 *   the node provider's zero check.
 * - ChaCha20-Poly1305: RFC 8439 §2.8 via `@noble/ciphers`.
 * - SHA-256 / HMAC-SHA256 via `@noble/hashes`; randomness from `crypto.getRandomValues`.
 *
 * No Node-only imports: this file must bundle for the browser unchanged.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CryptoError, type CryptoProvider, type KeyPair } from './provider.ts';

const KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
/** `getRandomValues` fills at most 65,536 bytes per call (WebCrypto §10.1.1). */
const RANDOM_CHUNK = 65_536;

function requireLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new CryptoError(`${what} must be ${length} bytes`);
  }
}

function randomBytes(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new CryptoError('bad random length');
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += RANDOM_CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(offset, offset + RANDOM_CHUNK));
  }
  return out;
}

function edPublicKey(secretKey: Uint8Array): Uint8Array {
  requireLength(secretKey, KEY_LENGTH, 'Ed25519 secret key');
  return ed25519.getPublicKey(secretKey);
}

function xPublicKey(secretKey: Uint8Array): Uint8Array {
  requireLength(secretKey, KEY_LENGTH, 'X25519 secret key');
  return x25519.getPublicKey(secretKey);
}

function keygen(derive: (secretKey: Uint8Array) => Uint8Array, seed?: Uint8Array): KeyPair {
  const secretKey = seed === undefined ? randomBytes(KEY_LENGTH) : Uint8Array.from(seed);
  return { secretKey, publicKey: derive(secretKey) };
}

export const nobleProvider: CryptoProvider = {
  name: 'noble',
  randomBytes,

  sha256(data) {
    return sha256(data);
  },

  hmacSha256(key, data) {
    return hmac(sha256, key, data);
  },

  ed25519: {
    keygen: (seed) => keygen(edPublicKey, seed),
    publicKey: edPublicKey,
    sign(secretKey, message) {
      requireLength(secretKey, KEY_LENGTH, 'Ed25519 secret key');
      return ed25519.sign(message, secretKey);
    },
    verify(publicKey, message, signature) {
      if (publicKey?.length !== KEY_LENGTH || signature?.length !== SIGNATURE_LENGTH) return false;
      try {
        return ed25519.verify(signature, message, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  },

  x25519: {
    keygen: (seed) => keygen(xPublicKey, seed),
    publicKey: xPublicKey,
    sharedSecret(secretKey, publicKey) {
      requireLength(secretKey, KEY_LENGTH, 'X25519 secret key');
      requireLength(publicKey, KEY_LENGTH, 'X25519 public key');
      try {
        return x25519.getSharedSecret(secretKey, publicKey);
      } catch {
        // noble throws only for the low-order points, i.e. an all-zero shared secret.
        throw new CryptoError('X25519 shared secret is all zeros (small-order public key)');
      }
    },
  },

  chacha20poly1305: {
    seal(key, nonce, plaintext, aad) {
      requireLength(key, KEY_LENGTH, 'ChaCha20-Poly1305 key');
      requireLength(nonce, NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
      return chacha20poly1305(key, nonce, aad).encrypt(plaintext);
    },
    open(key, nonce, ciphertext, aad) {
      // Every argument may come off the wire: anything malformed is just "does not open".
      if (key?.length !== KEY_LENGTH || nonce?.length !== NONCE_LENGTH) return null;
      if (!(ciphertext instanceof Uint8Array) || ciphertext.length < TAG_LENGTH) return null;
      try {
        return chacha20poly1305(key, nonce, aad).decrypt(ciphertext);
      } catch {
        return null;
      }
    },
  },
};
