/**
 * What a shopper sets and sees in the popup, against the real federation: a site's budget renews
 * when its period ends (on the wallet's own clock, moved forward here), and a cash-out of an
 * amount moves exactly that amount to the bank — making change first when the coins can't.
 */
import { nowSeconds } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import { PRICES, readyWallet, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

/** One clock for the federation, the shop and the wallet: a test moves it a day ahead. */
let clock = nowSeconds();
const now = () => clock;

const world = useFederation({ now, shop: true });

describe('a site budget', () => {
  it('is used up within its day and renews the next day', async () => {
    const { wallet } = await readyWallet(world.fed, {}, { now });
    await wallet.buy(1000, 'cs1');
    const dear = PRICES['dear']!;
    await wallet.setAllowance(world.shop.url, 'NCD', dear + 10, 'day');
    await wallet.pay(await world.shop.offer('dear'), world.shop.url, { allowance: true });
    expect(await wallet.allowances()).toMatchObject([{ spent: dear, period: 'day' }]);
    // Changing the limit keeps what was used today.
    await wallet.setAllowance(world.shop.url, 'NCD', dear + 20, 'day');
    expect(await wallet.allowances()).toMatchObject([{ limit: dear + 20, spent: dear }]);
    await expect(
      wallet.pay(await world.shop.offer('other'), world.shop.url, { allowance: true }),
    ).rejects.toMatchObject({ code: 'unauthorized' });

    clock += 86_400;
    expect(await wallet.allowances()).toMatchObject([{ spent: 0 }]);
    await wallet.pay(await world.shop.offer('other'), world.shop.url, { allowance: true });
    expect(await wallet.allowances()).toMatchObject([{ spent: PRICES['other'] }]);
    expect(await spendable(wallet)).toBe(1000 - dear - PRICES['other']!);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});

describe('cash-out of an amount', () => {
  it('moves exactly that amount to the bank, making change when needed', async () => {
    const { wallet } = await readyWallet(world.fed, {}, { now });
    const start = (await wallet.bankStatement()).balance;
    await wallet.buy(1000, 'cs1');
    const op = await wallet.cashout('cs1', 333);
    expect(op).toMatchObject({ status: 'done', op: { amount: 333 } });
    expect(await spendable(wallet)).toBe(1000 - 333);
    expect((await wallet.bankStatement()).balance).toBe(start - 1000 + 333);
    await expect(wallet.cashout('cs1', 5000)).rejects.toMatchObject({
      code: 'insufficient-funds',
      message: 'You hold 6.67 NCD at cs1, less than 50.00 NCD.',
    });
    expect(await spendable(wallet)).toBe(667);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});
