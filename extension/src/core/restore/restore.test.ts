/**
 * A wallet rebuilt from its recovery phrase (SPEC §13, docs/PROTOCOL.md §4.8), against real
 * federations on SQLite and on PostgreSQL: a wallet buys nc1 and blind-rsa coins at two
 * currency servers, pays, refreshes, lives through a certificate rotation and a change of
 * denomination keys (their private parts deleted), buys and pays again; its database is deleted;
 * a new wallet that adopts the phrase reconnects to the same bank account and restores exactly
 * the spendable balance the lost one had; a second restore changes nothing. The restored wallet
 * pays; a copy of the original restores too and writes off the coins it spent. Then the original
 * and the restored wallet both cash everything out: each coin is taken once, the bank receives
 * the balance once, and the audit balances.
 */
import 'fake-indexeddb/auto';
import type { AnyCoin } from '@netcash/protocol';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Federation,
  openWallet,
  PRICES,
  readyWallet,
  spendable,
  startFederation,
  startShop,
  type TestShop,
} from '../testing/harness.ts';
import type { Wallet } from '../wallet.ts';

const DAY = 86_400;

const engines = [
  { name: 'SQLite', pg: false },
  ...(postgresAvailable() ? [{ name: 'PostgreSQL', pg: true }] : []),
];

describe.each(engines)('restore from the recovery phrase, currency servers on $name', ({ pg }) => {
  let clock = 1_880_000_000;
  const now = () => clock;
  let cluster: PostgresCluster | undefined;
  let fed: Federation;
  let shop: TestShop;

  beforeAll(async () => {
    cluster = pg ? await startPostgres() : undefined;
    fed = await startFederation({
      now,
      // Blind-rsa keys for the small values only: buys get nc1 and blind-rsa coins.
      blindRsa: { withdrawPeriod: 2 * DAY, denominations: [1, 2, 5, 10, 20, 50] },
      coinLifetime: 20 * DAY,
      redemptionWindow: 5 * DAY,
      ...(cluster === undefined ? {} : { store: 'postgres', postgresUrl: cluster.url }),
    });
    shop = await startShop(fed, fed.cs[1]!.url, now);
  }, 60_000);
  afterAll(async () => {
    await shop?.close();
    await fed?.stop();
    await cluster?.stop();
  });

  const schemesOf = async (wallet: Wallet) => {
    const rows = [...(await wallet.coinsOf('cs1')), ...(await wallet.coinsOf('cs2'))];
    return new Set(rows.map((r) => (r.coin as AnyCoin).body.scheme));
  };

  const payFor = async (wallet: Wallet, name: string) => {
    const offer = await shop.offer(name);
    const access = await wallet.pay(offer, shop.url, { approved: true });
    expect(await shop.access(offer.body.resource, access.authorization)).toBe(200);
  };

  let phrase = '';
  let lost = 0;
  let original: Wallet;

  it('gives back exactly the spendable balance of a wallet whose database was deleted', async () => {
    const t = await readyWallet(fed, {}, { now });
    const a = t.wallet;
    phrase = (await a.recovery.phrase()).words.join(' ');
    expect(phrase.split(' ')).toHaveLength(12);
    const account = (await a.primaryAccount()).account;

    await a.buy(1500, 'cs1');
    await a.buy(800, 'cs2');
    expect(await schemesOf(a)).toEqual(new Set(['nc1', 'blind-rsa']));
    await payFor(a, 'odd');
    await payFor(a, 'cheap');
    await a.refresh();
    // The CSs rotate: a new certificate at cs1; the first denomination keys stop withdrawing
    // (their private keys are deleted) and new ones take over.
    await fed.cs[0]!.rotateKeys();
    clock += 3 * DAY;
    for (const cs of fed.cs) await cs.maintain();
    await a.refreshTrust();
    await a.buy(300, 'cs1');
    await payFor(a, 'dear');
    await a.refresh();
    lost = await spendable(a);
    expect(lost).toBe(1500 + 800 + 300 - PRICES['odd']! - PRICES['cheap']! - PRICES['dear']!);
    expect(await a.pendingOps()).toEqual([]);
    const lostByCs = await byCs(a);
    expect(lostByCs['cs1']).toBeGreaterThan(0);
    expect(lostByCs['cs2']).toBeGreaterThan(0);

    // Keep a copy of the original (for the next test), then lose this one's database.
    original = (await openWallet(`${t.dbName}-copy`, {}, { now })).wallet;
    await copyDatabase(a, original);
    a.close();
    await deleteDatabase(t.dbName);

    const { wallet: b } = await openWallet(undefined, {}, { now });
    await b.recovery.adopt(phrase);
    expect((await b.recovery.phrase()).confirmed).toBe(true);
    await b.trustInsurer(fed.insurer.signKey, fed.insurer.url);
    // The same derived key: the bank answers with the same account, and no new demo money.
    expect((await b.connectBank(fed.bank.url, 'Restored')).account).toBe(account);
    const report = await b.recovery.restore();
    expect(report.spent).toBeGreaterThan(0);
    expect(await spendable(b)).toBe(lost);
    // Found at every currency server, each its own part.
    expect(await byCs(b)).toEqual(lostByCs);
    expect(Object.keys(report.byCs).sort()).toEqual(['cs1', 'cs2']);
    expect(b.recovery.progress?.phase).toBe('done');
    // Blind-rsa coins keep r⁻¹ on their rows, as withdrawn ones do: a recoup needs it.
    const blindRows = (await b.core.db.getAll('coins')).filter(
      (r) => r.coin.body.scheme === 'blind-rsa',
    );
    expect(blindRows.length).toBeGreaterThan(0);
    expect(blindRows.every((r) => r.blinding !== undefined)).toBe(true);
    const history = await b.history();
    expect(history.filter((h) => h.kind === 'restored').reduce((s, h) => s + h.amount, 0)).toBe(
      lost,
    );

    // Again: nothing new, nothing lost.
    const again = await b.recovery.restore();
    expect(again.added).toBe(0);
    expect(await spendable(b)).toBe(lost);
    expect((await fed.audit([await shop.paywall.holdings()])).problems).toEqual([]);

    // The restored wallet pays on.
    await payFor(b, 'other');
    expect(await spendable(b)).toBe(lost - PRICES['other']!);
    // The original (a copy on another device) restores too: the coins the restored wallet spent
    // are written off, its change comes in — both copies hold the same value again.
    const mark = await original.recovery.restore();
    expect(mark.writtenOff).toBeGreaterThan(0);
    expect(await spendable(original)).toBe(lost - PRICES['other']!);
    expect((await original.history()).map((h) => h.kind)).toContain('lost');

    // Both the original and the restored wallet now cash out everything: each coin goes once.
    const bank = async () => (await b.bankStatement()).balance;
    const before = await bank();
    const held = (await spendable(original)) + (await spendable(b));
    expect(held).toBe(2 * (lost - PRICES['other']!));
    for (const w of [original, b]) await cashOutAll(w);
    expect(await spendable(original)).toBe(0);
    expect(await spendable(b)).toBe(0);
    expect((await bank()) - before).toBe(lost - PRICES['other']!);
    expect((await fed.audit([await shop.paywall.holdings()])).problems).toEqual([]);
    original.close();
    b.close();
  }, 120_000);

  it('brings back coins that expired while the wallet was lost, inside their redemption window', async () => {
    const t = await readyWallet(fed, {}, { now });
    await t.wallet.buy(250, 'cs1');
    const phrase2 = (await t.wallet.recovery.phrase()).words.join(' ');
    t.wallet.close();
    await deleteDatabase(t.dbName);
    // 21 days later: the coins (20-day lifetime) expired; their issuer owes them 5 days more.
    clock += 21 * DAY;
    for (const cs of fed.cs) await cs.maintain();
    const { wallet: b } = await openWallet(undefined, {}, { now });
    await b.recovery.adopt(phrase2);
    await b.trustInsurer(fed.insurer.signKey, fed.insurer.url);
    await b.connectBank(fed.bank.url, 'Restored late');
    await b.recovery.restore();
    // Renewed at the issuer by the refresh that ends the restore: spendable again, whole.
    expect(await spendable(b)).toBe(250);
    expect((await b.history()).map((h) => h.kind)).toContain('recovered');
    expect((await fed.audit([await shop.paywall.holdings()])).problems).toEqual([]);
    b.close();
  }, 120_000);
});

