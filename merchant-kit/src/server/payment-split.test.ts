/**
 * A payment with coins of two issuers whose exchanges half-fail: the merchant's CS (cs2)
 * exchanges its own coin, and the other issuer's (cs3, certified at a fault proxy's address so its
 * converts can be lost) fails. The payor never loses value without a receipt:
 *
 *   - transient (cs3 unreachable): the payment stays journaled and is completed with the same
 *     request ids once cs3 answers — the receipt, the article, the coins held once;
 *   - permanent (the cs3 coin was already spent): message 2 is a refund — the fresh cs2 coins of
 *     the part exchanged go back to the payor, nothing is held, no receipt exists.
 *
 * Each time: payor's value + merchant's holdings (+ bank) is what it was, and the audit balances.
 */
import { Message2, postJson } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { authorization, codeOf, fetchOffer, paymentMessage, sendPayment } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../testing/log.ts';
import { startMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';

const world = useFederation({ proxiedCs: 'cs3' });

const cs2 = () => world.fed.cs[1]!;
const worth = (coins: readonly { body: { value: number } }[]) =>
  coins.reduce((s, c) => s + c.body.value, 0);

/** The audit's problems: every CS the insurer certified, cs3 (through the proxy) included. */
async function audit() {
  return (await world.fed.audit()).problems;
}

/** The merchant's short in-request retry, so a test waits for its failure in well under a second. */
const QUICK = { baseMs: 10, maxMs: 20, maxAttempts: 2 };

describe('a payment whose exchanges half-fail across issuers', () => {
  it('is completed with the same requests once the other issuer answers again', async () => {
    const log = recordingLogger();
    const merchant = await startMerchant(world.fed, { retry: QUICK, log: log.logger });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/b'));
      const coins = [
        ...(await world.shopper.buy(cs2().url, [2])),
        ...(await world.shopper.buy(world.proxied.link.url, [5])),
      ];
      const before = worth(coins); // the payor's value: 7
      const { request, message } = await paymentMessage(p, offer, coins, {
        certificates: [world.proxied.cs.certificate()],
      });
      const checks = (await world.proxied.cs.books()).checksWritten.length;
      world.proxied.link.rule(() => 'drop-request'); // cs3 unreachable for every convert cs2 tries
      const first = await postJson(offer.body.payUrl, message, Message2);
      expect(codeOf(first)).toBe('upstream-unavailable');
      // cs2 exchanged its own coin; the payment waits in the journal, nothing is held yet.
      expect(await merchant.paywall.held()).toBe(0);
      const [journaled] = await merchant.paywall.store.pendingPayments();
      expect(journaled?.requestId).toBe(request.requestId);
      // Not an alarm: the payment finishes by itself.
      expect(log.entries).toContainEqual(
        expect.objectContaining({
          level: 'info',
          msg: expect.stringMatching(/^payment of 0\.07 NCD for articles\.b waiting: /),
        }),
      );

      world.proxied.link.rule(null); // cs3 is back: the periodic re-drive finishes the payment
      await merchant.paywall.recover();
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
      expect(await merchant.paywall.held()).toBe(before); // 7, held once
      expect((await world.proxied.cs.books()).checksWritten).toHaveLength(checks + 1); // converted once

      // The wallet's retry of the same 1c gets the receipt, and the article opens with it.
      const retried = await sendPayment(p, offer, coins, {
        requestId: request.requestId,
        replyKey: request.replyKey,
        sessionKey: request.sessionKey,
        certificates: [world.proxied.cs.certificate()],
      });
      if (!retried.ok) throw retried.error;
      const { result } = retried.value;
      if (!('receipt' in result)) throw new Error('expected a receipt');
      expect(result.receipt.body.amount).toBe(7);
      const fresh = await fetchOffer(p, merchant.resource('/articles/b'));
      const purchase = { receipt: result.receipt, sessionKey: request.sessionKey, request };
      const opened = await fetch(fresh.body.resource, {
        headers: { authorization: authorization(p, purchase, fresh) },
      });
      expect(opened.status).toBe(200);
      // Payor 7 → 0 with a receipt; merchant 0 → 7.
      expect(await audit()).toEqual([]);
    } finally {
      world.proxied.link.rule(null);
      await merchant.close();
    }
  });

  it('returns the value it took as fresh coins when the other part is refused for good', async () => {
    const log = recordingLogger();
    const merchant = await startMerchant(world.fed, { retry: QUICK, log: log.logger });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/b'));
      const own = await world.shopper.buy(cs2().url, [2]);
      const [stale] = await world.shopper.buy(world.proxied.link.url, [5]);
      // A copy of the payor's wallet spent the cs3 coin first: the payor holds its fresh coins.
      const spentElsewhere = await world.shopper.exchange(world.proxied.link.url, [stale!], [5]);
      const before = worth(own) + worth(spentElsewhere); // the payor's real value: 7
      const coins = [...own, stale!];
      const { request, message } = await paymentMessage(p, offer, coins, {
        certificates: [world.proxied.cs.certificate()],
      });
      const answer = await postJson(offer.body.payUrl, message, Message2);
      if (!answer.ok) throw answer.error;

      const again = await sendPayment(p, offer, coins, {
        requestId: request.requestId,
        replyKey: request.replyKey,
        sessionKey: request.sessionKey,
        certificates: [world.proxied.cs.certificate()],
      });
      if (!again.ok) throw again.error;
      const { result } = again.value;
      if (!('refund' in result)) throw new Error('expected a refund');
      const { refund } = result;
      expect(refund.code).toBe('double-spent');
      expect(refund.refused).toEqual([stale!.body.serial]);
      expect(refund.coins.map((c) => [c.body.cs, c.body.value])).toEqual([['cs2', 2]]);
      // A retry gets the very same message 2.
      const retried = await postJson(offer.body.payUrl, message, Message2);
      expect(retried.ok && retried.value).toEqual(answer.value);

      // The merchant keeps nothing and has no receipt; the journal is empty.
      expect(await merchant.paywall.held()).toBe(0);
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
      expect((await merchant.paywall.store.completedPayment(request.requestId))?.tid).toBe('');
      expect(log.entries.map((e) => e.msg)).toContain(
        'payment of 0.07 NCD for articles.b returned to the shopper: part of it was refused (double-spent), so the 0.02 NCD already exchanged went back as fresh coins; no receipt was issued',
      );

      // The refund is good money, now the payor's: exchanged at cs2 for fresh coins.
      const mine = await world.shopper.exchange(cs2().url, refund.coins, [2]);
      const after = worth(mine) + worth(spentElsewhere);
      expect(after).toBe(before); // payor 7 → 7; merchant 0 → 0
      expect(await audit()).toEqual([]);
    } finally {
      await merchant.close();
    }
  });
});
