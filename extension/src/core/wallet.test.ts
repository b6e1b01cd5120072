import { describe, expect, it } from 'vitest';
import { coverage } from './policy.ts';
import { openWallet, PRICES, readyWallet, reserved, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const world = useFederation({ shop: true });

describe('setting up', () => {
  it('trusts the insurer and sees both currency servers', async () => {
    const { wallet } = await readyWallet(world.fed);
    expect(wallet.servers().map((s) => s.csName)).toEqual(['cs1', 'cs2']);
    expect(await wallet.status()).toEqual({ ready: true });
    wallet.close();
  });

  it('refuses an insurer whose key is not the one typed', async () => {
    const { wallet } = await readyWallet(world.fed);
    // Another key for sure: its first character changed (the last one carries padding bits).
    const key = world.fed.insurer.signKey;
    const wrong = `${key.startsWith('A') ? 'B' : 'A'}${key.slice(1)}`;
    await expect(wallet.trustInsurer(wrong, world.fed.insurer.url)).rejects.toMatchObject({
      code: 'untrusted-cert',
    });
    wallet.close();
  });
});

describe('buying and refreshing coins', () => {
  it('buys coins with a check: the bank is debited, the coins are a spread that pays exactly', async () => {
    const { wallet } = await readyWallet(world.fed);
    const before = (await wallet.bankStatement()).balance;
    const op = await wallet.buy(1500);
    expect(op.status).toBe('done');
    expect(await spendable(wallet)).toBe(1500);
    expect((await wallet.bankStatement()).balance).toBe(before - 1500);
    const values = (await wallet.coinsOf('cs1')).map((c) => c.value);
    expect(coverage(values)).toBe(1500);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('refuses in words an amount no buy can make, writing no check', async () => {
    const { wallet } = await readyWallet(world.fed);
    const before = (await wallet.bankStatement()).balance;
    // 64 coins of cs1's largest value (50.00) at most: 3200.00 NCD.
    await expect(wallet.buy(500_000)).rejects.toMatchObject({
      code: 'bad-denomination',
      message: '5,000.00 NCD is more than cs1 sells at once: buy at most 3,200.00 NCD at a time.',
    });
    expect((await wallet.bankStatement()).balance).toBe(before);
    expect(await wallet.pending()).toEqual([]);
    wallet.close();
  });

  it('refreshes a holding that lost its spread into one that covers every price again', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.setSettings({ policy: { coverUpTo: 0, refreshBefore: 0 } });
    // With coverUpTo 0 the purchase is the fewest coins; then ask for a spread.
    await wallet.buy(1000, 'cs1');
    await wallet.setSettings({ policy: { coverUpTo: 1000, refreshBefore: 3600 } });
    const ops = await wallet.refresh('cs1');
    expect(ops.map((o) => o.status)).toEqual(['done']);
    expect(await spendable(wallet)).toBe(1000);
    expect(coverage((await wallet.coinsOf('cs1')).map((c) => c.value))).toBe(1000);
    // A good spread is left alone.
    expect(await wallet.refresh('cs1')).toEqual([]);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('replaces coins near expiry with fresh ones', async () => {
    const t = await readyWallet(world.fed);
    await t.wallet.buy(300, 'cs1');
    const old = await t.wallet.coinsOf('cs1');
    const expiries = old.map((c) => c.expires);
    const soon = Math.min(...expiries) - 3600; // an hour before the first coin expires
    t.wallet.close();
    const { wallet } = await openWallet(t.dbName, {}, { now: () => soon });
    const ops = await wallet.refresh('cs1');
    expect(ops.map((o) => o.status)).toEqual(['done']);
    const fresh = await wallet.coinsOf('cs1');
    expect(fresh.reduce((sum, c) => sum + c.value, 0)).toBe(300);
    // Every old serial was exchanged for a new one (the CS's clock sets the new expiry).
    const oldIds = new Set(old.map((c) => c.id));
    expect(fresh.filter((c) => oldIds.has(c.id))).toEqual([]);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('cashes coins out to the bank account', async () => {
    const { wallet } = await readyWallet(world.fed);
    const start = (await wallet.bankStatement()).balance;
    await wallet.buy(400, 'cs1');
    const op = await wallet.cashout('cs1');
    expect(op?.status).toBe('done');
    expect(await spendable(wallet)).toBe(0);
    expect((await wallet.bankStatement()).balance).toBe(start);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });
});

describe('paying a merchant', () => {
  it('pays exactly, verifies the receipt, and the access proof opens the article', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(1000, 'cs1');
    const offer = await world.shop.offer('odd');
    const result = await wallet.pay(offer, world.shop.url, { approved: true });
    expect(result.repeat).toBe(false);
    expect(result.receipt.body.amount).toBe(PRICES['odd']);
    expect(await spendable(wallet)).toBe(1000 - PRICES['odd']!);
    expect(await reserved(wallet)).toBe(0);
    expect(await world.shop.access(offer.body.resource, result.authorization)).toBe(200);
    expect(await world.shop.access(offer.body.resource, 'NetCash tid="x"')).not.toBe(200);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('detects a repurchase: proves with a fresh challenge and pays nothing', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(500, 'cs1');
    const first = await wallet.pay(await world.shop.offer('cheap'), world.shop.url, {
      approved: true,
    });
    const balance = await spendable(wallet);
    const again = await world.shop.offer('cheap');
    const second = await wallet.pay(again, world.shop.url, {});
    expect(second.repeat).toBe(true);
    expect(second.tid).toBe(first.tid);
    expect(await spendable(wallet)).toBe(balance);
    expect(await world.shop.access(again.body.resource, second.authorization)).toBe(200);
    const proved = await wallet.prove(await world.shop.offer('cheap'), world.shop.url);
    expect(await world.shop.access(again.body.resource, proved.authorization)).toBe(200);
    wallet.close();
  });

  it('proves a purchase only to the site that paid for it', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(100, 'cs1');
    await wallet.pay(await world.shop.offer('other'), world.shop.url, { approved: true });
    await expect(
      wallet.prove(await world.shop.offer('other'), 'http://evil.test'),
    ).rejects.toMatchObject({
      code: 'unknown-transaction',
    });
  });

  it('makes change with one exchange when no exact coins are held', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.setSettings({ policy: { coverUpTo: 0, refreshBefore: 0 } });
    await wallet.buy(1000, 'cs1'); // one 1000 coin (fewest coins)
    expect((await wallet.coinsOf('cs1')).map((c) => c.value)).toEqual([1000]);
    const result = await wallet.pay(await world.shop.offer('dear'), world.shop.url, {
      approved: true,
    });
    expect(result.receipt.body.amount).toBe(130);
    expect(await spendable(wallet)).toBe(870);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('consolidates coins of two currency servers when neither alone can pay', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(100, 'cs1');
    await wallet.buy(100, 'cs2');
    const result = await wallet.pay(await world.shop.offer('dear'), world.shop.url, {
      approved: true,
    });
    expect(result.receipt.body.amount).toBe(130);
    expect(await spendable(wallet)).toBe(70);
    const byCs = (await wallet.balances())[0]!.byCs;
    expect(Object.keys(byCs).filter((cs) => byCs[cs]!.spendable > 0)).toHaveLength(1);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('pays under an allowance, refuses past it and for payments to another origin', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(1000, 'cs1');
    await expect(
      wallet.pay(await world.shop.offer('dear'), world.shop.url, { allowance: true }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    await wallet.setAllowance(world.shop.url, 'NCD', 200);
    await wallet.pay(await world.shop.offer('dear'), world.shop.url, { allowance: true });
    expect((await wallet.allowances())[0]).toMatchObject({ limit: 200, spent: 130 });
    // Bought already: a repeat is proved, and costs nothing.
    const repeat = await wallet.pay(await world.shop.offer('dear'), world.shop.url, {
      allowance: true,
    });
    expect(repeat.repeat).toBe(true);
    await wallet.setAllowance('http://page.test', 'NCD', 10_000);
    await expect(
      wallet.pay(await world.shop.offer('odd'), 'http://page.test', { allowance: true }),
    ).rejects.toMatchObject({ code: 'origin-mismatch' });
    await expect(
      wallet.pay(await world.shop.offer('odd'), world.shop.url, { allowance: true }),
    ).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await spendable(wallet)).toBe(870);
    wallet.close();
  });

  it('refuses without approval, and when the coins are not enough', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.buy(100, 'cs1');
    await expect(
      wallet.pay(await world.shop.offer('cheap'), world.shop.url, {}),
    ).rejects.toMatchObject({
      code: 'user-rejected',
    });
    await expect(
      wallet.pay(await world.shop.offer('dear'), world.shop.url, { approved: true }),
    ).rejects.toMatchObject({ code: 'insufficient-funds' });
    expect(await spendable(wallet)).toBe(100);
    wallet.close();
  });

  it('coins copied into a second wallet: its payment fails as double-spent, nothing is stored', async () => {
    const a = await readyWallet(world.fed);
    const b = await readyWallet(world.fed);
    await a.wallet.buy(25, 'cs1');
    // A copied profile: B holds the very same coins.
    for (const row of await a.wallet.core.db.getAll('coins'))
      await b.wallet.core.db.put('coins', row);
    for (const row of await a.wallet.core.db.getAll('tallies'))
      await b.wallet.core.db.put('tallies', row);
    await a.wallet.pay(await world.shop.offer('other'), world.shop.url, { approved: true });
    await expect(
      b.wallet.pay(await world.shop.offer('other'), world.shop.url, { approved: true }),
    ).rejects.toMatchObject({ code: 'double-spent' });
    expect(await spendable(b.wallet)).toBe(0);
    expect(await reserved(b.wallet)).toBe(0);
    expect(await b.wallet.receipts()).toEqual([]);
    expect((await b.wallet.history()).map((h) => h.kind)).toContain('lost');
    expect(await b.wallet.pendingOps()).toEqual([]);
    expect((await world.fed.audit()).ok).toBe(true);
    a.wallet.close();
    b.wallet.close();
  });

  it('coins copied into a second wallet, some spent by the first: double-spent, only those are written off', async () => {
    const a = await readyWallet(world.fed);
    const b = await readyWallet(world.fed);
    await a.wallet.buy(60, 'cs1');
    for (const row of await a.wallet.core.db.getAll('coins'))
      await b.wallet.core.db.put('coins', row);
    for (const row of await a.wallet.core.db.getAll('tallies'))
      await b.wallet.core.db.put('tallies', row);
    const coinValue = new Map((await a.wallet.coinsOf('cs1')).map((c) => [c.id, c.value]));
    await a.wallet.pay(await world.shop.offer('cheap'), world.shop.url, { approved: true });
    await expect(
      b.wallet.pay(await world.shop.offer('other'), world.shop.url, { approved: true }),
    ).rejects.toMatchObject({ code: 'double-spent' });
    const payOf = async (w: typeof a.wallet) =>
      (await w.core.db.getAll('ops')).find((o) => o.kind === 'pay')!;
    const spentByA = new Set((await payOf(a.wallet)).reserved);
    const paidByB = (await payOf(b.wallet)).reserved;
    const gone = paidByB.filter((id) => spentByA.has(id));
    const lost = gone.reduce((sum, id) => sum + coinValue.get(id)!, 0);
    // The case at hand: B's payment mixed coins A spent with coins nobody spent.
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.length).toBeLessThan(paidByB.length);
    expect(await payOf(b.wallet)).toMatchObject({
      status: 'failed',
      lastError: { code: 'double-spent' },
    });
    // Only the coins really spent elsewhere are gone; the others came back as fresh coins.
    expect(await spendable(b.wallet)).toBe(60 - lost);
    expect(await reserved(b.wallet)).toBe(0);
    expect(await b.wallet.pendingOps()).toEqual([]);
    expect(await b.wallet.receipts()).toEqual([]);
    const losses = (await b.wallet.history()).filter((h) => h.kind === 'lost');
    expect(losses.reduce((sum, h) => sum + h.amount, 0)).toBe(-lost);
    const held = new Set((await b.wallet.coinsOf('cs1')).map((c) => c.id));
    expect(paidByB.filter((id) => held.has(id))).toEqual([]); // exchanged by the probes
    expect((await world.fed.audit()).ok).toBe(true);
    a.wallet.close();
    b.wallet.close();
  });

  it('pays with one-time payee keys (messages 1a/1b)', async () => {
    const { wallet } = await readyWallet(world.fed);
    await wallet.setSettings({ sessionKeys: true });
    await wallet.buy(100, 'cs1');
    const offer = await world.shop.offer('other');
    const result = await wallet.pay(offer, world.shop.url, { approved: true });
    expect(await world.shop.access(offer.body.resource, result.authorization)).toBe(200);
    wallet.close();
  });
});
