/**
 * Fixture RSA keys for tests with blind-rsa coins (SPEC §7): 2048-bit key generation costs
 * ~120 ms of CPU, and a federation of two currency servers with a key per coin value would spend
 * seconds on it in every test file. `rsa-fixtures.json` holds the primes of pre-generated keys
 * (TEST ONLY — published, so worthless as secrets); `fixtureKeygen(offset, count)` hands out
 * `count` of them in order from `offset` (a slice per CS, so no two CSs of a federation ever get
 * the same key) and generates real keys after that.
 * Regenerate: `npx tsx server-mock/src/testing/rsa-fixtures.ts`.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  type BlindSigningKey,
  blindSigningKey,
  generateBlindSigningKeyAsync,
} from '@netcash/protocol/node';

const FILE = new URL('./rsa-fixtures.json', import.meta.url);
const E = 65_537n;

interface Primes {
  readonly p: string;
  readonly q: string;
}

function modInverse(x: bigint, n: bigint): bigint {
  let [r0, r1, t0, t1] = [n, x % n, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % n) + n) % n;
}

function b64u(x: bigint): string {
  const hex = x.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
}

/** The key with primes p and q (e = 65537, d = e⁻¹ mod λ(n)). */
function keyOf({ p: ph, q: qh }: Primes): BlindSigningKey {
  const [p, q] = [BigInt(`0x${ph}`), BigInt(`0x${qh}`)];
  const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(E, lambda);
  const jwk = {
    kty: 'RSA',
    n: b64u(p * q),
    e: b64u(E),
    d: b64u(d),
    p: b64u(p),
    q: b64u(q),
    dp: b64u(d % (p - 1n)),
    dq: b64u(d % (q - 1n)),
    qi: b64u(modInverse(q, p)),
  };
  const der = createPrivateKey({ key: jwk, format: 'jwk' }).export({
    format: 'der',
    type: 'pkcs8',
  });
  return blindSigningKey(new Uint8Array(der));
}

let primes: readonly Primes[] | null = null;

/** `count` keys from the fixture file starting at `offset`, then freshly generated ones. */
export function fixtureKeygen(offset: number, count: number): () => Promise<BlindSigningKey> {
  let next = offset;
  return async () => {
    primes ??= JSON.parse(readFileSync(FILE, 'utf8')) as Primes[];
    const held = next < offset + count ? primes[next] : undefined;
    next++;
    return held === undefined ? generateBlindSigningKeyAsync() : keyOf(held);
  };
}

/** How many fixture keys there are. */
export function fixtureKeyCount(): number {
  primes ??= JSON.parse(readFileSync(FILE, 'utf8')) as Primes[];
  return primes.length;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out: Primes[] = [];
  for (let i = 0; i < 48; i++) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const hex = (s: string | undefined) => Buffer.from(s ?? '', 'base64url').toString('hex');
    out.push({ p: hex(jwk.p), q: hex(jwk.q) });
  }
  writeFileSync(FILE, `${JSON.stringify(out, null, 1)}\n`);
  console.log(`wrote ${out.length} keys to ${FILE.pathname}`);
}
