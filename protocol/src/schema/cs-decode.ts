/**
 * The two decodes every request to a currency server goes through — its envelope (the HTTP body)
 * and the request opened from it — with a fast path for the shape nearly all of them have: an
 * exchange of unlocked nc1 coins for nc1 values. Valibot's generic walk builds a dataset per
 * node and tries the ops of `CsRequest` in turn; the fast path reads the few fields once.
 *
 * The fast path only ever says "valid, and this is the value `decode(schema, input)` gives" (the
 * same checks, through the same predicates of primitives.ts, and an output of the same members in
 * the schema's order). Anything else — another op, a lock, a spend, a blinded output, any error —
 * goes to the schema itself, so every result and every refusal is `decode(schema, input)`'s
 * exactly (cs-decode.test.ts runs valid and broken inputs through both).
 */
import { ok, type Result } from '../errors.ts';
import {
  CsRequest,
  CsRequestEnvelope,
  type ExchangeRequest,
  MAX_INSTRUMENTS,
  MAX_SEALED_BYTES,
} from './cs-messages.ts';
import { decode } from './decode.ts';
import type { Coin } from './objects.ts';
import {
  CURRENCY,
  isBytesN,
  isCanonicalB64u,
  isHttpUrl,
  isPositiveAmount,
  isTime,
  NAME,
  TOKEN,
} from './primitives.ts';

type Fields = Record<string, unknown>;

/**
 * `x` is an object with exactly the members `names` as valibot's strictObject sees them (its
 * `for…in` names, and `in` for the optional ones): each of `names`, nothing else, and none of
 * `absent` (optional members the fast path leaves to the schema).
 */
function exactly(x: unknown, names: readonly string[], absent: readonly string[]): x is Fields {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  let count = 0;
  for (const name in x) {
    if (!names.includes(name)) return false;
    count++;
  }
  if (count !== names.length) return false;
  for (const name of absent) if (name in x) return false;
  return true;
}

const isToken = (s: unknown): s is string => typeof s === 'string' && TOKEN.test(s);
const isName = (s: unknown): s is string => typeof s === 'string' && NAME.test(s);
const isCurrency = (s: unknown): s is string => typeof s === 'string' && CURRENCY.test(s);
const SEALED_CHARS = Math.ceil((MAX_SEALED_BYTES * 4) / 3);

const ENVELOPE = ['certId', 'enc', 'ct'];

/** The fast path alone: the envelope, or undefined for the schema to decide (exported for tests). */
export function fastEnvelope(x: unknown): CsRequestEnvelope | undefined {
  if (!exactly(x, ENVELOPE, [])) return undefined;
  const { certId, enc, ct } = x;
  if (!isToken(certId) || !isBytesN(enc, 32)) return undefined;
  if (typeof ct !== 'string' || ct.length > SEALED_CHARS) return undefined;
  if (!isCanonicalB64u(ct, { max: MAX_SEALED_BYTES })) return undefined;
  return { certId, enc, ct };
}

const REQUEST = ['requestId', 'replyKey', 'op', 'instruments', 'want'];
const INSTRUMENT = ['kind', 'coin'];
const INSTRUMENT_ABSENT = ['spend', 'blinding'];
const COIN = ['body', 'sig'];
const BODY = ['type', 'scheme', 'cs', 'addr', 'certId', 'serial', 'value', 'currency', 'expires'];
const BODY_ABSENT = ['lock'];
const WANT = ['values'];
const WANT_TAGGED = ['values', 'tag'];
const WANT_ABSENT = ['blinded'];

/** An unlocked nc1 coin, as `Coin` decodes it. */
function fastCoin(x: unknown): Coin | undefined {
  if (!exactly(x, COIN, [])) return undefined;
  const { body, sig } = x;
  if (!exactly(body, BODY, BODY_ABSENT) || !isBytesN(sig, 64)) return undefined;
  const { type, scheme, cs, addr, certId, serial, value, currency, expires } = body;
  if (type !== 'coin' || scheme !== 'nc1' || !isName(cs) || !isHttpUrl(addr)) return undefined;
  if (!isToken(certId) || !isBytesN(serial, 16) || !isPositiveAmount(value)) return undefined;
  if (!isCurrency(currency) || !isTime(expires)) return undefined;
  return {
    body: { type, scheme, cs, addr, certId, serial, value, currency, expires },
    sig,
  };
}

/** The fast path alone: the request, or undefined for the schema to decide (exported for tests). */
export function fastExchange(x: unknown): ExchangeRequest | undefined {
  if (!exactly(x, REQUEST, [])) return undefined;
  const { requestId, replyKey, op, instruments, want } = x;
  if (op !== 'exchange' || !isBytesN(requestId, 16) || !isBytesN(replyKey, 32)) return undefined;
  if (!Array.isArray(instruments)) return undefined;
  if (instruments.length < 1 || instruments.length > MAX_INSTRUMENTS) return undefined;
  const taken: ExchangeRequest['instruments'] = [];
  for (let i = 0; i < instruments.length; i++) {
    const instrument: unknown = instruments[i];
    if (!exactly(instrument, INSTRUMENT, INSTRUMENT_ABSENT)) return undefined;
    if (instrument.kind !== 'coin') return undefined;
    const coin = fastCoin(instrument.coin);
    if (coin === undefined) return undefined;
    taken.push({ kind: 'coin', coin });
  }
  const tagged = typeof want === 'object' && want !== null && 'tag' in want;
  if (!exactly(want, tagged ? WANT_TAGGED : WANT, WANT_ABSENT)) return undefined;
  const { values, tag } = want;
  if (!Array.isArray(values) || values.length < 1 || values.length > MAX_INSTRUMENTS) {
    return undefined;
  }
  const wanted: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value: unknown = values[i];
    if (!isPositiveAmount(value)) return undefined;
    wanted.push(value);
  }
  const request = { requestId, replyKey, op, instruments: taken } as const;
  if (!tagged) return { ...request, want: { values: wanted } };
  return isBytesN(tag, 16) ? { ...request, want: { values: wanted, tag } } : undefined;
}

/** `decode(CsRequestEnvelope, input)`. */
export function decodeCsRequestEnvelope(input: unknown): Result<CsRequestEnvelope> {
  const fast = fastEnvelope(input);
  return fast === undefined ? decode(CsRequestEnvelope, input) : ok(fast);
}

/** `decode(CsRequest, input)`. */
export function decodeCsRequest(input: unknown): Result<CsRequest> {
  const fast = fastExchange(input);
  return fast === undefined ? decode(CsRequest, input) : ok(fast);
}
