/**
 * What NetCash JSON text may hold beyond JSON itself (PROTOCOL §1), checked on the text before it
 * is parsed, since `JSON.parse` forgets how a value was written:
 *
 * - Numbers are integers written plainly: `0`, or a digit 1–9 and more digits, optionally after a
 *   minus; never `-0`, a fraction or an exponent. `1.0`, `1e0` and `10e-1` all parse to 1, so
 *   accepting them would give one amount several spellings — and what a party signs and hashes is
 *   the text it was sent.
 * - Strings hold Unicode text: a lone UTF-16 surrogate, raw or escaped (`"\ud800"`), is refused
 *   (I-JSON, RFC 7493 §2.1). It has no UTF-8 form, so it can be neither stored as text nor
 *   canonicalized for a signature (RFC 8785 §3.2.2.2).
 *
 * Anything else that is not JSON is left for `JSON.parse` to refuse.
 */

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;
const HEX4 = /^[0-9a-fA-F]{4}$/;
/** Runs the scanner may skip in one step (sticky regexes are far faster than a char loop). */
const PLAIN_OUTSIDE = /[^"\-0-9]*/y;
const PLAIN_INSIDE = /[^"\\\uD800-\uDFFF]*/y;
const NUMBER = /[-+0-9.eE]*/y;

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}
function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

const LONE = 'a string holds a lone UTF-16 surrogate';

/** Why `text` is not NetCash JSON text, or null when the lexical rules above hold. */
export function jsonTextProblem(text: string): string | null {
  const n = text.length;
  let i = 0;
  while (i < n) {
    PLAIN_OUTSIDE.lastIndex = i;
    PLAIN_OUTSIDE.test(text);
    i = PLAIN_OUTSIDE.lastIndex;
    if (i >= n) break;
    if (text.charCodeAt(i) === 0x22 /* " */) {
      // A string: follow escapes, pair surrogates whichever way each half is written.
      let pendingHigh = false;
      i++;
      for (;;) {
        PLAIN_INSIDE.lastIndex = i;
        PLAIN_INSIDE.test(text);
        if (PLAIN_INSIDE.lastIndex > i) {
          if (pendingHigh) return LONE;
          i = PLAIN_INSIDE.lastIndex;
        }
        if (i >= n) return null; // unterminated: JSON.parse refuses it
        let unit = text.charCodeAt(i);
        if (unit === 0x22) {
          i++;
          break;
        }
        if (unit === 0x5c /* \ */) {
          const kind = text.charCodeAt(i + 1);
          if (kind === 0x75 /* u */) {
            const hex = text.slice(i + 2, i + 6);
            if (!HEX4.test(hex)) return null; // a bad escape: JSON.parse refuses it
            unit = Number.parseInt(hex, 16);
            i += 6;
          } else {
            unit = kind;
            i += 2;
          }
        } else {
          i++;
        }
        if (pendingHigh) {
          if (!isLow(unit)) return LONE;
          pendingHigh = false;
        } else if (isHigh(unit)) {
          pendingHigh = true;
        } else if (isLow(unit)) {
          return LONE;
        }
      }
      if (pendingHigh) return LONE;
      continue;
    }
    NUMBER.lastIndex = i;
    NUMBER.test(text);
    const token = text.slice(i, NUMBER.lastIndex);
    if (!INTEGER.test(token) || token === '-0') {
      return `number ${token.slice(0, 40)} is not an integer written as digits`;
    }
    i = NUMBER.lastIndex;
  }
  return null;
}
