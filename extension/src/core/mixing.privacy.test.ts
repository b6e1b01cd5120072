/**
 * One coin scheme per request (schemes.ts, docs/PRIVACY.md "Mixing"): an nc1 coin can be traced by
 * its currency server to the check that bought it, so a payment (or an exchange) carrying one next
 * to blind-rsa coins would tie the blind coins to the buyer. A wallet holding both kinds, with
 * blind coins on, pays and makes change from one scheme's coins only — checked on every request
 * it journaled (the requests as sent). The control: the same wallet with blind coins off pays
 * from both kinds at once, so the check sees mixing when it happens.
 */
import type { AnyCoin } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import type { Op } from './journal/types.ts';
import { PRICES, readyWallet, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';
import type { Wallet } from './wallet.ts';

const world = useFederation({ blindRsa: true, shop: true });

/** The coins each journaled request carried: a payment's, an exchange's inputs. */
function carried(op: Op): readonly AnyCoin[] {
  if (op.kind === 'pay') return op.payment.coins;
  if (op.kind === 'exchange') return op.request.instruments.map((i) => i.coin);
  return [];
}

const schemesOf = (op: Op) => [...new Set(carried(op).map((c) => c.body.scheme))].sort();

/** A wallet holding nc1 coins worth `nc1` and blind-rsa coins worth `blind`, at cs1. */
async function holding(nc1: number, blind: number): Promise<Wallet> {
  const { wallet } = await readyWallet(world.fed);
  await wallet.setSettings({ blindCoins: false });
  expect((await wallet.buy(nc1, 'cs1')).status).toBe('done');
  await wallet.setSettings({ blindCoins: true });
  expect((await wallet.buy(blind, 'cs1')).status).toBe('done');
  const mix = new Map((await wallet.schemeMix()).map((m) => [m.scheme, m.value]));
  expect([mix.get('nc1'), mix.get('blind-rsa')]).toEqual([nc1, blind]);
  return wallet;
}

describe('a wallet holding nc1 and blind-rsa coins, blind coins on', () => {
  it('never sends a payment or an exchange carrying both schemes', async () => {
    const wallet = await holding(150, 250);
    // Prices each kind alone can pay, prices only both together reach, and change to make.
    for (const name of ['cheap', 'other', 'odd']) {
      const paid = await wallet.pay(await world.shop.offer(name), world.shop.url, {
        approved: true,
      });
      expect(paid.receipt.body.amount).toBe(PRICES[name]);
    }
    const ops = await wallet.core.db.getAll('ops');
    const sent = ops.filter((op) => carried(op).length > 0);
    expect(sent.filter((op) => op.kind === 'pay')).toHaveLength(3);
    expect(sent.map(schemesOf).filter((s) => s.length > 1)).toEqual([]);
    // Every payment went out in blind-rsa coins (the nc1 ones were renewed first when the blind
    // ones fell short), and the books still balance.
    const payments = sent.filter((op) => op.kind === 'pay');
    expect(payments.map(schemesOf)).toEqual(payments.map(() => ['blind-rsa']));
    expect(await spendable(wallet)).toBe(400 - 7 - 25 - 333);
    expect((await world.fed.audit()).ok).toBe(true);
    wallet.close();
  });

  it('renews nc1 coins alone into blind ones rather than paying them out', async () => {
    const wallet = await holding(25, 2);
    const paid = await wallet.pay(await world.shop.offer('other'), world.shop.url, {
      approved: true,
    });
    expect(paid.receipt.body.amount).toBe(25);
    const sent = (await wallet.core.db.getAll('ops')).filter((op) => carried(op).length > 0);
    expect(sent.map(schemesOf).filter((s) => s.length > 1)).toEqual([]);
    // The nc1 coins went to their CS alone, for blinded coins only; then the payment, in those.
    const renewal = sent.find((op) => op.kind === 'exchange' && schemesOf(op)[0] === 'nc1');
    expect(renewal?.kind === 'exchange' && renewal.request.want).toMatchObject({ values: [] });
    const payment = sent.find((op) => op.kind === 'pay')!;
    expect(schemesOf(payment)).toEqual(['blind-rsa']);
    expect(await spendable(wallet)).toBe(2);
    wallet.close();
  });
});

describe('the control: the same wallet with blind coins off', () => {
  it('pays from both kinds at once — mixing is visible to the check when it happens', async () => {
    const wallet = await holding(2, 5);
    await wallet.setSettings({ blindCoins: false });
    const paid = await wallet.pay(await world.shop.offer('cheap'), world.shop.url, {
      approved: true,
    });
    expect(paid.receipt.body.amount).toBe(7);
    const payment = (await wallet.core.db.getAll('ops')).find((op) => op.kind === 'pay')!;
    expect(schemesOf(payment)).toEqual(['blind-rsa', 'nc1']);
    wallet.close();
  });
});
