/**
 * Backing (docs/PROTOCOL.md §4.4): minting never lets outstanding value exceed the certificate's
 * `mintLimit`. A buy or a convert-in that would is refused *before* the check is deposited, so
 * the buyer's money does not move; exchanges, which mint nothing new, are never limited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

describe('mint limit', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ mintLimit: 1_000 });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('refuses a buy past the limit without taking the money', async () => {
    const [cs1, cs2] = [fed.cs[0]!, fed.cs[1]!];
    expect(cs1.certificate().body.mintLimit).toBe(1_000);
    const alice = await TestClient.open(fed.bank.url);
    const coins = await alice.buy(cs1.url, [500, 200, 100]);
    const balance = await alice.balance();
    const over = await alice.send(cs1.url, alice.buyRequest(cs1.info().account, [200, 50, 5]));
    expect(codeOf(over)).toBe('limit-exceeded');
    expect(await alice.balance()).toBe(balance);
    expect((await cs1.books()).pending).toEqual({ count: 0, value: 0 });

    // Exchanges at the limit still work; a convert-in past cs2's limit is refused before the
    // issuer is asked, so the coins stay spendable at cs1.
    const fresh = await alice.exchange(cs1.url, coins, [500, 200, 50, 50]);
    await alice.buy(cs2.url, [500, 200, 200]);
    const convert = await alice.send(cs2.url, alice.exchangeRequest(fresh.slice(0, 2), [500, 200]));
    expect(codeOf(convert)).toBe('limit-exceeded');
    expect((await cs1.store.outstanding(fresh[0]!.body.serial))?.value).toBe(500);
    expect((await fed.audit()).problems).toEqual([]);
  });
});
