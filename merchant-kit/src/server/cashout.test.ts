/**
 * Cash-out against a real federation: the merchant's coins become a check from its CS, endorsed and
 * deposited into the publisher's bank account — by command, automatically above a threshold, and
 * finished later when the bank could not be reached. The federation audit balances after each.
 */
import { nodeProvider as p } from '@netcash/protocol/node';
import { fetchOffer, pay } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { startMerchant, type TestMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';

/** The demo bank's starting balance (the federation's default). */
const DEMO_BALANCE = 10_000;

const world = useFederation();

async function buyArticle(merchant: TestMerchant, path: string, values: number[]): Promise<void> {
  const offer = await fetchOffer(p, merchant.resource(path));
  const paid = await pay(p, offer, await world.shopper.buy(world.fed.cs[0]!.url, values));
  if (!paid.ok) throw paid.error;
}

/** The merchant's bank balance, from the bank's books. */
async function bankBalance(merchant: TestMerchant): Promise<number> {
  const account = await merchant.paywall.store.getMeta('bank.account');
  const report = await world.fed.audit();
  expect(report.problems).toEqual([]);
  return report.banks[0]?.accounts.find((a) => a.account === account)?.balance ?? Number.NaN;
}

describe('cash-out', () => {
  it('cashes the coins held into the publisher account on command', async () => {
    const merchant = await startMerchant(world.fed);
    try {
      await buyArticle(merchant, '/articles/a', [5]);
      await buyArticle(merchant, '/articles/b', [5, 2]);
      await buyArticle(merchant, '/articles/c', [20, 5]);
      expect(await merchant.paywall.held()).toBe(37);
      // The audit counts the merchant's coins into its CS's outstanding value.
      const holdings = await merchant.paywall.holdings();
      expect(holdings).toMatchObject({ coins: { cs2: 37 }, checks: [] });
      const report = await world.fed.audit([holdings]);
      expect(report.problems).toEqual([]);
      expect(report.merchantsHold).toEqual({ cs2: 37 });
      expect(report.cs.find((b) => b.csName === 'cs2')?.outstanding.value).toBeGreaterThanOrEqual(
        37,
      );
      const summary = await merchant.paywall.cashout();
      expect(summary).toMatchObject({ deposited: 37, currency: 'NCD', pending: 0 });
      expect(summary.cashouts.map((c) => c.state)).toEqual(['deposited']);
      expect(await merchant.paywall.held()).toBe(0);
      // The demo account opened with the bank's starting balance; the cash-out came on top.
      expect(await bankBalance(merchant)).toBe(DEMO_BALANCE + 37);
      const cashouts = await merchant.paywall.store.cashouts();
      expect(cashouts).toHaveLength(1);
      expect(cashouts[0]?.check?.body).toMatchObject({
        amount: 37,
        payee: await merchant.paywall.store.getMeta('bank.account'),
      });
      // Nothing left: a second run deposits nothing.
      expect((await merchant.paywall.cashout()).deposited).toBe(0);
      expect(await bankBalance(merchant)).toBe(DEMO_BALANCE + 37);
    } finally {
      await merchant.close();
    }
  });

  it('cashes out by itself once the coins held reach the threshold', async () => {
    const merchant = await startMerchant(world.fed, { cashoutAbove: 10 });
    try {
      await buyArticle(merchant, '/articles/a', [5]);
      expect(await merchant.paywall.held()).toBe(5);
      await buyArticle(merchant, '/articles/b', [5, 2]);
      await expect.poll(() => merchant.paywall.held(), { timeout: 10_000 }).toBe(0);
      await expect
        .poll(async () => (await merchant.paywall.store.cashouts(['deposited'])).length)
        .toBe(1);
      expect(await bankBalance(merchant)).toBe(DEMO_BALANCE + 12);
    } finally {
      await merchant.close();
    }
  });

  it('finishes a cash-out whose deposit could not reach the bank', async () => {
    let failDeposits = true;
    const merchant = await startMerchant(world.fed, {
      fetch: async (input, init) => {
        if (failDeposits && input.endsWith('/v1/deposits')) throw new TypeError('bank down (test)');
        return fetch(input, init);
      },
    });
    try {
      await buyArticle(merchant, '/articles/c', [20, 5]);
      const first = await merchant.paywall.cashout();
      expect(first).toMatchObject({ deposited: 0, pending: 25 });
      const [waiting] = await merchant.paywall.store.cashouts(['checked']);
      expect(waiting?.amount).toBe(25);
      expect(await merchant.paywall.held()).toBe(0); // the coins became the check
      // The check it waits on is one cs2 wrote and the bank has not cleared; a made-up one is not.
      const holdings = await merchant.paywall.holdings();
      expect(holdings.checks).toEqual([
        { cs: 'cs2', checkNo: waiting?.check?.body.checkNo, amount: 25 },
      ]);
      expect((await world.fed.audit([holdings])).problems).toEqual([]);
      const madeUp = { ...holdings, checks: [{ cs: 'cs2', checkNo: 'made-up', amount: 25 }] };
      expect((await world.fed.audit([madeUp])).problems).toEqual([
        expect.stringContaining('holds check made-up (25) that cs2 did not write'),
      ]);
      failDeposits = false;
      await merchant.paywall.recover();
      expect((await merchant.paywall.store.cashouts(['deposited'])).map((c) => c.amount)).toEqual([
        25,
      ]);
      expect(await bankBalance(merchant)).toBe(DEMO_BALANCE + 25);
    } finally {
      await merchant.close();
    }
  });
});
