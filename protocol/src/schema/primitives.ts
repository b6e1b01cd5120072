/**
 * Schemas of the NC1 scalar types (SPEC §2): canonical base64url byte strings of fixed or bounded
 * length, keys, integer amounts in minor units, ISO-style currency codes, Unix-second times,
 * names, ids and URLs. Every object schema is built from these, so the bounds live in one place.
 */
import * as v from 'valibot';
import { fromB64u } from '../encoding/base64url.ts';

/** Largest amount: 2^53 − 1 minor units, so sums of a request's coins stay exact. */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER;
/** Times are seconds; anything past year 10000 is an error. */
export const MAX_TIME = 253_402_300_799;

/** Longest canonical base64url text of `bytes` bytes (no padding). */
const b64uChars = (bytes: number) => Math.ceil((bytes * 4) / 3);

/** Canonical base64url of exactly `exact` bytes, or of at most `max` (the check of the schemas below). */
export function isCanonicalB64u(s: string, bytes: { exact?: number; max?: number }): boolean {
  const decoded = fromB64u(s);
  if (decoded === null) return false;
  if (bytes.exact !== undefined) return decoded.length === bytes.exact;
  return true;
}

const canonicalB64u = (bytes: { exact?: number; max?: number }) =>
  v.pipe(
    v.string(),
    v.maxLength(b64uChars(bytes.exact ?? bytes.max ?? 0), 'too long'),
    v.check((s) => isCanonicalB64u(s, bytes), 'not canonical base64url of the right length'),
  );

/** `bytesN(n)` as a predicate: a string of canonical base64url of exactly `n` bytes. */
export function isBytesN(s: unknown, n: number): s is string {
  return typeof s === 'string' && s.length <= b64uChars(n) && isCanonicalB64u(s, { exact: n });
}

/** Canonical base64url of exactly `n` bytes. */
export const bytesN = (n: number) => canonicalB64u({ exact: n });
/** Canonical base64url of at most `n` bytes. */
export const bytesMax = (n: number) => canonicalB64u({ max: n });

/** Ed25519 or X25519 public key, 32 bytes. */
export const PublicKey = bytesN(32);
/** Ed25519 signature, 64 bytes. */
export const Signature = bytesN(64);
/** 128 random bits: coin serials, request ids, transaction ids. */
export const Id128 = bytesN(16);
/** 256 random bits: blind-rsa coin serials (chosen by the wallet, never seen by the CS at withdrawal). */
export const Serial256 = bytesN(32);
/** An RSA signature or blinded message of a 2048–4096-bit key (modulus_len bytes, RFC 9474). */
export const RsaBytes = v.pipe(
  bytesMax(512),
  v.check((s) => (fromB64u(s)?.length ?? 0) >= 256, 'at least 256 bytes'),
);
/** DER SubjectPublicKeyInfo of an RSA key of at most 4096 bits. */
export const RsaSpki = bytesMax(600);
/** A 32-byte symmetric key (reply keys, session keys) or a SHA-256 digest. */
export const Key32 = bytesN(32);
export const Digest = bytesN(32);
/** ChaCha20-Poly1305 nonce, 12 bytes. */
export const Nonce = bytesN(12);

/** A safe non-negative integer number of minor units. Floats, NaN and strings are refused. */
export const Amount = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_AMOUNT));
/** `PositiveAmount` below as a predicate. */
export function isPositiveAmount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= MAX_AMOUNT;
}
/** A strictly positive amount (coin values, check amounts, prices). */
export const PositiveAmount = v.pipe(Amount, v.minValue(1));
/** Three capital letters, e.g. `NCD` (the demo currency). */
export const CURRENCY = /^[A-Z]{3}$/;
export const Currency = v.pipe(v.string(), v.regex(CURRENCY, 'a currency code'));
/** Integer seconds since the Unix epoch, UTC. */
export const Time = v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(MAX_TIME));
/** `Time` as a predicate. */
export function isTime(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_TIME;
}

/** A span of seconds, at most ten years (lifetimes, windows). */
export const Duration = v.pipe(
  v.number(),
  v.safeInteger(),
  v.minValue(0),
  v.maxValue(10 * 366 * 86_400),
);

/** DNS-like names of parties (currency servers, banks): lower case, digits, dots, dashes. */
export const NAME = /^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$/;
export const Name = v.pipe(v.string(), v.regex(NAME, 'a lower-case name'));
/** Opaque identifiers chosen by a party (certificate ids, account ids, check numbers, sids). */
export const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const Token = v.pipe(v.string(), v.regex(TOKEN, 'a token'));
/**
 * Characters human text may not hold: controls (C0, DEL, C1 — a NUL ends a string in C, a
 * newline forges a log line), the bidirectional overrides and isolates U+202A–U+202E and
 * U+2066–U+2069 (they make a name or memo read as something else, "Trojan Source"), and lone
 * surrogates (no UTF-8 form: they can be neither stored as text nor signed).
 */
const UNSAFE_TEXT = /[\p{Cc}\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

/** True when `text` holds none of the characters above. */
export function isSafeText(text: string): boolean {
  return !UNSAFE_TEXT.test(text);
}

/** Short human text (descriptions, memos, account holders): printable, left-to-right as typed. */
export const Text = (max: number) =>
  v.pipe(
    v.string(),
    v.maxLength(max),
    v.check(
      isSafeText,
      'text with a control, bidirectional-override or unpaired surrogate character',
    ),
  );

const URL_CHARS = 2048;

/** An absolute http(s) URL without credentials (the check of `HttpUrl`). */
function isAbsoluteHttp(s: string): boolean {
  try {
    const u = new URL(s);
    return (
      (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === ''
    );
  } catch {
    return false;
  }
}

/** Absolute http(s) URL, at most 2048 characters. */
export const HttpUrl = v.pipe(
  v.string(),
  v.maxLength(URL_CHARS),
  v.check(isAbsoluteHttp, 'an absolute http(s) URL'),
);

/**
 * `HttpUrl` as a predicate. The last few URLs accepted are remembered: a server sees the same
 * few coin addresses again and again, and parsing one costs more than the rest of its coin.
 */
export function isHttpUrl(s: unknown): s is string {
  if (typeof s !== 'string' || s.length > URL_CHARS) return false;
  if (recentUrls.includes(s)) return true;
  if (!isAbsoluteHttp(s)) return false;
  recentUrls[nextUrl] = s;
  nextUrl = (nextUrl + 1) % RECENT_URLS;
  return true;
}
const RECENT_URLS = 8;
const recentUrls: string[] = [];
let nextUrl = 0;

/** Coin values wanted from an exchange: 1–64 positive amounts. */
export const Values = v.pipe(v.array(PositiveAmount), v.minLength(1), v.maxLength(64));

/** `{ body, sig }`: a body signed per SPEC §2 (see signing.ts). */
export const signed = <
  TEntries extends v.ObjectEntries,
  TMessage extends v.ErrorMessage<v.StrictObjectIssue> | undefined,
>(
  body: v.StrictObjectSchema<TEntries, TMessage>,
) => v.strictObject({ body, sig: Signature });
