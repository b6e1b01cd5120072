/**
 * A currency server the shopper stopped using (core/stopped.ts), against the real federation on
 * loopback: the wallet buys nothing there and takes no change from it — a payment that would
 * need change at it moves the coins to a server still in use instead — while what it held there
 * stays spendable and can be cashed out; used again, it sells again.
 */
import { describe, expect, it } from 'vitest';
import { readyWallet, reopen, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const world = useFederation({ shop: true });

describe('a currency server the shopper stopped using', () => {
  it('sells nothing and gives no change, and what the wallet held there stays the shopper’s', async () => {
    const t = await readyWallet(world.fed);
    let wallet = t.wallet;
    // Fewest coins: 10 at cs1 is one coin, so paying 7 needs change.
    await wallet.setSettings({ policy: { coverUpTo: 0, refreshBefore: 3 * 86_400 } });
    await wallet.buy(10, 'cs1');
    await wallet.buy(500, 'cs1');
    await wallet.useServer('cs1', false);
    // The choice is kept: a restarted service worker still knows it.
    wallet = await reopen(t);
    expect(wallet.servers().map((s) => [s.csName, s.stopped])).toEqual([
      ['cs1', true],
      ['cs2', false],
    ]);

    const bank = (await wallet.bankStatement()).balance;
    await expect(wallet.buy(100, 'cs1')).rejects.toMatchObject({
      code: 'cs-stopped',
      message: expect.stringContaining('You stopped using cs1'),
    });
    expect((await wallet.bankStatement()).balance).toBe(bank);
    // Any server: one still in use.
    const bought = await wallet.buy(100);
    expect(bought.status).toBe('done');
    expect(bought.op.cs).toBe('cs2');

    // 7 from one 10-coin of cs1 would take change at cs1: the coins go to cs2 instead.
    const held = async (cs: string) =>
      (await wallet.core.db.getAll('coins'))
        .filter((c) => c.cs === cs && c.state === 'spendable')
        .map((c) => c.id);
    const cs1Before = new Set(await held('cs1'));
    const offer = await world.shop.offer('cheap');
    const paid = await wallet.pay(offer, world.shop.url, { approved: true });
    expect(await world.shop.access(offer.body.resource, paid.authorization)).toBe(200);
    for (const id of await held('cs1')) expect(cs1Before.has(id)).toBe(true);
    expect(await spendable(wallet)).toBe(610 - 7);

    // What it holds at cs1 can still be cashed out to the bank.
    const cs1Left = (await wallet.balances())[0]!.byCs.cs1!.spendable;
    expect(cs1Left).toBeGreaterThan(0);
    await wallet.cashout('cs1');
    expect((await wallet.bankStatement()).balance).toBe(bank - 100 + cs1Left);

    // Used again: it sells again.
    await wallet.useServer('cs1', true);
    expect((await wallet.buy(20, 'cs1')).op).toMatchObject({ status: 'done', cs: 'cs1' });
    await expect(wallet.useServer('cs9', false)).rejects.toMatchObject({ code: 'unknown-cert' });
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});
