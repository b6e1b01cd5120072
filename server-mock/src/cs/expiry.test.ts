/**
 * Expiry and bounded state (docs/PROTOCOL.md §4.4): coins are accepted until they expire,
 * refused after; their serials are pruned a grace period later and booked as `expired`, so
 * minted = outstanding + redeemed + expired still holds. Idempotency records are pruned after
 * the retention window. Time moves through the federation's injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

let clock = 1_900_000_000;

describe('coin expiry, pruning and retention', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({
      now: () => clock,
      csCount: 1,
      coinLifetime: 1_000,
      pruneGrace: 500,
      requestRetention: 300,
      checkLifetime: 5_000,
    });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('refuses expired coins, then prunes them after the grace period and books them', async () => {
    const cs1 = fed.cs[0]!;
    const alice = await TestClient.open(fed.bank.url, { now: () => clock });
    const start = clock;
    const coins = await alice.buy(cs1.url, [200, 50]);
    expect(coins[0]!.body.expires).toBe(start + 1_000);
    clock = start + 999;
    const kept = await alice.exchange(cs1.url, [coins[1]!], [50]);

    clock = start + 1_000;
    const late = await alice.send(cs1.url, alice.exchangeRequest([coins[0]!], [200]));
    expect(codeOf(late)).toBe('expired');
    expect((await cs1.store.outstanding(coins[0]!.body.serial))?.value).toBe(200);

    // Requests older than the retention window are forgotten; coins within grace are kept.
    expect((await cs1.store.snapshot()).requests).toBe(2);
    clock = start + 1_200;
    expect(await cs1.maintain()).toEqual({ coins: 0, value: 0 });
    expect((await cs1.store.snapshot()).requests).toBe(1);

    clock = start + 1_501;
    expect(await cs1.maintain()).toEqual({ coins: 1, value: 200 });
    const books = await cs1.books();
    expect(books).toMatchObject({ minted: 250, expired: 200, redeemed: 0 });
    expect(books.outstanding).toEqual({ count: 1, value: 50 });
    expect((await fed.audit()).problems).toEqual([]);

    clock = start + 999 + 1_000 + 501;
    expect(await cs1.maintain()).toEqual({ coins: 1, value: 50 });
    expect(kept).toHaveLength(1);
    expect((await cs1.store.snapshot()).serials).toEqual([]);
    expect((await cs1.store.snapshot()).requests).toBe(0);
    expect((await fed.audit()).problems).toEqual([]);
  });
});
