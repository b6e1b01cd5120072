/**
 * A currency server killed with SIGKILL in the middle of a stream of exchanges, restarted on
 * the same data (TESTING.md "Faults"): every acknowledged exchange is there (its new coins are
 * outstanding, its old ones are not), requests in flight at the kill complete when retried with
 * the same id, no serial is both spent and outstanding, and the audit balances.
 */
import { join } from 'node:path';
import type { Coin, CsRequest } from '@netcash/protocol';
import { openSqlite } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetcashChild, spawnNetcash } from '../testing/child.ts';
import { TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { createCsStore } from './store.ts';

const WORKERS = 4;
const ACKS_BEFORE_KILL = 40;

describe('kill -9 during exchanges', () => {
  let fed: Federation;
  let child: NetcashChild | undefined;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 0 });
  });
  afterAll(async () => {
    await child?.kill('SIGKILL');
    await fed?.stop();
  });

  const start = (port: string) =>
    spawnNetcash([
      'cs',
      '--name',
      'cs9',
      '--data',
      fed.dataDir,
      '--insurer',
      fed.insurer.url,
      '--bank',
      fed.bank.url,
      '--port',
      port,
    ]);

  it('keeps every acknowledged exchange and nothing twice', async () => {
    // A standalone CS: the insurer's operator registers it before it starts.
    await fed.enroll('cs9');
    child = await start('0');
    const url = child.url;
    const port = new URL(url).port;
    const alice = await TestClient.open(fed.bank.url);
    const bought = await alice.buy(
      url,
      Array.from({ length: WORKERS * 2 }, () => 10),
    );

    const wallet = new Map<string, Coin>(bought.map((c) => [c.body.serial, c]));
    const spent = new Set<string>();
    const pending: Extract<CsRequest, { op: 'exchange' }>[] = [];
    let acks = 0;
    let killed: Promise<void> | undefined;

    const worker = async (coins: Coin[]) => {
      for (;;) {
        const request = alice.exchangeRequest(coins, [10, 10]);
        const result = await alice.send(url, request);
        if (!result.ok) {
          pending.push(request); // in flight at the kill: outcome unknown until retried
          return;
        }
        for (const c of coins) {
          wallet.delete(c.body.serial);
          spent.add(c.body.serial);
        }
        for (const c of result.value.coins) wallet.set(c.body.serial, c);
        coins = result.value.coins;
        if (++acks === ACKS_BEFORE_KILL) killed = child!.kill('SIGKILL');
      }
    };
    await Promise.all(
      Array.from({ length: WORKERS }, (_, i) => worker(bought.slice(2 * i, 2 * i + 2))),
    );
    await killed;
    expect(acks).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
    // Each worker stopped at its first unanswered request (committed or not: retry tells).
    expect(pending).toHaveLength(WORKERS);

    child = await start(port);
    for (const request of pending) {
      const retried = await alice.send(url, request);
      expect(retried.ok).toBe(true);
      if (!retried.ok) continue;
      for (const i of request.instruments) {
        wallet.delete(i.coin.body.serial);
        spent.add(i.coin.body.serial);
      }
      for (const c of retried.value.coins) wallet.set(c.body.serial, c);
    }

    const report = await fed.audit();
    expect(report.problems).toEqual([]);
    expect(report.cs[0]?.outstanding).toEqual({ count: WORKERS * 2, value: WORKERS * 20 });

    await child.kill('SIGTERM');
    child = undefined;
    const store = await createCsStore(openSqlite(join(fed.dataDir, 'cs9', 'cs.db')));
    const outstanding = new Set((await store.snapshot()).serials);
    await store.close();
    expect(outstanding).toEqual(new Set(wallet.keys()));
    expect([...spent].filter((s) => outstanding.has(s))).toEqual([]);
  });
});
