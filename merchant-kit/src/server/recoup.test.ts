/**
 * A publisher holding coins under a certificate the insurer then revokes (docs/PROTOCOL.md §4.7):
 * its currency server still owes every one of them — their serials are outstanding with that
 * certificate and value — so the next cash-out recoups them all into the publisher's bank
 * account, nothing is written off, and payments go on under the CS's new certificate.
 */
import { endpoint, PATHS, postJson, RevocationList, unwrap } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { fetchOffer, pay } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { startMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';

const world = useFederation();

const cs2 = () => world.fed.cs[1]!;

describe('a merchant holding coins under a revoked certificate', () => {
  it('recoups them in full at its next cash-out', async () => {
    const merchant = await startMerchant(world.fed);
    try {
      const revokedCert = cs2().certificate().body.certId;
      // Three payments: coins of cs1 (converted) and of cs2, all held as cs2 coins.
      for (const [path, cs, values] of [
        ['/articles/a', world.fed.cs[0]!, [5]],
        ['/articles/b', cs2(), [5, 2]],
        ['/articles/c', cs2(), [20, 5]],
      ] as const) {
        const offer = await fetchOffer(p, merchant.resource(path));
        const coins = await world.shopper.buy(cs.url, [...values]);
        unwrap(await pay(p, offer, coins, { certificates: [cs.certificate()] }));
      }
      const held = await merchant.paywall.store.heldCoins();
      expect(
        held.every((c) => c.coin.body.scheme === 'nc1' && c.coin.body.certId === revokedCert),
      ).toBe(true);
      expect(await merchant.paywall.held()).toBe(37);

      unwrap(
        await postJson(
          endpoint(world.fed.insurer.url, PATHS.insurer.adminRevoke),
          { certId: revokedCert, reason: 'key compromised (test)' },
          RevocationList,
          { headers: { authorization: `Bearer ${world.fed.insurer.adminToken}` } },
        ),
      );
      await cs2().maintain();
      expect(cs2().certificate().body.certId).not.toBe(revokedCert);
      expect((await cs2().books()).revoked).toEqual({ count: held.length, value: 37 });

      const summary = await merchant.paywall.cashout();
      expect(summary).toMatchObject({ deposited: 37, writtenOff: [], pending: 0 });
      const account = await merchant.paywall.store.getMeta('bank.account');
      const report = await world.fed.audit();
      const publisher = report.banks[0]?.accounts.find((a) => a.account === account);
      expect(publisher?.balance).toBe(10_000 + 37);
      const books = await cs2().books();
      expect(books.recouped).toBe(37);
      expect(books.revoked).toEqual({ count: 0, value: 0 });
      expect(report.problems).toEqual([]);

      // Payments go on: new coins come under the new certificate.
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      unwrap(
        await pay(p, offer, await world.shopper.buy(cs2().url, [5]), {
          certificates: [cs2().certificate()],
        }),
      );
      const now = await merchant.paywall.store.heldCoins();
      expect(now.map((c) => c.coin.body.scheme === 'nc1' && c.coin.body.certId)).toEqual([
        cs2().certificate().body.certId,
      ]);
    } finally {
      await merchant.close();
    }
  });
});
