/**
 * Domain-separated Ed25519 signing of JSON bodies (SPEC §2):
 *
 *   sig = Ed25519.sign(sk, utf8("NetCash-v1/" + body.type + "\n") || JCS(body))
 *
 * The `type` prefix keeps a signature on one kind of object from ever verifying as another
 * (a coin can't pass for a receipt); JCS (RFC 8785) gives every body exactly one byte form.
 */
import type { CryptoProvider } from './crypto/provider.ts';
import { fromB64u, toB64u } from './encoding/base64url.ts';
import { canonicalBytes } from './encoding/jcs.ts';
import { concatBytes, utf8 } from './encoding/utf8.ts';
import type { Signed, SignedBody } from './schema/objects.ts';

export const DOMAIN_PREFIX = 'NetCash-v1/';

/** The exact bytes a signature covers. */
export function signingBytes(body: SignedBody): Uint8Array {
  return concatBytes(utf8(`${DOMAIN_PREFIX}${body.type}\n`), canonicalBytes(body));
}

/** Signs `body` with a 32-byte Ed25519 secret key. */
export function sign<B extends SignedBody>(
  p: CryptoProvider,
  secretKey: Uint8Array,
  body: B,
): Signed<B> {
  return { body, sig: toB64u(p.ed25519.sign(secretKey, signingBytes(body))) };
}

/** True when `signed.sig` is a valid signature of `signed.body` under the base64url `publicKey`. */
export function verify(p: CryptoProvider, publicKey: string, signed: Signed<SignedBody>): boolean {
  const key = fromB64u(publicKey);
  const sig = fromB64u(signed.sig);
  if (key === null || sig === null || key.length !== 32 || sig.length !== 64) return false;
  return p.ed25519.verify(key, signingBytes(signed.body), sig);
}

/** Base64url SHA-256 of the canonical JSON of any value (check digests, request hashes). */
export function digest(p: CryptoProvider, value: unknown): string {
  return toB64u(p.sha256(canonicalBytes(value)));
}
