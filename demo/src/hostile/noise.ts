/**
 * Hostile bodies no decoder accepts (requests.ts): noise, any JSON, near-miss shapes of real
 * messages, the number spellings and lone surrogates PROTOCOL §1 refuses, deep nesting, bodies
 * over the size limit — and the near-miss plaintexts that forgeries.ts seals to the real keys.
 */
import { ED25519_SMALL_ORDER_KEYS, toB64u } from '@netcash/protocol';
import fc from 'fast-check';

/** X25519 small-order points (RFC 7748 §7 / the cofactor points): a DH with one is all zeros. */
export const X25519_SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((h) => toB64u(Uint8Array.from(Buffer.from(h, 'hex'))));

export const b64u = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map(toB64u);

/** Texts PROTOCOL §1 and §3 refuse inside strings. */
const badText = fc.constantFrom('\\ud800', '\\udfff x', 'a\\u0000b', '\\u202etxt.exe', '\\u0007');
/** Spellings of numbers PROTOCOL §1 refuses. */
const badNumber = fc.constantFrom('1.0', '1e0', '10e-1', '-0', '1E2', '0.5', '1e400', '-1');

/** Any JSON value, rendered as text (also with the refused spellings spliced in). */
const jsonText = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.tuple(fc.json({ maxDepth: 2 }), badNumber).map(([j, n]) => `{"amount":${n},"x":${j}}`),
  badText.map((t) => `{"memo":"${t}","holder":"${t}"}`),
  fc.integer({ min: 50, max: 3_000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc.integer({ min: 50, max: 2_000 }).map((d) => '{"a":'.repeat(d) + '1' + '}'.repeat(d)),
);

/** Fields of real messages with wrong types or values: what a buggy client sends. */
const nearMiss = fc
  .record(
    {
      certId: fc.oneof(fc.string(), fc.integer(), fc.constant(null), b64u(16, 16)),
      enc: fc.oneof(b64u(32, 32), fc.string(), fc.array(fc.integer(), { maxLength: 3 })),
      ct: fc.oneof(b64u(0, 200), fc.string(), fc.boolean()),
      check: fc.oneof(fc.object({ maxDepth: 2 }), fc.string()),
      endorsement: fc.anything({ maxDepth: 2 }),
      signKey: fc.oneof(fc.string(), fc.constantFrom(...ED25519_SMALL_ORDER_KEYS), b64u(32, 32)),
      holder: fc.oneof(fc.string(), fc.constant('\u0000'), fc.constant('\u202e')),
      msg: fc.constantFrom('1a', '1c', '2', 'x'),
      sid: fc.string(),
      kan: fc.constantFrom(...X25519_SMALL_ORDER),
      reason: fc.string(),
      account: fc.string(),
    },
    { requiredKeys: [] },
  )
  .map((o) => JSON.stringify(o));

/** Plaintexts for sealed requests: near-miss CS requests, with refused numbers and texts. */
export const csPlaintext = fc.oneof(
  fc
    .record({
      requestId: fc.oneof(b64u(16, 16), fc.string()),
      op: fc.constantFrom(
        'buy',
        'exchange',
        'cashout',
        'convert',
        'triplet',
        'claim',
        'restore',
        'status',
        'mint',
      ),
      instruments: fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('check'), check: fc.object({ maxDepth: 2 }) }),
          fc.record({ kind: fc.constant('coin'), coin: fc.object({ maxDepth: 2 }) }),
        ),
        { maxLength: 3 },
      ),
      want: fc.oneof(
        fc.record({ values: fc.array(fc.integer(), { maxLength: 5 }) }),
        fc.record({ bank: fc.string(), payee: fc.string(), memo: fc.string() }),
      ),
      replyKey: fc.oneof(b64u(32, 32), fc.string()),
    })
    .map((o) => JSON.stringify(o)),
  fc
    .tuple(b64u(16, 16), b64u(32, 32), badNumber)
    .map(
      ([id, key, n]) =>
        `{"requestId":"${id}","op":"exchange","instruments":[],"want":{"values":[${n}]},"replyKey":"${key}"}`,
    ),
  fc
    .tuple(b64u(16, 16), b64u(32, 32), badText)
    .map(
      ([id, key, t]) =>
        `{"requestId":"${id}","op":"cashout","instruments":[],"want":{"bank":"bank","payee":"x","memo":"${t}"},"replyKey":"${key}"}`,
    ),
  fc.string(),
);

/** Plaintexts of 1c: near-miss payment requests (coins that are not), refused numbers, noise. */
export const paymentPlaintext = fc.oneof(
  fc
    .record(
      {
        requestId: fc.oneof(b64u(16, 16), fc.string()),
        sid: fc.oneof(fc.string(), fc.constantFrom('x', 'articles.a.full')),
        coins: fc.array(fc.object({ maxDepth: 2 }), { maxLength: 3 }),
        certificates: fc.array(fc.object({ maxDepth: 2 }), { maxLength: 2 }),
        replyKey: fc.oneof(b64u(32, 32), fc.string()),
        sessionKey: fc.oneof(b64u(32, 32), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc
    .tuple(b64u(16, 16), b64u(32, 32), badNumber)
    .map(
      ([id, key, n]) =>
        `{"requestId":"${id}","sid":"x","coins":[{"body":{"value":${n}},"sig":""}],"certificates":[],"replyKey":"${key}","sessionKey":"${key}"}`,
    ),
  fc.string(),
);

/** A body over every server's 256 KiB limit (rare: it is the slowest request here). */
const oversize = fc.constant(JSON.stringify({ pad: 'x'.repeat(300 * 1024) }));

/** A request body: noise, or one of the server's own hostile bodies `extra` (weighted higher). */
export const body = (extra: fc.Arbitrary<string>[] = []) =>
  fc.oneof(
    { arbitrary: fc.string({ maxLength: 200 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 100 }), weight: 1 },
    { arbitrary: jsonText, weight: 3 },
    { arbitrary: nearMiss, weight: 4 },
    { arbitrary: oversize, weight: 1 },
    ...extra.map((arbitrary) => ({ arbitrary, weight: 6 })),
  );
