/**
 * A cash-out killed in the middle of its probe, and started again: the publisher's cash-out
 * command (cli/main.ts) as a real process, SIGKILLed after its currency server refused a batch with a
 * double-spent coin in it and while the CS was writing the check for the good part (the reply
 * never came back). Restarted on the same SQLite file, it sends the journaled part again under the
 * same request id and deposits that one check: no coin lost, none cashed twice, the bad coins
 * written off, the federation's books balanced.
 *
 * The merchant's CS (cs3) is certified at a fault proxy's address, so every request the
 * cash-out sends crosses it and the test can hold a reply back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nodeProvider as p } from '@netcash/protocol/node';
import { fetchOffer, pay, TestClient } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { startMerchant, type TestMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';
import { openMerchantStore } from './store/sql-store.ts';

const CLI = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const DEMO_BALANCE = 10_000;

const world = useFederation({ proxiedCs: 'cs3' });

/** The audit of every CS the insurer certified, cs3 (through the proxy) included. */
function audit() {
  return world.fed.audit();
}

/** The publisher's cash-out command on `store`, as its own process. */
function cashoutCommand(store: string): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      'cashout',
      '--store',
      store,
      '--cs',
      world.proxied.link.url,
      '--bank',
      world.fed.bank.url,
      '--insurer',
      world.fed.insurer.url,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const done = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) console.error(out);
      resolve(code);
    }),
  );
  return { child, done };
}

async function buyArticle(merchant: TestMerchant, path: string, values: number[]) {
  const offer = await fetchOffer(p, merchant.resource(path));
  const coins = await world.shopper.buy(world.proxied.link.url, values);
  const paid = await pay(p, offer, coins, { certificates: [world.proxied.cs.certificate()] });
  if (!paid.ok) throw paid.error;
}

describe('a cash-out killed mid-probe', () => {
  it('continues after a restart with the same requests: good coins deposited once, bad ones written off', async () => {
    const merchant = await startMerchant(world.fed, { cs: world.proxied.link.url });
    await buyArticle(merchant, '/articles/a', [5]);
    await buyArticle(merchant, '/articles/c', [20, 5]);
    const before = new Set((await merchant.paywall.store.heldCoins()).map((c) => c.serial));
    await buyArticle(merchant, '/articles/b', [5, 2]);
    // Someone with a copy of the store cashes the 7 first: double-spent in this purse.
    const copied = (await merchant.paywall.store.heldCoins()).filter((c) => !before.has(c.serial));
    const outsider = await TestClient.open(world.fed.bank.url);
    await outsider.exchange(
      world.proxied.link.url,
      copied.map((c) => c.coin),
      copied.map((c) => c.value),
    );
    expect(await merchant.paywall.held()).toBe(37);
    await merchant.close();

    // First run: the batch is refused (double-spent) and split; the good part reaches cs3, which
    // writes its check, and the reply is held back. Then the process is killed.
    let sent = 0;
    world.proxied.link.rule((r) => {
      if (r.method !== 'POST' || !r.path.endsWith('/v1/requests')) return undefined;
      sent++;
      return sent === 2 ? 'stall-response' : undefined;
    });
    const checksBefore = (await world.proxied.cs.books()).checksWritten.length;
    const first = cashoutCommand(merchant.store);
    await expect
      .poll(async () => (await world.proxied.cs.books()).checksWritten.length, { timeout: 20_000 })
      .toBe(checksBefore + 1);
    first.child.kill('SIGKILL');
    expect(await first.done).toBeNull(); // killed, not finished
    world.proxied.link.rule(null);

    // What the killed run left: the refused batch split, its parts journaled, nothing lost.
    const store = await openMerchantStore(merchant.store);
    const all = await store.cashouts();
    expect(all.slice(0, 2).map((c) => [c.state, c.amount])).toEqual([
      ['split', 37],
      ['pending', 30], // the good part first: its check written at cs3, the reply lost
    ]);
    // Then the copied coins, each alone.
    expect(all.slice(2).map((c) => [c.state, c.amount, c.parent])).toEqual(
      expect.arrayContaining([
        ['pending', 5, all[0]!.id],
        ['pending', 2, all[0]!.id],
      ]),
    );
    expect(all).toHaveLength(4);
    const journaled = (await store.cashouts(['pending']))[0]!.request.requestId;
    await store.close();

    // Second run: the same part is sent again under its request id; cs3 answers with the check
    // it wrote, which is deposited; the copied coins are written off.
    const second = cashoutCommand(merchant.store);
    expect(await second.done).toBe(0); // finished: nothing left pending
    const after = await openMerchantStore(merchant.store);
    try {
      const deposited = await after.cashouts(['deposited']);
      expect(deposited.map((c) => [c.amount, c.request.requestId])).toEqual([[30, journaled]]);
      expect((await world.proxied.cs.books()).checksWritten).toHaveLength(checksBefore + 1); // written once
      const writeOffs = await after.writeOffs();
      expect(writeOffs.map((w) => [w.value, w.reason]).sort()).toEqual([
        [2, 'double-spent'],
        [5, 'double-spent'],
      ]);
      expect(await after.heldCoins()).toEqual([]);
      expect(await after.cashouts(['pending', 'checked'])).toEqual([]);
      const account = await after.getMeta('bank.account');
      const report = await audit();
      expect(report.problems).toEqual([]);
      expect(report.banks[0]?.accounts.find((a) => a.account === account)?.balance).toBe(
        DEMO_BALANCE + 30,
      );
    } finally {
      await after.close();
    }
  });
});
