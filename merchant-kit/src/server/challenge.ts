/**
 * Stateless challenges (PROTOCOL §6): a challenge is its expiry, a random nonce (fresh per 402) and
 * a MAC of the resource, expiry and nonce under the merchant's secret,
 *
 *   challenge = expires "." nonce "." b64u(HMAC-SHA256(macKey,
 *                 "NetCash-v1 challenge\n" resource "\n" expires "\n" nonce)[0..24])
 *
 * so the merchant can check "I issued this for this resource and it is still fresh" without storing
 * anything per 402. A proof made for one resource or one challenge is worthless for any other.
 */
import {
  type CryptoProvider,
  equalBytes,
  fail,
  fromB64u,
  ok,
  type Result,
  toB64u,
  utf8,
} from '@netcash/protocol';

const MAC_BYTES = 24;
const NONCE_BYTES = 8;

function mac(
  p: CryptoProvider,
  key: Uint8Array,
  resource: string,
  expires: number,
  nonce: string,
): Uint8Array {
  const full = p.hmacSha256(key, utf8(`NetCash-v1 challenge\n${resource}\n${expires}\n${nonce}`));
  return full.subarray(0, MAC_BYTES);
}

export function issueChallenge(
  p: CryptoProvider,
  key: Uint8Array,
  resource: string,
  expires: number,
): string {
  const nonce = toB64u(p.randomBytes(NONCE_BYTES));
  return `${expires}.${nonce}.${toB64u(mac(p, key, resource, expires, nonce))}`;
}

/** The challenge's expiry if this merchant issued it for `resource`; `expired` once past it. */
export function checkChallenge(
  p: CryptoProvider,
  key: Uint8Array,
  resource: string,
  challenge: string,
  now: number,
): Result<number> {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{11})\.([A-Za-z0-9_-]{32})$/.exec(challenge);
  if (match === null) return fail('bad-proof', 'not a challenge of this merchant');
  const expires = Number(match[1]);
  const given = fromB64u(match[3]!);
  if (given === null || !equalBytes(given, mac(p, key, resource, expires, match[2]!))) {
    return fail('bad-proof', 'the challenge was not issued for this resource');
  }
  if (now >= expires) return fail('expired', 'the challenge has expired');
  return ok(expires);
}
