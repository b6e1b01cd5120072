/**
 * The currency server's bank client under the one retry policy: a deposit whose request or reply
 * was lost on the way is sent again at once, and the bank (idempotent for the same check into the
 * same account) credits it exactly once.
 */
import { toB64u } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../testing/client.ts';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { createBankClient } from './bank-client.ts';

describe('bank client', () => {
  let fed: Federation;
  let proxy: FaultProxy;
  let payer: TestClient;
  let payee: TestClient;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 0, demoBalance: 1_000 });
    proxy = await startFaultProxy(fed.bank.url);
    payer = await TestClient.open(fed.bank.url);
    payee = await TestClient.open(fed.bank.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await fed?.stop();
  });

  function client() {
    // The payee endorses with its own account key, as a CS does with its.
    return createBankClient({
      p,
      url: proxy.url,
      accountKey: { ...payee.accountKey, public: toB64u(payee.accountKey.publicKey) },
      account: () => payee.account,
      now: () => Math.floor(Date.now() / 1000),
      timeoutMs: 2_000,
    });
  }

  it('re-sends a deposit whose request was dropped', async () => {
    proxy.next('drop-request');
    const reply = await client().deposit(payer.writeCheck(payee.account, 100));
    expect(reply.ok).toBe(true);
    expect(proxy.log.slice(-2).map((l) => l.fault)).toEqual(['drop-request', 'pass']);
    expect(await payee.balance()).toBe(1_100);
  });

  it('re-sends a deposit whose reply was lost; the bank credits it once', async () => {
    proxy.next('drop-response');
    const reply = await client().deposit(payer.writeCheck(payee.account, 50));
    expect(reply.ok).toBe(true);
    expect(proxy.log.slice(-2).map((l) => l.fault)).toEqual(['drop-response', 'pass']);
    expect(await payee.balance()).toBe(1_150);
    expect(await payer.balance()).toBe(850);
    expect((await fed.audit()).problems).toEqual([]);
  });
});
