/**
 * One intent, one charge (SPEC §12, issue 10) against the real federation and a real payee: a
 * second click, a second tab or a reload while a payment is under way joins or proves it; a buy
 * or cash-out clicked again while pending joins it; buying more is the explicit `again`. Pending
 * operations carry their next attempt (backoff) and are re-driven when due, on "Retry now", and
 * as soon as the server they wait for answers again.
 */
import { describe, expect, it } from 'vitest';
import { cuttableFetch, PRICES, readyWallet, reserved, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const world = useFederation({ shop: true });

describe('one payment per article', () => {
  it('two clicks at once (two tabs) make one payment; both pages get the article', async () => {
    const t = await readyWallet(world.fed);
    await t.wallet.buy(100, 'cs1');
    const heldBefore = await world.shop.paywall.held();
    const offer = await world.shop.offer('cheap');
    const [a, b] = await Promise.all([
      t.wallet.pay(offer, world.shop.url, { approved: true }),
      t.wallet.pay(await world.shop.offer('cheap'), world.shop.url, { approved: true }),
    ]);
    expect(a.tid).toBe(b.tid);
    expect(await t.wallet.receipts()).toHaveLength(1);
    expect(await world.shop.paywall.held()).toBe(heldBefore + PRICES['cheap']!);
    // A click after it is paid proves it.
    const again = await t.wallet.pay(await world.shop.offer('cheap'), world.shop.url, {
      approved: true,
    });
    expect(again).toMatchObject({ tid: a.tid, repeat: true });
    expect(await spendable(t.wallet)).toBe(100 - PRICES['cheap']!);
    t.wallet.close();
  });

  it('a payee that does not answer: pending, a second click joins it, and it completes once', async () => {
    const cut = cuttableFetch();
    const t = await readyWallet(world.fed, {}, { fetch: cut.fetch });
    await t.wallet.buy(200, 'cs1');
    const heldBefore = await world.shop.paywall.held();
    const offer = await world.shop.offer('dear');
    cut.down.add(world.shop.url);
    await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
      code: 'pending',
      message: expect.stringContaining('You will not be charged twice'),
    });
    expect(await t.wallet.check(offer, world.shop.url)).toMatchObject({
      state: 'pending',
      waitingFor: new URL(world.shop.url).host,
    });
    // The shopper clicks again, and again: no new payment is journaled.
    for (let i = 0; i < 2; i++) {
      await expect(t.wallet.pay(offer, world.shop.url, { approved: true })).rejects.toMatchObject({
        code: 'pending',
      });
    }
    const pays = (await t.wallet.pendingOps()).filter((op) => op.kind === 'pay');
    expect(pays).toHaveLength(1);
    expect(await reserved(t.wallet)).toBe(PRICES['dear']);
    cut.down.delete(world.shop.url);
    const paid = await t.wallet.pay(offer, world.shop.url, { approved: true });
    expect(paid.repeat).toBe(false);
    expect(await t.wallet.receipts()).toHaveLength(1);
    expect(await world.shop.paywall.held()).toBe(heldBefore + PRICES['dear']!);
    expect(await spendable(t.wallet)).toBe(200 - PRICES['dear']!);
    expect(await t.wallet.check(await world.shop.offer('dear'), world.shop.url)).toMatchObject({
      state: 'paid',
      access: { tid: paid.tid },
    });
    expect((await world.fed.audit()).problems).toEqual([]);
    t.wallet.close();
  });

  it('tells a site it does not know nothing: check answers none', async () => {
    const t = await readyWallet(world.fed);
    const offer = await world.shop.offer('other');
    expect(await t.wallet.check(offer, world.shop.url)).toEqual({ state: 'none' });
    await t.wallet.setAllowance(world.shop.url, 'NCD', 50);
    expect(await t.wallet.check(offer, world.shop.url)).toEqual({ state: 'none' });
    t.wallet.close();
  });
});

