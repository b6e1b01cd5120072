/**
 * The wallet takes a refund (PROTOCOL §5) into its purse: a payment whose coins come from two
 * issuers, where the payee's CS exchanged one part and refused the other for good, comes back as
 * fresh coins instead of a receipt — against a real federation and a real payee.
 *
 * This wallet pays with one CS's coins per payment, so the two-issuer payment is journaled here
 * by hand, the way startPay journals one (coins reserved and the op written in one transaction);
 * sending, settling and the purse are the wallet's own.
 */
import { credentialsOf, randomId, randomKey } from '@netcash/protocol';
import { TestClient } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import type { CoinRow } from './db/schema.ts';
import { reserve } from './exchange.ts';
import type { PayOp } from './journal/types.ts';
import { readyWallet, reserved, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';
import { currencyServers } from './trust.ts';

const world = useFederation({ shop: true });

const sum = (rows: readonly CoinRow[]) => rows.reduce((s, c) => s + c.value, 0);

describe('a refunded payment', () => {
  it('puts the fresh coins in the purse, writes off the refused coin, and buys nothing', async () => {
    const t = await readyWallet(world.fed);
    const { wallet } = t;
    await wallet.setSettings({ policy: { coverUpTo: 0, refreshBefore: 0 } });
    await wallet.buy(2, 'cs2');
    await wallet.buy(5, 'cs1');
    const own = await wallet.coinsOf('cs2');
    const foreign = await wallet.coinsOf('cs1');
    expect([sum(own), sum(foreign)]).toEqual([2, 5]);
    // A copy of this wallet spends the cs1 coins first.
    const copy = await TestClient.open(world.fed.bank.url);
    const copied = await copy.exchange(
      world.fed.cs[0]!.url,
      foreign.map((c) => c.coin),
      foreign.map((c) => c.value),
    );
    const copyValue = copied.reduce((s, c) => s + c.body.value, 0);
    expect(copyValue).toBe(5);

    // 'cheap' costs 7: paid with the cs2 coins and the (already spent) cs1 coins.
    const offer = await world.shop.offer('cheap');
    const core = wallet.core;
    const coins = [...own, ...foreign];
    const server = currencyServers(core).find((s) => s.csName === 'cs2')!;
    const { certificates } = credentialsOf(
      core.trust,
      coins.map((c) => c.coin),
    );
    const id = randomId(core.p);
    const op: PayOp = {
      kind: 'pay',
      id,
      status: 'pending',
      phase: 'pay',
      created: core.now(),
      updated: core.now(),
      attempts: 0,
      reserved: coins.map((c) => c.id),
      cs: 'cs2',
      currency: 'NCD',
      origin: new URL(world.shop.url).origin,
      offer,
      to: offer.body.payeeEncKey,
      receiptKey: offer.body.payeeSignKey,
      amount: 7,
      target: server.target,
      allowance: false,
      confirmations: 0,
      payment: {
        requestId: id,
        sid: offer.body.sid,
        coins: coins.map((c) => c.coin),
        certificates,
        replyKey: randomKey(core.p),
        sessionKey: randomKey(core.p),
      },
    };
    const tx = core.db.transaction(['coins', 'ops', 'tallies'], 'readwrite');
    await reserve(tx, coins, id);
    await tx.objectStore('ops').put(op);
    await tx.done;
    const bankBefore = (await wallet.bankStatement()).balance;
    const shopBefore = await world.shop.paywall.held();

    await wallet.recover();

    const settled = await core.db.get('ops', id);
    expect(settled).toMatchObject({
      status: 'rolled-back',
      lastError: { code: 'payment-refunded' },
    });
    // The 2 the payee's CS took came back as a fresh cs2 coin; the spent cs1 coin is written off.
    const now = await wallet.coinsOf('cs2');
    expect(sum(now)).toBe(2);
    expect(now.map((c) => c.id)).not.toEqual(own.map((c) => c.id));
    // The refund's coins were minted for the payee: exchanged for coins of this wallet's phrase.
    const swapped = (await core.db.getAll('ops')).find(
      (o) => o.kind === 'exchange' && o.purpose === 'refresh' && o.cs === 'cs2',
    );
    expect(swapped).toMatchObject({ status: 'done' });
    expect(now.map((c) => c.coin.body.serial)).not.toContain(
      swapped?.kind === 'exchange' ? swapped.request.instruments[0]?.coin.body.serial : '',
    );
    expect(await wallet.coinsOf('cs1')).toEqual([]);
    expect(await spendable(wallet)).toBe(2);
    expect(await reserved(wallet)).toBe(0);
    expect(await wallet.receipts()).toEqual([]);
    const lost = (await wallet.history()).filter((h) => h.kind === 'lost');
    expect(lost.reduce((s, h) => s + h.amount, 0)).toBe(-5);
    // Wallet 2 + its copy 5 + payee 0: what the two held before; no bank money moved.
    expect(2 + copyValue + (await world.shop.paywall.held()) - shopBefore).toBe(7);
    expect((await wallet.bankStatement()).balance).toBe(bankBefore);
    expect((await world.fed.audit()).problems).toEqual([]);
    wallet.close();
  });
});
