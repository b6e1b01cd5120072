/**
 * Bounded state (paper §2 "Scalability", SPEC §10): the CS stores outstanding serials, not spent
 * ones, so after many exchanges with a fixed number of coins in circulation the outstanding
 * table holds exactly the circulating coins — rows don't grow with transactions.
 */
import type { Coin } from '@netcash/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

describe('outstanding list size', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 1 });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('holds exactly the circulating coins after 200 exchanges', async () => {
    const cs1 = fed.cs[0]!;
    const alice = await TestClient.open(fed.bank.url);
    let wallet: Coin[] = await alice.buy(
      cs1.url,
      Array.from({ length: 20 }, () => 10),
    );
    for (let round = 0; round < 200; round++) {
      // Two coins in, two out: the number and value in circulation stay the same.
      const [a, b, ...rest] = wallet;
      wallet = [...rest, ...(await alice.exchange(cs1.url, [a!, b!], [10, 10]))];
    }
    const snapshot = await cs1.store.snapshot();
    expect(snapshot.serials).toHaveLength(20);
    expect(new Set(snapshot.serials)).toEqual(new Set(wallet.map((c) => c.body.serial)));
    expect(snapshot.books.outstanding).toEqual({ count: 20, value: 200 });
    expect((await fed.audit()).problems).toEqual([]);
  });
});
