/**
 * Base64url without padding (RFC 4648 §5), the one byte encoding of NC1 (SPEC §2).
 *
 * Decoding is strict: only the URL-safe alphabet, no padding, no whitespace, and the unused low
 * bits of the last character must be zero. So every byte string has exactly one encoding, which
 * matters because signed bodies are compared and hashed as text (RFC 8785 canonical JSON).
 */

import { fromUtf8 } from './utf8.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/**
 * Long values (sealed replies, hundreds of bytes to kilobytes) are encoded through bytes: the
 * text written as ASCII codes and decoded at once — appending a string character by character
 * builds a rope of small strings (a 400-byte reply: ~4–6 µs against ~1–2 µs; 2,400 bytes: ~25–33
 * against ~4–6). Keys, ids and signatures are faster the plain way.
 */
const LONG_BYTES = 48;

export function toB64u(bytes: Uint8Array): string {
  if (bytes.length >= LONG_BYTES) return toB64uLong(bytes);
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[n >>> 18]! +
      ALPHABET[(n >>> 12) & 63]! +
      ALPHABET[(n >>> 6) & 63]! +
      ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]!;
  }
  return out;
}

function toB64uLong(bytes: Uint8Array): string {
  // The bytes zero-padded to whole groups, then the text's codes: one allocation, and one loop
  // with no branch for the last group (a branch taken only by some lengths made V8 deoptimize
  // this function again and again). The padding's characters are cut off.
  const groups = Math.ceil(bytes.length / 3);
  const codesAt = groups * 3;
  const buf = new Uint8Array(groups * 7);
  buf.set(bytes);
  for (let i = 0, o = codesAt; i < codesAt; i += 3) {
    const n = (buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!;
    buf[o++] = CODES[n >>> 18]!;
    buf[o++] = CODES[(n >>> 12) & 63]!;
    buf[o++] = CODES[(n >>> 6) & 63]!;
    buf[o++] = CODES[n & 63]!;
  }
  return fromUtf8(buf.subarray(codesAt, codesAt + Math.ceil((bytes.length * 4) / 3)));
}

/** Decodes canonical base64url; returns null for anything else (wrong characters, length, bits). */
export function fromB64u(text: string): Uint8Array | null {
  const len = text.length;
  if (len % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // Leftover bits (2 or 4) must be zero, otherwise two strings would decode to the same bytes.
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** Length in bytes of a canonical base64url string of `chars` characters (no validation). */
export function b64uByteLength(chars: number): number {
  return Math.floor((chars * 3) / 4);
}