/** Spendable value per currency server. */
async function byCs(w: Wallet): Promise<Record<string, number>> {
  const ncd = (await w.balances()).find((b) => b.currency === 'NCD');
  return Object.fromEntries(Object.entries(ncd?.byCs ?? {}).map(([cs, t]) => [cs, t.spendable]));
}

/** Cashes every coin of every CS out; coins another wallet spent first are written off. */
async function cashOutAll(w: Wallet): Promise<void> {
  for (let round = 0; round < 6; round++) {
    for (const cs of ['cs1', 'cs2']) {
      if ((await w.coinsOf(cs)).length > 0) await w.cashout(cs).catch(() => null);
    }
    await w.recover();
    if ((await spendable(w)) === 0 && (await w.pendingOps()).length === 0) return;
  }
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((done, fail) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => done();
    request.onerror = () => fail(request.error);
    request.onblocked = () => done();
  });
}

/** Every row of every store of `from` into `to` (a second device with the same wallet). */
async function copyDatabase(from: Wallet, to: Wallet): Promise<void> {
  const stores = [...from.core.db.objectStoreNames];
  for (const store of stores) {
    await to.core.db.clear(store);
    for (const row of await from.core.db.getAll(store)) await to.core.db.put(store, row);
  }
  to.core.seed = from.core.seed;
  await to.refreshTrust();
}
