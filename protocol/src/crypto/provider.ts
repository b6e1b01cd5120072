/**
 * The NC1 crypto provider: the primitives of SPEC §2 behind one interface.
 *
 * Two implementations give identical bytes: `noble-provider.ts` (@noble/*, for browsers and the
 * extension) and `node-provider.ts` (node:crypto/OpenSSL, for servers, 15–30× faster for
 * Ed25519/X25519). Everything above this file (HPKE, signing, sealing) is written once against
 * this interface, so the two can only differ in speed.
 *
 * All operations are synchronous: both libraries are, and it keeps callers simple.
 * Keys are raw bytes: Ed25519 and X25519 secret keys are 32-byte seeds (RFC 8032 §5.1.5,
 * RFC 7748 §5), public keys 32 bytes.
 */

/** A key pair as raw bytes. */
export interface KeyPair {
  /** 32-byte secret (Ed25519 seed or X25519 scalar as in RFC 7748). */
  readonly secretKey: Uint8Array;
  /** 32-byte public key. */
  readonly publicKey: Uint8Array;
}

/** Ed25519, pure (RFC 8032 §5.1), no context, no prehash. */
export interface Ed25519 {
  /** New key pair from the CSPRNG, or from a given 32-byte seed. */
  keygen(seed?: Uint8Array): KeyPair;
  /** Public key of a 32-byte seed. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** 64-byte deterministic signature. */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** True only for a valid signature; never throws (malformed keys or signatures give false). */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** X25519 (RFC 7748). */
export interface X25519 {
  keygen(seed?: Uint8Array): KeyPair;
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** 32-byte shared secret; throws `CryptoError` if it is all zeros (small-order public key). */
  sharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
}

/** ChaCha20-Poly1305 AEAD (RFC 8439), 32-byte key, 12-byte nonce, 16-byte tag appended. */
export interface ChaCha20Poly1305 {
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Plaintext, or null when authentication fails. Never throws on bad ciphertext. */
  open(
    key: Uint8Array,
    nonce: Uint8Array,
    ciphertext: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | null;
}

export interface CryptoProvider {
  /** Which implementation this is, for benchmarks and logs. */
  readonly name: 'noble' | 'node';
  /** Bytes from the platform CSPRNG. */
  randomBytes(length: number): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
  readonly ed25519: Ed25519;
  readonly x25519: X25519;
  readonly chacha20poly1305: ChaCha20Poly1305;
}

/** A primitive refused its input (wrong key length, small-order point). Not a protocol error. */
export class CryptoError extends Error {
  override readonly name = 'CryptoError';
}
