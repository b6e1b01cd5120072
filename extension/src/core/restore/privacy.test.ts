/**
 * What a currency server learns from a restore (docs/PROTOCOL.md §4.8, "What the CS learns"),
 * checked on the requests themselves: every request a restoring wallet sends is opened with the
 * CS's own key, as the CS opens it. A restore and its status checks take no instrument but the
 * wallet's blind-rsa coins, name no account, change nothing at the CS; each CS gets only its own
 * tag secrets (they find nothing at another CS) and none for a day after tomorrow; the blinded
 * messages it had signed are exactly the wallet's withdrawals there; the triplet request ids it is
 * asked for are the phrase's for its own name and the days a triplet could still be claimed
 * (sealed like the secrets); and the tags never travel
 * in a coin, so a payee given the coins has nothing to restore them with. (And the progress a
 * restore reports, CS by CS and phase by phase.)
 */
import 'fake-indexeddb/auto';
import { fromB64u, restoreTag, toB64u, withdrawalHash } from '@netcash/protocol';
import { nobleProvider as p } from '@netcash/protocol/noble';
import { describe, expect, it } from 'vitest';
import { openWallet, readyWallet } from '../testing/harness.ts';
import { csWiretap, ofOp } from '../testing/wiretap.ts';
import { useFederation } from '../testing/world.ts';
import { TRIPLET_REACH } from '../triplets/make.ts';
import { dayOf, tagSecret, tripletSecrets } from './derive.ts';
import { type RestoreProgress, restoreCoins } from './restore.ts';
import { TRIPLET_WINDOW } from './triplets.ts';

const DAY = 86_400;
const clock = 1_890_000_000;
const now = () => clock;

const world = useFederation({
  now,
  blindRsa: { withdrawPeriod: 2 * DAY, denominations: [1, 2, 5, 10, 20, 50] },
  shop: true,
});

