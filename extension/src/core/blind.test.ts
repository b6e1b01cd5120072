/**
 * The wallet with blind-rsa coins (SPEC §7), against a federation whose currency servers offer a
 * denomination key per value: buying and refreshing withdraw blind-rsa coins (the blinding
 * secrets journaled with the request), paying with them works across currency servers, and a
 * service worker killed after the journal write, after the CS answered, or after the reply was
 * read still finishes the coins from the journaled secrets on recovery — once, with the books
 * balancing.
 */
import type { AnyCoin } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import { crashOnce, type Faults, SimulatedCrash } from './faults.ts';
import type { BuyOp } from './journal/types.ts';
import { coverage } from './policy.ts';
import { PRICES, readyWallet, reopen, reserved, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';
import type { Wallet } from './wallet.ts';

const world = useFederation({ blindRsa: true, shop: true });

const schemes = async (wallet: Wallet, cs = 'cs1') =>
  new Set((await wallet.coinsOf(cs)).map((c) => (c.coin as AnyCoin).body.scheme));

describe('blind-rsa coins in the wallet', () => {
  it('buys blind-rsa coins where the CS offers keys: verified, spread, counted per key at the CS', async () => {
    const { wallet } = await readyWallet(world.fed);
    const before = await world.fed.cs[0]!.books();
    await wallet.buy(1500, 'cs1');
    expect(await spendable(wallet)).toBe(1500);
    expect(await schemes(wallet)).toEqual(new Set(['blind-rsa']));
    expect(coverage((await wallet.coinsOf('cs1')).map((c) => c.value))).toBe(1500);
    const withdrawn = (books: typeof before) =>
      (books.blindRsa?.keys ?? []).reduce((s, k) => s + k.withdrawn, 0);
    const after = await world.fed.cs[0]!.books();
    expect(withdrawn(after) - withdrawn(before)).toBe((await wallet.coinsOf('cs1')).length);
    expect((await world.fed.audit()).problems).toEqual([]);
    wallet.close();
  });

  it('pays with them at a merchant of another CS, making change with blind-rsa outputs', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(500, 'cs1');
    const offer = await world.shop.offer('odd');
    const access = await wallet.pay(offer, world.shop.url, { approved: true });
    expect(await world.shop.access(offer.body.resource, access.authorization)).toBe(200);
    // The coins went with their denomination keys, for a payee that doesn't know them yet.
    const [paid] = (await wallet.core.db.getAll('ops')).filter((o) => o.kind === 'pay');
    const sent = paid?.kind === 'pay' ? paid.payment : undefined;
    expect(sent?.coins.every((c) => c.body.scheme === 'blind-rsa')).toBe(true);
    expect(sent?.denominationKeys?.map((k) => k.body.keyId).sort()).toEqual(
      [
        ...new Set(sent?.coins.map((c) => (c.body.scheme === 'blind-rsa' ? c.body.keyId : ''))),
      ].sort(),
    );
    expect(await spendable(wallet)).toBe(500 - PRICES['odd']!);
    expect(await schemes(wallet)).toEqual(new Set(['blind-rsa']));
    expect((await world.fed.audit()).problems).toEqual([]);
    wallet.close();
  });

  it('withdraws nc1 coins when the shopper turns blind-rsa coins off; the mix shows it', async () => {
    const t = await readyWallet(world.fed);
    expect((await t.wallet.settings()).blindCoins).toBe(true);
    // Fewest coins (no spread), so that the refresh below has a holding to rework.
    await t.wallet.setSettings({ blindCoins: false, policy: { coverUpTo: 0, refreshBefore: 0 } });
    const wallet = await reopen(t); // the setting outlives the service worker
    expect((await wallet.settings()).blindCoins).toBe(false);
    await wallet.buy(300, 'cs1');
    expect(await schemes(wallet)).toEqual(new Set(['nc1']));
    expect(await wallet.schemeMix()).toEqual([
      { currency: 'NCD', scheme: 'nc1', coins: (await wallet.coinsOf('cs1')).length, value: 300 },
    ]);
    await wallet.setSettings({
      blindCoins: true,
      policy: { coverUpTo: 300, refreshBefore: 3 * 86_400 },
    });
    await wallet.refresh('cs1'); // the holding lacks a spread: all exchanged, for blind-rsa ones
    expect(await schemes(wallet)).toEqual(new Set(['blind-rsa']));
    expect((await wallet.schemeMix()).map((h) => [h.scheme, h.value])).toEqual([
      ['blind-rsa', 300],
    ]);
    expect(await spendable(wallet)).toBe(300);
    expect((await world.fed.audit()).problems).toEqual([]);
    wallet.close();
  });
});

const POINTS: readonly (keyof Faults)[] = ['afterJournal', 'afterSend', 'afterReply'];

describe.each(POINTS)('a crash %s', (point) => {
  it('of a blind-rsa buy: recovery finishes the coins from the journaled secrets, once', async () => {
    const faults = crashOnce(point, { kind: 'buy' });
    const t = await readyWallet(world.fed, faults);
    const bankBefore = (await t.wallet.bankStatement()).balance;
    await expect(t.wallet.buy(700, 'cs1')).rejects.toBeInstanceOf(SimulatedCrash);
    const [op] = (await t.wallet.pendingOps()) as BuyOp[];
    expect(op?.blind?.length).toBeGreaterThan(0);
    expect(op?.request.want.blinded).toHaveLength(op!.blind!.length);

    const wallet = await reopen(t);
    expect(await wallet.recover()).toMatchObject({ pending: 0, failed: 0 });
    expect(await spendable(wallet)).toBe(700);
    expect(await schemes(wallet)).toEqual(new Set(['blind-rsa']));
    expect((await wallet.bankStatement()).balance).toBe(bankBefore - 700);
    await wallet.recover();
    expect(await spendable(wallet)).toBe(700);
    expect((await world.fed.audit()).problems).toEqual([]);
    wallet.close();
  });

  it('of a blind-rsa exchange: recovery holds the fresh coins, never both nor neither', async () => {
    const t = await readyWallet(world.fed);
    await t.wallet.setSettings({ policy: { coverUpTo: 0, refreshBefore: 0 } });
    await t.wallet.buy(1000, 'cs1');
    await t.wallet.setSettings({ policy: { coverUpTo: 1000, refreshBefore: 0 } });
    const crashing = await reopen(t, crashOnce(point, { kind: 'exchange' }));
    await expect(crashing.refresh('cs1')).rejects.toBeInstanceOf(SimulatedCrash);

    const wallet = await reopen(t);
    expect(await wallet.recover()).toMatchObject({ pending: 0, failed: 0 });
    expect(await spendable(wallet)).toBe(1000);
    expect(await reserved(wallet)).toBe(0);
    expect(await schemes(wallet)).toEqual(new Set(['blind-rsa']));
    expect(coverage((await wallet.coinsOf('cs1')).map((c) => c.value))).toBe(1000);
    expect((await world.fed.audit()).problems).toEqual([]);
    wallet.close();
  });
});
