/**
 * Value held in triplets comes back from the recovery phrase alone (docs/PROTOCOL.md §4.8), with
 * the real federation, a real payee taking triplet coins and the real wallet core on one
 * injectable clock. In each case a wallet pays with triplets, its database is deleted, and a new
 * wallet adopting its phrase restores:
 *
 *   never received   a protected payment the payee never got: the restore finds C_A, claims it
 *                    at dateB, and the value comes back
 *   received         the payee took C_B offline (its answer lost): the claim brings the CS's
 *                    receipt and no coins — the payment stands; redeemed before the loss, the
 *                    restore leaves it out
 *   prepaid          a prepayment partly used: the used triplet is left out (its C_A went with
 *                    C_B), the unused ones come back by claim
 *   claimed before   the lost wallet had claimed already: the claim's coins carry the restore
 *                    tag and come back with the coins; no triplet is journaled again
 *   past retention   restored after the CS's request retention (a day here): the triplet's
 *                    reply is kept while its C_A can be claimed, so the value comes back
 *   window closed    restored after dateA, C_A unclaimed and C_B never redeemed: nobody can claim
 *                    it any more — the restore says so (report and a `lost` row), once
 *
 * Each time: the restored wallet ends with exactly what the lost one was owed, a second restore
 * adds nothing, and the federation's audit (with what the payee holds) balances.
 */
import type { Offer } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import { crashOnce } from '../faults.ts';
import type { PayOp, PrepayOp } from '../journal/types.ts';
import {
  cuttableFetch,
  openWallet,
  readyWallet,
  reopen,
  spendable,
  type TestWallet,
} from '../testing/harness.ts';
import { useFederation } from '../testing/world.ts';
import type { Wallet } from '../wallet.ts';

const DAY = 86_400;
let clock = 1_850_000_000;
const now = () => clock;
/** What the payee's own fetch reaches: cut to keep it from redeeming C_B for a while. */
const shopNet = cuttableFetch();
/** The CSs keep a request's record for a day only (default 7): shorter than a claim window. */
const world = useFederation({
  now,
  requestRetention: DAY,
  shop: { fetch: shopNet.fetch, triplets: {} },
});

