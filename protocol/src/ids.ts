/** Fresh identifiers and the clock, in the units of SPEC §2. */
import type { CryptoProvider } from './crypto/provider.ts';
import { toB64u } from './encoding/base64url.ts';

/** 128 random bits, base64url: serials, request ids, transaction ids, nonces. */
export function randomId(p: CryptoProvider): string {
  return toB64u(p.randomBytes(16));
}

/** A fresh 32-byte key (reply keys SK_AN, session keys K_ses), base64url. */
export function randomKey(p: CryptoProvider): string {
  return toB64u(p.randomBytes(32));
}

/** Integer seconds since the Unix epoch, UTC. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
