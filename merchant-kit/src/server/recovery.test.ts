/**
 * A lost answer between the merchant and its currency server must not lose the payment: the 1c is
 * journaled with its exact CS requests before they leave; the wallet's retry (same request id), the
 * periodic re-drive, or a restart on the same store sends them again, and the CS answers with its
 * stored reply. The merchant gets its coins once; the shopper gets the same receipt.
 */
import { Message2, postJson } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { authorization, codeOf, fetchOffer, paymentMessage } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { startMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';

const world = useFederation();

/** A fetch that lets the next CS request through and then drops its answer. */
function dropper() {
  const state = { drop: 0, dropped: 0 };
  const fetchFn = async (input: string, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (state.drop > 0 && input.endsWith('/v1/requests')) {
      state.drop--;
      state.dropped++;
      await response.arrayBuffer();
      throw new TypeError('connection reset (test)');
    }
    return response;
  };
  return { state, fetch: fetchFn };
}

/** The merchant sends each CS request once per 1c: its own retries are tested on their own. */
const ONCE = { baseMs: 0, maxMs: 0, maxAttempts: 1 };

describe('crash safety of payments', () => {
  it('sends the same request again itself when the CS answer is lost, while the shopper waits', async () => {
    const faults = dropper();
    const merchant = await startMerchant(world.fed, { fetch: faults.fetch });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const { message } = await paymentMessage(
        p,
        offer,
        await world.shopper.buy(world.fed.cs[0]!.url, [5]),
      );
      faults.state.drop = 1;
      const paid = await postJson(offer.body.payUrl, message, Message2);
      expect(codeOf(paid)).toBe('ok');
      expect(faults.state.dropped).toBe(1);
      expect(await merchant.paywall.held()).toBe(5); // exchanged once: the repeat got its reply
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
      expect((await world.fed.audit()).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it('completes a payment whose CS answer was lost when the wallet retries with the same id', async () => {
    const faults = dropper();
    const merchant = await startMerchant(world.fed, { fetch: faults.fetch, retry: ONCE });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const { request, message } = await paymentMessage(
        p,
        offer,
        await world.shopper.buy(world.fed.cs[0]!.url, [5]),
      );
      faults.state.drop = 1;
      const lost = await postJson(offer.body.payUrl, message, Message2);
      expect(codeOf(lost)).toBe('upstream-unavailable');
      expect(faults.state.dropped).toBe(1);
      // The CS did exchange the coins; the merchant still holds nothing but the journal entry.
      expect(await merchant.paywall.held()).toBe(0);
      expect((await merchant.paywall.store.pendingPayments()).map((x) => x.requestId)).toEqual([
        request.requestId,
      ]);
      const retried = await postJson(offer.body.payUrl, message, Message2);
      expect(codeOf(retried)).toBe('ok');
      expect(await merchant.paywall.held()).toBe(5);
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
      expect((await world.fed.audit()).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it('finishes a journaled payment after a restart, and the retry gets the receipt', async () => {
    const faults = dropper();
    const first = await startMerchant(world.fed, { fetch: faults.fetch, retry: ONCE });
    const offer = await fetchOffer(p, first.resource('/articles/b'));
    const coins = await world.shopper.buy(world.fed.cs[0]!.url, [5, 2]);
    const { request, message } = await paymentMessage(p, offer, coins);
    faults.state.drop = 1;
    expect(codeOf(await postJson(offer.body.payUrl, message, Message2))).toBe(
      'upstream-unavailable',
    );
    await first.close(); // the merchant process "dies" with the payment journaled

    const second = await startMerchant(world.fed, { store: first.store });
    try {
      await second.paywall.recover();
      expect(await second.paywall.held()).toBe(7);
      expect(await second.paywall.store.pendingPayments()).toEqual([]);
      // Same keys after the restart: the wallet's retry to the new address opens the same way.
      const retried = await postJson(second.resource('/netcash/pay'), message, Message2);
      expect(codeOf(retried)).toBe('ok');
      const stored = await second.paywall.store.completedPayment(request.requestId);
      expect(retried.ok && retried.value).toEqual(stored?.reply);
      const fresh = await fetchOffer(p, second.resource('/articles/b'));
      const receipt = await second.paywall.store.receipt(stored!.tid);
      const purchase = { receipt: receipt!.receipt, sessionKey: request.sessionKey, request };
      const opened = await fetch(fresh.body.resource, {
        headers: { authorization: authorization(p, purchase, fresh) },
      });
      expect(opened.status).toBe(200);
      expect((await world.fed.audit()).problems).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('leaves nothing behind when the CS refuses: the journal entry goes, no receipt is stored', async () => {
    const merchant = await startMerchant(world.fed);
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const coins = await world.shopper.buy(world.fed.cs[0]!.url, [5]);
      await world.shopper.exchange(world.fed.cs[0]!.url, coins, [5]);
      const { request, message } = await paymentMessage(p, offer, coins);
      expect(codeOf(await postJson(offer.body.payUrl, message, Message2))).toBe('double-spent');
      await merchant.paywall.recover();
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
      expect(await merchant.paywall.store.completedPayment(request.requestId)).toBeUndefined();
    } finally {
      await merchant.close();
    }
  });
});
