/**
 * The bank balance the wallet shows is the bank's signed word (PROTOCOL §3.12): the real bank on
 * loopback signs its statement, the wallet checks it under the key pinned when the account was
 * opened and refuses, with `bad-statement`, one whose figures were changed on the way, one signed
 * by another key, and an old statement replayed to a new request.
 */
import { AccountStatement, decode, type FetchFn, sign, unwrap } from '@netcash/protocol';
import { nobleProvider as p } from '@netcash/protocol/noble';
import { describe, expect, it } from 'vitest';
import { readyWallet } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const world = useFederation({ csCount: 0 });

/** A fetch that hands every statement reply to `change` (null: pass it through). */
function tampering(): {
  fetch: FetchFn;
  set: (change: ((reply: AccountStatement) => AccountStatement) | null) => void;
} {
  let change: ((reply: AccountStatement) => AccountStatement) | null = null;
  return {
    set: (next) => {
      change = next;
    },
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (change === null || !String(input).endsWith('/v1/statement') || !response.ok) {
        return response;
      }
      const reply = change(unwrap(decode(AccountStatement, await response.json())));
      return new Response(JSON.stringify(reply), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    },
  };
}

describe('the bank statement', () => {
  it("shows the bank's signed balance and refuses an altered, forged or replayed one", async () => {
    const proxy = tampering();
    const { wallet } = await readyWallet(world.fed, {}, { fetch: proxy.fetch });
    const account = await wallet.primaryAccount();
    expect(account.bankKey).toBe(world.fed.servers.bank.signKey);

    const real = await wallet.bankStatement();
    expect(real).toMatchObject({
      bank: world.fed.bank.name,
      account: account.account,
      balance: 10_000,
    });
    const books = await world.fed.audit();
    expect(books.ok).toBe(true);

    // A proxy raises the balance: the signature no longer covers it.
    proxy.set((reply) => ({ ...reply, body: { ...reply.body, balance: 1_000_000 } }));
    await expect(wallet.bankStatement()).rejects.toMatchObject({
      code: 'bad-statement',
      message: expect.stringContaining(`not signed by ${world.fed.bank.name}`),
    });

    // Someone else signs a made-up statement for this very request.
    const impostor = p.ed25519.keygen();
    proxy.set((reply) => sign(p, impostor.secretKey, { ...reply.body, balance: 1_000_000 }));
    await expect(wallet.bankStatement()).rejects.toMatchObject({ code: 'bad-statement' });

    // The bank's own earlier statement, replayed to a new request: signed, but not this answer.
    let old: AccountStatement | undefined;
    proxy.set((reply) => {
      old ??= reply;
      return reply;
    });
    await wallet.bankStatement();
    proxy.set((reply) => old ?? reply);
    expect(old).toBeDefined();
    await expect(wallet.bankStatement()).rejects.toMatchObject({
      code: 'bad-statement',
      message: expect.stringContaining('not the one asked for now'),
    });

    proxy.set(null);
    expect((await wallet.bankStatement()).balance).toBe(10_000);
    wallet.close();
  });

  it('pins the bank key at the first statement of an account opened before statements were signed', async () => {
    const { wallet } = await readyWallet(world.fed);
    const { bankKey, ...before } = await wallet.primaryAccount();
    expect(bankKey).toBe(world.fed.servers.bank.signKey);
    await wallet.core.db.put('accounts', before);
    expect((await wallet.bankStatement()).balance).toBe(10_000);
    expect((await wallet.primaryAccount()).bankKey).toBe(world.fed.servers.bank.signKey);
    wallet.close();
  });
});
