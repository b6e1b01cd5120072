import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from './client.ts';
import { type Federation, startFederation } from './federation.ts';

describe('startFederation', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation();
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('starts an insurer, a bank and two currency servers that answer health', async () => {
    expect(fed.cs.map((c) => c.name)).toEqual(['cs1', 'cs2']);
    for (const url of [fed.insurer.url, fed.bank.url, ...fed.cs.map((c) => c.url)]) {
      const res = await fetch(`${url}/v1/health`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('ok');
    }
    expect(fed.insurer.signKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('buys, exchanges and cashes out, with bank balances and books matching the audit', async () => {
    const alice = await TestClient.open(fed.bank.url);
    expect(await alice.balance()).toBe(10_000);
    const cs1 = fed.cs[0]!;

    const coins = await alice.buy(cs1.url, [500, 200, 50]);
    expect(coins.map((c) => c.body.value)).toEqual([500, 200, 50]);
    expect(await alice.balance()).toBe(10_000 - 750);
    let books = await cs1.books();
    expect(books.outstanding).toEqual({ count: 3, value: 750 });
    expect(books.minted).toBe(750);
    expect((await fed.audit()).problems).toEqual([]);

    const fresh = await alice.exchange(cs1.url, coins, [100, 100, 500, 50]);
    expect(fresh.map((c) => c.body.value).sort((a, b) => a - b)).toEqual([50, 100, 100, 500]);
    books = await cs1.books();
    expect(books.outstanding).toEqual({ count: 4, value: 750 });
    for (const c of coins) expect(await cs1.store.outstanding(c.body.serial)).toBeNull();
    for (const c of fresh) expect(await cs1.store.outstanding(c.body.serial)).not.toBeNull();

    const again = await alice.send(cs1.url, alice.exchangeRequest(coins, [500, 200, 50]));
    expect(codeOf(again)).toBe('double-spent');

    const check = await alice.cashout(cs1.url, fresh);
    expect(check.body.amount).toBe(750);
    books = await cs1.books();
    expect(books.outstanding).toEqual({ count: 0, value: 0 });
    expect(books.redeemed).toBe(750);
    // Before the deposit the check is owed by cs1: the audit nets it from cs1's balance.
    expect((await fed.audit()).problems).toEqual([]);
    await alice.deposit(check);
    expect(await alice.balance()).toBe(10_000);
    const report = await fed.audit();
    expect(report.problems).toEqual([]);
    expect(report.banks[0]?.ledgerSum).toBe(0);
  });
});

describe.skipIf(!postgresAvailable())('startFederation on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let fed: Federation;
  beforeAll(async () => {
    cluster = await startPostgres();
    fed = await startFederation({ store: 'postgres', postgresUrl: cluster.url });
  });
  afterAll(async () => {
    await fed?.stop();
    await cluster?.stop();
  });

  it('buys, exchanges, converts and cashes out with the same outcomes as on SQLite', async () => {
    const [cs1, cs2] = [fed.cs[0]!, fed.cs[1]!];
    expect(Object.keys(fed.databases).sort()).toEqual(['bank', 'cs1', 'cs2', 'insurer']);
    const alice = await TestClient.open(fed.bank.url);
    const merchant = await TestClient.open(fed.bank.url);
    const coins = await alice.buy(cs1.url, [1000, 500]);
    const fresh = await alice.exchange(cs1.url, coins, [500, 500, 500]);
    const atCs2 = await merchant.exchange(cs2.url, fresh, [1000, 500]);
    expect(atCs2.every((c) => c.body.cs === 'cs2')).toBe(true);
    const check = await merchant.cashout(cs2.url, atCs2);
    await merchant.deposit(check);
    expect(await merchant.balance()).toBe(10_000 + 1_500);
    expect(await alice.balance()).toBe(10_000 - 1_500);
    const report = await fed.audit();
    expect(report.problems).toEqual([]);
    expect(report.cs.map((b) => [b.csName, b.minted, b.redeemed])).toEqual([
      ['cs1', 1_500, 1_500],
      ['cs2', 1_500, 1_500],
    ]);
  });
});
