/**
 * A currency server withdrawn altogether (docs/PROTOCOL.md §4.7): the insurer's registration
 * gets an end date, the CS's certificate carries it, and from then on the CS mints nothing — new
 * coins would be born expired — while it still cashes out every coin it owes through the coins'
 * redemption window, so a holder who missed the end loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

let clock = 1_950_000_000;
const DAY = 86_400;

describe('a currency server whose insurance ended', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ now: () => clock, csCount: 1 });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('mints nothing after the end, and still cashes out what it owes', async () => {
    const cs1 = fed.cs[0]!;
    const insurer = fed.servers.insurer.insurer;
    const registration = (await insurer.registrations()).find((r) => r.csName === 'cs1')!;
    const ends = clock + 40 * DAY;
    await insurer.register({ ...registration, ends });
    await cs1.rotateKeys();
    const alice = await TestClient.open(fed.bank.url, { now: () => clock });
    clock += 20 * DAY;
    const coins = await alice.buy(cs1.url, [200, 50]);
    expect(coins.map((c) => c.body.expires)).toEqual([ends, ends]);
    const balance = await alice.balance();

    clock = ends + DAY;
    const before = await cs1.store.snapshot();
    for (const request of [
      alice.exchangeRequest([coins[0]!], [200]),
      alice.buyRequest((await alice.info(cs1.url)).account, [50]),
    ]) {
      expect(codeOf(await alice.send(cs1.url, request))).toBe('expired');
    }
    expect(await cs1.store.snapshot()).toEqual(before);
    await expect(cs1.maintain()).rejects.toMatchObject({ code: 'expired' });

    await alice.deposit(await alice.cashout(cs1.url, coins));
    expect((await alice.balance()) - balance).toBe(250);
    expect(await cs1.books()).toMatchObject({ late: 250, redeemed: 250 });
  });
});