describe('one buy per click', () => {
  it('a buy the CS does not answer is pending; clicking again joins it; again buys more', async () => {
    const cut = cuttableFetch();
    const cs1 = world.fed.cs[0]!.url;
    const t = await readyWallet(world.fed, {}, { fetch: cut.fetch });
    const bank = (await t.wallet.bankStatement()).balance;
    cut.down.add(cs1);
    const first = await t.wallet.buy(10, 'cs1');
    expect(first).toMatchObject({ status: 'pending', joined: false });
    expect(first.message).toContain('will finish when cs1 answers');
    expect(first.message).not.toMatch(/try again/i);
    const second = await t.wallet.buy(10, 'cs1');
    expect(second).toMatchObject({ status: 'pending', joined: true, op: { id: first.op.id } });
    expect((await t.wallet.pendingOps()).filter((op) => op.kind === 'buy')).toHaveLength(1);
    cut.down.delete(cs1);
    // The next click (or the alarm) finishes the same buy: one debit.
    const third = await t.wallet.buy(10, 'cs1');
    expect(third).toMatchObject({ status: 'done', joined: true, op: { id: first.op.id } });
    expect((await t.wallet.bankStatement()).balance).toBe(bank - 10);
    // Buying more is the explicit choice.
    const more = await t.wallet.buy(10, 'cs1', { again: true });
    expect(more).toMatchObject({ status: 'done', joined: false });
    expect((await t.wallet.bankStatement()).balance).toBe(bank - 20);
    expect(await spendable(t.wallet)).toBe(20);
    t.wallet.close();
  });

  it('a cash-out clicked again while pending joins it', async () => {
    const cut = cuttableFetch();
    const cs1 = world.fed.cs[0]!.url;
    const t = await readyWallet(world.fed, {}, { fetch: cut.fetch });
    await t.wallet.buy(40, 'cs1');
    const bank = (await t.wallet.bankStatement()).balance;
    cut.down.add(cs1);
    const first = await t.wallet.cashout('cs1');
    expect(first).toMatchObject({ status: 'pending', joined: false });
    const second = await t.wallet.cashout('cs1');
    expect(second).toMatchObject({ status: 'pending', joined: true, op: { id: first!.op.id } });
    cut.down.delete(cs1);
    expect(await t.wallet.cashout('cs1')).toMatchObject({ status: 'done', joined: true });
    expect((await t.wallet.bankStatement()).balance).toBe(bank + 40);
    expect(await spendable(t.wallet)).toBe(0);
    t.wallet.close();
  });
});

describe('pending operations are re-driven while the wallet runs', () => {
  it('schedules the next attempt with backoff, re-drives it when due and on Retry now', async () => {
    const cut = cuttableFetch();
    const cs1 = world.fed.cs[0]!.url;
    const wakes: (number | null)[] = [];
    const t = await readyWallet(
      world.fed,
      {},
      {
        fetch: cut.fetch,
        onSchedule: (at) => wakes.push(at),
        net: { patienceMs: 0, retry: { baseMs: 60_000, maxMs: 60_000 } },
      },
    );
    cut.down.add(cs1);
    const started = Date.now();
    const { op } = await t.wallet.buy(25, 'cs1');
    const [pending] = await t.wallet.pending();
    expect(pending?.op.id).toBe(op.id);
    expect(pending?.status.waitingFor).toBe('cs1');
    // Full jitter inside the first window: some time in the next minute.
    const next = pending!.status.nextAttempt;
    expect(next).toBeGreaterThanOrEqual(started);
    expect(next).toBeLessThan(Date.now() + 60_000);
    await expect.poll(() => wakes.at(-1)).toBe(next);
    cut.down.delete(cs1);
    // Not due yet: the alarm's re-drive leaves it alone.
    if (next > Date.now() + 1_000) {
      expect(await t.wallet.redriveDue()).toMatchObject({ pending: 1 });
    }
    expect(await t.wallet.retryNow(op.id)).toMatchObject({ done: 1, pending: 0 });
    expect(await spendable(t.wallet)).toBe(25);
    await expect.poll(() => wakes.at(-1)).toBe(null);
    t.wallet.close();
  });

  it('a server that answers again re-drives what waits for it at once', async () => {
    const cut = cuttableFetch();
    const cs1 = world.fed.cs[0]!.url;
    const t = await readyWallet(
      world.fed,
      {},
      { fetch: cut.fetch, net: { patienceMs: 0, retry: { baseMs: 600_000, maxMs: 600_000 } } },
    );
    cut.down.add(cs1);
    const first = await t.wallet.buy(15, 'cs1');
    expect(first.status).toBe('pending');
    cut.down.delete(cs1);
    // Another request to cs1 gets an answer: the waiting buy goes too, not ten minutes later.
    expect(await t.wallet.buy(5, 'cs1', { again: true })).toMatchObject({ status: 'done' });
    await expect.poll(async () => (await t.wallet.pendingOps()).length).toBe(0);
    expect(await spendable(t.wallet)).toBe(20);
    t.wallet.close();
  });
});

describe('pending operations never outlive the servers’ memory', () => {
  it('warn after warnAfter, naming until when the CS keeps the request', async () => {
    const cut = cuttableFetch();
    let offset = 0;
    const now = () => Math.floor(Date.now() / 1000) + offset;
    const t = await readyWallet(
      world.fed,
      {},
      { fetch: cut.fetch, now, net: { warnAfter: 86_400 } },
    );
    cut.down.add(world.fed.cs[0]!.url);
    const { op } = await t.wallet.buy(30, 'cs1');
    const [fresh] = await t.wallet.pending();
    expect(fresh?.status.warning).toBeUndefined();
    expect(fresh?.status.forgetAt).toBe(op.created + 7 * 86_400);
    offset = 86_400 + 60;
    const [late] = await t.wallet.pending();
    expect(late?.status.warning).toMatch(
      /cs1 has not answered since .* keeps this request until about/,
    );
    expect(late?.status.warning).toContain(op.id);
    cut.down.clear();
    expect(await t.wallet.retryNow()).toMatchObject({ done: 1, pending: 0 });
    t.wallet.close();
  });
});
