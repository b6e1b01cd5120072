/**
 * What each party learns from a payment with triplet coins (docs/PRIVACY.md "Triplets"; SPEC §6,
 * paper figure 6), checked on what it receives: every request the wallet sends the issuing CS is
 * opened with that CS's own key, as the CS opens it; the payee's part is the 1c plaintext the
 * wallet seals to it; a CS receipt is read as whoever is shown it reads it.
 *
 *   issuing CS  a triplet request shows K_B (the payee), the windows, coin values and a one-time
 *               owner key; its inputs are blind-rsa coins it never saw at withdrawal, and two
 *               triplet requests of one wallet share no key, tag or id; a claim shows the owner
 *               key of its own triplet again, and its coins get that request's tag — no other
 *   merchant    C_B and K_ses, as in any payment: nothing of C_A, the owner key or the tag
 *   receipt     the CS's receipt names the payee's key, the value and the triplet — no payor
 */
import { describe, expect, it } from 'vitest';
import { crashOnce } from '../faults.ts';
import type { PayOp } from '../journal/types.ts';
import { readyWallet, reopen } from '../testing/harness.ts';
import { csWiretap, ofOp, readBy } from '../testing/wiretap.ts';
import { useFederation } from '../testing/world.ts';

const DAY = 86_400;
let clock = 1_860_000_000;
const now = () => clock;
const world = useFederation({
  now,
  // Blind-rsa coins of large values only: every triplet of these prices makes change.
  blindRsa: { withdrawPeriod: 2 * DAY, denominations: [100, 200, 500] },
  shop: { triplets: {} },
});

