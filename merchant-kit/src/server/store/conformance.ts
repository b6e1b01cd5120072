/**
 * The merchant store conformance suite: the same behaviour from every implementation (SQLite and
 * PostgreSQL). Called from store.test.ts with a factory for fresh, empty stores.
 */
import type { Check, Coin, DepositReply, Message2, PaymentReceipt } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import type { Cashout, HeldCoin, MerchantStore, PendingPayment, StoredReceipt } from './types.ts';

export const id = (n: number) => `${'A'.repeat(20)}${String(n).padStart(2, '0')}`; // 22 chars, b64u-ish

export function coin(serial: string, value: number): HeldCoin {
  const c: Coin = {
    body: {
      type: 'coin',
      scheme: 'nc1',
      cs: 'cs2',
      addr: 'http://127.0.0.1:1',
      certId: 'cert-1',
      serial,
      value,
      currency: 'NCD',
      expires: 2_000_000_000,
    },
    sig: 'sig',
  };
  return { serial, value, currency: 'NCD', expires: 2_000_000_000, coin: c };
}

export function pending(n: number): PendingPayment {
  const receipt: PaymentReceipt = {
    body: {
      type: 'payment-receipt',
      tid: id(100 + n),
      sid: 'article-1',
      amount: 5,
      currency: 'NCD',
      date: 1_700_000_000 + n,
      payeeKey: 'payee',
    },
    sig: 'sig',
  };
  return {
    requestId: id(n),
    digest: `digest-${n}`,
    receipt,
    sessionKey: 'K_ses',
    replyKey: 'SK_AN1',
    exchanges: [
      {
        issuer: 'cs1',
        target: { certId: 'cert-2', encKey: 'enc', addresses: ['http://127.0.0.1:1'] },
        request: {
          requestId: id(200 + n),
          op: 'exchange',
          instruments: [{ kind: 'coin', coin: coin(id(50), 5).coin }],
          want: { values: [5] },
          replyKey: 'key',
        },
      },
    ],
    created: 1_700_000_000 + n,
  };
}

export function receiptOf(p: PendingPayment): StoredReceipt {
  const { body } = p.receipt;
  return {
    tid: body.tid,
    sid: body.sid,
    amount: body.amount,
    currency: body.currency,
    date: body.date,
    sessionKey: p.sessionKey,
    receipt: p.receipt,
  };
}

export const reply = (p: PendingPayment): Message2 => ({
  msg: '2',
  requestId: p.requestId,
  nonce: 'n',
  ct: 'c',
});

function cashout(n: number, amount: number, parent: string | null = null): Cashout {
  return {
    id: `cashout-${n}`,
    parent,
    amount,
    currency: 'NCD',
    state: 'pending',
    target: { certId: 'cert-2', encKey: 'enc', addresses: ['http://127.0.0.1:1'] },
    request: {
      requestId: id(300 + n),
      op: 'cashout',
      instruments: [{ kind: 'coin', coin: coin(id(50), amount).coin }],
      want: { bank: 'bank', payee: 'acct', memo: 'cash-out' },
      replyKey: 'key',
    },
    check: null,
    deposit: null,
    error: null,
    created: 1_700_000_000 + n,
    completed: null,
  };
}

const check: Check = {
  body: {
    type: 'check',
    bank: 'bank',
    drawer: 'cs2',
    payee: 'acct',
    amount: 8,
    currency: 'NCD',
    checkNo: 'c1',
    issued: 1_700_000_000,
    expires: 1_800_000_000,
    memo: 'cash-out',
  },
  sig: 's',
};
const deposit: DepositReply = {
  depositId: 'd1',
  account: 'acct',
  amount: 8,
  currency: 'NCD',
  cleared: 1_700_000_100,
};

