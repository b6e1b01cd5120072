/**
 * The merchant store's conformance for triplet coins taken offline (SPEC §6; store `takeLocked`,
 * redemptions): the same behaviour from SQLite and PostgreSQL, called from store.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { coin, id, pending, receiptOf, reply } from './conformance.ts';
import type { LockedPayment, MerchantStore, Redemption } from './types.ts';

function locked(n: number, serials: readonly string[], notAfter = 1_700_000_600): LockedPayment {
  const p = pending(n);
  const redemption: Redemption = {
    paymentId: p.requestId,
    exchange: p.exchanges[0]!,
    value: 5,
    currency: 'NCD',
    notAfter,
    state: 'pending',
    error: null,
    created: p.created,
  };
  return {
    requestId: p.requestId,
    digest: p.digest,
    receipt: receiptOf(p),
    reply: reply(p),
    redemptions: [redemption],
    coins: serials.map((serial) => ({ serial, notAfter })),
  };
}

export function lockedStoreConformance(name: string, open: () => Promise<MerchantStore>): void {
  describe(`merchant store conformance, triplet coins taken offline: ${name}`, () => {
    it('takes a payment of C_B coins in one transaction: receipt, reply, serials, redemptions', async () => {
      const store = await open();
      const p = locked(20, [id(70), id(71)]);
      expect(await store.takeLocked(p)).toEqual({ kind: 'taken' });
      expect(await store.receipt(p.receipt.tid)).toEqual(p.receipt);
      expect((await store.completedPayment(p.requestId))?.reply).toEqual(p.reply);
      expect(await store.pendingRedemptions()).toEqual(p.redemptions);
      // The same request again is answered as before, and takes nothing more.
      expect(await store.takeLocked(p)).toMatchObject({ kind: 'completed' });
      expect(await store.pendingRedemptions()).toHaveLength(1);
      await store.close();
    });

    it('refuses a C_B taken before (under another request id), storing nothing', async () => {
      const store = await open();
      await store.takeLocked(locked(21, [id(72)]));
      const again = locked(22, [id(73), id(72)]);
      expect(await store.takeLocked(again)).toEqual({ kind: 'double-spent', serials: [id(72)] });
      expect(await store.completedPayment(again.requestId)).toBeUndefined();
      expect(await store.receipt(again.receipt.tid)).toBeUndefined();
      expect(await store.pendingRedemptions()).toHaveLength(1);
      // id(73) was not kept either: the whole payment rolled back.
      expect(await store.takeLocked(locked(23, [id(73)]))).toEqual({ kind: 'taken' });
      await store.close();
    });

    it('lets one of concurrent payments of the same C_B take it', async () => {
      const store = await open();
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.takeLocked(locked(30 + i, [id(74)]))),
      );
      expect(outcomes.filter((o) => o.kind === 'taken')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'double-spent')).toHaveLength(7);
      await store.close();
    });

    it('holds the coins of a redemption once it is answered; twice is once', async () => {
      const store = await open();
      const p = locked(24, [id(75)]);
      await store.takeLocked(p);
      const requestId = p.redemptions[0]!.exchange.request.requestId;
      await store.redeemed(requestId, [coin(id(80), 5)]);
      await store.redeemed(requestId, [coin(id(80), 5)]);
      expect(await store.pendingRedemptions()).toEqual([]);
      expect(await store.heldValue()).toBe(5);
      await store.close();
    });

    it('keeps a refused redemption, with why, and holds nothing for it', async () => {
      const store = await open();
      const p = locked(25, [id(76)]);
      await store.takeLocked(p);
      const requestId = p.redemptions[0]!.exchange.request.requestId;
      await store.redemptionFailed(requestId, 'expired: the window closed');
      expect(await store.pendingRedemptions()).toEqual([]);
      expect(await store.redemptions('failed')).toEqual([
        { ...p.redemptions[0]!, state: 'failed', error: 'expired: the window closed' },
      ]);
      // Redeemed after all (another process was answered): a failed one stays failed.
      await store.redeemed(requestId, [coin(id(81), 5)]);
      expect(await store.heldValue()).toBe(0);
      await store.close();
    });

    it('forgets C_B serials once their window closed before the pruning date', async () => {
      const store = await open();
      await store.takeLocked(locked(26, [id(77)], 1_700_000_100));
      await store.takeLocked(locked(27, [id(78)], 1_700_000_900));
      await store.prune(1_700_000_500);
      expect((await store.takeLocked(locked(28, [id(77)], 1_700_000_100))).kind).toBe('taken');
      expect((await store.takeLocked(locked(29, [id(78)], 1_700_000_900))).kind).toBe(
        'double-spent',
      );
      await store.close();
    });
  });
}
