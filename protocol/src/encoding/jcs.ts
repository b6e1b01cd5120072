/**
 * JSON Canonicalization Scheme, RFC 8785 (JCS): the one byte form of a JSON value that NC1
 * signatures, request hashes and sealed messages are computed over (SPEC §2).
 *
 * The RFC builds on ECMAScript's own JSON serialization, so in JavaScript it comes down to:
 * - object members sorted by their names as arrays of UTF-16 code units (§3.2.3), which is what
 *   `Array.prototype.sort` does with no comparator;
 * - numbers as `Number.prototype.toString` writes them (§3.2.2.3; -0 becomes 0);
 * - strings escaped as `JSON.stringify` does since ES2019 (§3.2.2.2: `\b \t \n \f \r \" \\`,
 *   other controls as lowercase `\u00xx`, everything else literal);
 * - no whitespace (§3.2.1).
 *
 * Anything outside the I-JSON data model (RFC 7493) is refused with a TypeError rather than
 * silently dropped or coerced as `JSON.stringify` would: `undefined` (also as a member value),
 * functions, symbols, bigints, NaN and ±Infinity, strings with lone surrogates (they have no
 * UTF-8 form, so two different strings would give the same bytes), objects that are not plain
 * (Date, Map, class instances, boxed primitives, typed arrays) and cycles. A signature must never
 * cover something other than what the signer meant.
 */
import { utf8 } from './utf8.ts';

/** A string with a lone (unpaired) surrogate: in `u` mode only unpaired halves match `\p{Cs}`. */
const LONE_SURROGATE = /\p{Cs}/u;

/** A refusal, with where in the value it happened (`$.body.lock`). */
class CanonicalizeError extends TypeError {
  constructor(
    readonly reason: string,
    readonly path: string[] = [],
  ) {
    super(reason);
  }
  describe(): string {
    return `canonicalize: ${this.reason} at $${this.path.join('')}`;
  }
}

function serializeString(text: string): string {
  if (LONE_SURROGATE.test(text)) throw new CanonicalizeError('string with a lone surrogate');
  return JSON.stringify(text);
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizeError(`number ${value}`);
      return String(value); // ES Number::toString; String(-0) === '0' as §3.2.2.3 wants
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new CanonicalizeError(`${typeof value} is not JSON`);
  }
  if (value === null) return 'null';
  if (ancestors.has(value)) throw new CanonicalizeError('cycle');
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      try {
        out += serialize(value[i], ancestors);
      } catch (error) {
        throw at(error, `[${i}]`);
      }
    }
    out += ']';
  } else if (isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    const names = Object.keys(record).sort();
    out = '{';
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      if (i > 0) out += ',';
      try {
        out += `${serializeString(name)}:${serialize(record[name], ancestors)}`;
      } catch (error) {
        throw at(error, `.${name}`);
      }
    }
    out += '}';
  } else {
    const kind = value.constructor?.name ?? 'object';
    throw new CanonicalizeError(`${kind} is not a plain object`);
  }
  ancestors.delete(value);
  return out;
}

/** Adds a step to the path of a refusal on its way out (paths cost nothing until one happens). */
function at(error: unknown, step: string): unknown {
  if (error instanceof CanonicalizeError) error.path.unshift(step);
  return error;
}

/** RFC 8785 canonical JSON text of `value`; throws a TypeError for anything that is not I-JSON. */
export function canonicalize(value: unknown): string {
  try {
    return serialize(value, new Set());
  } catch (error) {
    if (error instanceof CanonicalizeError) throw new TypeError(error.describe());
    throw error;
  }
}

/** Deeper than any NetCash message; past it `isCanonicalText` says no (and cycles end there). */
const MAX_DEPTH = 64;

/**
 * Whether every object in `value` is plain with its member names in canonical order (as
 * `Object.keys` lists them), and every number is one `canonicalize` accepts.
 */
function inCanonicalOrder(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  // JSON.stringify would call a toJSON method (canonicalize does not).
  if (depth >= MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!inCanonicalOrder(value[i], depth + 1)) return false;
    }
    return true;
  }
  if (!isPlainObject(value)) return false;
  const record = value as Record<string, unknown>;
  const names = Object.keys(record);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (i > 0 && !(names[i - 1]! < name)) return false;
    if (!inCanonicalOrder(record[name], depth + 1)) return false;
  }
  return true;
}

/**
 * True only if `text` is `canonicalize(value)` — typically `value = JSON.parse(text)` of a text a
 * party sent canonical, so that the text itself can be hashed instead of canonicalizing its value
 * again. Cheaper than canonicalizing: a walk that checks the member order, and one native
 * `JSON.stringify`. False says nothing either way (the caller then canonicalizes).
 *
 * Why it is exact: when every object lists its names already sorted (by UTF-16 code units, `<`
 * on strings, as `sort()` orders them) and holds nothing `canonicalize` refuses, `canonicalize`
 * writes exactly what `JSON.stringify` writes — the same members in the same order, strings
 * escaped by `JSON.stringify` itself, finite numbers by `Number::toString`. A lone surrogate,
 * which `canonicalize` refuses, is the one thing `JSON.stringify` writes as a `\udxxx` escape, so
 * a text without `\ud` has none (a text with it is simply not taken).
 */
export function isCanonicalText(text: string, value: unknown): boolean {
  return inCanonicalOrder(value, 0) && JSON.stringify(value) === text && !text.includes('\\ud');
}

/** The UTF-8 bytes of `canonicalize(value)`: what gets signed, hashed or sealed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}
