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
 * - bodies (noise.ts): noise, any JSON, near-miss shapes of real messages, the number spellings
 *   and lone surrogates PROTOCOL §1 refuses, deep nesting, bodies over the size limit;
 * - forgeries (forgeries.ts): coins, checks and endorsements of the right shape by unknown keys,
 *   and *sealed* hostile plaintexts — near-miss CS requests and payments sealed to the real
 *   keys, so the servers open them and judge what is inside.
 *
 * This file aims them at each server's routes: a new endpoint goes here.
 *
 * Nothing here is a valid request: no real coin, no signature by a real account key, no valid
 * 1a (its `kan` is always a small-order point), no GET of a real read-only route.
 */
import { PATHS } from '@netcash/protocol';
import fc from 'fast-check';
import { envelopeNearMiss, forgedDeposit, payeeMessages, sealedToCs } from './forgeries.ts';
import { b64u, body } from './noise.ts';
import type { HostileRequest, Targets } from './targets.ts';

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
