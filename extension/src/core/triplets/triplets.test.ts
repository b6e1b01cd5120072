/**
 * Protected and prepaid payments (SPEC §6, paper figure 6 and §5.3–5.4), the wallet core against
 * the real federation and a real payee, on one injectable clock (time travel across the windows):
 *
 *   protected   a triplet is made for the payment and C_B paid: the article is unlocked, the
 *               payee redeems C_B
 *   no receipt  the payee took C_B and its answer was lost, then it went away: after dateB the
 *               wallet claims C_A by itself and keeps the CS's receipt, proof of the payment;
 *               the page shows it paid and waiting; when the payee answers again the page opens
 *               (one history row); a payee refusing for good leaves it paid, with a note kept
 *               until the shopper dismisses it
 *   never paid  the payee never got the 1c: after dateB the claim brings the value back
 *   offline     a site prepaid in advance is paid with every currency server out of reach (for
 *               the wallet and the payee); the payee redeems later; a copy of the same C_B paid
 *               again is refused as double-spent
 *   unused      what a prepayment did not pay comes back by claim after its window
 *
 * After each, the federation audit (with what the payee holds) balances.
 */
import { type FetchFn, type Offer, randomId, randomKey, sealPayment } from '@netcash/protocol';
import { nobleProvider } from '@netcash/protocol/noble';
import { describe, expect, it } from 'vitest';
import { crashOnce } from '../faults.ts';
import type { PayOp, PrepayOp } from '../journal/types.ts';
import { dismissNotice, openNotices } from '../notices.ts';
import {
  cuttableFetch,
  readyWallet,
  reopen,
  spendable,
  type TestWallet,
} from '../testing/harness.ts';
import { useFederation } from '../testing/world.ts';

let clock = 1_800_000_000;
const now = () => clock;
/** What the shop's own fetch reaches: cut to make every currency server unreachable for it. */
const shopNet = cuttableFetch();
const world = useFederation({ now, shop: { fetch: shopNet.fetch, triplets: {} } });

const csOrigins = () => world.fed.cs.map((cs) => new URL(cs.url).origin);

async function protectedWallet(extra: Parameters<typeof readyWallet>[2] = {}): Promise<TestWallet> {
  const t = await readyWallet(world.fed, {}, { now, ...extra });
  await t.wallet.setSettings({ protectFrom: 0 });
  await t.wallet.buy(1000, 'cs1');
  return t;
}

