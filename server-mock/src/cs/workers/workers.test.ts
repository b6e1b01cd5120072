/**
 * Idempotency on worker threads (docs/PROTOCOL.md §4.4, issue #16): a CS with two worker threads
 * gets the same request many times at once — the copies are answered on different threads, each
 * opening, verifying and signing it on its own — and still mints, spends and charges once: every
 * copy gets the one stored reply, and a different request under an id in flight is refused
 * without touching its coins. On SQLite (the main thread's one connection) and on PostgreSQL.
 */
import type { Coin } from '@netcash/protocol';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../../testing/client.ts';
import { type Federation, startFederation } from '../../testing/federation.ts';

describe.each([
  { store: 'sqlite' as const, skip: false },
  { store: 'postgres' as const, skip: !postgresAvailable() },
])('a CS on two worker threads over $store', ({ store, skip }) => {
  let cluster: PostgresCluster | undefined;
  let fed: Federation;
  let alice: TestClient;
  beforeAll(async () => {
    if (skip) return;
    if (store === 'postgres') cluster = await startPostgres();
    fed = await startFederation({
      csCount: 1,
      workers: 2,
      ...(cluster === undefined ? {} : { store, postgresUrl: cluster.url }),
    });
    alice = await TestClient.open(fed.bank.url);
  }, 90_000);
  afterAll(async () => {
    await fed?.stop();
    await cluster?.stop();
  });

  it.skipIf(skip)(
    'answers 20 copies of one exchange sent at once with the same coins, minted once',
    async () => {
      const cs = fed.cs[0]!;
      const coins = await alice.buy(cs.url, [100, 20]);
      const before = await cs.books();
      const request = alice.exchangeRequest(coins, [50, 50, 10, 10]);
      const results = await Promise.all(
        Array.from({ length: 20 }, () => alice.send(cs.url, request)),
      );
      expect(results.map(codeOf)).toEqual(Array(20).fill('ok'));
      const minted = results.map((r) => (r.ok ? r.value.coins : []));
      for (const m of minted) expect(m).toEqual(minted[0]);
      expect(minted[0]!.map((c) => c.body.value)).toEqual([50, 50, 10, 10]);
      const after = await cs.books();
      expect(after.outstanding).toEqual({
        count: before.outstanding.count + 2,
        value: before.outstanding.value,
      });
      for (const c of minted[0]!) expect(await cs.store.outstanding(c.body.serial)).not.toBeNull();
      // The fresh coins are worth what they say: they exchange again.
      expect(
        (await alice.exchange(cs.url, minted[0]!, [100, 20])).map((c) => c.body.value),
      ).toEqual([100, 20]);
      expect((await fed.audit()).problems).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'charges one buy sent 10 times at once once, and answers every copy with its coins',
    async () => {
      const cs = fed.cs[0]!;
      const balance = await alice.balance();
      const info = await alice.info(cs.url);
      const request = alice.buyRequest(info.account, [200, 100]);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => alice.send(cs.url, request)),
      );
      expect(results.map(codeOf)).toEqual(Array(10).fill('ok'));
      const coins = results.map((r) => (r.ok ? r.value.coins : []));
      for (const c of coins) expect(c).toEqual(coins[0]);
      expect(await alice.balance()).toBe(balance - 300);
      expect((await fed.audit()).problems).toEqual([]);
    },
  );

  it.skipIf(skip)(
    'lets one of 10 different requests under one id through, and leaves the others\u2019 coins unspent',
    async () => {
      const cs = fed.cs[0]!;
      const owned: Coin[] = await alice.buy(cs.url, Array(10).fill(10));
      const before = await cs.books();
      const { requestId } = alice.ids();
      const requests = owned.map((coin) => ({
        ...alice.exchangeRequest([coin], [5, 5]),
        requestId,
      }));
      const codes = (await Promise.all(requests.map((r) => alice.send(cs.url, r)))).map(codeOf);
      expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
      expect(codes.filter((c) => c === 'request-id-reused')).toHaveLength(9);
      const after = await cs.books();
      expect(after.outstanding).toEqual({
        count: before.outstanding.count + 1,
        value: before.outstanding.value,
      });
      // The nine refused coins are still outstanding and spend normally.
      const refused = owned.filter((_, i) => codes[i] !== 'ok');
      for (const c of refused) expect(await cs.store.outstanding(c.body.serial)).not.toBeNull();
      expect(
        (await alice.exchange(cs.url, refused, [50, 20, 20])).map((c) => c.body.value),
      ).toEqual([50, 20, 20]);
      expect((await fed.audit()).problems).toEqual([]);
    },
  );
});
