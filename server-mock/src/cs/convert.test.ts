/**
 * Coins of one currency server accepted at another (SPEC §4 `convert`, paper §5.2.1): the
 * merchant's CS converts the shopper's coins at their issuer, deposits the check it receives at
 * the bank, and mints its own coins; the books of both and the bank's ledger stay balanced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

describe('convert: a coin minted by cs1 is accepted at cs2', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation();
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('exchanges cs1 coins at cs2 through a check that clears at the bank', async () => {
    const [cs1, cs2] = [fed.cs[0]!, fed.cs[1]!];
    const alice = await TestClient.open(fed.bank.url);
    const merchant = await TestClient.open(fed.bank.url);
    const coins = await alice.buy(cs1.url, [500, 100, 20]);

    const request = merchant.exchangeRequest(coins, [500, 100, 10, 10]);
    const first = await merchant.send(cs2.url, request);
    expect(first.ok).toBe(true);
    const minted = first.ok ? first.value.coins : [];
    expect(minted.every((c) => c.body.cs === 'cs2')).toBe(true);
    expect(minted.map((c) => c.body.value).reduce((a, b) => a + b)).toBe(620);

    const b1 = await cs1.books();
    const b2 = await cs2.books();
    expect(b1.outstanding.value).toBe(0);
    expect(b1.redeemed).toBe(620);
    expect(b1.checksWritten).toEqual([
      expect.objectContaining({ payee: cs2.info().account, amount: 620 }),
    ]);
    expect(b2.minted).toBe(620);
    expect(b2.deposited).toBe(620);
    expect(b2.outstanding).toEqual({ count: 4, value: 620 });
    const report = await fed.audit();
    expect(report.problems).toEqual([]);
    const account2 = report.banks[0]!.accounts.find((a) => a.account === cs2.info().account);
    expect(account2?.balance).toBe(620);
    expect(report.banks[0]!.cleared).toEqual([
      expect.objectContaining({ drawer: cs1.info().account, payee: cs2.info().account }),
    ]);

    // A retry of the same request gets the same coins; nothing converts or mints twice.
    const again = await merchant.send(cs2.url, request);
    expect(again.ok && again.value.coins.map((c) => c.body.serial)).toEqual(
      minted.map((c) => c.body.serial),
    );
    expect((await cs2.books()).minted).toBe(620);

    // The same cs1 coins under another request: cs1 says double-spent, cs2 passes it on.
    const before = await cs2.store.snapshot();
    const replay = await merchant.send(cs2.url, merchant.exchangeRequest(coins, [500, 100, 20]));
    expect(codeOf(replay)).toBe('double-spent');
    expect(await cs2.store.snapshot()).toEqual(before);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('refuses a convert payable to an account that is not the presenting CS', async () => {
    const alice = await TestClient.open(fed.bank.url);
    const coins = await alice.buy(fed.cs[0]!.url, [50]);
    const refused = await alice.send(fed.cs[0]!.url, {
      ...alice.ids(),
      op: 'convert',
      instruments: coins.map((coin) => ({ kind: 'coin', coin })),
      want: { cs: 'cs2', bank: alice.bank, payee: alice.account },
    });
    expect(codeOf(refused)).toBe('wrong-payee');
    expect((await fed.cs[0]!.store.outstanding(coins[0]!.body.serial))?.value).toBe(50);
  });

  it('refuses to mix own and foreign coins, and foreign coins of two issuers', async () => {
    const alice = await TestClient.open(fed.bank.url);
    const c1 = await alice.buy(fed.cs[0]!.url, [10]);
    const c2 = await alice.buy(fed.cs[1]!.url, [10]);
    const mixed = await alice.send(fed.cs[1]!.url, alice.exchangeRequest([...c1, ...c2], [20]));
    expect(codeOf(mixed)).toBe('malformed');
    expect((await fed.audit()).problems).toEqual([]);
  });
});
