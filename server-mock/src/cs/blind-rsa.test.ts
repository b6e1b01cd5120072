/**
 * Blind-rsa coins at real currency servers (SPEC §7): denomination keys certified by the insurer
 * and listed in /v1/info; withdrawal by buy and exchange with blinded outputs; mixed nc1 and
 * blind-rsa inputs and outputs; spending onto the spent list (a second spend is refused, also
 * among 20 concurrent ones); foreign blind-rsa coins converted at their issuer; cash-out; the
 * spent list pruned once its key's coins expire; books and the federation audit balancing
 * throughout.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AnyCoin,
  type BlindRsaCoin,
  DenominationKey,
  DenominationKeyList,
  endpoint,
  getJson,
  PATHS,
  TrustStore,
  toB64u,
  verifyCoins,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../config.ts';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { BlindKeyRing } from './blind-keys.ts';

let clock = 1_860_000_000;
let fed: Federation;
let alice: TestClient;
const cs1 = () => fed.cs[0]!;
const cs2 = () => fed.cs[1]!;

const isBlind = (c: AnyCoin): c is BlindRsaCoin => c.body.scheme === 'blind-rsa';

beforeAll(async () => {
  fed = await startFederation({
    now: () => clock,
    // Blind-rsa keys for values up to 1.00 (every value in use here): 7 keys a period per CS,
    // so a rotation stays inside each CS's slice of the fixture keys.
    blindRsa: { withdrawPeriod: 2 * DAY, denominations: [1, 2, 5, 10, 20, 50, 100] },
    coinLifetime: 10 * DAY,
    redemptionWindow: 5 * DAY,
    pruneGrace: DAY,
  });
  alice = await TestClient.open(fed.bank.url, { now: () => clock });
});
afterAll(async () => {
  await fed?.stop();
});

async function audited(): Promise<void> {
  expect((await fed.audit()).problems).toEqual([]);
}

describe('denomination keys', () => {
  it('are certified by the insurer, one per value, listed by the CS and published by the insurer', async () => {
    const info = cs1().info();
    const keys = info.denominationKeys ?? [];
    expect(keys.map((k) => k.body.value).sort((a, b) => a - b)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    const trust = new TrustStore(p, [fed.insurer.signKey]);
    for (const key of keys) {
      expect(trust.addDenominationKey(key).ok).toBe(true);
      expect(key.body).toMatchObject({ cs: 'cs1', currency: 'NCD', issued: clock });
      expect(key.body.withdrawUntil).toBe(clock + 2 * DAY);
      expect(key.body.depositUntil).toBe(clock + 12 * DAY);
    }
    const published = await getJson(
      endpoint(fed.insurer.url, PATHS.insurer.denominationKeys),
      DenominationKeyList,
    );
    expect(published.ok && published.value.denominationKeys.length).toBe(2 * keys.length);
    const one = await getJson(
      endpoint(fed.insurer.url, PATHS.insurer.denominationKey + keys[0]!.body.keyId),
      DenominationKey,
    );
    expect(one.ok && one.value).toEqual(keys[0]);
  });
});

describe('withdrawal and spending', () => {
  it('buys blind-rsa coins: they verify offline, the books count them per key', async () => {
    const before = await cs1().books();
    const coins = await alice.buyBlind(cs1().url, [5, 5, 20], [2]);
    expect(coins.map((c) => c.body.scheme)).toEqual(['nc1', 'blind-rsa', 'blind-rsa', 'blind-rsa']);
    const trust = await alice.trustOf(cs1().url);
    expect(verifyCoins(p, trust, coins, { now: clock, cs: 'cs1', currency: 'NCD' }).ok).toBe(true);
    const books = await cs1().books();
    expect(books.minted - before.minted).toBe(32);
    expect(books.outstanding.value - before.outstanding.value).toBe(32);
    const five = books.blindRsa?.keys.find((k) => k.value === 5);
    expect(five).toMatchObject({ withdrawn: 2, spent: 0 });
    await audited();
  });

  it('exchanges mixed nc1 and blind-rsa coins for mixed outputs, the spent list records them', async () => {
    const coins = await alice.buyBlind(cs1().url, [10, 10], [5]);
    const fresh = await alice.exchangeBlind(cs1().url, coins, [20], [1, 2, 2]);
    expect(fresh.map((c) => c.body.scheme)).toEqual(['nc1', 'nc1', 'nc1', 'blind-rsa']);
    const snap = await cs1().store.snapshot();
    for (const c of coins.filter(isBlind)) expect(snap.spent).toContain(c.body.serial);
    expect(snap.serials).not.toContain(coins[0]!.body.serial);
    await audited();
  });

  it('refuses a blind-rsa coin spent twice, and nothing changes', async () => {
    const [coin] = await alice.buyBlind(cs1().url, [50]);
    await alice.exchangeBlind(cs1().url, [coin!], [20, 20], [10]);
    const before = await cs1().store.snapshot();
    const again = await alice.send(cs1().url, alice.exchangeRequest([coin!], [50]));
    expect(codeOf(again)).toBe('double-spent');
    const twice = await alice.send(cs1().url, alice.exchangeRequest([coin!, coin!], [50, 50]));
    expect(codeOf(twice)).toBe('double-spent');
    expect(await cs1().store.snapshot()).toEqual(before);
    await audited();
  });

  it('lets exactly one of 20 concurrent spends of a blind-rsa coin through', async () => {
    const [coin] = await alice.buyBlind(cs1().url, [100]);
    const requests = Array.from({ length: 20 }, () => alice.exchangeRequest([coin!], [100]));
    const codes = (await Promise.all(requests.map((r) => alice.send(cs1().url, r)))).map(codeOf);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'double-spent')).toHaveLength(19);
    await audited();
  });

  it('converts foreign blind-rsa coins at their issuer, and cashes them out', async () => {
    const coins = await alice.buyBlind(cs1().url, [20, 5]);
    const cs1Before = await cs1().books();
    const own = await alice.exchangeBlind(cs2().url, coins, [20], [5]);
    expect(own.every((c) => c.body.cs === 'cs2')).toBe(true);
    expect((await cs1().books()).redeemed - cs1Before.redeemed).toBe(25);
    const spent = (await cs1().store.snapshot()).spent;
    for (const c of coins) expect(spent).toContain(c.body.serial);
    // The converted blind coin can't be exchanged again at its issuer.
    expect(codeOf(await alice.send(cs1().url, alice.exchangeRequest([coins[0]!], [20])))).toBe(
      'double-spent',
    );
    const balance = await alice.balance();
    const check = await alice.cashout(cs2().url, own);
    await alice.deposit(check);
    expect((await alice.balance()) - balance).toBe(25);
    await audited();
  });

  it('takes blind-rsa coins into a triplet (its locked outputs are nc1)', async () => {
    const [coin] = await alice.buyBlind(cs1().url, [20]);
    const key = () => toB64u(p.ed25519.keygen().publicKey);
    const result = await alice.send(cs1().url, {
      ...alice.ids(),
      op: 'triplet',
      instruments: [{ kind: 'coin', coin: coin! }],
      want: {
        payee: key(),
        owner: key(),
        dateB: clock + 600,
        dateA: clock + 1200,
        amounts: [10],
        change: [10],
      },
    });
    expect(codeOf(result)).toBe('ok');
    if (!result.ok) return;
    const [t] = result.value.triplets;
    expect([t!.b.body.scheme, t!.a.body.scheme]).toEqual(['nc1', 'nc1']);
    expect((await cs1().store.snapshot()).spent).toContain(coin!.body.serial);
    await audited();
  });

  it('refuses what it cannot sign or what does not add up, and counts nothing', async () => {
    const before = await cs1().store.snapshot();
    const prepared = await alice.blindBuyRequest(cs1().url, [5]);
    const unknown = {
      ...prepared.request,
      want: { values: [], blinded: [{ ...prepared.blinded[0]!, keyId: 'A'.repeat(43) }] },
    };
    expect(codeOf(await alice.send(cs1().url, unknown))).toBe('unknown-cert');
    const tooBig = {
      ...prepared.request,
      want: { values: [], blinded: [{ ...prepared.blinded[0]!, msg: '_'.repeat(341) + 'w' }] },
    };
    expect(codeOf(await alice.send(cs1().url, tooBig))).toBe('malformed');
    const other = await alice.blindBuyRequest(cs2().url, [5]);
    const wrongCs = { ...prepared.request, want: other.request.want };
    expect(codeOf(await alice.send(cs1().url, wrongCs))).toBe('unknown-cert');
    const short = { ...prepared.request, want: { values: [1], blinded: prepared.blinded } };
    expect(codeOf(await alice.send(cs1().url, short))).toBe('wrong-amount');
    expect(await cs1().store.snapshot()).toEqual(before);
    // A coin claiming more than its key's value does not verify.
    const [coin] = (await alice.buyBlind(cs1().url, [1])).filter(isBlind);
    const inflated = { body: { ...coin!.body, value: 1000 }, sig: coin!.sig };
    expect(codeOf(await alice.send(cs1().url, alice.exchangeRequest([inflated], [1000])))).toBe(
      'untrusted-cert',
    );
    await audited();
  });
});

describe('key expiry bounds the spent list', () => {
  it('rotates keys, takes no withdrawals under a closed key, redeems its coins until redeemUntil, then prunes', async () => {
    const start = clock;
    const coins = (await alice.buyBlind(cs1().url, [2, 2, 2, 2])).filter(isBlind);
    await alice.exchangeBlind(cs1().url, [coins[0]!], [1, 1]);
    const oldKey = coins[0]!.body.keyId;
    const old = await alice.blindBuyRequest(cs1().url, [2]);
    expect(
      cs1()
        .info()
        .denominationKeys?.find((k) => k.body.keyId === oldKey)?.body,
    ).toMatchObject({ depositUntil: start + 12 * DAY, redeemUntil: start + 17 * DAY });

    // Past the withdrawal period (minus renewal): new keys; the old one takes no withdrawals.
    clock = start + 2 * DAY;
    await cs1().maintain();
    const keys = cs1().info().denominationKeys ?? [];
    expect(keys.filter((k) => k.body.value === 2)).toHaveLength(2);
    expect(codeOf(await alice.send(cs1().url, old.request))).toBe('expired');
    const fresh = (await alice.buyBlind(cs1().url, [2])).filter(isBlind);
    expect(fresh[0]!.body.keyId).not.toBe(oldKey);
    // The old key's private key is gone from the data folder; its certified public key stays.
    const onDisk = () =>
      (
        JSON.parse(readFileSync(join(fed.dataDir, 'cs1', 'denomination-keys.json'), 'utf8')) as {
          keys: { keyId: string; pkcs8: string | null }[];
        }
      ).keys;
    expect(onDisk().find((k) => k.keyId === oldKey)?.pkcs8).toBeNull();
    expect(BlindKeyRing.open(p, join(fed.dataDir, 'cs1')).published(clock)).toEqual(
      cs1().info().denominationKeys,
    );
    // Old coins are still good until their key's depositUntil.
    await alice.exchangeBlind(cs1().url, [coins[1]!], [2]);
    expect((await cs1().store.snapshot()).spent).toContain(coins[1]!.body.serial);

    // Past depositUntil: no longer listed to pay with, but its issuer still exchanges them.
    clock = start + 12 * DAY;
    expect((cs1().info().denominationKeys ?? []).map((k) => k.body.keyId)).not.toContain(oldKey);
    const lateBefore = (await cs1().books()).late ?? 0;
    await alice.exchange(cs1().url, [coins[2]!], [2]);
    expect(((await cs1().books()).late ?? 0) - lateBefore).toBe(2);
    // Past redeemUntil: refused as expired; past it + grace: the key closes.
    clock = start + 17 * DAY;
    expect(codeOf(await alice.send(cs1().url, alice.exchangeRequest([coins[3]!], [2])))).toBe(
      'expired',
    );
    const closing = (await cs1().books()).blindRsa!.keys.find((k) => k.keyId === oldKey)!;
    expect(closing).toMatchObject({ withdrawn: 4, spent: 3 });
    expect((await cs1().store.snapshot()).spent).toContain(coins[0]!.body.serial);
    clock = start + 18 * DAY + 1;
    await cs1().maintain();
    const after = await cs1().store.snapshot();
    // Every key of the first period closed: its spent serials dropped, its unspent coins (and
    // every nc1 coin of that time) booked as expired. Left: what was withdrawn under later keys.
    expect(after.spent).not.toContain(coins[0]!.body.serial);
    expect(after.books.blindRsa.keys.map((k) => k.keyId)).not.toContain(oldKey);
    expect(after.books.blindRsa.keys.every((k) => k.redeemUntil > start + 17 * DAY)).toBe(true);
    expect(onDisk().map((k) => k.keyId)).not.toContain(oldKey);
    await audited();
  });
});
