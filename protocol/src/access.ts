/**
 * The access proof (SPEC §5 step 5): the page re-requests a paid resource with
 *
 *   Authorization: NetCash tid="…", challenge="…", proof="…"
 *   proof = b64u(HMAC-SHA256(K_ses, "NetCash-v1 access\n" tid "\n" resource "\n" challenge))
 *
 * K_ses never leaves the wallet and the merchant: the page only carries the proof, which is bound
 * to one transaction, one resource and one challenge (newlines keep the fields unambiguous:
 * none of them may contain one).
 */

import * as v from 'valibot';
import type { CryptoProvider } from './crypto/provider.ts';
import { fromB64u, toB64u } from './encoding/base64url.ts';
import { equalBytes, utf8 } from './encoding/utf8.ts';
import { fail, type Result } from './errors.ts';
import { decode } from './schema/decode.ts';
import { HttpUrl, Id128, Key32, Token } from './schema/primitives.ts';

export const AccessProof = v.strictObject({ tid: Id128, challenge: Token, proof: Key32 });
export type AccessProof = v.InferOutput<typeof AccessProof>;

export function accessProof(
  p: CryptoProvider,
  sessionKey: Uint8Array,
  tid: string,
  resource: string,
  challenge: string,
): string {
  if (/\n/.test(tid + resource + challenge)) throw new TypeError('newline in an access field');
  const message = utf8(`NetCash-v1 access\n${tid}\n${resource}\n${challenge}`);
  return toB64u(p.hmacSha256(sessionKey, message));
}

/** True when `proof` is right for (tid, resource, challenge) under K_ses; constant-time compare. */
export function checkAccessProof(
  p: CryptoProvider,
  sessionKey: Uint8Array,
  resource: string,
  proof: AccessProof,
): boolean {
  if (!v.is(HttpUrl, resource)) return false;
  const expected = fromB64u(accessProof(p, sessionKey, proof.tid, resource, proof.challenge));
  const given = fromB64u(proof.proof);
  return expected !== null && given !== null && equalBytes(expected, given);
}

export function formatAuthorization(proof: AccessProof): string {
  return `NetCash tid="${proof.tid}", challenge="${proof.challenge}", proof="${proof.proof}"`;
}

/** Parses an `Authorization: NetCash …` header value. */
export function parseAuthorization(header: string): Result<AccessProof> {
  if (header.length > 1024) return fail('malformed', 'authorization header too long');
  const match = /^NetCash\s+(.*)$/i.exec(header.trim());
  if (match === null) return fail('malformed', 'not a NetCash authorization');
  const fields: Record<string, string> = {};
  for (const part of match[1]!.split(',')) {
    const kv = /^\s*([a-z]+)="([^"]*)"\s*$/.exec(part);
    if (kv === null) return fail('malformed', 'bad authorization parameter');
    const [, key, value] = kv;
    if (Object.hasOwn(fields, key!)) return fail('malformed', `repeated parameter ${key}`);
    fields[key!] = value!;
  }
  return decode(AccessProof, fields);
}
