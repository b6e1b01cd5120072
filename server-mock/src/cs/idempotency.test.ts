/**
 * Idempotency under a lossy network (docs/PROTOCOL.md §4.4): a reply lost on the wire is
 * recovered by retrying the *same* request — same coins, nothing minted or charged twice — and a
 * different request under a used id is refused. Faults come from a real proxy in front of the CS
 * (and between two CSs for `convert`); the books and the bank must balance after each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { startProxiedCs } from '../testing/proxied-cs.ts';
import type { RunningCs } from './server.ts';

describe('lost replies and reused request ids', () => {
  let fed: Federation;
  let proxy: FaultProxy;
  let alice: TestClient;

  beforeAll(async () => {
    fed = await startFederation({ outboundTimeoutMs: 1_500 });
    proxy = await startFaultProxy(fed.cs[0]!.url);
    alice = await TestClient.open(fed.bank.url);
    await alice.info(proxy.url); // cached: faults below hit the sealed requests only
  });
  afterAll(async () => {
    await proxy?.close();
    await fed?.stop();
  });

  for (const fault of ['drop-response', 'cut-response', 'drop-request'] as const) {
    it(`recovers the coins of an exchange after ${fault} by retrying the same request`, async () => {
      const cs1 = fed.cs[0]!;
      const coins = await alice.buy(cs1.url, [200, 100]);
      const before = await cs1.books();
      const request = alice.exchangeRequest(coins, [100, 100, 50, 50]);
      proxy.next(fault);
      const lost = await alice.send(proxy.url, request);
      expect(codeOf(lost)).toBe('upstream-unavailable');

      const retried = await alice.send(proxy.url, request);
      expect(retried.ok).toBe(true);
      const fresh = retried.ok ? retried.value.coins : [];
      const again = await alice.send(proxy.url, request);
      expect(again.ok && again.value.coins).toEqual(fresh);
      for (const c of fresh) expect(await cs1.store.outstanding(c.body.serial)).not.toBeNull();
      for (const c of coins) expect(await cs1.store.outstanding(c.body.serial)).toBeNull();
      const after = await cs1.books();
      expect(after.outstanding.count).toBe(before.outstanding.count + 2);
      expect(after.outstanding.value).toBe(before.outstanding.value);
      expect((await fed.audit()).problems).toEqual([]);
    });
  }

  it('charges a buy whose reply was lost once, and returns the same coins on retry', async () => {
    const cs1 = fed.cs[0]!;
    const balance = await alice.balance();
    const info = await alice.info(cs1.url);
    const request = alice.buyRequest(info.account, [500, 200]);
    proxy.next('drop-response');
    expect(codeOf(await alice.send(proxy.url, request))).toBe('upstream-unavailable');
    const retried = await alice.send(proxy.url, request);
    expect(retried.ok && retried.value.coins.map((c) => c.body.value)).toEqual([500, 200]);
    expect(await alice.balance()).toBe(balance - 700);
    // The same check under a new request id buys nothing.
    const replay = await alice.send(cs1.url, { ...request, ...alice.ids() });
    expect(codeOf(replay)).toBe('check-cleared');
    expect(await alice.balance()).toBe(balance - 700);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('refuses a different request under a used id and changes nothing', async () => {
    const cs1 = fed.cs[0]!;
    const coins = await alice.buy(cs1.url, [100]);
    const request = alice.exchangeRequest(coins, [50, 50]);
    expect((await alice.send(cs1.url, request)).ok).toBe(true);
    const more = await alice.buy(cs1.url, [20]);
    const before = await cs1.store.snapshot();
    const reused = await alice.send(cs1.url, {
      ...alice.exchangeRequest(more, [10, 10]),
      requestId: request.requestId,
    });
    expect(codeOf(reused)).toBe('request-id-reused');
    const sameIdOtherKey = await alice.send(cs1.url, {
      ...request,
      replyKey: alice.ids().replyKey,
    });
    expect(codeOf(sameIdOtherKey)).toBe('request-id-reused');
    expect(await cs1.store.snapshot()).toEqual(before);
  });

  describe('between two currency servers', () => {
    let cs3: RunningCs;
    let link: FaultProxy;
    beforeAll(async () => {
      // cs3 is certified at the proxy's address, so cs2's converts at cs3 cross the proxy.
      ({ cs: cs3, link } = await startProxiedCs(fed, 'cs3'));
    });
    afterAll(async () => {
      await cs3?.close();
      await link?.close();
    });

    it("converts once when the issuer's first reply is lost: cs2 sends the same convert again", async () => {
      const coins = await alice.buy(link.url, [500]);
      const merchant = await TestClient.open(fed.bank.url);
      const checksBefore = (await cs3.books()).checksWritten.length;
      link.next('drop-response');
      const paid = await merchant.send(fed.cs[1]!.url, merchant.exchangeRequest(coins, [500]));
      expect(paid.ok && paid.value.coins[0]?.body.cs).toBe('cs2');
      const converts = link.log.slice(-2);
      expect(converts.map((l) => l.fault)).toEqual(['drop-response', 'pass']);
      expect((await cs3.books()).checksWritten).toHaveLength(checksBefore + 1);
      expect((await fed.audit()).problems).toEqual([]);
    });

    for (const fault of ['drop-response', 'stall-response', 'stall'] as const) {
      it(`converts once when the issuer's replies stay lost (${fault}) and the payee retries`, async () => {
        const cs2 = fed.cs[1]!;
        const coins = await alice.buy(link.url, [500]);
        const merchant = await TestClient.open(fed.bank.url);
        const request = merchant.exchangeRequest(coins, [500]);
        const checksBefore = (await cs3.books()).checksWritten.length;
        // Every convert cs2 sends within its retry budget is lost.
        link.rule(() => fault);
        const failed = await merchant.send(cs2.url, request);
        link.rule(null);
        expect(codeOf(failed)).toBe(fault === 'drop-response' ? 'upstream-unavailable' : 'timeout');
        expect((await cs2.books()).pending.count).toBe(0);

        const retried = await merchant.send(cs2.url, request);
        expect(retried.ok && retried.value.coins[0]?.body.cs).toBe('cs2');
        // One check from cs3 to cs2, cleared once; cs2 minted the value once.
        const b3 = await cs3.books();
        expect(b3.checksWritten).toHaveLength(checksBefore + 1);
        expect(b3.outstanding.value).toBe(0);
        const report = await fed.audit();
        expect(report.problems).toEqual([]);
        expect(report.banks[0]!.cleared.filter((c) => c.drawer === b3.account)).toHaveLength(
          checksBefore + 1,
        );
      });
    }
  });
});