async function expectBalanced(): Promise<void> {
  await world.shop.paywall.recover();
  const report = await world.fed.audit([await world.shop.paywall.holdings()]);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

/** The wallet's payment of `offer` (the clock stands still: `created` does not order them). */
async function payOp(t: TestWallet, offer: Offer): Promise<PayOp> {
  const ops = await t.wallet.core.db.getAll('ops');
  return ops.find((o): o is PayOp => o.kind === 'pay' && o.offer.body.sid === offer.body.sid)!;
}

describe('protected payments (triplets)', () => {
  it('pays with C_B of a triplet made for the payment, and the payee redeems it', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('dear');
    expect(offer.body.triplets?.key).toBe(world.shop.paywall.payeeKey);
    expect((await t.wallet.quote(offer, world.shop.url)).protection).toBe('protected');
    const access = await t.wallet.pay(offer, world.shop.url, { approved: true });
    expect(await world.shop.access(offer.body.resource, access.authorization)).toBe(200);
    const op = await payOp(t, offer);
    expect(op.status).toBe('done');
    expect(op.protection?.kind).toBe('protected');
    expect(
      op.payment.coins.every((c) => c.body.scheme === 'nc1' && c.body.lock?.role === 'B'),
    ).toBe(true);
    expect(await spendable(t.wallet)).toBe(1000 - 130);
    await expectBalanced();
    expect(await world.shop.paywall.store.pendingRedemptions()).toEqual([]);
    t.wallet.close();
  });

  it('loses nothing when the wallet dies after the CS made the triplet: the same request finishes it', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('dear');
    const crash = crashOnce('afterReply', { kind: 'pay', step: 'triplet' });
    await reopen(t, crash, { now });
    await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toThrow(
      /simulated/,
    );
    expect((await payOp(t, offer)).phase).toBe('triplet');
    await reopen(t, {}, { now });
    await t.wallet.recover();
    const op = await payOp(t, offer);
    expect(op.status).toBe('done');
    expect(await spendable(t.wallet)).toBe(1000 - 130);
    await expectBalanced();
    t.wallet.close();
  });

  it('claims C_A after the window when the payee took C_B but no receipt arrived; the page opens once the payee answers again', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('odd');
    // The payee answers, the answer is lost (the worker dies), and the payee goes away.
    const crash = crashOnce('afterSend', { kind: 'pay', step: 'pay' });
    await reopen(t, crash, { now });
    await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toThrow();
    expect(crash.fired()).toBe(true);
    await world.shop.paywall.recover(); // the payee redeemed C_B at its CS
    world.shop.setDown(true);
    let op: PayOp;
    try {
      await reopen(t, {}, { now });
      await t.wallet.recover();
      op = await payOp(t, offer);
      expect(op.status).toBe('pending');
      const dateB = op.protection!.dateB;
      clock = dateB - 1; // one second before: nothing to claim yet
      await t.wallet.recover();
      expect((await payOp(t, offer)).protection?.claims).toBeUndefined();
      clock = dateB + 1;
      await t.wallet.recover();
      // Paid, proven by the CS's receipt; the payee's own receipt (the page's access) is asked for.
      op = await payOp(t, offer);
      expect(op).toMatchObject({ status: 'pending', phase: 'confirm' });
      const proven = (await t.wallet.core.db.getAll('history')).filter((h) => h.opId === op.id);
      expect(proven).toHaveLength(1);
      expect(proven[0]?.csReceipt?.body.owner).toBe(world.shop.paywall.payeeKey);
      expect(proven[0]?.amount).toBe(-333);
      expect(await spendable(t.wallet)).toBe(1000 - 333);
      // What the page shows meanwhile: pending, paid, waiting for the seller's receipt.
      const waiting = await t.wallet.check(offer, world.shop.url);
      expect(waiting).toMatchObject({ state: 'pending', waitingFor: new URL(world.shop.url).host });
      expect(waiting.state === 'pending' && waiting.message).toMatch(
        /^Paid — cs1's receipt proves .* took the payment/,
      );
      await expectBalanced();
    } finally {
      world.shop.setDown(false);
    }
    // The payee is back: the page (a click joins the payment) opens with its receipt, and the
    // payment is still one history row, now with the payee's receipt too.
    const again = await world.shop.offer('odd'); // the page reloaded: a fresh offer, the same sid
    const access = await t.wallet.pay(again, world.shop.url, { approved: true });
    expect(await world.shop.access(again.body.resource, access.authorization)).toBe(200);
    expect(await t.wallet.check(again, world.shop.url)).toMatchObject({ state: 'paid' });
    expect((await payOp(t, offer)).status).toBe('done');
    const rows = (await t.wallet.core.db.getAll('history')).filter((h) => h.opId === op.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ amount: -333, tid: access.tid });
    expect(rows[0]?.csReceipt).toBeDefined();
    expect(await spendable(t.wallet)).toBe(1000 - 333);
    await expectBalanced();
    t.wallet.close();
  });

  it('ends a payment the CS proves paid as paid when the payee refuses its receipt, and the page says so', async () => {
    // The payee's answers as this wallet receives them: refused for good while `refusing`.
    let refusing = false;
    const payeeFetch: FetchFn = async (input, init) => {
      if (refusing && input.startsWith(world.shop.url)) {
        const error = { code: 'not-found', message: 'no such payment (a payee gone rogue)' };
        return new Response(JSON.stringify({ error }), {
          status: 404,
          headers: { 'content-type': 'application/json' },
        });
      }
      return fetch(input, init);
    };
    const t = await protectedWallet({ fetch: payeeFetch });
    const offer = await world.shop.offer('odd');
    const crash = crashOnce('afterSend', { kind: 'pay', step: 'pay' });
    await reopen(t, crash, { now, fetch: payeeFetch });
    await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toThrow();
    await world.shop.paywall.recover();
    refusing = true;
    await reopen(t, {}, { now, fetch: payeeFetch });
    await t.wallet.recover();
    clock = (await payOp(t, offer)).protection!.dateB + 1;
    await t.wallet.recover();
    const op = await payOp(t, offer);
    expect(op).toMatchObject({ status: 'done', phase: 'confirm' });
    expect(op.lastError?.code).toBe('not-found');
    const rows = (await t.wallet.core.db.getAll('history')).filter((h) => h.opId === op.id);
    expect(rows.map((h) => [h.kind, h.amount, h.csReceipt !== undefined])).toEqual([
      ['pay', -333, true],
    ]);
    expect(await spendable(t.wallet)).toBe(1000 - 333);
    const shown = await t.wallet.check(offer, world.shop.url);
    expect(shown.state).toBe('none');
    expect(shown.state === 'none' && shown.note).toMatch(
      /^You paid for this: cs1's receipt proves .* took the payment/,
    );
    await expectBalanced();
    // Not for an hour only: the page and the popup say it until the shopper dismisses it, also
    // once the journal entry it is about has been pruned (recover prunes settled entries).
    clock += 40 * 86_400;
    await t.wallet.recover();
    expect(await t.wallet.core.db.get('ops', op.id)).toBeUndefined();
    expect(await t.wallet.letsIn(new URL(world.shop.url).origin)).toBe(true);
    const later = await t.wallet.check(await world.shop.offer('odd'), world.shop.url);
    expect(later.state === 'none' && later.note).toBe(shown.state === 'none' && shown.note);
    const [notice, ...more] = await openNotices(t.wallet.core);
    expect(more).toEqual([]);
    expect(notice).toMatchObject({ id: op.id, cs: 'cs1', amount: 333, currency: 'NCD' });
    await dismissNotice(t.wallet.core, notice!.id);
    expect(await openNotices(t.wallet.core)).toEqual([]);
    expect(await t.wallet.check(await world.shop.offer('odd'), world.shop.url)).toEqual({
      state: 'none',
    });
    expect(await t.wallet.letsIn(new URL(world.shop.url).origin)).toBe(false);
    t.wallet.close();
  });

  it('gets the value back by claim when the payee never received the payment', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('dear');
    world.shop.setDown(true);
    try {
      await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
        code: 'pending',
      });
      const op = await payOp(t, offer);
      expect(op.phase).toBe('pay');
      expect(await spendable(t.wallet)).toBe(1000 - 130);
      clock = op.protection!.dateB + 1;
      await t.wallet.recover();
      const settled = await payOp(t, offer);
      expect(settled.status).toBe('rolled-back');
      expect(settled.protection?.claims?.[0]?.outcome).toEqual({ returned: 100 });
      expect(await spendable(t.wallet)).toBe(1000);
      await expectBalanced();
    } finally {
      world.shop.setDown(false);
      t.wallet.close();
    }
  });
});