describe('what each party learns from a payment with triplet coins', () => {
  it('the issuing CS: the payee key and a one-time owner key, never who asked; two triplet requests share nothing', async () => {
    const tap = csWiretap(world.fed);
    const t = await readyWallet(world.fed, {}, { now, fetch: tap.fetch });
    const w = t.wallet;
    await w.setSettings({ protectFrom: 0 });
    await w.buy(1000, 'cs1');
    const account = (await w.primaryAccount()).account;
    const bought = JSON.stringify(readBy(tap.seen, 'cs1'));
    for (const name of ['dear', 'odd']) {
      const offer = await world.shop.offer(name);
      const access = await w.pay(offer, world.shop.url, { approved: true });
      expect(await world.shop.access(offer.body.resource, access.authorization)).toBe(200);
    }
    const triplets = ofOp(tap.seen, 'cs1', 'triplet');
    expect(triplets).toHaveLength(2);
    for (const request of triplets) {
      // Learns: the payee's key and the terms.
      expect(request.want.payee).toBe(world.shop.paywall.payeeKey);
      // Cannot: who asked — blind-rsa inputs whose serials it never saw before, no account.
      expect(request.instruments.every((i) => i.coin.body.scheme === 'blind-rsa')).toBe(true);
      for (const i of request.instruments) expect(bought).not.toContain(i.coin.body.serial);
      expect(JSON.stringify(request)).not.toContain(account);
    }
    // Two protected payments of one wallet: no owner key, tag or id in common, and no tag the
    // wallet's other requests carried.
    const [a, b] = triplets as [(typeof triplets)[0], (typeof triplets)[0]];
    expect(a.want.owner).not.toBe(b.want.owner);
    expect(a.requestId).not.toBe(b.requestId);
    const tags = triplets.flatMap((r) => r.want.tag ?? []);
    expect(tags).toHaveLength(2);
    expect(new Set(tags).size).toBe(2);
    const others = readBy(tap.seen, 'cs1').filter((r) => r.op !== 'triplet');
    for (const tag of tags) expect(JSON.stringify(others)).not.toContain(tag);
    w.close();
  });

  it('the issuing CS links a claim to its own triplet only; the payee never sees C_A; the CS receipt names no payor', async () => {
    const tap = csWiretap(world.fed);
    const t = await readyWallet(world.fed, {}, { now, fetch: tap.fetch });
    await t.wallet.setSettings({ protectFrom: 0 });
    await t.wallet.buy(1000, 'cs1');
    // Never received: the claim brings coins. Taken, answer lost: the claim brings a receipt.
    const lostOffer = await world.shop.offer('dear');
    world.shop.setDown(true);
    const lost = t.wallet.pay(lostOffer, world.shop.url, { approved: true });
    await expect(lost).rejects.toMatchObject({ code: 'pending' });
    world.shop.setDown(false);
    const takenOffer = await world.shop.offer('odd');
    const crash = crashOnce('afterSend', { kind: 'pay', step: 'pay' });
    await reopen(t, crash, { now, fetch: tap.fetch });
    await expect(t.wallet.pay(takenOffer, world.shop.url, { approved: true })).rejects.toThrow();
    await world.shop.paywall.recover();
    world.shop.setDown(true);
    try {
      await reopen(t, {}, { now, fetch: tap.fetch });
      const ops = (await t.wallet.core.db.getAll('ops')).filter(
        (o): o is PayOp => o.kind === 'pay',
      );
      clock = Math.max(...ops.map((o) => o.protection!.dateB)) + 1;
      await t.wallet.recover();
    } finally {
      world.shop.setDown(false);
    }
    const triplets = ofOp(tap.seen, 'cs1', 'triplet');
    const claims = ofOp(tap.seen, 'cs1', 'claim');
    const ops = (await t.wallet.core.db.getAll('ops')).filter((o): o is PayOp => o.kind === 'pay');
    expect(claims.length).toBeGreaterThan(0);
    for (const claim of claims) {
      const a = claim.instruments[0].coin.body;
      const lock = a.scheme === 'nc1' ? a.lock : undefined;
      // Links: the claim to the triplet that made its C_A (the owner key), and its coins to
      // that request's change (the request's own tag) — to nothing else.
      const mine = triplets.filter((r) => r.want.owner === lock?.owner);
      expect(mine).toHaveLength(1);
      const op = ops.find((o) => o.protection?.request?.requestId === mine[0]!.requestId)!;
      const tag = op.protection!.tag!;
      expect(claim.want.tag).toBe(tag);
      if (mine[0]!.want.tag !== undefined) expect(mine[0]!.want.tag).toBe(tag);
      const elsewhere = readBy(tap.seen, 'cs1').filter(
        (r) => r !== mine[0] && !(r.op === 'claim' && r.want.tag === tag),
      );
      expect(JSON.stringify(elsewhere)).not.toContain(tag);
    }

    for (const op of ops) {
      // The payee gets the 1c plaintext: C_B and K_ses — no C_A, owner key or tag.
      const sent = JSON.stringify(op.payment);
      for (const held of op.protection!.held!) {
        expect(sent).not.toContain(held.a.body.serial);
        expect(sent).not.toContain(held.a.body.lock!.owner);
      }
      const request = triplets.find(
        (r) => r.want.owner === op.protection!.held![0]!.a.body.lock!.owner,
      )!;
      if (request.want.tag !== undefined) expect(sent).not.toContain(request.want.tag);
    }
    // The CS receipt says who was paid, what and when — nothing of the payor.
    const receipts = ops.flatMap((op) =>
      (op.protection?.claims ?? []).flatMap((c) =>
        c.outcome !== undefined && 'receipt' in c.outcome ? [c.outcome.receipt] : [],
      ),
    );
    expect(receipts.length).toBeGreaterThan(0);
    for (const receipt of receipts) {
      expect(Object.keys(receipt.body).sort()).toEqual(
        ['cs', 'currency', 'date', 'owner', 'serial', 'tripletId', 'type', 'value'].sort(),
      );
      expect(receipt.body.owner).toBe(world.shop.paywall.payeeKey);
    }
    t.wallet.close();
  });
});
