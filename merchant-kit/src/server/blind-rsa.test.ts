/**
 * A merchant paid with blind-rsa coins (SPEC §7): it verifies them offline under the insurer's
 * denomination keys (or those sent with the coins), exchanges them at its own CS — which converts
 * another CS's at their issuer, where they go on the spent list — answers with the receipt, and
 * the federation audit balances. A blind-rsa coin paid twice is refused.
 */
import type { AnyCoin } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { authorization, codeOf, fetchOffer, pay } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { startMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';

const world = useFederation({
  blindRsa: { denominations: [1, 2, 5, 10, 20] },
  merchants: { merchant: {} },
});

const cs1 = () => world.fed.cs[0]!.url;
const cs2 = () => world.fed.cs[1]!.url;

async function audited(): Promise<void> {
  expect((await world.fed.audit()).problems).toEqual([]);
}

describe('payments with blind-rsa coins', () => {
  it('takes cs1 blind-rsa coins at a cs2 merchant: receipt, access, coins converted and spent at cs1', async () => {
    const offer = await fetchOffer(p, world.merchant().resource('/articles/a'));
    const coins = await world.shopper.buyBlind(cs1(), [5]);
    expect(coins[0]!.body.scheme).toBe('blind-rsa');
    const paid = await pay(p, offer, coins);
    expect(codeOf(paid)).toBe('ok');
    if (!paid.ok) return;
    const opened = await fetch(offer.body.resource, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(opened.status).toBe(200);
    expect(await world.merchant().paywall.held()).toBe(5);
    expect((await world.fed.cs[0]!.store.snapshot()).spent).toContain(coins[0]!.body.serial);
    await audited();
  });

  it('takes nc1 and blind-rsa coins of both issuers in one payment', async () => {
    const offer = await fetchOffer(p, world.merchant().resource('/articles/c'));
    const coins: AnyCoin[] = [
      ...(await world.shopper.buyBlind(cs1(), [10], [2])),
      ...(await world.shopper.buyBlind(cs2(), [5, 5], [1, 2])),
    ];
    expect(new Set(coins.map((c) => `${c.body.cs}:${c.body.scheme}`)).size).toBe(4);
    expect(codeOf(await pay(p, offer, coins))).toBe('ok');
    expect(await world.merchant().paywall.held()).toBe(5 + 25);
    await audited();
  });

  it('refuses a blind-rsa coin paid twice, and stores nothing for the second payment', async () => {
    const offer = await fetchOffer(p, world.merchant().resource('/articles/a'));
    const coins = await world.shopper.buyBlind(cs2(), [5]);
    expect(codeOf(await pay(p, offer, coins))).toBe('ok');
    const held = await world.merchant().paywall.held();
    expect(codeOf(await pay(p, await fetchOffer(p, offer.body.resource), coins))).toBe(
      'double-spent',
    );
    expect(await world.merchant().paywall.held()).toBe(held);
    await audited();
  });

  it('verifies with the denomination keys sent along when it has no insurer to ask', async () => {
    const offline = await startMerchant(world.fed, { insurer: undefined });
    try {
      const offer = await fetchOffer(p, offline.resource('/articles/a'));
      const coins = await world.shopper.buyBlind(cs1(), [5]);
      // cs1's keys are neither in its CS's info (cs2) nor fetched: unknown until sent along.
      expect(codeOf(await pay(p, offer, coins))).toBe('unknown-cert');
      const trust = await world.shopper.trustOf(cs1());
      const key = trust.signedDenominationKey(
        coins[0]!.body.scheme === 'blind-rsa' ? coins[0]!.body.keyId : '',
      );
      expect(key).toBeDefined();
      const paid = await pay(p, await fetchOffer(p, offer.body.resource), coins, {
        denominationKeys: [key!],
      });
      expect(codeOf(paid)).toBe('ok');
    } finally {
      await offline.close();
    }
    await audited();
  });
});
