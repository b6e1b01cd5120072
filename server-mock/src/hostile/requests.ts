/**
 * Hostile HTTP requests for the live servers of a federation and a publisher (TESTING.md "Faults
 * and hostile input"), as fast-check arbitraries: every request here must be refused with a 4xx
 * and a registered error code, and change nothing.
 *
 * What is generated, per server:
 * - paths: unknown ones, mutations of real ones (extra segments, bad percent-escapes, `..`,
 *   NUL, long and non-ASCII segments), real ones with a wrong method;
 * - headers: stray content types, garbage and wrong `Authorization` values (also for admin routes,
 *   with the real admin token where a hostile body is the point), odd extra headers;
 * - bodies: noise, any JSON, near-miss shapes of real messages, the number spellings and lone
 *   surrogates PROTOCOL §1 refuses, deep nesting, bodies over the size limit, and *sealed*
 *   hostile plaintexts: near-miss CS requests and payments sealed to the real keys, so the
 *   servers open them and judge what is inside.
 *
 * Nothing here is a valid request: no real coin, no signature by a real account key, no valid
 * 1a (its `kan` is always a small-order point), no GET of a real read-only route.
 */
import {
  digest,
  ED25519_SMALL_ORDER_KEYS,
  hpkeSeal,
  PATHS,
  sign,
  toB64u,
  utf8,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import fc from 'fast-check';

/** What the generator needs to know of the servers under test. */
export interface Targets {
  readonly insurer: { url: string; adminToken: string };
  readonly bank: { url: string; auditToken: string };
  readonly cs: readonly {
    url: string;
    auditToken: string;
    certId: string;
    encKey: string;
    name: string;
    bank: string;
    account: string;
  }[];
  readonly publisher: {
    url: string;
    payPath: string;
    paidPaths: readonly string[];
    encKey: string;
    sid: string;
  };
}

export interface HostileRequest {
  readonly server: string;
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** X25519 small-order points (RFC 7748 §7 / the cofactor points): a DH with one is all zeros. */
const X25519_SMALL_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((h) => toB64u(Uint8Array.from(Buffer.from(h, 'hex'))));

const b64u = (min: number, max: number) =>
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
const csPlaintext = fc.oneof(
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
const paymentPlaintext = fc.oneof(
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

/**
 * Well-formed messages that are forgeries: coins, checks and endorsements of the right shape,
 * signed by keys nobody certified or registered. They pass every decoder and reach the servers'
 * judgement (signatures, certificates, accounts, amounts).
 */
const VALUES = [1, 2, 5, 10, 20, 50, 100];
const signer = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((seed) => p.ed25519.keygen(seed));
const far = () => Math.floor(Date.now() / 1000) + 86_400;

function forgedCoin(t: Targets) {
  return fc
    .record({
      key: signer,
      cs: fc.constantFrom(...t.cs),
      realCert: fc.boolean(),
      value: fc.constantFrom(...VALUES),
      serial: b64u(16, 16),
      other: b64u(16, 16),
    })
    .map(({ key, cs, realCert, value, serial, other }) =>
      sign(p, key.secretKey, {
        type: 'coin',
        scheme: 'nc1',
        cs: cs.name,
        addr: cs.url,
        certId: realCert ? cs.certId : other,
        serial,
        value,
        currency: 'NCD',
        expires: far(),
      }),
    );
}

function forgedCheck(payee: fc.Arbitrary<string>, bank: string) {
  return fc
    .record({
      key: signer,
      drawer: fc.constantFrom('acct-nobody', 'issuance', 'x'),
      payee,
      amount: fc.constantFrom(...VALUES),
      checkNo: b64u(8, 8),
    })
    .map(({ key, drawer, payee: to, amount, checkNo }) =>
      sign(p, key.secretKey, {
        type: 'check',
        bank,
        drawer,
        payee: to,
        amount,
        currency: 'NCD',
        checkNo,
        issued: far() - 86_400,
        expires: far(),
        memo: 'forged',
      }),
    );
}

/** Plaintexts of CS requests made of forgeries: exchanges, buys, cash-outs, statuses. */
function forgedCsPlaintext(t: Targets, cs: Targets['cs'][number]) {
  const coins = fc.array(forgedCoin(t), { minLength: 1, maxLength: 3 });
  const ids = fc.record({ requestId: b64u(16, 16), replyKey: b64u(32, 32) });
  const coinIn = (c: unknown[]) => c.map((coin) => ({ kind: 'coin', coin }));
  return fc.oneof(
    fc
      .record({
        ids,
        coins,
        values: fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }),
      })
      .map(({ ids: i, coins: c, values }) =>
        JSON.stringify({ ...i, op: 'exchange', instruments: coinIn(c), want: { values } }),
      ),
    fc
      .record({ ids, check: forgedCheck(fc.constantFrom(cs.account, 'acct-other'), cs.bank) })
      .map(({ ids: i, check }) =>
        JSON.stringify({
          ...i,
          op: 'buy',
          instruments: [{ kind: 'check', check }],
          want: { values: [check.body.amount] },
        }),
      ),
    fc.record({ ids, coins }).map(({ ids: i, coins: c }) =>
      JSON.stringify({
        ...i,
        op: 'cashout',
        instruments: coinIn(c),
        want: { bank: cs.bank, payee: 'acct-x', memo: 'm' },
      }),
    ),
    // The read-only status of forged coins (PROTOCOL §4.8): refused like any use of them.
    fc
      .record({ ids, coins })
      .map(({ ids: i, coins: c }) =>
        JSON.stringify({ ...i, op: 'status', instruments: coinIn(c), want: {} }),
      ),
  );
}

/** A bank deposit of a forged check, endorsed by a key that is no account's. */
function forgedDeposit(t: Targets) {
  const bank = t.cs[0]!.bank;
  return fc
    .record({ check: forgedCheck(fc.constantFrom(t.cs[0]!.account, 'acct-x'), bank), key: signer })
    .map(({ check, key }) =>
      JSON.stringify({
        check,
        endorsement: sign(p, key.secretKey, {
          type: 'endorsement',
          check: digest(p, check),
          account: check.body.payee,
          date: far() - 86_400,
        }),
      }),
    );
}

/** `{certId, enc, ct}` sealed (HPKE, PROTOCOL §2) to a real certificate of a CS. */
function sealedToCs(t: Targets, cs: Targets['cs'][number]) {
  return fc.oneof(csPlaintext, forgedCsPlaintext(t, cs)).map((text) => {
    const sealed = hpkeSeal(
      p,
      Uint8Array.from(Buffer.from(cs.encKey, 'base64url')),
      utf8('NetCash-v1 cs-request'),
      utf8(cs.certId),
      utf8(text),
    );
    return JSON.stringify({ certId: cs.certId, enc: toB64u(sealed.enc), ct: toB64u(sealed.ct) });
  });
}

/** Envelopes that open to nothing: a real certId with random bytes, or an unknown certId. */
function envelopeNearMiss(cs: Targets['cs'][number]) {
  return fc
    .record({ real: fc.boolean(), other: b64u(16, 16), enc: b64u(32, 32), ct: b64u(16, 300) })
    .map(({ real, other, enc, ct }) =>
      JSON.stringify({ certId: real ? cs.certId : other, enc, ct }),
    );
}

/** 1a with a small-order `kan`, and 1c sealed to the payee with a hostile plaintext. */
function payeeMessages(t: Targets, pub: Targets['publisher']) {
  const forgedPayment = fc
    .record({
      requestId: b64u(16, 16),
      coins: fc.array(forgedCoin(t), { minLength: 1, maxLength: 3 }),
      keys: fc.tuple(b64u(32, 32), b64u(32, 32)),
      sid: fc.constantFrom(pub.sid, 'nope'),
    })
    .map(({ requestId, coins, keys, sid }) =>
      JSON.stringify({
        requestId,
        sid,
        coins,
        certificates: [],
        replyKey: keys[0],
        sessionKey: keys[1],
      }),
    );
  return fc.oneof(
    fc
      .constantFrom(...X25519_SMALL_ORDER)
      .map((kan) => JSON.stringify({ msg: '1a', sid: pub.sid, kan })),
    fc.oneof(paymentPlaintext, forgedPayment).map((text) => {
      const sealed = hpkeSeal(
        p,
        Uint8Array.from(Buffer.from(pub.encKey, 'base64url')),
        utf8('NetCash-v1 payment'),
        utf8(pub.encKey),
        utf8(text),
      );
      return JSON.stringify({
        msg: '1c',
        to: pub.encKey,
        enc: toB64u(sealed.enc),
        ct: toB64u(sealed.ct),
      });
    }),
  );
}

/** A body over every server's 256 KiB limit (rare: it is the slowest request here). */
const oversize = fc.constant(JSON.stringify({ pad: 'x'.repeat(300 * 1024) }));

const body = (extra: fc.Arbitrary<string>[] = []) =>
  fc.oneof(
    { arbitrary: fc.string({ maxLength: 200 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 100 }), weight: 1 },
    { arbitrary: jsonText, weight: 3 },
    { arbitrary: nearMiss, weight: 4 },
    { arbitrary: oversize, weight: 1 },
    ...extra.map((arbitrary) => ({ arbitrary, weight: 6 })),
  );

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  '*/*',
);

/** Extra headers a hostile client adds (names and values valid on the wire). */
const extraHeaders = fc.dictionary(
  fc.constantFrom('x-forwarded-for', 'x-netcash', 'accept', 'origin', 'cookie', 'expect-ct'),
  fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  { maxKeys: 3 },
);

/** A mutation of a real path: never the path itself. */
function mutatedPath(real: string) {
  return fc
    .oneof(
      fc.constantFrom(
        '/x',
        '/..',
        '/%2e%2e',
        '/%zz',
        '/%00',
        '/%ff%fe',
        '//',
        '/v1',
        '/%F0%9F%92%B0',
      ),
      fc.string({ maxLength: 30 }).map((s) => `/${encodeURIComponent(s)}x`),
      fc.constant(`/${'a'.repeat(2000)}`),
    )
    .map((suffix) => real.replace(/\/$/, '') + suffix);
}

/** Paths no server serves. */
const unknownPath = fc.oneof(
  fc.constantFrom('/', '/v2/requests', '/v1/', '/admin', '/.env', '/v1/requests/../admin/audit'),
  fc.webPath().filter((w) => !w.startsWith('/v1/')),
);

/** A request only a hostile or broken client sends, to one of the five servers. */
export function hostileRequest(t: Targets): fc.Arbitrary<HostileRequest> {
  const admin = (token: string) =>
    fc.oneof(
      fc.constant(`Bearer ${token}`),
      fc.constantFrom('', 'Bearer', 'Bearer x', `Bearer ${token}x`, `Basic ${token}`, token),
    );
  const noAdmin = fc.constantFrom('', 'Bearer x', 'NetCash x', 'Bearer');
  const post = (
    server: string,
    base: string,
    path: string,
    bodies: fc.Arbitrary<string>,
    authorization: fc.Arbitrary<string>,
  ) =>
    fc.record({ body: bodies, ct: contentType, auth: authorization, extra: extraHeaders }).map(
      ({ body, ct, auth, extra }): HostileRequest => ({
        server,
        url: base + path,
        method: 'POST',
        headers: { ...extra, 'content-type': ct, ...(auth === '' ? {} : { authorization: auth }) },
        body,
      }),
    );
  const other = (
    server: string,
    base: string,
    reads: readonly string[],
    writes: readonly string[],
  ) =>
    fc.oneof(
      // A real route with a method it does not take.
      fc
        .record({
          path: fc.constantFrom(...reads, ...writes),
          method: fc.constantFrom('PUT', 'DELETE', 'PATCH'),
        })
        .map(({ path, method }) => ({ server, url: base + path, method, headers: {} })),
      // POST to a read-only route, GET to a write route.
      fc.constantFrom(...reads).map((path) => ({
        server,
        url: base + path,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      })),
      fc
        .constantFrom(...writes)
        .map((path) => ({ server, url: base + path, method: 'GET', headers: {} })),
      // Mutated and unknown paths.
      fc
        .record({
          path: fc.oneof(fc.constantFrom(...reads, ...writes).chain(mutatedPath), unknownPath),
          method: fc.constantFrom('GET', 'POST', 'DELETE'),
        })
        .map(({ path, method }) => ({
          server,
          url: base + path,
          method,
          headers: {},
          ...(method === 'POST' ? { body: '{}' } : {}),
        })),
    );

  /** A read behind a token, asked with a wrong one (the right one would be answered). */
  const wrongToken = (server: string, url: string, token: string) =>
    fc
      .constantFrom('', 'Bearer', 'Bearer x', `Bearer ${token}x`, `Bearer ${token.slice(1)}`, token)
      .map(
        (auth): HostileRequest => ({
          server,
          url,
          method: 'GET',
          headers: auth === '' ? {} : { authorization: auth },
        }),
      );

  const I = PATHS.insurer;
  const B = PATHS.bank;
  const C = PATHS.cs;
  const insurer = fc.oneof(
    post('insurer', t.insurer.url, I.enrollCertificate, body(), noAdmin),
    post('insurer', t.insurer.url, I.enrollDenominationKey, body(), noAdmin),
    post('insurer', t.insurer.url, I.adminRegistrations, body(), admin(t.insurer.adminToken)),
    post('insurer', t.insurer.url, I.adminRevoke, body(), admin(t.insurer.adminToken)),
    wrongToken('insurer', t.insurer.url + I.adminRegistrations, t.insurer.adminToken),
    // Lookups of what does not exist (ids, names with escapes).
    fc
      .record({
        kind: fc.constantFrom(I.certificate, I.denominationKey, I.directory),
        id: fc.oneof(b64u(16, 16), fc.string({ minLength: 1, maxLength: 80 })),
      })
      .map(({ kind, id }) => ({
        server: 'insurer',
        url: t.insurer.url + kind + encodeURIComponent(id),
        method: 'GET',
        headers: {},
      })),
    other(
      'insurer',
      t.insurer.url,
      [PATHS.health, I.info, I.certificates, I.revocations, I.denominationKeys],
      [I.enrollCertificate, I.enrollDenominationKey, I.adminRevoke],
    ),
  );
  const bank = fc.oneof(
    post('bank', t.bank.url, B.accounts, body(), noAdmin),
    post('bank', t.bank.url, B.deposits, body([forgedDeposit(t)]), noAdmin),
    post('bank', t.bank.url, B.statement, body(), noAdmin),
    wrongToken('bank', t.bank.url + B.adminAudit, t.bank.auditToken),
    other(
      'bank',
      t.bank.url,
      [PATHS.health, B.info, B.adminAudit],
      [B.accounts, B.deposits, B.statement],
    ),
  );
  const cs = t.cs.map((c, i) =>
    fc.oneof(
      post(`cs${i + 1}`, c.url, C.requests, body([sealedToCs(t, c), envelopeNearMiss(c)]), noAdmin),
      wrongToken(`cs${i + 1}`, c.url + C.adminAudit, c.auditToken),
      other(`cs${i + 1}`, c.url, [PATHS.health, C.info, C.adminAudit], [C.requests]),
    ),
  );
  const pub = t.publisher;
  const publisher = fc.oneof(
    post('publisher', pub.url, pub.payPath, body([payeeMessages(t, pub)]), noAdmin),
    fc.record({ method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH') }).map(({ method }) => ({
      server: 'publisher',
      url: pub.url + pub.payPath,
      method,
      headers: {},
    })),
    // Paid resources with access proofs that are not (PROTOCOL §6).
    fc
      .record({
        path: fc.constantFrom(...pub.paidPaths),
        proof: fc.oneof(
          fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          fc
            .record({ tid: b64u(16, 16), c: fc.string(), sig: b64u(0, 64) })
            .map(
              (r) => `tid="${r.tid}", challenge="${r.c.replace(/[^\w]/g, '')}", proof="${r.sig}"`,
            ),
        ),
      })
      .map(({ path, proof }) => ({
        server: 'publisher',
        url: pub.url + path,
        method: 'GET',
        headers: { authorization: `NetCash ${proof}` },
      })),
  );
  return fc.oneof(insurer, bank, ...cs, publisher);
}
