/**
 * purse.ts against the plain way: balances and coin choices read from the `bySpend` index keys
 * equal what reading every coin row gives — expired coins left out, coins of an exchange in
 * flight still the shopper's, coins of a payment in flight reserved — and a payment takes the
 * earliest-expiring coins of each value. Also: a version-2 wallet's coins get the index on
 * upgrade.
 */
import 'fake-indexeddb/auto';
import { type Coin, planPayment, TrustStore } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import fc from 'fast-check';
import { deleteDB, openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { balances } from './balance.ts';
import { type Core, DEFAULT_NET } from './context.ts';
import { upgrade } from './db/migrations.ts';
import { openWalletDb } from './db/open.ts';
import type { CoinRow, WalletSchema } from './db/schema.ts';
import { putCoins } from './journal/journal.ts';
import type { ExchangeOp } from './journal/types.ts';
import { forAmount, holders, placeholders, take, valueCounts } from './purse.ts';

const NOW = 1_800_000_000;
let serial = 0;

function row(cs: string, value: number, expires: number, opId?: string): CoinRow {
  const s = `s${++serial}`;
  const coin: Coin = {
    body: {
      type: 'coin',
      scheme: 'nc1',
      cs,
      addr: 'http://127.0.0.1:1',
      certId: 'cert',
      serial: s,
      value,
      currency: 'NCD',
      expires,
    },
    sig: 'sig',
  };
  const base = {
    id: `${cs}/${s}`,
    cs,
    currency: 'NCD',
    value,
    expires,
    certId: 'cert',
    coin,
    added: 1,
  };
  return opId === undefined
    ? { ...base, state: 'spendable' }
    : { ...base, state: 'reserved', opId };
}

async function coreWith(name: string, rows: CoinRow[]): Promise<Core> {
  const db = await openWalletDb(name);
  // As the wallet writes coins: with their tallies (db/tally.ts).
  const tx = db.transaction(['coins', 'tallies'], 'readwrite');
  await putCoins(tx, rows);
  await tx.done;
  const exchange: ExchangeOp = {
    kind: 'exchange',
    purpose: 'refresh',
    id: 'ex1',
    status: 'pending',
    created: 1,
    updated: 1,
    attempts: 0,
    reserved: [],
    cs: 'cs1',
    currency: 'NCD',
    target: { certId: 'cert', encKey: 'key', addresses: [] },
    request: {
      requestId: 'ex1',
      op: 'exchange',
      instruments: [],
      want: { values: [10] },
      replyKey: 'key',
    },
  };
  await db.put('ops', exchange);
  return {
    db,
    p: nodeProvider,
    fetch,
    now: () => NOW,
    faults: {},
    nowMs: () => NOW * 1000,
    random: () => 0.5,
    sleep: async () => undefined,
    net: { ...DEFAULT_NET, timeoutMs: 1000 },
    trust: new TrustStore(nodeProvider, []),
    csNames: [],
  };
}

describe('the purse', () => {
  it('counts balances like reading every coin would', async () => {
    const rows = [
      row('cs1', 5, NOW + 100),
      row('cs1', 5, NOW + 50),
      row('cs1', 2, NOW + 100),
      row('cs1', 100, NOW - 1), // expired
      row('cs2', 20, NOW + 100),
      row('cs1', 10, NOW + 100, 'ex1'), // an exchange in flight: still the shopper's
      row('cs2', 50, NOW + 100, 'pay1'), // a payment in flight: reserved
    ];
    const core = await coreWith('purse-balances', rows);
    expect(await balances(core)).toEqual([
      {
        currency: 'NCD',
        spendable: 5 + 5 + 2 + 20 + 10,
        reserved: 50,
        // The expired 100 is owed no more: no certificate here gives it a redemption window.
        recovering: 0,
        coins: 6,
        byCs: {
          cs1: { spendable: 22, reserved: 0, recovering: 0, coins: 4 },
          cs2: { spendable: 20, reserved: 50, recovering: 0, coins: 2 },
        },
      },
    ]);
    core.db.close();
    await deleteDB('purse-balances');
  });

  it('takes the earliest-expiring coins of each value, and reads only those', async () => {
    const late = row('cs1', 5, NOW + 300);
    const early = row('cs1', 5, NOW + 10);
    const core = await coreWith('purse-take', [
      late,
      early,
      row('cs1', 2, NOW + 5),
      row('cs1', 5, NOW),
    ]);
    const tx = core.db.transaction('coins');
    const index = tx.store.index('bySpend');
    expect(await holders(index)).toEqual([['NCD', 'cs1']]);
    const counts = await valueCounts(index, 'NCD', 'cs1', 'spendable', NOW);
    expect([...counts.entries()]).toEqual([
      [2, 1],
      [5, 2],
    ]);
    const taken = await take(index, 'NCD', 'cs1', placeholders(counts).slice(0, 1), NOW);
    expect(taken.map((r) => r.id)).toEqual([early.id]);
    await tx.done;
    core.db.close();
    await deleteDB('purse-take');
  });

  it('plans a payment on coins capped for the amount as well as on all of them', () => {
    const DENOMS = [1, 2, 5, 10, 20, 50, 100, 200, 500];
    const sum = (coins: readonly { value: number }[]) => coins.reduce((s, c) => s + c.value, 0);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...DENOMS), fc.integer({ min: 1, max: 40 })), {
          maxLength: 9,
        }),
        fc.integer({ min: 1, max: 3000 }),
        (pairs, amount) => {
          const counts = new Map<number, number>();
          for (const [v, n] of pairs) counts.set(v, (counts.get(v) ?? 0) + n);
          const cap = forAmount(amount);
          const capped = new Map([...counts].map(([v, n]) => [v, Math.min(n, cap(v))]));
          const full = planPayment(placeholders(counts), amount, DENOMS);
          const cut = planPayment(placeholders(capped), amount, DENOMS);
          expect(cut?.kind).toBe(full?.kind);
          if (full?.kind === 'exact' && cut?.kind === 'exact') {
            expect(cut.coins.length).toBe(full.coins.length);
          }
          if (full?.kind === 'change' && cut?.kind === 'change') {
            expect(sum(cut.spend)).toBe(sum(full.spend));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('indexes the coins of a version-2 wallet on upgrade', async () => {
    const v2 = await openDB<WalletSchema>('purse-v2', 2, {
      upgrade(db, oldVersion, _newVersion, tx) {
        upgrade(db, oldVersion, 2, tx);
      },
    });
    await v2.put('coins', row('cs1', 7, NOW + 100));
    v2.close();
    const db = await openWalletDb('purse-v2');
    expect(await db.transaction('coins').store.index('bySpend').count()).toBe(1);
    db.close();
    await deleteDB('purse-v2');
  });
});
