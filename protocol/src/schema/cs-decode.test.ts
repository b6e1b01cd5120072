/**
 * The fast paths of cs-decode.ts are the schemas' decoders: on random valid exchanges and
 * envelopes, and on thousands of broken or unusual variants of them (a member deleted, added,
 * retyped, an optional member the fast path leaves to the schema, another op…), the result is
 * `decode(schema, input)`'s — the same value with its members in the same order, or the same
 * refusal — and whenever the fast path itself answers, the schema accepts with that very value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toB64u } from '../encoding/base64url.ts';
import {
  decodeCsRequest,
  decodeCsRequestEnvelope,
  fastEnvelope,
  fastExchange,
} from './cs-decode.ts';
import { CsRequest, CsRequestEnvelope, MAX_SEALED_BYTES } from './cs-messages.ts';
import { decode, type Schema } from './decode.ts';
import { EXAMPLES } from './examples.test-data.ts';
import { MAX_TIME, NAME, TOKEN } from './primitives.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const b64 = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map(toB64u);
const addr = fc.constantFrom(
  'http://127.0.0.1:7402',
  'https://cs1.example/netcash',
  'http://[::1]:8080/',
  'http://user@cs.example/',
  'ftp://cs.example/',
  'not a url',
);
const coin = fc.record({
  body: fc.record({
    type: fc.constant('coin'),
    scheme: fc.constant('nc1'),
    cs: fc.oneof(fc.constantFrom('cs1', 'cs-alpha'), fc.stringMatching(NAME)),
    addr,
    certId: fc.oneof(fc.constant('cs1-2026-11'), fc.stringMatching(TOKEN)),
    serial: b64(16),
    value: fc.oneof(
      fc.integer({ min: 1, max: 500 }),
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    ),
    currency: fc.oneof(fc.constant('NCD'), fc.stringMatching(/^[A-Z]{3}$/)),
    expires: fc.integer({ min: 0, max: MAX_TIME }),
  }),
  sig: b64(64),
});
const exchange = fc.record({
  requestId: b64(16),
  replyKey: b64(32),
  op: fc.constant('exchange'),
  instruments: fc.array(fc.record({ kind: fc.constant('coin'), coin }), {
    minLength: 1,
    maxLength: 5,
  }),
  want: fc.oneof(
    fc.record({
      values: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
    }),
    fc.record({
      values: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 6 }),
      tag: b64(16),
    }),
  ),
});
const envelope = fc.record({
  certId: fc.oneof(fc.constant('cs1-2026-11'), fc.stringMatching(TOKEN)),
  enc: b64(32),
  ct: fc.uint8Array({ maxLength: 600 }).map(toB64u),
});

/** Every member path of a JSON tree. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value))
    return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])]);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  }
  return [];
}

const lock = (EXAMPLES.Coin as { body: { lock: Json } }).body.lock;
/** Replacements that come close to valid: other ops, optional members, edge numbers and strings. */
const odd: Json[] = [
  'buy',
  'cashout',
  'status',
  'blind-rsa',
  'coin',
  'check',
  '',
  'Zg==',
  'A'.repeat(22),
  'A'.repeat(23),
  0,
  -1,
  1.5,
  2 ** 53,
  2 ** 53 - 1,
  MAX_TIME + 1,
  null,
  true,
  [],
  {},
  [1],
  lock,
];
const optional = ['lock', 'spend', 'blinding', 'blinded', 'tag', 'extra', '__proto__', 'toString'];

type Mutation =
  | { kind: 'delete' | 'undefined'; at: number }
  | { kind: 'replace'; at: number; with: unknown }
  | { kind: 'add'; at: number; name: string; with: unknown; how: 'own' | 'hidden' | 'inherited' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'undefined' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    with: fc.oneof(fc.constantFrom(...odd), fc.jsonValue({ maxDepth: 2 })),
  }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    name: fc.constantFrom(...optional),
    with: fc.oneof(fc.constantFrom(...odd), fc.jsonValue({ maxDepth: 2 })),
    // A member as JSON.parse makes it, not enumerable (`in` sees it, for…in does not), or on
    // the prototype (both see it).
    how: fc.constantFrom('own' as const, 'hidden' as const, 'inherited' as const),
  }),
);

/** `value` (a fresh JSON tree) with `m` applied at one of its members, or at its root. */
function mutate(value: Json, m: Mutation, at?: (string | number)[]): unknown {
  // A copy of the replacement, so that later mutations never reach into the shared constants.
  const inserted = 'with' in m ? structuredClone(m.with) : undefined;
  const all = [[], ...paths(value)];
  const path = at ?? all[m.at % all.length]!;
  const parentPath = path.slice(0, -1);
  let parent: unknown = value;
  for (const step of parentPath) parent = (parent as Record<string | number, unknown>)[step];
  const last = path[path.length - 1];
  const node = (
    last === undefined ? value : (parent as Record<string | number, unknown>)[last]
  ) as unknown;
  if (m.kind === 'add') {
    if (typeof node !== 'object' || node === null) return value;
    if (m.how === 'inherited') {
      const member = { value: inserted, enumerable: true, writable: true, configurable: true };
      Object.setPrototypeOf(node, Object.create(Object.getPrototypeOf(node), { [m.name]: member }));
    } else {
      Object.defineProperty(node, m.name, {
        value: inserted,
        enumerable: m.how === 'own',
        writable: true,
        configurable: true,
      });
    }
    return value;
  }
  if (last === undefined) return m.kind === 'replace' ? inserted : undefined;
  const container = parent as Record<string | number, unknown>;
  if (m.kind === 'delete') {
    if (Array.isArray(container)) container.splice(Number(last), 1);
    else delete container[last];
  } else container[last] = m.kind === 'undefined' ? undefined : inserted;
  return value;
}