export function merchantStoreConformance(name: string, open: () => Promise<MerchantStore>): void {
  describe(`merchant store conformance: ${name}`, () => {
    it('keeps the first value of a meta key (first writer wins)', async () => {
      const store = await open();
      expect(await store.getMeta('k')).toBeUndefined();
      expect(await store.initMeta('k', 'one')).toBe('one');
      expect(await store.initMeta('k', 'two')).toBe('one');
      expect(await store.getMeta('k')).toBe('one');
      await store.close();
    });

    it('journals a payment once and reports the pending entry to a repeat', async () => {
      const store = await open();
      const p = pending(1);
      expect(await store.beginPayment(p)).toEqual({ kind: 'journaled' });
      const again = await store.beginPayment({ ...p, digest: 'other' });
      expect(again).toEqual({ kind: 'pending', payment: p });
      expect(await store.pendingPayments()).toEqual([p]);
      expect(await store.pendingPayment(p.requestId)).toEqual(p);
      expect(await store.pendingPayment(id(99))).toBeUndefined();
      await store.close();
    });

    it('completes a payment atomically: receipt, reply and coins in, journal out; twice is once', async () => {
      const store = await open();
      const p = pending(2);
      await store.beginPayment(p);
      const coins = [coin(id(60), 2), coin(id(61), 3)];
      await store.completePayment(p.requestId, { receipt: receiptOf(p), reply: reply(p), coins });
      await store.completePayment(p.requestId, { receipt: receiptOf(p), reply: reply(p), coins });
      expect(await store.pendingPayments()).toEqual([]);
      expect(await store.pendingPayment(p.requestId)).toBeUndefined();
      expect(await store.receipt(p.receipt.body.tid)).toEqual(receiptOf(p));
      expect(await store.completedPayment(p.requestId)).toEqual({
        requestId: p.requestId,
        digest: p.digest,
        tid: p.receipt.body.tid,
        reply: reply(p),
      });
      expect(await store.heldValue()).toBe(5);
      expect((await store.heldCoins()).map((c) => c.serial).sort()).toEqual([id(60), id(61)]);
      const repeat = await store.beginPayment(p);
      expect(repeat.kind).toBe('completed');
      await store.close();
    });

    it('reports sales by S_id and UTC day', async () => {
      const store = await open();
      expect(await store.sales()).toEqual([]);
      // Receipts dated 1_700_000_000 + n: days 19675 (n < 4800) and, for n = 90000, 19676.
      for (const n of [1, 2, 90_000]) {
        const p = pending(n);
        await store.beginPayment(p);
        await store.completePayment(p.requestId, {
          receipt: receiptOf(p),
          reply: reply(p),
          coins: [],
        });
      }
      expect(await store.sales()).toEqual([
        { sid: 'article-1', day: 19675, currency: 'NCD', count: 2, amount: 10 },
        { sid: 'article-1', day: 19676, currency: 'NCD', count: 1, amount: 5 },
      ]);
    });

    it('abandons a refused payment: nothing stored', async () => {
      const store = await open();
      const p = pending(3);
      await store.beginPayment(p);
      await store.abandonPayment(p.requestId);
      await store.abandonPayment(p.requestId);
      expect(await store.pendingPayments()).toEqual([]);
      expect(await store.completedPayment(p.requestId)).toBeUndefined();
      expect(await store.receipt(p.receipt.body.tid)).toBeUndefined();
      expect(await store.heldValue()).toBe(0);
      await store.close();
    });

    it('stores a refund as the reply of a half-refused payment: no receipt, nothing held', async () => {
      const store = await open();
      const p = pending(11);
      await store.beginPayment(p);
      const refund = { ...reply(p), ct: 'refund' };
      await store.refundPayment(p.requestId, { reply: refund, date: 1_700_000_600 });
      await store.refundPayment(p.requestId, { reply: reply(p), date: 1_700_000_601 }); // once
      expect(await store.pendingPayments()).toEqual([]);
      expect(await store.completedPayment(p.requestId)).toEqual({
        requestId: p.requestId,
        digest: p.digest,
        tid: '',
        reply: refund,
      });
      expect(await store.receipt(p.receipt.body.tid)).toBeUndefined();
      expect(await store.heldValue()).toBe(0);
      expect((await store.beginPayment(p)).kind).toBe('completed'); // a retry gets the refund
      // Kept for retries as long as any reply, then pruned.
      expect(await store.prune(1_700_000_601)).toBe(1);
      expect(await store.completedPayment(p.requestId)).toBeUndefined();
      await store.close();
    });

    it('reserves coins for a cash-out, then spends them when the check arrives', async () => {
      const store = await open();
      const p = pending(4);
      await store.beginPayment(p);
      await store.completePayment(p.requestId, {
        receipt: receiptOf(p),
        reply: reply(p),
        coins: [coin(id(80), 5), coin(id(81), 3), coin(id(82), 1)],
      });
      expect(await store.beginCashout(cashout(1, 8), [id(80), id(81)])).toBe(true);
      // A coin already reserved cannot go into a second cash-out; nothing of it is reserved.
      expect(await store.beginCashout(cashout(2, 6), [id(82), id(80)])).toBe(false);
      expect(await store.heldValue()).toBe(1);
      expect((await store.cashouts()).map((c) => c.id)).toEqual(['cashout-1']);
      await store.cashoutChecked('cashout-1', check);
      await store.cashoutDeposited('cashout-1', deposit, 1_700_000_200);
      const [done] = await store.cashouts(['deposited']);
      expect(done).toMatchObject({ id: 'cashout-1', state: 'deposited', check, deposit });
      expect(done?.completed).toBe(1_700_000_200);
      expect(await store.heldValue()).toBe(1);
      await store.close();
    });

    it('returns the coins of a cash-out refused for no fault of theirs to the purse', async () => {
      const store = await open();
      const p = pending(5);
      await store.beginPayment(p);
      await store.completePayment(p.requestId, {
        receipt: receiptOf(p),
        reply: reply(p),
        coins: [coin(id(90), 5), coin(id(91), 2)],
      });
      await store.beginCashout(cashout(3, 5), [id(90)]);
      expect(await store.heldValue()).toBe(2);
      await store.cashoutRefused('cashout-3', 'unknown-account');
      await store.cashoutRefused('cashout-3', 'unknown-account'); // twice is once
      expect(await store.heldValue()).toBe(7);
      expect((await store.cashouts(['failed'])).map((c) => c.error)).toEqual(['unknown-account']);
      expect(await store.writeOffs()).toEqual([]);
      await store.close();
    });

    it('splits a refused cash-out into parts that take over its coins, all or nothing', async () => {
      const store = await open();
      const p = pending(9);
      await store.beginPayment(p);
      const coins = [coin(id(30), 5), coin(id(31), 2), coin(id(32), 1), coin(id(33), 10)];
      await store.completePayment(p.requestId, { receipt: receiptOf(p), reply: reply(p), coins });
      await store.beginCashout(cashout(5, 8), [id(30), id(31), id(32)]);
      const refusal = { reason: 'double-spent', date: 1_700_000_300 };
      // A part naming a coin that is not the parent's changes nothing.
      const stray = [
        { cashout: cashout(6, 5, 'cashout-5'), serials: [id(30)] },
        { cashout: cashout(7, 13, 'cashout-5'), serials: [id(31), id(32), id(33)] },
      ];
      expect(await store.splitCashout('cashout-5', refusal, stray)).toBe(false);
      // Nor does one that leaves a coin of the parent behind.
      const partial = [{ cashout: cashout(6, 5, 'cashout-5'), serials: [id(30)] }];
      expect(await store.splitCashout('cashout-5', refusal, partial)).toBe(false);
      expect((await store.cashouts(['pending'])).map((c) => c.id)).toEqual(['cashout-5']);
      const parts = [
        { cashout: cashout(6, 5, 'cashout-5'), serials: [id(30)] },
        { cashout: cashout(7, 3, 'cashout-5'), serials: [id(31), id(32)] },
      ];
      expect(await store.splitCashout('cashout-5', refusal, parts)).toBe(true);
      expect(await store.splitCashout('cashout-5', refusal, parts)).toBe(false); // once only
      const all = await store.cashouts();
      expect(all.map((c) => [c.id, c.state, c.parent])).toEqual([
        ['cashout-5', 'split', null],
        ['cashout-6', 'pending', 'cashout-5'],
        ['cashout-7', 'pending', 'cashout-5'],
      ]);
      expect(all[0]).toMatchObject({ error: 'double-spent', completed: 1_700_000_300 });
      expect(await store.heldValue()).toBe(10); // the parts hold the other three
      await store.close();
    });

    it('writes off the one coin of a refused part and keeps it as evidence', async () => {
      const store = await open();
      const p = pending(10);
      await store.beginPayment(p);
      await store.completePayment(p.requestId, {
        receipt: receiptOf(p),
        reply: reply(p),
        coins: [coin(id(40), 5), coin(id(41), 2)],
      });
      await store.beginCashout(cashout(8, 7), [id(40), id(41)]);
      await store.splitCashout('cashout-8', { reason: 'expired', date: 1_700_000_400 }, [
        { cashout: cashout(9, 5, 'cashout-8'), serials: [id(40)] },
        { cashout: cashout(10, 2, 'cashout-8'), serials: [id(41)] },
      ]);
      const refusal = { reason: 'expired', message: 'coin expired', date: 1_700_000_500 };
      const gone = await store.writeOffCashout('cashout-9', refusal);
      expect(gone).toEqual([
        {
          serial: id(40),
          value: 5,
          currency: 'NCD',
          reason: 'expired',
          message: 'coin expired',
          cashoutId: 'cashout-9',
          date: 1_700_000_500,
          coin: coin(id(40), 5).coin,
        },
      ]);
      expect(await store.writeOffCashout('cashout-9', refusal)).toEqual([]); // once only
      expect(await store.writeOffs()).toEqual(gone);
      expect(await store.writeOffs(1_700_000_501)).toEqual([]);
      // The coin left the purse; the other part still holds its coin, to be cashed out.
      await store.cashoutChecked('cashout-10', check);
      expect(await store.heldValue()).toBe(0);
      expect((await store.cashouts(['written-off'])).map((c) => c.id)).toEqual(['cashout-9']);
      // Past its retention the coin's line goes; the written-off cash-out (its value) stays.
      expect(await store.forgetWriteOffs(1_700_000_500)).toBe(0);
      expect(await store.forgetWriteOffs(1_700_000_501)).toBe(1);
      expect(await store.writeOffs()).toEqual([]);
      expect((await store.cashouts(['written-off'])).map((c) => [c.id, c.amount])).toEqual([
        ['cashout-9', 5],
      ]);
      expect((await store.cashouts(['pending', 'checked'])).map((c) => c.id)).toEqual([
        'cashout-10',
      ]);
      await store.close();
    });

    it('spends an access challenge once, and forgets it after it expires', async () => {
      const store = await open();
      expect(await store.spendChallenge('100.c1', 100, 50)).toBe(true);
      expect(await store.spendChallenge('100.c1', 100, 60)).toBe(false);
      const concurrent = await Promise.all(
        Array.from({ length: 10 }, () => store.spendChallenge('100.c2', 100, 60)),
      );
      expect(concurrent.filter((spent) => spent)).toHaveLength(1);
      // Past its expiry the challenge is refused as expired before it gets here: forgotten.
      expect(await store.spendChallenge('200.c3', 200, 150)).toBe(true);
      expect(await store.spendChallenge('100.c1', 100, 150)).toBe(true);
      await store.close();
    });

    it('stores session keys and prunes old replies and expired sessions', async () => {
      const store = await open();
      const keys = {
        encPublic: 'e',
        encSecret: 'es',
        signPublic: 's',
        signSecret: 'ss',
        sid: 'article-1',
        expires: 1_700_000_050,
      };
      await store.putSessionKeys(keys);
      expect(await store.sessionKeys('e')).toEqual(keys);
      const p = pending(6);
      await store.beginPayment(p);
      await store.completePayment(p.requestId, {
        receipt: receiptOf(p),
        reply: reply(p),
        coins: [],
      });
      expect(await store.prune(1_800_000_000)).toBe(2);
      expect(await store.sessionKeys('e')).toBeUndefined();
      expect(await store.completedPayment(p.requestId)).toBeUndefined();
      // Receipts stay: a shopper may come back for the article long after.
      expect(await store.receipt(p.receipt.body.tid)).toEqual(receiptOf(p));
      await store.close();
    });

    it('keeps expired session keys while a journaled payment may still need them', async () => {
      const store = await open();
      const p = pending(8); // created 1_700_000_008
      const session = (encPublic: string, expires: number) => ({
        encPublic,
        encSecret: 'es',
        signPublic: 's',
        signSecret: 'ss',
        sid: 'article-1',
        expires,
      });
      await store.putSessionKeys(session('before', 1_700_000_005)); // expired before p was made
      await store.putSessionKeys(session('after', 1_700_000_600)); // p may have been paid with it
      await store.beginPayment(p);
      expect(await store.prune(1_800_000_000)).toBe(1);
      expect(await store.sessionKeys('before')).toBeUndefined();
      expect(await store.sessionKeys('after')).toEqual(session('after', 1_700_000_600));
      await store.completePayment(p.requestId, {
        receipt: receiptOf(p),
        reply: reply(p),
        coins: [],
      });
      expect(await store.prune(1_800_000_000)).toBe(2); // the reply and, with it, the keys
      expect(await store.sessionKeys('after')).toBeUndefined();
      await store.close();
    });

    it('serializes concurrent journal writes of the same request id to one entry', async () => {
      const store = await open();
      const p = pending(7);
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.beginPayment(p)));
      expect(outcomes.filter((o) => o.kind === 'journaled')).toHaveLength(1);
      expect(outcomes.filter((o) => o.kind === 'pending')).toHaveLength(7);
      await store.close();
    });
  });
}
