/**
 * Crash safety (issue 4, SPEC §8): each value-moving operation is interrupted after its journal
 * write, after its request was sent (the server acted, the reply is lost), and after the reply
 * arrived but before it was stored. A fresh wallet on the same IndexedDB then runs recover():
 * the operation completes or rolls back, nothing is left reserved, no value is lost or counted
 * twice, and the federation's books balance.
 */
import { describe, expect, it } from 'vitest';
import { crashOnce, type Faults, SimulatedCrash } from './faults.ts';
import { coverage } from './policy.ts';
import { PRICES, readyWallet, reopen, reserved, spendable, startShop } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const world = useFederation({ shop: true });

const POINTS: readonly (keyof Faults)[] = ['afterJournal', 'afterSend', 'afterReply'];

describe.each(POINTS)('a crash %s', (point) => {
  it('of a buy: recovery delivers the coins the bank paid for, once', async () => {
    const faults = crashOnce(point, { kind: 'buy' });
    const t = await readyWallet(world.fed, faults);
    const bankBefore = (await t.wallet.bankStatement()).balance;
    await expect(t.wallet.buy(700, 'cs1')).rejects.toBeInstanceOf(SimulatedCrash);
    expect(faults.fired()).toBe(true);

    const wallet = await reopen(t);
    expect(await wallet.recover()).toMatchObject({ pending: 0, failed: 0 });
    expect(await spendable(wallet)).toBe(700);
    expect(await reserved(wallet)).toBe(0);
    expect((await wallet.bankStatement()).balance).toBe(bankBefore - 700);
    // Recovering again changes nothing.
    await wallet.recover();
    expect(await spendable(wallet)).toBe(700);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('of an exchange: recovery holds the fresh coins instead, never both nor neither', async () => {
    const t = await readyWallet(world.fed);
    await t.wallet.setSettings({ policy: { coverUpTo: 0, refreshBefore: 0 } });
    await t.wallet.buy(1000, 'cs1');
    await t.wallet.setSettings({ policy: { coverUpTo: 1000, refreshBefore: 0 } });
    const faults = crashOnce(point, { kind: 'exchange' });
    t.wallet.close();
    const crashing = await reopen(t, faults);
    await expect(crashing.refresh('cs1')).rejects.toBeInstanceOf(SimulatedCrash);

    const wallet = await reopen(t);
    expect(await wallet.recover()).toMatchObject({ pending: 0, failed: 0 });
    expect(await spendable(wallet)).toBe(1000);
    expect(await reserved(wallet)).toBe(0);
    expect(coverage((await wallet.coinsOf('cs1')).map((c) => c.value))).toBe(1000);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('of a payment: recovery gets the receipt (or the coins back), the merchant is paid once', async () => {
    const t = await readyWallet(world.fed);
    await t.wallet.buy(500, 'cs1');
    const faults = crashOnce(point, { kind: 'pay' });
    const crashing = await reopen(t, faults);
    const heldBefore = await world.shop.paywall.held();
    const offer = await world.shop.offer('odd');
    await expect(crashing.pay(offer, world.shop.url, { approved: true })).rejects.toBeInstanceOf(
      SimulatedCrash,
    );

    const wallet = await reopen(t);
    const report = await wallet.recover();
    expect(report).toMatchObject({ pending: 0, failed: 0 });
    expect(await reserved(wallet)).toBe(0);
    const price = PRICES['odd']!;
    const paid = (await wallet.receipts()).length === 1;
    expect(await spendable(wallet)).toBe(paid ? 500 - price : 500);
    expect((await world.shop.paywall.held()) - heldBefore).toBe(paid ? price : 0);
    // Every interruption point here leaves the payee's answer retrievable: it completes.
    expect(paid).toBe(true);
    const proof = await wallet.prove(await world.shop.offer('odd'), world.shop.url);
    expect(await world.shop.access(offer.body.resource, proof.authorization)).toBe(200);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});

describe('a payee that took the coins, then went away', () => {
  it('is asked again until it answers with the receipt; the coins stay reserved meanwhile', async () => {
    const t = await readyWallet(world.fed);
    await t.wallet.buy(100, 'cs1');
    const crashing = await reopen(t, crashOnce('afterSend', { kind: 'pay' }));
    const offer = await world.shop.offer('cheap');
    await expect(crashing.pay(offer, world.shop.url, { approved: true })).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    world.shop.setDown(true);
    try {
      let wallet = await reopen(t);
      // The payee is unreachable: the payment keeps asking it (no reclaim before reclaimAfter),
      // its next attempt scheduled after a backoff.
      const before = Date.now();
      expect(await wallet.recover()).toMatchObject({ pending: 1 });
      const [waiting] = await wallet.pendingOps();
      expect(waiting).toMatchObject({ kind: 'pay', phase: 'pay', attempts: 1 });
      expect(waiting?.nextAttempt).toBeGreaterThanOrEqual(before);
      // A click on the same article joins it: nothing new is paid, the page hears "pending".
      await expect(wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
        code: 'pending',
      });
      expect(await wallet.pendingOps()).toHaveLength(1);
      // An hour later it reclaims at the CS, which says `double-spent` (the payee exchanged
      // them): the payment waits in `confirm`, coins still reserved.
      const later = Math.floor(Date.now() / 1000) + 3_700;
      wallet = await reopen(t, {}, { now: () => later });
      expect(await wallet.recover()).toMatchObject({ pending: 1 });
      expect((await wallet.pendingOps())[0]).toMatchObject({ kind: 'pay', phase: 'confirm' });
      expect(await reserved(wallet)).toBe(PRICES['cheap']);
      expect(await spendable(wallet)).toBe(100 - PRICES['cheap']!);
    } finally {
      world.shop.setDown(false);
    }
    const wallet = await reopen(t);
    expect(await wallet.recover()).toMatchObject({ pending: 0, done: 1 });
    expect(await reserved(wallet)).toBe(0);
    expect(await wallet.receipts()).toHaveLength(1);
    const proof = await wallet.prove(await world.shop.offer('cheap'), world.shop.url);
    expect(await world.shop.access(offer.body.resource, proof.authorization)).toBe(200);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});

describe('a payee that never answers', () => {
  it('is pending, not failed; after reclaimAfter the wallet takes the coins back at their CS', async () => {
    const gone = await startShop(world.fed, world.fed.cs[1]!.url);
    const offer = await gone.offer('cheap');
    await gone.close();
    const t = await readyWallet(world.fed);
    await t.wallet.buy(100, 'cs1');
    await expect(t.wallet.pay(offer, gone.url, { approved: true })).rejects.toMatchObject({
      code: 'pending',
      message: expect.stringContaining(`will finish when ${new URL(gone.url).host} answers`),
    });
    expect(await reserved(t.wallet)).toBe(PRICES['cheap']);
    expect(await t.wallet.check(offer, gone.url)).toMatchObject({ state: 'pending' });
    const later = Math.floor(Date.now() / 1000) + 3_700;
    const wallet = await reopen(t, {}, { now: () => later });
    expect(await wallet.recover()).toMatchObject({ rolledBack: 1, pending: 0 });
    expect(await spendable(wallet)).toBe(100);
    expect(await reserved(wallet)).toBe(0);
    expect(await wallet.check(offer, gone.url)).toMatchObject({
      state: 'none',
      note: expect.stringContaining('your coins are back'),
    });
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});
