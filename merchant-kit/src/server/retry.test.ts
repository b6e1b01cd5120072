/**
 * A wallet that lost message 2 retries the same 1c, possibly long after (PROTOCOL §5, like a CS
 * §4.4): a request id with a stored reply, or a journaled payment, is answered from that record
 * whatever has expired since — the 1b session keys it was sealed to, the offer — and only a new
 * request id is checked against expiry. Otherwise the wallet would get `expired` for coins the
 * merchant took, and book them as lost.
 */
import {
  decodeJson,
  Message2,
  nowSeconds,
  openPaymentResult,
  randomId,
  sealPayment,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { fetchOffer, paymentMessage } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { startMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';
import { DEFAULT_OFFER_LIFETIME } from './config.ts';

const world = useFederation();

const cs1 = () => world.fed.cs[0]!.url;

/** POSTs a payment message; the status and the exact bytes of the answer. */
async function post(url: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

function codeOf(answer: { status: number; text: string }): string {
  if (answer.status === 200) return 'ok';
  return (JSON.parse(answer.text) as { error: { code: string } }).error.code;
}

/** A fetch that lets CS requests through and drops their answers while `drop` is set. */
function dropper() {
  const state = { drop: false };
  const fetchFn = async (input: string, init?: RequestInit) => {
    const response = await fetch(input, init);
    if (state.drop && input.endsWith('/v1/requests')) {
      await response.arrayBuffer();
      throw new TypeError('connection reset (test)');
    }
    return response;
  };
  return { state, fetch: fetchFn };
}

describe('a retried payment after its keys and offer expired', () => {
  it('gets the stored message 2 byte for byte; a new payment to those keys is refused', async () => {
    let clock = nowSeconds();
    const merchant = await startMerchant(world.fed, { anonymous: true, now: () => clock });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const { request, message } = await paymentMessage(
        p,
        offer,
        await world.shopper.buy(cs1(), [5]),
        {
          keyExchange: true,
        },
      );
      expect(message.to).not.toBe(offer.body.payeeEncKey); // sealed to a 1b session key
      const first = await post(offer.body.payUrl, message);
      expect(codeOf(first)).toBe('ok');
      // The answer never reached the wallet; it asks again after the keys and offer expired.
      clock += DEFAULT_OFFER_LIFETIME + 1;
      const retried = await post(offer.body.payUrl, message);
      expect(retried).toEqual(first);
      // The wallet reseals its journaled plaintext for each send: still the same answer.
      const resealed = await post(offer.body.payUrl, sealPayment(p, message.to, request));
      expect(resealed).toEqual(first);
      const m2 = decodeJson(Message2, retried.text);
      if (!m2.ok) throw m2.error;
      const opened = openPaymentResult(p, request.replyKey, request.requestId, m2.value);
      expect(opened.ok && 'receipt' in opened.value && opened.value.receipt.body.amount).toBe(5);

      // A new request id to the expired session keys is refused and nothing moves.
      const fresh = await world.shopper.buy(cs1(), [5]);
      const late = sealPayment(p, message.to, { ...request, requestId: randomId(p), coins: fresh });
      expect(codeOf(await post(offer.body.payUrl, late))).toBe('expired');

      expect(await merchant.paywall.held()).toBe(5); // paid once
      expect((await world.fed.audit()).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it('finishes a journaled payment when the wallet retries after the keys expired', async () => {
    let clock = nowSeconds();
    const faults = dropper();
    const merchant = await startMerchant(world.fed, {
      anonymous: true,
      now: () => clock,
      fetch: faults.fetch,
    });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/b'));
      const { request, message } = await paymentMessage(
        p,
        offer,
        await world.shopper.buy(cs1(), [5, 2]),
        { keyExchange: true },
      );
      faults.state.drop = true; // the CS exchanges the coins; its answer is lost
      expect(codeOf(await post(offer.body.payUrl, message))).toBe('upstream-unavailable');
      expect(await merchant.paywall.store.pendingPayment(request.requestId)).toBeDefined();
      faults.state.drop = false;
      clock += DEFAULT_OFFER_LIFETIME + 1;
      const retried = await post(offer.body.payUrl, message);
      expect(codeOf(retried)).toBe('ok');
      const stored = await merchant.paywall.store.completedPayment(request.requestId);
      expect(retried.text).toBe(JSON.stringify(stored?.reply));
      expect(await post(offer.body.payUrl, message)).toEqual(retried);
      expect(await merchant.paywall.held()).toBe(7);
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
      expect((await world.fed.audit()).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it('keeps the session keys of a payment still journaled past the reply retention', async () => {
    let clock = nowSeconds();
    const faults = dropper();
    const merchant = await startMerchant(world.fed, {
      anonymous: true,
      now: () => clock,
      fetch: faults.fetch,
    });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const { request, message } = await paymentMessage(
        p,
        offer,
        await world.shopper.buy(cs1(), [5]),
        {
          keyExchange: true,
        },
      );
      faults.state.drop = true; // the merchant's CS stays out of reach for more than a week
      expect(codeOf(await post(offer.body.payUrl, message))).toBe('upstream-unavailable');
      clock += 8 * 86_400;
      await merchant.paywall.recover(); // re-drives (still unreachable) and prunes
      expect(await merchant.paywall.store.sessionKeys(message.to)).toBeDefined();
      faults.state.drop = false;
      const retried = await post(offer.body.payUrl, message);
      expect(codeOf(retried)).toBe('ok');
      const stored = await merchant.paywall.store.completedPayment(request.requestId);
      expect(retried.text).toBe(JSON.stringify(stored?.reply));
      expect(await merchant.paywall.held()).toBe(5);
      expect((await world.fed.audit()).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });
});
