/**
 * Two windows per coin and bounded state (docs/PROTOCOL.md §4.4, §4.7): a coin pays until it
 * expires; its issuer still exchanges or cashes it out for the insurer's redemption window after
 * that (booked as `late`), keeping its serial outstanding; past the window it is refused as
 * `expired`, and a grace period later its serial is pruned and its value booked as `expired` —
 * the backing stays in the CS's account. Idempotency records are pruned after the retention
 * window. Time moves through the federation's injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

let clock = 1_900_000_000;

describe('coin expiry, the redemption window, pruning and retention', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({
      now: () => clock,
      csCount: 1,
      coinLifetime: 1_000,
      redemptionWindow: 2_000,
      pruneGrace: 500,
      requestRetention: 300,
      checkLifetime: 10_000,
    });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('takes expired coins back in the window, refuses them after, then prunes and books them', async () => {
    const cs1 = fed.cs[0]!;
    const alice = await TestClient.open(fed.bank.url, { now: () => clock });
    const start = clock;
    const coins = await alice.buy(cs1.url, [200, 50, 20, 10]);
    expect(coins[0]!.body.expires).toBe(start + 1_000);
    expect((await cs1.store.outstanding(coins[0]!.body.serial))?.expires).toBe(start + 3_000);
    clock = start + 999;
    const kept = await alice.exchange(cs1.url, [coins[1]!], [50]);

    // Expired: its issuer still exchanges it (for coins of a new lifetime) and cashes it out.
    clock = start + 1_000;
    const renewed = await alice.exchange(cs1.url, [coins[0]!], [200]);
    expect(renewed[0]!.body.expires).toBe(clock + 1_000);
    const balance = await alice.balance();
    await alice.deposit(await alice.cashout(cs1.url, [coins[2]!]));
    expect((await alice.balance()) - balance).toBe(20);
    expect(await cs1.books()).toMatchObject({ late: 220, redeemed: 20, expired: 0 });
    expect((await fed.audit()).problems).toEqual([]);

    // Requests older than the retention window are forgotten; outstanding serials are kept.
    expect((await cs1.store.snapshot()).requests).toBe(4);
    clock = start + 1_400;
    expect(await cs1.maintain()).toEqual({ coins: 0, value: 0 });
    expect((await cs1.store.snapshot()).requests).toBe(0);

    // Past the window: refused, nothing changes; a grace period later pruned and booked.
    clock = start + 3_000;
    const before = await cs1.store.snapshot();
    const late = await alice.send(cs1.url, alice.exchangeRequest([coins[3]!], [10]));
    expect(codeOf(late)).toBe('expired');
    expect(await cs1.store.snapshot()).toEqual(before);
    expect(await cs1.maintain()).toEqual({ coins: 0, value: 0 });
    clock = start + 3_501;
    expect(await cs1.maintain()).toEqual({ coins: 1, value: 10 });
    const books = await cs1.books();
    expect(books).toMatchObject({ minted: 280, expired: 10, redeemed: 20, late: 220 });
    expect(books.outstanding).toEqual({ count: 2, value: 250 });
    expect((await fed.audit()).problems).toEqual([]);

    // The rest go the same way once their own windows and grace are over.
    clock = start + 1_000 + 1_000 + 2_000 + 501;
    expect(await cs1.maintain()).toEqual({ coins: 2, value: 250 });
    expect(kept).toHaveLength(1);
    expect((await cs1.store.snapshot()).serials).toEqual([]);
    expect((await fed.audit()).problems).toEqual([]);
  });
});
