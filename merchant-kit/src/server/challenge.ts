/**
 * Stateless challenges (PROTOCOL §6): a challenge is its expiry and a MAC of the resource and that
 * expiry under the merchant's secret,
 *
 *   challenge = expires "." b64u(HMAC-SHA256(macKey, "NetCash-v1 challenge\n" resource "\n" expires)[0..24])
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

function mac(p: CryptoProvider, key: Uint8Array, resource: string, expires: number): Uint8Array {
  const full = p.hmacSha256(key, utf8(`NetCash-v1 challenge\n${resource}\n${expires}`));
  return full.subarray(0, MAC_BYTES);
}

export function issueChallenge(
  p: CryptoProvider,
  key: Uint8Array,
  resource: string,
  expires: number,
): string {
  return `${expires}.${toB64u(mac(p, key, resource, expires))}`;
}

/** The challenge's expiry if this merchant issued it for `resource`; `expired` once past it. */
export function checkChallenge(
  p: CryptoProvider,
  key: Uint8Array,
  resource: string,
  challenge: string,
  now: number,
): Result<number> {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{32})$/.exec(challenge);
  if (match === null) return fail('bad-proof', 'not a challenge of this merchant');
  const expires = Number(match[1]);
  const given = fromB64u(match[2]!);
  if (given === null || !equalBytes(given, mac(p, key, resource, expires))) {
    return fail('bad-proof', 'the challenge was not issued for this resource');
  }
  if (now >= expires) return fail('expired', 'the challenge has expired');
  return ok(expires);
}
