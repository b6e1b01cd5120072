/**
 * Triplet coins at the payee (SPEC §6, paper figure 6 and §5.4): the offer publishes the key and
 * windows C_B is taken in; a payment of C_B coins is checked offline and answered while no
 * currency server is reachable, its coins redeemed afterwards — also after a restart — before
 * their window closes; coins locked to another key, outside the windows (one second either side of
 * each edge, on the merchant's injectable clock) or paid twice are refused with registered codes
 * and nothing is stored. The federation audit, with what the merchant holds, balances throughout.
 */
import {
  type Coin,
  type FetchFn,
  type Offer,
  type PaymentReceipt,
  toB64u,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { authorization, codeOf, fetchOffer, pay } from '@netcash/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMerchant, type TestMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';
import { DEFAULT_TRIPLET_WINDOWS } from './config.ts';

let clock = 1_800_000_000;
const now = () => clock;
const payor = p.ed25519.keygen();

const world = useFederation({ now });

/** A fetch for the merchant that can be cut off from every currency server. */
function cuttable(): { fetch: FetchFn; down: { cs: boolean } } {
  const down = { cs: false };
  const csOrigins = () => new Set(world.fed.cs.map((cs) => new URL(cs.url).origin));
  return {
    down,
    fetch: (input, init) =>
      down.cs && csOrigins().has(new URL(input).origin)
        ? Promise.reject(new TypeError('fetch failed: the currency server is out of reach'))
        : fetch(input, init),
  };
}

/** C_B coins of `values` from cs1, locked to `key`, whose first window ends `window` s from now. */
async function triplets(key: string, values: number[], window = 3_600): Promise<Coin[]> {
  const coins = await world.shopper.buy(world.fed.cs[0]!.url, values);
  const made = await world.shopper.send(world.fed.cs[0]!.url, {
    ...world.shopper.ids(),
    op: 'triplet',
    instruments: coins.map((coin) => ({ kind: 'coin' as const, coin })),
    want: {
      payee: key,
      owner: toB64u(payor.publicKey),
      dateB: clock + window,
      dateA: clock + window + 3_600,
      amounts: values,
      change: [],
    },
  });
  if (!made.ok) throw made.error;
  return made.value.triplets.map((t) => t.b);
}

async function audit(merchant: TestMerchant) {
  return (await world.fed.audit([await merchant.paywall.holdings()])).problems;
}

describe('a payee taking triplet coins', () => {
  it('publishes its key and windows in the offer', async () => {
    const merchant = await startMerchant(world.fed, { now, triplets: { lead: 30 } });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      expect(offer.body.triplets).toEqual({
        key: offer.body.payeeSignKey,
        lead: 30,
        longest: DEFAULT_TRIPLET_WINDOWS.longest,
      });
      const none = await startMerchant(world.fed, { now, triplets: false });
      expect((await fetchOffer(p, none.resource('/articles/a'))).body.triplets).toBeUndefined();
      await none.close();
    } finally {
      await merchant.close();
    }
  });

  it('answers a payment of C_B while every currency server is out of reach, then redeems them', async () => {
    const net = cuttable();
    const merchant = await startMerchant(world.fed, { now, fetch: net.fetch });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/b'));
      const coins = await triplets(offer.body.triplets!.key, [5, 2]);
      net.down.cs = true;
      const paid = await pay(p, offer, coins);
      expect(codeOf(paid)).toBe('ok');
      if (!paid.ok) return;
      expect(paid.value.receipt.body).toMatchObject({ sid: offer.body.sid, amount: 7 });
      // The article opens with the receipt's proof, still offline.
      const fresh = await fetchOffer(p, merchant.resource('/articles/b'));
      const opened = await fetch(merchant.resource('/articles/b'), {
        headers: { authorization: authorization(p, paid.value, fresh) },
      });
      expect(opened.status).toBe(200);
      expect(await merchant.paywall.held()).toBe(0);
      expect(await merchant.paywall.store.pendingRedemptions()).toHaveLength(1);
      expect((await merchant.paywall.holdings()).coins).toEqual({ cs1: 7 });
      expect(await audit(merchant)).toEqual([]);

      net.down.cs = false;
      await merchant.paywall.recover();
      expect(await merchant.paywall.held()).toBe(7);
      expect(await merchant.paywall.store.pendingRedemptions()).toEqual([]);
      expect(await audit(merchant)).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it('redeems what it took after a restart on the same store', async () => {
    const net = cuttable();
    net.down.cs = false;
    const first = await startMerchant(world.fed, { now, fetch: net.fetch });
    const offer = await fetchOffer(p, first.resource('/articles/a'));
    const coins = await triplets(offer.body.triplets!.key, [5]);
    net.down.cs = true;
    expect(codeOf(await pay(p, offer, coins))).toBe('ok');
    await first.close();

    net.down.cs = false;
    const again = await startMerchant(world.fed, { now, store: first.store });
    try {
      await again.paywall.recover();
      expect(await again.paywall.held()).toBe(5);
      expect(await again.paywall.store.pendingRedemptions()).toEqual([]);
      expect(await audit(again)).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('refuses C_B locked to another key, or paid twice, and stores nothing', async () => {
    const merchant = await startMerchant(world.fed, { now });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const other = await triplets(toB64u(p.ed25519.keygen().publicKey), [5]);
      expect(codeOf(await pay(p, offer, other))).toBe('locked');
      const coins = await triplets(offer.body.triplets!.key, [5]);
      expect(codeOf(await pay(p, offer, coins))).toBe('ok');
      const twice = await pay(p, await fetchOffer(p, merchant.resource('/articles/a')), coins);
      expect(codeOf(twice)).toBe('double-spent');
      await merchant.paywall.recover();
      expect(await merchant.paywall.held()).toBe(5);
      expect(await audit(merchant)).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  describe('its windows, one second either side of each edge', () => {
    let merchant: TestMerchant;
    let offer: Offer;
    const lead = 60;
    const longest = 600;
    beforeAll(async () => {
      merchant = await startMerchant(world.fed, { now, triplets: { lead, longest } });
      offer = await fetchOffer(p, merchant.resource('/articles/a'));
    });
    afterAll(async () => {
      await merchant.close();
    });

    /** Pays article a with a C_B whose window ends `left` seconds after the payment. */
    async function payWithLeft(left: number): Promise<string> {
      const coins = await triplets(offer.body.triplets!.key, [5], left);
      const paid = await pay(p, await fetchOffer(p, merchant.resource('/articles/a')), coins);
      return codeOf(paid);
    }

    it('takes C_B with exactly `lead` left, refuses it with a second less (expired)', async () => {
      expect(await payWithLeft(lead)).toBe('ok');
      expect(await payWithLeft(lead - 1)).toBe('expired');
    });

    it('takes C_B ending exactly `longest` ahead, refuses it a second later (limit-exceeded)', async () => {
      expect(await payWithLeft(longest)).toBe('ok');
      expect(await payWithLeft(longest + 1)).toBe('limit-exceeded');
    });

    it('redeems them before the window closes, and the refused ones are not held', async () => {
      await merchant.paywall.recover();
      expect(await merchant.paywall.held()).toBe(10);
      expect(await audit(merchant)).toEqual([]);
    });

    it('keeps a redemption its CS refused once the window closed, as the merchant\u2019s loss', async () => {
      const net = cuttable();
      const late = await startMerchant(world.fed, { now, fetch: net.fetch, triplets: { lead } });
      try {
        const lateOffer = await fetchOffer(p, late.resource('/articles/a'));
        const coins = await triplets(lateOffer.body.triplets!.key, [5], lead);
        net.down.cs = true;
        const paid = await pay(p, lateOffer, coins);
        expect(codeOf(paid)).toBe('ok');
        clock += lead; // the CS is reached only as the window closes
        net.down.cs = false;
        await late.paywall.recover();
        const [failed] = await late.paywall.store.redemptions('failed');
        expect(failed?.error).toMatch(/^expired/);
        expect(await late.paywall.held()).toBe(0);
        expect(await audit(late)).toEqual([]);
        const receipt: PaymentReceipt | undefined = paid.ok ? paid.value.receipt : undefined;
        expect(receipt?.body.amount).toBe(5);
      } finally {
        await late.close();
      }
    });
  });
});
