/**
 * Ed25519 public keys that no honest key pair has (RFC 8032 §5.1.3, §5.1.7): the encodings of the
 * eight small-order points — the all-zero key among them — with and without the sign bit, and
 * non-canonical encodings (y ≥ p). Under a small-order key A, [k]A vanishes after cofactor
 * clearing, so a forged "signature" like R = identity, S = 0 passes a lenient verifier for every
 * message (noble's default ZIP-215 mode accepts it under the all-zero key). Both providers refuse
 * these keys in `verify`; a bank refuses them as account keys (`weak-key`), before anything is
 * stored under them.
 */

/** Hex of the small-order point encodings (noble's ED25519_TORSION_SUBGROUP) and of the two
 * x = 0 points with the sign bit set. */
const SMALL_ORDER = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  '0000000000000000000000000000000000000000000000000000000000000000',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
]);

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** y ≥ p = 2^255 − 19 (sign bit ignored): a non-canonical point encoding (RFC 8032 §5.1.3). */
function isNonCanonicalY(key: Uint8Array): boolean {
  if ((key[31]! & 0x7f) !== 0x7f || key[0]! < 0xed) return false;
  for (let i = 1; i < 31; i++) if (key[i] !== 0xff) return false;
  return true;
}

/** True for a 32-byte Ed25519 public key of small order or non-canonical encoding. */
export function isWeakEd25519Key(publicKey: Uint8Array): boolean {
  return publicKey.length === 32 && (isNonCanonicalY(publicKey) || SMALL_ORDER.has(hex(publicKey)));
}

/** The small-order encodings, for tests that try each one. */
export const ED25519_SMALL_ORDER_KEYS: readonly string[] = [...SMALL_ORDER];
