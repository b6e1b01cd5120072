/**
 * The payee handler against a real federation on loopback (insurer, bank, cs1, cs2 with SQLite):
 * offers, payments crossing currency servers, receipts, access proofs, idempotent retries,
 * double spending, and the federation audit after each.
 */

import { Message2, parseChallenges, postJson, verify } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { authorization, codeOf, fetchOffer, pay, paymentMessage } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { startMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';

const world = useFederation({ merchants: { merchant: {} } });

const cs1 = () => world.fed.cs[0]!.url;
const cs2 = () => world.fed.cs[1]!.url;

async function audited(): Promise<void> {
  const report = await world.fed.audit();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('payee handler', () => {
  it('answers a paid resource without proof with 402, a signed offer and WWW-Authenticate', async () => {
    const response = await fetch(world.merchant().resource('/articles/a'));
    expect(response.status).toBe(402);
    const challenges = parseChallenges(response.headers.get('www-authenticate') ?? '');
    expect(challenges[0]).toEqual({ scheme: 'NetCash', params: { sid: 'articles.a' } });
    expect(challenges[1]?.scheme).toBe('Payment');
    const offer = await fetchOffer(p, world.merchant().resource('/articles/a'));
    expect(offer.body).toMatchObject({
      sid: 'articles.a',
      resource: world.merchant().resource('/articles/a'),
      amount: 5,
      currency: 'NCD',
      payeeSignKey: world.merchant().paywall.payeeKey,
      payUrl: world.merchant().resource('/netcash/pay'),
      accepts: { insurers: [world.fed.insurer.signKey] },
    });
    expect(verify(p, world.merchant().paywall.payeeKey, offer)).toBe(true);
    // Free pages pass straight through to the site.
    expect((await fetch(world.merchant().resource('/free'))).status).toBe(200);
  });

  it('takes cs1 coins at a cs2 merchant: receipt, access, coins held, audit balances', async () => {
    const offer = await fetchOffer(p, world.merchant().resource('/articles/a'));
    const coins = await world.shopper.buy(cs1(), [5]);
    const paid = await pay(p, offer, coins);
    expect(codeOf(paid)).toBe('ok');
    if (!paid.ok) return;
    const { body } = paid.value.receipt;
    expect(body).toMatchObject({ sid: 'articles.a', amount: 5, currency: 'NCD' });
    expect(body.payeeKey).toBe(world.merchant().paywall.payeeKey);
    expect(verify(p, body.payeeKey, paid.value.receipt)).toBe(true);

    const opened = await fetch(offer.body.resource, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe('paid: /articles/a');
    expect(opened.headers.get('cache-control')).toBe('private, no-store');

    // A revisit: a new challenge, a new proof, no new payment.
    const again = await fetchOffer(p, world.merchant().resource('/articles/a'));
    expect(again.body.challenge).not.toBe(offer.body.challenge);
    const revisit = await fetch(again.body.resource, {
      headers: { authorization: authorization(p, paid.value, again) },
    });
    expect(revisit.status).toBe(200);

    // The same header again — a third party that copied it — opens nothing: a fresh offer only.
    const replay = await fetch(again.body.resource, {
      headers: { authorization: authorization(p, paid.value, again) },
    });
    expect(replay.status).toBe(402);
    expect(replay.headers.get('www-authenticate')).toMatch(
      /^NetCash sid="articles\.a", error="challenge-used", Payment id="/,
    );
    const offered = (await replay.json()) as { offer: { body: { challenge: string } } };
    expect(offered.offer.body.challenge).not.toBe(again.body.challenge);

    // The merchant holds fresh cs2 coins worth the price; cs1's coin is gone.
    const held = await world.merchant().paywall.store.heldCoins();
    expect(held.map((c) => c.coin.body.cs)).toEqual(held.map(() => 'cs2'));
    expect(await world.merchant().paywall.held()).toBe(5);
    await audited();
  });

  it('takes its own CS coins and a mix of both issuers in one payment', async () => {
    const offerB = await fetchOffer(p, world.merchant().resource('/articles/b'));
    const own = await world.shopper.buy(cs2(), [5, 2]);
    expect(codeOf(await pay(p, offerB, own))).toBe('ok');
    const offerC = await fetchOffer(p, world.merchant().resource('/articles/c'));
    const mixed = [
      ...(await world.shopper.buy(cs1(), [20])),
      ...(await world.shopper.buy(cs2(), [5])),
    ];
    const paid = await pay(p, offerC, mixed);
    expect(codeOf(paid)).toBe('ok');
    expect(await world.merchant().paywall.held()).toBe(5 + 7 + 25);
    await audited();
  });

  it('pays through 1a/1b with a fresh session key pair when anonymous', async () => {
    const anon = await startMerchant(world.fed, { anonymous: true });
    try {
      const offer = await fetchOffer(p, anon.resource('/articles/a'));
      const first = await pay(p, offer, await world.shopper.buy(cs1(), [5]), { keyExchange: true });
      const second = await pay(p, offer, await world.shopper.buy(cs1(), [5]), {
        keyExchange: true,
      });
      if (!first.ok || !second.ok) throw new Error('payment failed');
      const k1 = first.value.receipt.body.payeeKey;
      const k2 = second.value.receipt.body.payeeKey;
      expect(new Set([k1, k2, anon.paywall.payeeKey]).size).toBe(3);
      const opened = await fetch(offer.body.resource, {
        headers: { authorization: authorization(p, first.value, offer) },
      });
      expect(opened.status).toBe(200);
    } finally {
      await anon.close();
    }
  });

  it('answers a retried 1c with the stored message 2, byte for byte; another payment under its id is refused', async () => {
    const offer = await fetchOffer(p, world.merchant().resource('/articles/a'));
    const coins = await world.shopper.buy(cs1(), [5]);
    const { request, message } = await paymentMessage(p, offer, coins);
    const first = await postJson(offer.body.payUrl, message, Message2);
    const again = await postJson(offer.body.payUrl, message, Message2);
    // Resealed (a new HPKE ephemeral key) but the same payment: still the same answer.
    const resealed = await paymentMessage(p, offer, coins, request);
    const third = await postJson(offer.body.payUrl, resealed.message, Message2);
    expect(codeOf(first)).toBe('ok');
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    const other = await paymentMessage(p, offer, await world.shopper.buy(cs1(), [5]), {
      requestId: request.requestId,
    });
    expect(codeOf(await postJson(offer.body.payUrl, other.message, Message2))).toBe(
      'request-id-reused',
    );
    await audited();
  });

  it('passes on double-spent from the CS and stores nothing', async () => {
    const offer = await fetchOffer(p, world.merchant().resource('/articles/a'));
    const coins = await world.shopper.buy(cs1(), [5]);
    await world.shopper.exchange(cs1(), coins, [5]); // spent elsewhere first
    const heldBefore = await world.merchant().paywall.held();
    const { request, message } = await paymentMessage(p, offer, coins);
    const refused = await postJson(offer.body.payUrl, message, Message2);
    expect(codeOf(refused)).toBe('double-spent');
    expect(await world.merchant().paywall.held()).toBe(heldBefore);
    expect(
      await world.merchant().paywall.store.completedPayment(request.requestId),
    ).toBeUndefined();
    expect(await world.merchant().paywall.store.pendingPayments()).toEqual([]);
    // Spending the same coins at two merchants: the second is refused.
    const fresh = await world.shopper.buy(cs1(), [5]);
    expect(codeOf(await pay(p, offer, fresh))).toBe('ok');
    expect(codeOf(await pay(p, await fetchOffer(p, offer.body.resource), fresh))).toBe(
      'double-spent',
    );
    await audited();
  });

  it('binds a proof to one resource and one challenge', async () => {
    const offerA = await fetchOffer(p, world.merchant().resource('/articles/a'));
    const paid = await pay(p, offerA, await world.shopper.buy(cs1(), [5]));
    if (!paid.ok) throw paid.error;
    const offerB = await fetchOffer(p, world.merchant().resource('/articles/b'));
    const get = (url: string, auth: string) => fetch(url, { headers: { authorization: auth } });
    const code = async (r: Response) =>
      ((await r.json()) as { error: { code: string } }).error.code;

    // A's purchase proved for B's resource and challenge: not what was bought.
    const forB = await get(offerB.body.resource, authorization(p, paid.value, offerB));
    expect(forB.status).toBe(403);
    expect(await code(forB)).toBe('bad-proof');
    // A's proof presented at B: the challenge was issued for A.
    const moved = await get(offerB.body.resource, authorization(p, paid.value, offerA));
    expect(await code(moved)).toBe('bad-proof');
    // A proof with a challenge this merchant never issued.
    const forged = { ...offerA, body: { ...offerA.body, challenge: '9999999999.forged' } };
    expect(await code(await get(offerA.body.resource, authorization(p, paid.value, forged)))).toBe(
      'bad-proof',
    );
    // The right proof, one bit off.
    const good = authorization(p, paid.value, offerA);
    const flipped = good.replace(/proof="(.)/, (_, c: string) => `proof="${c === 'A' ? 'B' : 'A'}`);
    expect(await code(await get(offerA.body.resource, flipped))).toBe('bad-proof');
    // An unknown transaction id.
    const stranger = good.replace(/tid="[^"]+"/, 'tid="AAAAAAAAAAAAAAAAAAAAAA"');
    expect(await code(await get(offerA.body.resource, stranger))).toBe('unknown-transaction');
    expect((await get(offerA.body.resource, good)).status).toBe(200);
  });

  it('answers a stale challenge with a fresh offer so the wallet can prove again', async () => {
    let clock = Math.floor(Date.now() / 1000);
    const timed = await startMerchant(world.fed, { now: () => clock, offerLifetime: 60 });
    try {
      const offer = await fetchOffer(p, timed.resource('/articles/a'));
      const paid = await pay(p, offer, await world.shopper.buy(cs1(), [5]));
      if (!paid.ok) throw paid.error;
      clock += 61;
      const stale = await fetch(offer.body.resource, {
        headers: { authorization: authorization(p, paid.value, offer) },
      });
      expect(stale.status).toBe(402);
      expect(stale.headers.get('www-authenticate')).toMatch(
        /^NetCash sid="articles\.a", error="expired", Payment id="/,
      );
      const fresh = await fetchOffer(p, timed.resource('/articles/a'));
      const ok = await fetch(fresh.body.resource, {
        headers: { authorization: authorization(p, paid.value, fresh) },
      });
      expect(ok.status).toBe(200);
    } finally {
      await timed.close();
    }
  });
});
