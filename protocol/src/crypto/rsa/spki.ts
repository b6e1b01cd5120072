/**
 * RSA public keys of blind-rsa denomination keys as DER SubjectPublicKeyInfo (RFC 5280 §4.1),
 * with the RSASSA-PSS OID and its parameters fixed to SHA-384, MGF1-SHA-384 and a 48-byte salt:
 * RFC 9474 §6.2 forbids the rsaEncryption OID for a blind-signing key, and this is the encoding
 * Privacy Pass (RFC 9578 §6.5) gives its issuer keys and OpenSSL writes for such a key (explicit
 * NULL hash parameters). A key's id is SHA-256 of these bytes.
 *
 * Only one encoding is accepted: `parseRsaSpki` re-encodes what it read and refuses any other
 * byte form of the same key, so one key has exactly one id. Moduli of 2048–4096 bits, public
 * exponent 65537.
 */

/** An RSA public key as numbers, with the sizes RFC 9474 and RFC 8017 compute with. */
export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  /** bit_len(n). */
  readonly bits: number;
  /** modulus_len: bytes of n (also the length of every blinded message and signature). */
  readonly length: number;
}

export const RSA_MIN_BITS = 2048;
export const RSA_MAX_BITS = 4096;
export const RSA_EXPONENT = 65_537n;

/** AlgorithmIdentifier { id-RSASSA-PSS, RSASSA-PSS-params { sha384, mgf1(sha384), 48 } }. */
const PSS_SHA384_ALGORITHM = hexBytes(
  '3041' +
    '06092a864886f70d01010a' +
    '3034' +
    'a00f300d06096086480165030402020500' +
    'a11c301a06092a864886f70d010108300d06096086480165030402020500' +
    'a203020130',
);

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bigintFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return BigInt(`0x${hex}`);
}

/**
 * A blinded message or signature for `key` (RFC 9474 §4.3 step 1–2): exactly modulus_len bytes,
 * and as a number below n. Anything else no signer can take.
 */
export function fitsRsaKey(key: RsaPublicKey, bytes: Uint8Array): boolean {
  return bytes.length === key.length && bigintFromBytes(bytes) < key.n;
}

/** I2OSP (RFC 8017 §4.1): `x` as exactly `length` big-endian bytes; null if it does not fit. */
export function bigintToBytes(x: bigint, length: number): Uint8Array | null {
  if (x < 0n) return null;
  const hex = x.toString(16);
  if (hex.length > 2 * length) return null;
  return hexBytes(hex.padStart(2 * length, '0'));
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let l = length; l > 0; l >>= 8) bytes.unshift(l & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head);
  out.set(content, head.length);
  return out;
}

function derInteger(x: bigint): Uint8Array {
  const raw = bigintToBytes(x, Math.max(1, Math.ceil(bitLength(x) / 8)))!;
  // A positive INTEGER whose top bit is set needs a leading zero byte (X.690 §8.3).
  const body = raw[0]! & 0x80 ? Uint8Array.of(0, ...raw) : raw;
  return tlv(0x02, body);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The one DER SubjectPublicKeyInfo of an RSASSA-PSS-SHA384 key. */
export function encodeRsaSpki(key: { readonly n: bigint; readonly e: bigint }): Uint8Array {
  const rsaPublicKey = tlv(0x30, concat(derInteger(key.n), derInteger(key.e)));
  const bitString = tlv(0x03, concat(Uint8Array.of(0), rsaPublicKey));
  return tlv(0x30, concat(PSS_SHA384_ALGORITHM, bitString));
}

/** Reads one TLV with tag `tag` at `at`: where its content starts and ends, or null. */
function readTlv(
  bytes: Uint8Array,
  at: number,
  tag: number,
): { start: number; end: number } | null {
  if (bytes[at] !== tag) return null;
  const first = bytes[at + 1];
  if (first === undefined) return null;
  let length = first;
  let start = at + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 2) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (bytes[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  return end <= bytes.length ? { start, end } : null;
}

/**
 * The key in `spki` if it is the canonical encoding of an RSASSA-PSS-SHA384 key with a 2048–4096
 * bit odd modulus and exponent 65537; null otherwise.
 */
export function parseRsaSpki(spki: Uint8Array): RsaPublicKey | null {
  const outer = readTlv(spki, 0, 0x30);
  if (outer === null || outer.end !== spki.length) return null;
  const algorithm = spki.subarray(outer.start, outer.start + PSS_SHA384_ALGORITHM.length);
  if (!algorithm.every((b, i) => b === PSS_SHA384_ALGORITHM[i])) return null;
  const bits = readTlv(spki, outer.start + PSS_SHA384_ALGORITHM.length, 0x03);
  if (bits === null || spki[bits.start] !== 0) return null;
  const seq = readTlv(spki, bits.start + 1, 0x30);
  if (seq === null) return null;
  const nTlv = readTlv(spki, seq.start, 0x02);
  if (nTlv === null) return null;
  const eTlv = readTlv(spki, nTlv.end, 0x02);
  if (eTlv === null) return null;
  const n = bigintFromBytes(spki.subarray(nTlv.start, nTlv.end));
  const e = bigintFromBytes(spki.subarray(eTlv.start, eTlv.end));
  const size = bitLength(n);
  if (e !== RSA_EXPONENT || size < RSA_MIN_BITS || size > RSA_MAX_BITS || n % 2n === 0n) {
    return null;
  }
  const again = encodeRsaSpki({ n, e });
  if (again.length !== spki.length || !again.every((b, i) => b === spki[i])) return null;
  return { n, e, bits: size, length: Math.ceil(size / 8) };
}
