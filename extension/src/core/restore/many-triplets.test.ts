/**
 * A wallet that made many triplet requests at one currency server in one day (here 40 prepayments:
 * more than one window of request indices, restore/triplets.ts) is restored from its phrase alone
 * with the real federation, a real payee and the real wallet core on one injectable clock:
 *
 *   in reach        lost right after: the change of every request comes back by its tag, and
 *                   every C_A from the CS's stored replies — claimed at dateB, all value is back
 *   past retention  lost again after those claims, restored once the CS has pruned the
 *                   requests: the claims' coins come back by their tags alone
 *
 * Each time the restored wallet ends with what the lost one had, and the audit balances.
 */
import { describe, expect, it } from 'vitest';
import type { PrepayOp } from '../journal/types.ts';
import { openWallet, readyWallet, spendable, type TestWallet } from '../testing/harness.ts';
import { useFederation } from '../testing/world.ts';
import { MAX_TRIPLETS_PER_DAY, tripletCounterKey } from './derive.ts';
import { TRIPLET_WINDOW } from './triplets.ts';

const DAY = 86_400;
let clock = 1_860_000_000;
const now = () => clock;
const world = useFederation({ now, shop: { triplets: {} } });

const REQUESTS = 40;

async function expectBalanced(): Promise<void> {
  await world.shop.paywall.recover();
  const report = await world.fed.audit([await world.shop.paywall.holdings()]);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  });
}

/** Loses `t`'s database; a new install adopts its phrase. */
async function lose(t: TestWallet): Promise<TestWallet> {
  const phrase = (await t.wallet.recovery.phrase()).words.join(' ');
  t.wallet.close();
  await deleteDatabase(t.dbName);
  const restored = await openWallet(undefined, {}, { now });
  await restored.wallet.recovery.adopt(phrase);
  await restored.wallet.trustInsurer(world.fed.insurer.signKey, world.fed.insurer.url);
  await restored.wallet.connectBank(world.fed.bank.url, 'Restored');
  return restored;
}

/** A wallet with 10.00 at cs1, having paid the shop once, then REQUESTS prepayments of 0.01. */
async function manyTriplets(): Promise<{ t: TestWallet; ops: PrepayOp[] }> {
  const t = await readyWallet(world.fed, {}, { now });
  await t.wallet.buy(1000, 'cs1');
  await t.wallet.pay(await world.shop.offer('cheap'), world.shop.url, { approved: true });
  for (let i = 0; i < REQUESTS; i++) {
    const made = await t.wallet.prepayments.prepay(world.shop.url, 1);
    expect(made.status).toBe('done');
  }
  const ops = (await t.wallet.core.db.getAll('ops')).filter(
    (o): o is PrepayOp => o.kind === 'prepay',
  );
  expect(ops).toHaveLength(REQUESTS);
  expect(await spendable(t.wallet)).toBe(1000 - 7 - REQUESTS);
  return { t, ops };
}

describe('a restore finds every triplet request of a day, however many', () => {
  it(`finds the change and the C_A of ${REQUESTS} triplet requests made at one CS in one day, and past the CS's retention the claims' coins by their tags alone`, async () => {
    const { t, ops } = await manyTriplets();
    const day = Math.floor(clock / DAY);
    const r = await lose(t);
    const w = r.wallet;
    const report = await w.recovery.restore();
    // Every request's change, under that request's own tag, is back.
    expect(await spendable(w)).toBe(1000 - 7 - REQUESTS);
    // Every C_A, from the replies the CS keeps.
    expect(report.triplets.value).toBe(REQUESTS);
    // New requests today start past every one found (a whole window past the last tagged one).
    const counter = await w.core.db.get('counters', tripletCounterKey('cs1', day));
    expect(counter?.next).toBeGreaterThanOrEqual(REQUESTS);
    expect(counter?.next).toBeLessThanOrEqual(2 * TRIPLET_WINDOW);
    clock = Math.max(...ops.map((o) => o.triplets.dateB)) + 1;
    await w.recover();
    const restored = (await w.core.db.getAll('ops')).filter((o) => o.kind === 'prepay');
    expect(restored.every((o) => o.status === 'done')).toBe(true);
    expect(await spendable(w)).toBe(1000 - 7);
    await expectBalanced();
    // A second restore adds nothing.
    const again = await w.recovery.restore();
    expect(again.added).toBe(0);
    expect(again.triplets.count).toBe(0);
    expect(await spendable(w)).toBe(1000 - 7);

    // Lost again, past the request retention (7 days): the CS pruned the triplet requests'
    // records, and the claims' coins carry the tags of the day's 40 requests.
    clock += 8 * DAY;
    await world.fed.cs[0]!.maintain();
    const late = (await lose(r)).wallet;
    const found = await late.recovery.restore();
    expect(found.triplets.count).toBe(0);
    expect(found.byCs.cs1?.value).toBe(1000 - 7);
    expect(await spendable(late)).toBe(1000 - 7);
    await expectBalanced();
    late.close();
  }, 60_000);

  it(`makes no triplet request past ${MAX_TRIPLETS_PER_DAY} a day at a CS (a restore looks no further): the payment is made without protection`, async () => {
    const t = await readyWallet(world.fed, {}, { now });
    await t.wallet.setSettings({ protectFrom: 0 });
    await t.wallet.buy(1000, 'cs1');
    const day = Math.floor(clock / DAY);
    await t.wallet.core.db.put('counters', {
      keyId: tripletCounterKey('cs1', day),
      cs: 'cs1',
      next: MAX_TRIPLETS_PER_DAY,
    });
    const offer = await world.shop.offer('dear');
    const access = await t.wallet.pay(offer, world.shop.url, { approved: true });
    expect(await world.shop.access(offer.body.resource, access.authorization)).toBe(200);
    const op = (await t.wallet.core.db.getAll('ops')).find((o) => o.kind === 'pay');
    expect(op?.kind === 'pay' && op.protection).toBeUndefined();
    expect((await t.wallet.core.db.get('counters', tripletCounterKey('cs1', day)))?.next).toBe(
      MAX_TRIPLETS_PER_DAY,
    );
    expect(await spendable(t.wallet)).toBe(1000 - 130);
    await expect(t.wallet.prepayments.prepay(world.shop.url, 5)).rejects.toMatchObject({
      code: 'limit-exceeded',
    });
    expect(await spendable(t.wallet)).toBe(1000 - 130);
    await expectBalanced();
    t.wallet.close();
  });
});
