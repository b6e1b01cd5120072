/**
 * Who the wallet trusts, changed after setup (the popup's "Insurers, servers and bank"): an
 * insurer can't be dropped while the wallet holds money at a server it vouches for, and can once
 * that money is cashed out; coins are bought from and cashed out to the account the shopper
 * chose.
 */
import { describe, expect, it } from 'vitest';
import { readyWallet, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const world = useFederation();

describe('managing trust after setup', () => {
  it('refuses to drop an insurer while money depends on it, then drops it and its servers', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(200, 'cs1');
    await expect(wallet.untrustInsurer(world.fed.insurer.signKey)).rejects.toMatchObject({
      code: 'busy',
      message: 'You still hold money at cs1, which this insurer vouches for. Cash it out first.',
    });
    expect(wallet.servers().map((s) => s.csName)).toEqual(['cs1', 'cs2']);
    expect(await spendable(wallet)).toBe(200);

    await wallet.cashout('cs1');
    await wallet.untrustInsurer(world.fed.insurer.signKey);
    expect(await wallet.insurers()).toEqual([]);
    expect(wallet.servers()).toEqual([]);
    expect(await wallet.status()).toEqual({ ready: false });
    // Trusted again, everything is back.
    await wallet.trustInsurer(world.fed.insurer.signKey, world.fed.insurer.url);
    expect(wallet.servers().map((s) => s.csName)).toEqual(['cs1', 'cs2']);
    wallet.close();
  });

  it('buys from and cashes out to the account the shopper chose', async () => {
    const { wallet } = await readyWallet(world.fed);
    const first = await wallet.primaryAccount();
    const second = await wallet.connectBank(world.fed.bank.url, 'Second account');
    expect((await wallet.primaryAccount()).account).toBe(first.account);
    await wallet.setPrimaryAccount(second.account);
    const before = (await wallet.bankStatement()).balance;
    await wallet.buy(300, 'cs1');
    expect((await wallet.bankStatement()).account).toBe(second.account);
    expect((await wallet.bankStatement()).balance).toBe(before - 300);
    await expect(wallet.setPrimaryAccount('no-such-account')).rejects.toMatchObject({
      code: 'unknown-account',
    });
    expect((await wallet.primaryAccount()).account).toBe(second.account);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});