/** The composite decoder gives exactly the schema's result; a fast answer is the schema's. */
function agrees<T>(
  schema: Schema<T>,
  composite: (x: unknown) => unknown,
  fast: (x: unknown) => T | undefined,
  input: unknown,
): boolean {
  const slow = decode(schema, input);
  const got = composite(input);
  expect(got).toStrictEqual(slow);
  if (slow.ok) expect(JSON.stringify(got)).toBe(JSON.stringify(slow));
  const quick = fast(input);
  if (quick !== undefined) {
    expect(slow.ok).toBe(true);
    expect(JSON.stringify(quick)).toBe(JSON.stringify(slow.ok && slow.value));
  }
  return quick !== undefined;
}

describe('decodeCsRequest', () => {
  it('takes the fast path for every valid exchange of unlocked nc1 coins, with the schema’s value', () => {
    fc.assert(
      fc.property(exchange, (request) => {
        const fast = agrees(CsRequest, decodeCsRequest, fastExchange, request);
        const urls = request.instruments.map((i) => i.coin.body.addr);
        const good = urls.every(
          (u) => u.startsWith('http://1') || u.startsWith('https://') || u.startsWith('http://['),
        );
        expect(fast).toBe(good);
      }),
      { numRuns: 1000 },
    );
  });

  it('is the schema on broken and unusual variants (3,000 of them)', () => {
    let fast = 0;
    fc.assert(
      fc.property(exchange, fc.array(mutation, { minLength: 1, maxLength: 3 }), (request, ms) => {
        let input: unknown = structuredClone(request);
        for (const m of ms) input = mutate(input as Json, m);
        if (agrees(CsRequest, decodeCsRequest, fastExchange, input)) fast++;
      }),
      { numRuns: 3000 },
    );
    // Some mutations leave a valid request (an extra member added, then deleted): not all fail.
    expect(fast).toBeGreaterThan(0);
  });

  it('is the schema with any optional member added to any object, whichever way it is held', () => {
    // The example exchange without its coin's lock and spend: the fast path's shape.
    const base = JSON.parse(JSON.stringify(EXAMPLES.CsRequest)) as Json;
    const first = (base as { instruments: { spend?: Json; coin: { body: { lock?: Json } } }[] })
      .instruments[0]!;
    delete first.spend;
    delete first.coin.body.lock;
    expect(fastExchange(base)).toBeDefined();
    const objects = [[], ...paths(base)].filter((path) => {
      let node: unknown = base;
      for (const step of path) node = (node as Record<string | number, unknown>)[step];
      return typeof node === 'object' && node !== null;
    });
    const values: Json[] = [
      lock,
      'A'.repeat(342),
      [{ keyId: 'A'.repeat(43), msg: 'A'.repeat(342) }],
      'buy',
      7,
    ];
    for (const [at] of objects.entries()) {
      for (const name of optional) {
        for (const how of ['own', 'hidden', 'inherited'] as const) {
          for (const value of values) {
            const input = mutate(
              structuredClone(base),
              { kind: 'add', at: 0, name, with: value, how },
              objects[at],
            );
            agrees(CsRequest, decodeCsRequest, fastExchange, input);
          }
        }
      }
    }
    // 65 coins or 65 values: one over the limit.
    const many = structuredClone(base) as { instruments: Json[]; want: { values: number[] } };
    agrees(CsRequest, decodeCsRequest, fastExchange, {
      ...many,
      want: { values: Array(65).fill(1) },
    });
    const coins = Array(65).fill(many.instruments[0]);
    agrees(CsRequest, decodeCsRequest, fastExchange, { ...many, instruments: coins });
    expect(fastExchange({ ...many, instruments: coins.slice(1) })).toBeDefined();
  });

  it('is the schema for every other request shape and for arbitrary values', () => {
    for (const name of ['CsRequest', 'BuyRequest', 'CashoutRequest', 'TripletRequest']) {
      agrees(CsRequest, decodeCsRequest, fastExchange, EXAMPLES[name]);
    }
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true }), (x) => {
        agrees(CsRequest, decodeCsRequest, fastExchange, x);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('decodeCsRequestEnvelope', () => {
  it('is the schema on valid envelopes, their variants and arbitrary values', () => {
    fc.assert(
      fc.property(envelope, (e) => {
        expect(agrees(CsRequestEnvelope, decodeCsRequestEnvelope, fastEnvelope, e)).toBe(true);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(envelope, fc.array(mutation, { minLength: 1, maxLength: 2 }), (e, ms) => {
        let input: unknown = structuredClone(e);
        for (const m of ms) input = mutate(input as Json, m);
        agrees(CsRequestEnvelope, decodeCsRequestEnvelope, fastEnvelope, input);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.anything(), (x) => {
        agrees(CsRequestEnvelope, decodeCsRequestEnvelope, fastEnvelope, x);
      }),
      { numRuns: 500 },
    );
  });

  it('is the schema at the size limit of the ciphertext', () => {
    const max = Math.ceil((MAX_SEALED_BYTES * 4) / 3);
    for (const chars of [max - 2, max, max + 2, max + 4]) {
      const e = {
        certId: 'cs1',
        enc: 'A'.repeat(43),
        ct: 'A'.repeat(chars - (chars % 4 === 1 ? 1 : 0)),
      };
      expect(agrees(CsRequestEnvelope, decodeCsRequestEnvelope, fastEnvelope, e)).toBe(
        chars <= max,
      );
    }
  });
});