describe('offline prepayment (triplets kept ready)', () => {
  it('pays a prepaid site with every currency server out of reach; a copy of its C_B is refused', async () => {
    const net = cuttableFetch();
    const t = await readyWallet(world.fed, {}, { now, fetch: net.fetch });
    await t.wallet.buy(1000, 'cs1');
    const first = await world.shop.offer('cheap');
    await t.wallet.pay(first, world.shop.url, { approved: true });
    const made = await t.wallet.prepayments.prepay(world.shop.url, 50);
    expect(made.status).toBe('done');
    expect(await spendable(t.wallet)).toBe(1000 - 7 - 50);
    const [ready] = await t.wallet.prepayments.list();
    expect(ready).toMatchObject({ origin: world.shop.url, amount: 50, left: 50, phase: 'ready' });

    for (const origin of csOrigins()) net.down.add(origin);
    for (const origin of csOrigins()) shopNet.down.add(origin);
    try {
      const offer = await world.shop.offer('other');
      const q = await t.wallet.quote(offer, world.shop.url);
      expect(q.protection).toBe('prepaid');
      const access = await t.wallet.pay(offer, world.shop.url, { approved: true });
      expect(await world.shop.access(offer.body.resource, access.authorization)).toBe(200);
      const op = await payOp(t, offer);
      expect(op.protection?.kind).toBe('prepaid');
      expect((await t.wallet.prepayments.list())[0]?.left).toBe(25);
      // A copy of this wallet pays the same C_B again: the payee remembers them.
      const again = await fetch(offer.body.payUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          sealPayment(nobleProvider, offer.body.payeeEncKey, {
            ...op.payment,
            requestId: randomId(nobleProvider),
            replyKey: randomKey(nobleProvider),
            sessionKey: randomKey(nobleProvider),
          }),
        ),
      });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ error: { code: 'double-spent' } });
    } finally {
      net.down.clear();
      shopNet.down.clear();
    }
    await expectBalanced();
    expect(await world.shop.paywall.store.pendingRedemptions()).toEqual([]);

    // Unused: after the window the rest comes back by claim.
    const prepay = (await t.wallet.core.db.getAll('ops')).find(
      (o): o is PrepayOp => o.kind === 'prepay',
    )!;
    clock = prepay.triplets.dateB + 1;
    await t.wallet.recover();
    const settled = (await t.wallet.core.db.get('ops', prepay.id)) as PrepayOp;
    expect(settled.status).toBe('done');
    expect(await spendable(t.wallet)).toBe(1000 - 7 - 25);
    expect(await t.wallet.prepayments.list()).toEqual([]);
    await expectBalanced();
    t.wallet.close();
  });
});
