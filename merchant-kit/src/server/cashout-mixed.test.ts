/**
 * A cash-out batch with bad coins in it, against a real federation: a CS refuses the whole batch
 * for one bad coin, so the merchant splits and probes it (cashout-probe.ts). The good coins reach
 * the publisher's bank account; each bad coin is written off with its reason and reported; the
 * store keeps nothing stale; the federation audit balances.
 *
 * The coins, as a publisher gets them:
 *   expired      held past their expiry *and* their redemption window (the shared clock moves on)
 *   revoked      paid under cs2's first certificate, which the insurer then revokes: not bad —
 *                their serials are outstanding at cs2, so it recoups them (PROTOCOL §4.7)
 *   double-spent cashed by someone else with a copy of the store's coins
 */
import { endpoint, nowSeconds, PATHS, postJson, RevocationList, unwrap } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { fetchOffer, pay, TestClient } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { publisherBooks } from '../admin/books.ts';
import { recordingLogger } from '../testing/log.ts';
import { RESOURCES, startMerchant, type TestMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';
import { createCatalogue } from './catalogue.ts';
import { DEFAULT_WRITE_OFF_RETENTION } from './config.ts';

const LIFETIME = 1_000;
/** The insurer's redemption window here: coins are cashed out for 500 s after they expire. */
const WINDOW = 500;
const DEMO_BALANCE = 10_000;

let clock = nowSeconds();

const world = useFederation({
  now: () => clock,
  coinLifetime: LIFETIME,
  redemptionWindow: WINDOW,
});

const cs2 = () => world.fed.cs[1]!;

/** Pays `path` with fresh cs2 coins of `values` (the merchant's own CS). */
async function buyArticle(merchant: TestMerchant, path: string, values: number[]): Promise<void> {
  const offer = await fetchOffer(p, merchant.resource(path));
  const coins = await world.shopper.buy(cs2().url, values);
  const paid = await pay(p, offer, coins, { certificates: [cs2().certificate()] });
  if (!paid.ok) throw paid.error;
}

async function heldSerials(merchant: TestMerchant): Promise<Set<string>> {
  return new Set((await merchant.paywall.store.heldCoins()).map((c) => c.serial));
}

async function bankBalance(merchant: TestMerchant): Promise<number> {
  const account = await merchant.paywall.store.getMeta('bank.account');
  const report = await world.fed.audit();
  return report.banks[0]?.accounts.find((a) => a.account === account)?.balance ?? Number.NaN;
}

describe('a cash-out batch with good and bad coins', () => {
  it('deposits the good coins, recoups the revoked ones and writes off only the bad ones, each with its reason', async () => {
    const log = recordingLogger();
    const merchant = await startMerchant(world.fed, { now: () => clock, log: log.logger });
    try {
      const t0 = clock;
      // Expired: 7 paid now, expiring at t0 + LIFETIME, redeemable until t0 + LIFETIME + WINDOW.
      await buyArticle(merchant, '/articles/b', [5, 2]);
      const expired = await heldSerials(merchant);
      // Revoked: 5 paid under cs2's first certificate; the insurer revokes it, cs2 gets new keys.
      clock = t0 + LIFETIME - 200;
      await buyArticle(merchant, '/articles/a', [5]);
      const revoked = new Set([...(await heldSerials(merchant))].filter((s) => !expired.has(s)));
      unwrap(
        await postJson(
          endpoint(world.fed.insurer.url, PATHS.insurer.adminRevoke),
          { certId: cs2().certificate().body.certId, reason: 'key compromised (test)' },
          RevocationList,
          { headers: { authorization: `Bearer ${world.fed.insurer.adminToken}` } },
        ),
      );
      await cs2().maintain();
      // Good: 25, and 5 more that a copy of the store cashes first (double-spent here).
      clock = t0 + LIFETIME - 100;
      await buyArticle(merchant, '/articles/c', [20, 5]);
      const beforeCopy = await heldSerials(merchant);
      await buyArticle(merchant, '/articles/a', [5]);
      const copied = (await merchant.paywall.store.heldCoins()).filter(
        (c) => !beforeCopy.has(c.serial),
      );
      const outsider = await TestClient.open(world.fed.bank.url, { now: () => clock });
      const taken = await outsider.exchange(
        cs2().url,
        copied.map((c) => c.coin),
        copied.map((c) => c.value),
      );
      expect(taken.reduce((s, c) => s + c.body.value, 0)).toBe(5);

      clock = t0 + LIFETIME + WINDOW + 1; // the 7 are past their window; the rest within theirs
      const held = await merchant.paywall.held();
      expect(held).toBe(5 + 7 + 25 + 5);
      // The publisher's demo account is opened by its first cash-out, with the demo balance.
      expect(await merchant.paywall.store.getMeta('bank.account')).toBeUndefined();
      const bankBefore = DEMO_BALANCE;

      const summary = await merchant.paywall.cashout();

      expect(summary.deposited).toBe(25 + 5);
      expect(summary.pending).toBe(0);
      expect(await bankBalance(merchant)).toBe(bankBefore + 25 + 5);
      const reasons = new Map(summary.writtenOff.map((w) => [w.serial, w.reason]));
      for (const s of revoked) expect(reasons.has(s)).toBe(false);
      for (const s of expired) expect(reasons.get(s)).toBe('expired');
      for (const c of copied) expect(reasons.get(c.serial)).toBe('double-spent');
      expect(reasons.size).toBe(expired.size + copied.length);
      expect(summary.writtenOff.reduce((s, w) => s + w.value, 0)).toBe(7 + 5);
      // Every cent paid in is accounted for: deposited + written off.
      expect(summary.deposited + summary.writtenOff.reduce((s, w) => s + w.value, 0)).toBe(held);

      // Nothing stale: no coin held or reserved, no cash-out left to drive; the write-offs stay.
      const store = merchant.paywall.store;
      expect(await store.heldCoins()).toEqual([]);
      expect(await merchant.paywall.held()).toBe(0);
      expect(await store.cashouts(['pending', 'checked'])).toEqual([]);
      expect((await store.writeOffs()).map((w) => w.serial).sort()).toEqual(
        [...reasons.keys()].sort(),
      );
      const deposited = await store.cashouts(['deposited']);
      expect(deposited.map((c) => c.amount).sort((a, b) => a - b)).toEqual([5, 25]);
      // Parts of the refused first batch; the 5 was recouped under the revoked certificate.
      expect(deposited.every((c) => c.parent !== null)).toBe(true);
      expect((await cs2().books()).recouped).toBe(5);

      // The publisher's log says it in words: value written off is a warning, each coin a line.
      expect(log.entries).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          msg: 'cash-out: 0.30 NCD deposited into your bank account, 0.12 NCD written off (3 coins refused by your currency server)',
        }),
      );
      const offLines = log.entries.filter((e) => e.msg.startsWith('coin written off: '));
      expect(offLines.map((e) => [e.level, e.fields['reason']]).sort()).toEqual(
        summary.writtenOff.map((w) => ['warn', w.reason]).sort(),
      );
      expect(offLines.map((e) => e.msg)).toContain('coin written off: 0.05 NCD, already spent');
      expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
      // Nothing was sent twice: a second run does nothing.
      const again = await merchant.paywall.cashout();
      expect(again).toMatchObject({ deposited: 0, writtenOff: [], pending: 0 });
      expect((await world.fed.audit()).problems).toEqual([]);

      // Past their retention the coins' lines go; the publisher's books still count their value.
      const booksOf = () => publisherBooks(store, createCatalogue(p, RESOURCES));
      expect(await booksOf()).toMatchObject({ writtenOff: 7 + 5, unaccounted: 0 });
      clock += DEFAULT_WRITE_OFF_RETENTION - 1;
      await merchant.paywall.recover();
      expect(await store.writeOffs()).toHaveLength(reasons.size);
      clock += 2;
      await merchant.paywall.recover();
      expect(await store.writeOffs()).toEqual([]);
      expect(await booksOf()).toMatchObject({ writtenOff: 7 + 5, unaccounted: 0 });
    } finally {
      await merchant.close();
    }
  });
});