async function expectBalanced(): Promise<void> {
  await world.shop.paywall.recover();
  const report = await world.fed.audit([await world.shop.paywall.holdings()]);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

/** A wallet with 10.00 at cs1 that protects every payment to a site taking triplets. */
async function protectedWallet(extra: Parameters<typeof readyWallet>[2] = {}): Promise<TestWallet> {
  const t = await readyWallet(world.fed, {}, { now, ...extra });
  await t.wallet.setSettings({ protectFrom: 0 });
  await t.wallet.buy(1000, 'cs1');
  return t;
}

async function payOp(w: Wallet, offer: Offer): Promise<PayOp> {
  const ops = await w.core.db.getAll('ops');
  return ops.find((o): o is PayOp => o.kind === 'pay' && o.offer.body.sid === offer.body.sid)!;
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

/** Loses `t`'s database; a new install adopts its phrase and restores. */
async function loseAndRestore(t: TestWallet): Promise<Wallet> {
  const phrase = (await t.wallet.recovery.phrase()).words.join(' ');
  t.wallet.close();
  await deleteDatabase(t.dbName);
  const { wallet } = await openWallet(undefined, {}, { now });
  await wallet.recovery.adopt(phrase);
  await wallet.trustInsurer(world.fed.insurer.signKey, world.fed.insurer.url);
  await wallet.connectBank(world.fed.bank.url, 'Restored');
  return wallet;
}

const restoredOps = async (w: Wallet) =>
  (await w.core.db.getAll('ops')).filter(
    (o): o is PrepayOp => o.kind === 'prepay' && o.restored === true,
  );

/** A second restore finds the same and adds nothing: no coin, no op. */
async function restoreAgainAddsNothing(w: Wallet): Promise<void> {
  const before = { value: await spendable(w), ops: (await w.core.db.getAll('ops')).length };
  const again = await w.recovery.restore();
  expect(again.added).toBe(0);
  expect(again.triplets.count).toBe(0);
  expect(await spendable(w)).toBe(before.value);
  expect((await w.core.db.getAll('ops')).length).toBe(before.ops);
}

describe('triplets restored from the recovery phrase', () => {
  it('finds the C_A of a protected payment the payee never received, and claims the value back', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('dear');
    world.shop.setDown(true);
    let dateB: number;
    try {
      await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
        code: 'pending',
      });
      const op = await payOp(t.wallet, offer);
      expect(op.phase).toBe('pay');
      dateB = op.protection!.dateB;
      expect(await spendable(t.wallet)).toBe(1000 - 130);
    } finally {
      world.shop.setDown(false);
    }
    const w = await loseAndRestore(t);
    const report = await w.recovery.restore();
    // The change of the triplet came back with the coins; the 1.30 is locked in C_A until dateB.
    expect(await spendable(w)).toBe(1000 - 130);
    // 1.30 in the fewest coin values: three triplets.
    expect(report.triplets).toEqual({ count: 3, value: 130, from: dateB });
    const [restored] = await restoredOps(w);
    expect(restored).toMatchObject({ status: 'pending', phase: 'ready', amount: 130, origin: '' });
    expect(await w.prepayments.list()).toEqual([]);
    expect((await w.pendingOps()).map((p) => p.id)).toContain(restored!.id);
    await restoreAgainAddsNothing(w);

    clock = dateB - 1; // not yet claimable: nothing sent
    await w.recover();
    expect((await w.core.db.get('ops', restored!.id))?.status).toBe('pending');
    clock = dateB + 1;
    await w.recover();
    const settled = (await w.core.db.get('ops', restored!.id)) as PrepayOp;
    expect(settled.status).toBe('done');
    expect(settled.triplets.claims?.map((c) => c.outcome)).toEqual([
      { returned: 100 },
      { returned: 20 },
      { returned: 10 },
    ]);
    expect(await spendable(w)).toBe(1000);
    const history = await w.core.db.getAll('history');
    const rows = history.filter((h) => h.opId === restored!.id);
    expect(rows.reduce((sum, h) => sum + h.amount, 0)).toBe(130);
    await expectBalanced();
    await restoreAgainAddsNothing(w);
    w.close();
  });

  it('gets the CS receipt, not the value, when the payee had taken C_B', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('odd');
    // The payee takes C_B offline (its CS out of its reach) and answers; the answer is lost with
    // the wallet's worker; then the wallet is lost.
    for (const cs of world.fed.cs) shopNet.down.add(new URL(cs.url).origin);
    let dateB: number;
    let w: Wallet;
    try {
      const crash = crashOnce('afterSend', { kind: 'pay', step: 'pay' });
      await reopen(t, crash, { now });
      await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toThrow();
      expect(crash.fired()).toBe(true);
      await reopen(t, {}, { now });
      dateB = (await payOp(t.wallet, offer)).protection!.dateB;
      w = await loseAndRestore(t);
      const report = await w.recovery.restore();
      expect(await spendable(w)).toBe(1000 - 333);
      // Not redeemed yet: C_A is outstanding, the restore keeps it to claim.
      expect(report.triplets.value).toBe(333);
    } finally {
      shopNet.down.clear();
    }
    await world.shop.paywall.recover(); // the payee redeems C_B, before dateB
    clock = dateB + 1;
    await w.recover();
    const [restored] = await restoredOps(w);
    expect(restored?.status).toBe('done');
    const outcomes = restored?.triplets.claims?.map((c) => c.outcome) ?? [];
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) {
      expect(outcome !== undefined && 'receipt' in outcome && outcome.receipt.body.owner).toBe(
        world.shop.paywall.payeeKey,
      );
    }
    expect(await spendable(w)).toBe(1000 - 333);
    await expectBalanced();
    w.close();
  });

  it('leaves out a payment whose C_B the payee had redeemed before the loss', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('odd');
    const crash = crashOnce('afterSend', { kind: 'pay', step: 'pay' });
    await reopen(t, crash, { now });
    await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toThrow();
    await world.shop.paywall.recover();
    await reopen(t, {}, { now });
    const w = await loseAndRestore(t);
    const report = await w.recovery.restore();
    expect(report.triplets).toEqual({ count: 0, value: 0, from: 0 });
    expect(await restoredOps(w)).toEqual([]);
    expect(await spendable(w)).toBe(1000 - 333);
    await expectBalanced();
    w.close();
  });

  it('leaves out what a prepayment paid and claims back what it did not', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    await t.wallet.buy(1000, 'cs1');
    await t.wallet.pay(await world.shop.offer('cheap'), world.shop.url, { approved: true });
    await t.wallet.prepayments.prepay(world.shop.url, 50);
    const offer = await world.shop.offer('other');
    const access = await t.wallet.pay(offer, world.shop.url, { approved: true });
    expect(await world.shop.access(offer.body.resource, access.authorization)).toBe(200);
    await world.shop.paywall.recover(); // C_B of the 0.25 redeemed
    expect(await spendable(t.wallet)).toBe(1000 - 7 - 50);
    const prepay = (await t.wallet.core.db.getAll('ops')).find(
      (o): o is PrepayOp => o.kind === 'prepay',
    )!;
    const w = await loseAndRestore(t);
    const report = await w.recovery.restore();
    expect(await spendable(w)).toBe(1000 - 7 - 50);
    expect(report.triplets).toMatchObject({ value: 25, from: prepay.triplets.dateB });
    clock = prepay.triplets.dateB + 1;
    await w.recover();
    expect(await spendable(w)).toBe(1000 - 7 - 25);
    expect((await restoredOps(w)).every((o) => o.status === 'done')).toBe(true);
    await expectBalanced();
    await restoreAgainAddsNothing(w);
    w.close();
  });

  it('finds the coins of a claim the lost wallet made, and journals no claim again', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('dear');
    world.shop.setDown(true);
    try {
      await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
        code: 'pending',
      });
      clock = (await payOp(t.wallet, offer)).protection!.dateB + 1;
      await t.wallet.recover();
      expect((await payOp(t.wallet, offer)).status).toBe('rolled-back');
    } finally {
      world.shop.setDown(false);
    }
    expect(await spendable(t.wallet)).toBe(1000);
    const w = await loseAndRestore(t);
    const report = await w.recovery.restore();
    expect(report.triplets.count).toBe(0);
    expect(await restoredOps(w)).toEqual([]);
    expect(await spendable(w)).toBe(1000);
    await expectBalanced();
    w.close();
  });
  it("finds a C_A still claimable after the CS's request retention: a triplet's reply is kept until dateA", async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('dear');
    const buyId = (await t.wallet.core.db.getAll('ops')).find((o) => o.kind === 'buy')!.id;
    world.shop.setDown(true);
    let op: PayOp;
    try {
      await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
        code: 'pending',
      });
      op = await payOp(t.wallet, offer);
    } finally {
      world.shop.setDown(false);
    }
    const tripletId = op.protection!.request!.requestId;
    // Two days on: past the retention, before dateA. The CS prunes its request records.
    clock += 2 * DAY;
    expect(clock).toBeLessThan(op.protection!.dateA);
    await world.fed.cs[0]!.maintain();
    const cs1 = world.fed.cs[0]!.store;
    expect(await cs1.stored(buyId)).toBeNull();
    expect(await cs1.stored(tripletId)).not.toBeNull();
    const w = await loseAndRestore(t);
    const report = await w.recovery.restore();
    expect(report.triplets).toMatchObject({ value: 130, from: op.protection!.dateB });
    expect(report.closed).toEqual([]);
    expect(await spendable(w)).toBe(1000 - 130);
    await w.recover();
    expect(await spendable(w)).toBe(1000);
    await expectBalanced();
    // Once C_A's rows would go (dateA + the prune grace, 7 days by default), so does the reply.
    clock = op.protection!.dateA + 6 * DAY;
    await world.fed.cs[0]!.maintain();
    expect(await cs1.stored(tripletId)).not.toBeNull();
    clock = op.protection!.dateA + 8 * DAY;
    await world.fed.cs[0]!.maintain();
    expect(await cs1.stored(tripletId)).toBeNull();
    w.close();
  });

  it('tells of a C_A whose claim window closed before the restore, unclaimed: lost, said once', async () => {
    const t = await protectedWallet();
    const offer = await world.shop.offer('dear');
    world.shop.setDown(true);
    let op: PayOp;
    try {
      await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
        code: 'pending',
      });
      op = await payOp(t.wallet, offer);
    } finally {
      world.shop.setDown(false);
    }
    const w = await loseAndRestore(t);
    clock = op.protection!.dateA + 1;
    const report = await w.recovery.restore();
    expect(report.triplets.count).toBe(0);
    expect(report.closed).toEqual([
      { cs: 'cs1', currency: 'NCD', value: 130, closed: op.protection!.dateA, origin: '' },
    ]);
    expect(await restoredOps(w)).toEqual([]);
    const lost = (await w.core.db.getAll('history')).filter((h) => h.kind === 'lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ amount: -130, cs: 'cs1' });
    expect(lost[0]?.description).toMatch(/could be claimed back until .* nobody claimed it/);
    expect(await spendable(w)).toBe(1000 - 130);
    const again = await w.recovery.restore();
    expect(again.closed).toEqual([]);
    expect((await w.core.db.getAll('history')).filter((h) => h.kind === 'lost')).toHaveLength(1);
    await expectBalanced();
    w.close();
  });
});