describe('what a currency server learns from a restore', () => {
  it('only its own tag secrets and the blinded messages it signed; nothing changes, no account', async () => {
    const before = csWiretap(world.fed);
    const { wallet: a } = await readyWallet(world.fed, {}, { now, fetch: before.fetch });
    await a.buy(900, 'cs1');
    await a.buy(700, 'cs2');
    // The coins as a payee would see them, before some are paid away.
    const given = JSON.stringify([await a.coinsOf('cs1'), await a.coinsOf('cs2')]);
    const offer = await world.shop.offer('odd');
    await a.pay(offer, world.shop.url, { approved: true });
    const phrase = (await a.recovery.phrase()).words.join(' ');
    const account = (await a.primaryAccount()).account;
    // What the lost wallet sent when it got coins: tags on nc1 outputs, blinded messages.
    const minted = (cs: string) =>
      [...ofOp(before.seen, cs, 'buy'), ...ofOp(before.seen, cs, 'exchange')].map((r) => r.want);
    const tagsAt = (cs: string) => new Set(minted(cs).flatMap((w) => w.tag ?? []));
    const withdrawnAt = (cs: string) =>
      new Set(minted(cs).flatMap((w) => (w.blinded ?? []).map((b) => b.msg)));
    for (const cs of ['cs1', 'cs2']) {
      expect(tagsAt(cs).size).toBeGreaterThan(0);
      expect(withdrawnAt(cs).size).toBeGreaterThan(0);
    }

    const after = csWiretap(world.fed);
    const { wallet: b } = await openWallet(undefined, {}, { now, fetch: after.fetch });
    await b.recovery.adopt(phrase);
    await b.trustInsurer(world.fed.insurer.signKey, world.fed.insurer.url);
    await b.connectBank(world.fed.bank.url, 'Restored');
    after.seen.length = 0;
    const books = await Promise.all(world.fed.cs.map((cs) => cs.store.snapshot()));
    const told: RestoreProgress[] = [];
    const report = await restoreCoins(b.core, (progress) => told.push(progress));
    // Progress, as the restore page shows it: each CS and phase, then done with the total.
    expect(told.map((t) => `${t.cs} ${t.phase}`)).toEqual([
      'cs1 nc1',
      'cs1 blind-rsa',
      'cs1 status',
      'cs1 triplets',
      'cs2 nc1',
      'cs2 blind-rsa',
      'cs2 status',
      'cs2 triplets',
      ' done',
    ]);
    const total = Object.values(report.byCs).reduce((sum, c) => sum + c.value, 0);
    expect(told.at(-1)).toMatchObject({ done: 2, servers: 2, value: total });
    expect(report.byCs['cs1']!.coins).toBeGreaterThan(0);
    expect(report.byCs['cs2']!.coins).toBeGreaterThan(0);
    // Read-only: no serial, spent entry, stored request or book entry changed at any CS.
    expect(await Promise.all(world.fed.cs.map((cs) => cs.store.snapshot()))).toEqual(books);

    // Only restore and status, and no bank account in any of them.
    expect(new Set(after.seen.map((s) => s.request.op))).toEqual(new Set(['restore', 'status']));
    for (const s of after.seen) expect(JSON.stringify(s.request)).not.toContain(account);

    const seed = b.core.seed!;
    const secretsAt = (cs: string) =>
      new Set(ofOp(after.seen, cs, 'restore').flatMap((r) => r.want.secrets ?? []));
    for (const [cs, other] of [
      ['cs1', 'cs2'],
      ['cs2', 'cs1'],
    ] as const) {
      const secrets = secretsAt(cs);
      // The secrets find every tag the wallet's coins got here, and none of the other CS's.
      const tags = new Set([...secrets].map((s) => restoreTag(p, s)));
      expect([...tagsAt(cs)].every((t) => tags.has(t))).toBe(true);
      expect([...tagsAt(other)].some((t) => tags.has(t))).toBe(false);
      // Today's secret went, nothing about later days: no secret past tomorrow's.
      expect(secrets.has(toB64u(tagSecret(seed, cs, dayOf(clock))))).toBe(true);
      expect(secrets.has(toB64u(tagSecret(seed, cs, dayOf(clock) + 2)))).toBe(false);
      // So for triplet requests' tags (their change and claims): today's first, none after.
      const tripletTag = (day: number, n: number) =>
        toB64u(tripletSecrets(seed, cs, day, n).tagSecret);
      expect(secrets.has(tripletTag(dayOf(clock), 0))).toBe(true);
      expect(secrets.has(tripletTag(dayOf(clock) + 2, 0))).toBe(false);
      expect(secrets.has(toB64u(tripletSecrets(seed, other, dayOf(clock), 0).tagSecret))).toBe(
        false,
      );
      // Sealed: an observer of the wire sees none of them.
      for (const s of after.seen.filter((x) => x.cs === cs)) {
        expect([...secrets].some((secret) => s.body.includes(secret))).toBe(false);
      }
      // Triplet requests (none made): the ids of this CS's first window of requests of each day
      // a triplet made then could still be claimed (from its first certificate), to tomorrow —
      // nothing of later days, nothing of the other CS.
      const ids = ofOp(after.seen, cs, 'restore').flatMap((r) => r.want.requests ?? []);
      const probed = new Set<string>();
      const issued = Math.min(...b.core.trust.certificatesOf(cs).map((c) => c.issued));
      const from = Math.max(dayOf(clock - TRIPLET_REACH), dayOf(issued));
      for (let day = from; day <= dayOf(clock) + 1; day++) {
        for (let n = 0; n < TRIPLET_WINDOW; n++) {
          probed.add(tripletSecrets(seed, cs, day, n).requestId);
        }
      }
      expect(new Set(ids)).toEqual(probed);
      expect(ids.some((id) => tripletSecrets(seed, other, dayOf(clock), 0).requestId === id)).toBe(
        false,
      );
      for (const s of after.seen.filter((x) => x.cs === cs)) {
        expect(ids.some((id) => s.body.includes(id))).toBe(false);
      }

      // Blind-rsa: of the blinded messages asked about, the CS holds a signature for exactly
      // those it signed for the wallet at withdrawal — the rest it never saw signed.
      const asked = ofOp(after.seen, cs, 'restore').flatMap((r) => r.want.blinded ?? []);
      const withdrawn = withdrawnAt(cs);
      expect(new Set(asked.filter((b) => withdrawn.has(b.msg)).map((b) => b.msg)).size).toBe(
        withdrawn.size,
      );
      const known = await signedHere(cs, asked);
      expect(known).toEqual(withdrawn);

      // status: only the wallet's rebuilt blind-rsa coins, no nc1 coin (their rows said enough).
      const checked = ofOp(after.seen, cs, 'status').flatMap((r) => r.instruments);
      expect(checked.length).toBe(withdrawn.size);
      expect(checked.every((i) => i.coin.body.scheme === 'blind-rsa')).toBe(true);
    }

    // The tags stay with the CS: no coin carries one, so a payee given coins has none to send.
    const coins = `${given}${JSON.stringify([await b.coinsOf('cs1'), await b.coinsOf('cs2')])}`;
    for (const tag of [...tagsAt('cs1'), ...tagsAt('cs2')]) expect(coins).not.toContain(tag);
    a.close();
    b.close();
  }, 120_000);
});

/** Which of `asked` the CS `cs` holds a withdrawal record (and its signature) for. */
async function signedHere(
  cs: string,
  asked: readonly { keyId: string; msg: string }[],
): Promise<Set<string>> {
  const store = world.fed.cs.find((c) => c.name === cs)!.store;
  const hashOf = (msg: string) => withdrawalHash(p, fromB64u(msg)!);
  const out = new Set<string>();
  for (const keyId of new Set(asked.map((b) => b.keyId))) {
    const mine = asked.filter((b) => b.keyId === keyId);
    const held = await store.withdrawalSigs(
      keyId,
      mine.map((b) => hashOf(b.msg)),
    );
    for (const b of mine) if (held.has(hashOf(b.msg))) out.add(b.msg);
  }
  return out;
}
