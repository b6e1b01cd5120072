/**
 * Double spending under concurrency (SPEC §4, §9): 50 concurrent attempts to spend the same coin
 * — in one process on SQLite (on its main thread, and on worker threads whose commits all go
 * through the main thread's one connection), and split across two currency server processes
 * (each with its worker threads) over one PostgreSQL database — end with exactly one success and
 * 49 `double-spent`, and the books balance; and a coin spent twice among 30 other exchanges sent
 * at once (committed in batches) is spent once, the others all go through.
 */
import type { Coin } from '@netcash/protocol';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetcashChild, spawnNetcash } from '../testing/child.ts';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

async function race(client: TestClient, urls: string[], coin: Coin, attempts: number) {
  // Every request is sealed before any is sent, so they arrive as close together as possible.
  const requests = Array.from({ length: attempts }, () =>
    client.exchangeRequest([coin], [coin.body.value]),
  );
  for (const url of urls) await client.info(url);
  const results = await Promise.all(requests.map((r, i) => client.send(urls[i % urls.length]!, r)));
  return results.map(codeOf);
}

/**
 * 30 exchanges of different coins and two spends of one more coin, all sent at once to `urls`
 * (they commit in batches, store-batch.ts): 31 succeed, one is `double-spent`, and each
 * refused or successful request leaves exactly its coins.
 */
async function crowd(client: TestClient, urls: string[], coins: Coin[]) {
  const [contested, ...others] = coins;
  const requests = [contested!, contested!, ...others].map((coin) =>
    client.exchangeRequest([coin], [coin.body.value]),
  );
  for (const url of urls) await client.info(url);
  const results = await Promise.all(requests.map((r, i) => client.send(urls[i % urls.length]!, r)));
  const codes = results.map(codeOf);
  expect(codes.slice(0, 2).sort()).toEqual(['double-spent', 'ok']);
  expect(codes.slice(2)).toEqual(Array(others.length).fill('ok'));
  // Every fresh coin is worth what it says: they exchange again, all together.
  const fresh = results.flatMap((r) => (r.ok ? r.value.coins : []));
  expect(fresh).toHaveLength(coins.length);
  return fresh;
}

describe.each([
  { mode: 'on the main thread', workers: 0 },
  { mode: 'on two worker threads', workers: 2 },
])('50 concurrent spends of one coin on SQLite, $mode', ({ workers }) => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 1, workers });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('lets exactly one succeed', async () => {
    const alice = await TestClient.open(fed.bank.url);
    const [coin] = await alice.buy(fed.cs[0]!.url, [100]);
    const codes = await race(alice, [fed.cs[0]!.url], coin!, 50);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'double-spent')).toHaveLength(49);
    expect((await fed.cs[0]!.books()).outstanding).toEqual({ count: 1, value: 100 });
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('spends one coin once among 30 other exchanges sent at once', async () => {
    const bob = await TestClient.open(fed.bank.url);
    const url = fed.cs[0]!.url;
    const coins = await bob.buy(url, Array(31).fill(10));
    const before = await fed.cs[0]!.books();
    const fresh = await crowd(bob, [url], coins);
    expect((await fed.cs[0]!.books()).outstanding).toEqual(before.outstanding);
    expect((await bob.exchange(url, fresh, [200, 100, 10])).map((c) => c.body.value)).toEqual([
      200, 100, 10,
    ]);
    expect((await fed.audit()).problems).toEqual([]);
  });
});

describe.skipIf(!postgresAvailable())(
  '50 concurrent spends across two CS processes on PostgreSQL',
  () => {
    let cluster: PostgresCluster;
    let fed: Federation;
    const children: NetcashChild[] = [];
    beforeAll(async () => {
      cluster = await startPostgres();
      fed = await startFederation({ store: 'postgres', postgresUrl: cluster.url, csCount: 1 });
      const cs1 = fed.cs[0]!;
      // Two more processes of cs1 over the same database and keys, certified at the same address.
      for (let i = 0; i < 2; i++) {
        children.push(
          await spawnNetcash([
            'cs',
            '--name',
            'cs1',
            '--data',
            fed.dataDir,
            '--postgres',
            fed.databases['cs1']!,
            '--insurer',
            fed.insurer.url,
            '--bank',
            fed.bank.url,
            '--port',
            '0',
            '--public-url',
            cs1.url,
          ]),
        );
      }
    }, 90_000);
    afterAll(async () => {
      for (const child of children) await child.kill();
      await fed?.stop();
      await cluster?.stop();
    });

    it('lets exactly one succeed, and the audit balances', async () => {
      const alice = await TestClient.open(fed.bank.url);
      const [coin] = await alice.buy(fed.cs[0]!.url, [200]);
      const codes = await race(
        alice,
        children.map((c) => c.url),
        coin!,
        50,
      );
      expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
      expect(codes.filter((c) => c === 'double-spent')).toHaveLength(49);
      expect((await fed.cs[0]!.books()).outstanding).toEqual({ count: 1, value: 200 });
      expect((await fed.audit()).problems).toEqual([]);
    });

    it('lets exactly one succeed in one process over PostgreSQL', async () => {
      const alice = await TestClient.open(fed.bank.url);
      const [coin] = await alice.buy(fed.cs[0]!.url, [50]);
      const codes = await race(alice, [fed.cs[0]!.url], coin!, 50);
      expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
      expect(codes.filter((c) => c === 'double-spent')).toHaveLength(49);
      expect((await fed.cs[0]!.books()).outstanding).toEqual({ count: 2, value: 250 });
      expect((await fed.audit()).problems).toEqual([]);
    });

    it('spends one coin once among 30 other exchanges sent at once to both processes', async () => {
      const bob = await TestClient.open(fed.bank.url);
      const coins = await bob.buy(fed.cs[0]!.url, Array(31).fill(10));
      const before = await fed.cs[0]!.books();
      const fresh = await crowd(
        bob,
        children.map((c) => c.url),
        coins,
      );
      expect((await fed.cs[0]!.books()).outstanding).toEqual(before.outstanding);
      expect(
        (await bob.exchange(children[0]!.url, fresh, [200, 100, 10])).map((c) => c.body.value),
      ).toEqual([200, 100, 10]);
      expect((await fed.audit()).problems).toEqual([]);
    });
  },
);
