/** Bank store conformance: accounts, checks cleared once, balances never overdrawn. */
import { expect, it } from 'vitest';
import { createBankStore } from '../bank/store.ts';
import type { FreshDb } from './conformance-rows.ts';

/** Openings credited from issuance, a check cleared once, no overdraft under concurrency. */
export function bankStoreCases(fresh: FreshDb): void {
  const account = (id: string, kind: 'customer' | 'server' | 'system' = 'customer') => ({
    account: id,
    signKey: `key-${id}`,
    holder: id,
    kind,
    balance: 0,
  });
  const move = (id: string, from: string, to: string, amount: number) => ({
    id,
    date: 10,
    from,
    to,
    amount,
    memo: 'm',
  });

  it('opens with a credit from issuance, clears a check once, never overdraws', async () => {
    const store = await createBankStore(await fresh('bank_basic'));
    await store.openAccount(account('issuance', 'system'), 1);
    await store.openAccount(account('alice'), 1, move('o1', 'issuance', 'alice', 100));
    await store.openAccount(account('bob'), 1);
    const check = {
      drawer: 'alice',
      checkNo: 'c1',
      digest: 'd',
      account: 'bob',
      amount: 60,
      reply: '{}',
    };
    expect(await store.clearCheck(check, move('m1', 'alice', 'bob', 60))).toEqual({ ok: true });
    const again = await store.clearCheck(check, move('m2', 'alice', 'bob', 60));
    expect(again).toMatchObject({ ok: false, reason: 'already-cleared', held: { digest: 'd' } });
    const over = { ...check, checkNo: 'c2' };
    expect(await store.clearCheck(over, move('m3', 'alice', 'bob', 60))).toEqual({
      ok: false,
      reason: 'insufficient-funds',
    });
    expect(await store.cleared('alice', 'c2')).toBeNull();
    const audit = await store.audit();
    expect(audit.ledgerSum).toBe(0);
    expect(audit.accounts.map((a) => [a.account, a.balance, a.ledgerBalance])).toEqual([
      ['alice', 40, 40],
      ['bob', 60, 60],
      ['issuance', -100, -100],
    ]);
    expect(audit.accounts.find((a) => a.account === 'bob')?.received).toBe(60);
    expect((await store.history('bob', 10)).map((h) => h.amount)).toEqual([60]);
    // One account per key: a second opening with alice's key opens nothing.
    expect(await store.openAccount({ ...account('carol'), signKey: 'key-alice' }, 2)).toBe(false);
    expect(await store.account('carol')).toBeNull();
    expect((await store.accountByKey('key-alice'))?.account).toBe('alice');
    expect(await store.useNonce('alice', 'n1', 10, 0)).toBe(true);
    expect(await store.useNonce('alice', 'n1', 10, 0)).toBe(false);
    await store.close();
  });

  it('keeps a balance non-negative under 20 concurrent checks', async () => {
    const store = await createBankStore(await fresh('bank_race'));
    await store.openAccount(account('issuance', 'system'), 1);
    await store.openAccount(account('alice'), 1, move('o', 'issuance', 'alice', 100));
    await store.openAccount(account('bob'), 1);
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.clearCheck(
          {
            drawer: 'alice',
            checkNo: `c${i}`,
            digest: `d${i}`,
            account: 'bob',
            amount: 30,
            reply: '{}',
          },
          move(`m${i}`, 'alice', 'bob', 30),
        ),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect((await store.account('alice'))?.balance).toBe(10);
    expect((await store.audit()).ledgerSum).toBe(0);
    await store.close();
  });
}
