/**
 * Key pairs kept in a data folder (SPEC §2: Ed25519 for signing and X25519 for encryption, never
 * one key for both). Stored as base64url secrets in JSON files of mode 0600; public keys are
 * recomputed on load, so a file can't hold a mismatched pair.
 */
import type { CryptoProvider, KeyPair } from '@netcash/protocol';
import { fromB64u, toB64u } from '@netcash/protocol';

/** A key pair with its public key in base64url, the form every message carries. */
export interface NamedKeyPair extends KeyPair {
  readonly public: string;
}

export function ed25519Pair(p: CryptoProvider, secret?: string): NamedKeyPair {
  const pair = secret === undefined ? p.ed25519.keygen() : p.ed25519.keygen(secretBytes(secret));
  return { ...pair, public: toB64u(pair.publicKey) };
}

export function x25519Pair(p: CryptoProvider, secret?: string): NamedKeyPair {
  const pair = secret === undefined ? p.x25519.keygen() : p.x25519.keygen(secretBytes(secret));
  return { ...pair, public: toB64u(pair.publicKey) };
}

export function secretBytes(b64u: string): Uint8Array {
  const bytes = fromB64u(b64u);
  if (bytes === null || bytes.length !== 32) throw new Error('a stored secret key is corrupt');
  return bytes;
}

export function secretText(pair: KeyPair): string {
  return toB64u(pair.secretKey);
}
