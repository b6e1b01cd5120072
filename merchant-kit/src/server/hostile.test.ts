/**
 * Hostile and malformed input at the payee endpoint and on paid resources: every refusal is a 4xx
 * with a stable code from the registry, and nothing changes in the merchant's books.
 */
import {
  ERROR_CODES,
  Message2,
  postJson,
  randomId,
  randomKey,
  sealPayment,
  sign,
  toB64u,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { codeOf, fetchOffer, pay } from '@netcash/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useFederation } from '../testing/world.ts';

const world = useFederation({ merchants: { merchant: {} } });

const payUrl = () => world.merchant().resource('/netcash/pay');

async function post(body: string | Blob, headers: Record<string, string> = {}) {
  const response = await fetch(payUrl(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const json = (await response.json()) as { error?: { code: string } };
  return {
    status: response.status,
    code: json.error?.code,
    cors: response.headers.get('access-control-allow-origin'),
  };
}

/** The merchant's books: nothing may move on a refusal. */
async function books() {
  return {
    held: await world.merchant().paywall.held(),
    pending: (await world.merchant().paywall.store.pendingPayments()).length,
  };
}

describe('hostile input at the pay URL', () => {
  it('refuses malformed bodies with stable codes and CORS headers', async () => {
    const before = await books();
    const cases: [string | Blob, string][] = [
      ['not json', 'malformed'],
      ['{}', 'malformed'],
      ['{"msg":"2","requestId":"x"}', 'malformed'],
      ['{"msg":"1a","sid":"articles.a","kan":"short"}', 'malformed'],
      ['{"msg":"1c","to":"AAAA","enc":"AAAA","ct":"AAAA"}', 'malformed'],
      [new Blob([new Uint8Array([0xff, 0xfe, 0x00])]), 'malformed'],
      [`{"msg":"1a","pad":"${'x'.repeat(300 * 1024)}"}`, 'too-large'],
    ];
    for (const [body, code] of cases) {
      const r = await post(body);
      expect({ code: r.code, status: r.status }).toEqual({
        code,
        status: ERROR_CODES[code as 'malformed'].status,
      });
      expect(r.cors).toBe('*');
    }
    expect(await books()).toEqual(before);
  });

  it('answers CORS preflights and refuses other methods', async () => {
    const pre = await fetch(payUrl(), {
      method: 'OPTIONS',
      headers: { origin: 'chrome-extension://abc', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const get = await fetch(payUrl());
    expect(get.status).toBe(405);
  });

  it('refuses payments that are wrong in content, each with its code, moving nothing', async () => {
    const offer = await fetchOffer(p, world.merchant().resource('/articles/a'));
    const before = await books();
    const five = await world.shopper.buy(world.fed.cs[0]!.url, [5]);
    const three = await world.shopper.buy(world.fed.cs[0]!.url, [2, 1]);
    const send = async (m: unknown) => codeOf(await postJson(offer.body.payUrl, m, Message2));

    // Sealed to a key that is not the payee's.
    const stranger = toB64u(p.x25519.keygen().publicKey);
    const request = {
      requestId: randomId(p),
      sid: 'articles.a',
      coins: five,
      certificates: [],
      replyKey: randomKey(p),
      sessionKey: randomKey(p),
    };
    expect(await send(sealPayment(p, stranger, request))).toBe('decrypt-failed');
    // The right key named, the ciphertext damaged.
    const sealed = sealPayment(p, offer.body.payeeEncKey, request);
    expect(await send({ ...sealed, ct: toB64u(new Uint8Array(64)) })).toBe('decrypt-failed');
    // Not on sale here.
    expect(await send(sealPayment(p, offer.body.payeeEncKey, { ...request, sid: 'nope' }))).toBe(
      'unknown-offer',
    );
    // The wrong amount.
    expect(codeOf(await pay(p, offer, three))).toBe('wrong-amount');
    // A coin whose value was raised after signing.
    const raised = { ...three[0]!, body: { ...three[0]!.body, value: 5 } };
    expect(codeOf(await pay(p, offer, [raised]))).toBe('bad-signature');
    // A coin minted by a CS no trusted insurer certified.
    const rogue = p.ed25519.keygen();
    const forged = sign(p, rogue.secretKey, { ...five[0]!.body, certId: 'rogue-cert' });
    expect(codeOf(await pay(p, offer, [forged]))).toBe('unknown-cert');
    // The same coin twice in one payment.
    const two = await world.shopper.buy(world.fed.cs[0]!.url, [2, 1]);
    const dup = await pay(p, await fetchOffer(p, world.merchant().resource('/articles/a')), [
      two[0]!,
      two[0]!,
      two[1]!,
    ]);
    expect(codeOf(dup)).toBe('double-spent');
    expect(await books()).toEqual(before);
    // The refused coins are still good: nothing was taken.
    expect(codeOf(await pay(p, offer, five))).toBe('ok');
  });

  it('survives arbitrary JSON at the pay URL with a registered 4xx and no state change', async () => {
    const before = await books();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const r = await post(JSON.stringify(value));
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.code !== undefined && Object.hasOwn(ERROR_CODES, r.code)).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(await books()).toEqual(before);
  });
});

describe('hostile Authorization headers on a paid resource', () => {
  it('refuses malformed headers with malformed and answers foreign schemes with the offer', async () => {
    const url = world.merchant().resource('/articles/a');
    const status = async (authorization: string) =>
      (await fetch(url, { headers: { authorization } })).status;
    expect(await status('Bearer abc')).toBe(402);
    expect(await status('NetCash')).toBe(400);
    expect(await status('NetCash tid=1')).toBe(400);
    expect(await status(`NetCash tid="${'A'.repeat(2000)}"`)).toBe(400);
    expect(await status('NetCash tid="a", tid="b"')).toBe(400);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (s) => {
        const header = `NetCash ${s}`.replace(/[\r\n\0]/g, ' ');
        const got = await status(header);
        expect([400, 402, 403, 404]).toContain(got);
      }),
      { numRuns: 40 },
    );
  });
});
