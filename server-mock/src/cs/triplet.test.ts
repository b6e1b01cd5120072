/**
 * Coin triplets (paper figure 6, SPEC §6): C_B spendable only by K_B until dateB, C_A claimable
 * only by the payor's one-time key in [dateB, dateA), exactly one of them ever redeemed; the
 * claim yields a CS receipt when C_B was spent and fresh coins when it was not. One request makes
 * a triplet per coin value asked for (footnote 3), and only coin values. The windows' edges are
 * checked one second either side with the federation's injectable clock.
 */
import {
  type Coin,
  type CoinInstrument,
  CsReceipt,
  type CsResultOf,
  convertRequestId,
  decode,
  randomId,
  randomKey,
  sign,
  toB64u,
  verify,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

let clock = 1_800_000_000;
const now = () => clock;

function spend(coin: Coin, requestId: string, secretKey: Uint8Array): CoinInstrument {
  return {
    kind: 'coin',
    coin,
    spend: sign(p, secretKey, { type: 'coin-spend', serial: coin.body.serial, requestId }),
  };
}

describe('triplet and claim', () => {
  let fed: Federation;
  let alice: TestClient;
  const merchantKey = p.ed25519.keygen();
  const payorKey = p.ed25519.keygen();
  const cs1 = () => fed.cs[0]!;

  beforeAll(async () => {
    fed = await startFederation({ now });
    alice = await TestClient.open(fed.bank.url, { now });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  async function triplet(
    amounts: number[],
    coins: Coin[],
    change: number[],
    windows = { dateB: clock + 100, dateA: clock + 200 },
  ): Promise<CsResultOf<'triplet'>> {
    const result = await alice.send(cs1().url, {
      ...alice.ids(),
      op: 'triplet',
      instruments: coins.map((coin) => ({ kind: 'coin' as const, coin })),
      want: {
        payee: toB64u(merchantKey.publicKey),
        owner: toB64u(payorKey.publicKey),
        ...windows,
        amounts,
        change,
      },
    });
    if (!result.ok) throw result.error;
    return result.value;
  }

  /** The merchant redeems C_B (an exchange signed by K_B). */
  function redeem(b: Coin, values: number[]) {
    const ids = alice.ids();
    return alice.send(cs1().url, {
      ...ids,
      op: 'exchange',
      instruments: [spend(b, ids.requestId, merchantKey.secretKey)],
      want: { values },
    });
  }

  /** The payor claims with C_A (signed by its one-time key). */
  function claim(a: Coin, values: number[]) {
    const ids = alice.ids();
    return alice.send(cs1().url, {
      ...ids,
      op: 'claim',
      instruments: [spend(a, ids.requestId, payorKey.secretKey)],
      want: { values },
    });
  }

  it('makes one pair per coin value asked for; the payor claims CS receipts for the C_B spent', async () => {
    const t = await triplet([200, 100], await alice.buy(cs1().url, [500]), [200]);
    expect(t.triplets.map((x) => x.b.body.value)).toEqual([200, 100]);
    const [first, second] = t.triplets;
    expect(first!.b.body.lock).toMatchObject({ role: 'B', notAfter: clock + 100 });
    expect(first!.a.body.lock).toMatchObject({
      role: 'A',
      notBefore: clock + 100,
      notAfter: clock + 200,
    });
    expect(first!.b.body.lock?.tripletId).toBe(first!.a.body.lock?.tripletId);
    expect(first!.b.body.lock?.tripletId).not.toBe(second!.b.body.lock?.tripletId);
    expect(t.change.map((c) => c.body.value)).toEqual([200]);
    // One liability per pair: 200 + 100 (C_B/C_A) + 200 change.
    expect((await cs1().books()).outstanding.value).toBe(500);

    expect(codeOf(await alice.send(cs1().url, alice.exchangeRequest([first!.b], [200])))).toBe(
      'locked',
    );
    const ids = alice.ids();
    const wrongKey = await alice.send(cs1().url, {
      ...ids,
      op: 'exchange',
      instruments: [spend(first!.b, ids.requestId, payorKey.secretKey)],
      want: { values: [200] },
    });
    expect(codeOf(wrongKey)).toBe('locked');
    expect(codeOf(await claim(first!.a, [200]))).toBe('not-yet-valid');

    expect((await redeem(first!.b, [100, 100])).ok).toBe(true);
    expect((await redeem(second!.b, [100])).ok).toBe(true);
    expect(await cs1().store.outstanding(first!.a.body.serial)).toBeNull();

    clock += 150;
    for (const pair of [first!, second!]) {
      const claimed = await claim(pair.a, [pair.a.body.value]);
      expect(claimed.ok).toBe(true);
      if (!claimed.ok) return;
      expect(claimed.value.coins).toEqual([]);
      const receipt = decode(CsReceipt, claimed.value.receipt);
      expect(receipt.ok && receipt.value.body).toMatchObject({
        serial: pair.b.body.serial,
        owner: toB64u(merchantKey.publicKey),
        value: pair.b.body.value,
      });
      expect(receipt.ok && verify(p, cs1().certificate().body.signKey, receipt.value)).toBe(true);
    }
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('refunds the payor with fresh coins when C_B was not spent, and then C_B is dead', async () => {
    const t = await triplet([100], await alice.buy(cs1().url, [100]), []);
    const { a, b } = t.triplets[0]!;
    clock += 120;
    const claimed = await claim(a, [50, 50]);
    expect(claimed.ok && claimed.value.coins.map((c) => c.body.value)).toEqual([50, 50]);
    expect(claimed.ok && claimed.value.receipt).toBeUndefined();
    expect(await cs1().store.outstanding(b.body.serial)).toBeNull();
    // The claim can't be repeated under another request.
    expect(codeOf(await claim(a, [100]))).toBe('double-spent');
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('refuses a triplet of a value that is not a coin value, and changes nothing', async () => {
    const coins = await alice.buy(cs1().url, [50]);
    const before = await cs1().books();
    await expect(triplet([37], coins, [13])).rejects.toMatchObject({ code: 'bad-denomination' });
    expect(await cs1().books()).toEqual({ ...before, date: clock });
    const spent = await triplet([20, 20, 10], coins, []);
    expect(spent.triplets).toHaveLength(3);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('lets a merchant banking at cs2 redeem C_B with a spend for the derived convert', async () => {
    const cs2 = fed.cs[1]!;
    const t = await triplet([200], await alice.buy(cs1().url, [200]), []);
    const requestId = randomId(p);
    const derived = convertRequestId(p, requestId, 'cs1');
    const result = await alice.send(cs2.url, {
      requestId,
      replyKey: randomKey(p),
      op: 'exchange',
      instruments: [spend(t.triplets[0]!.b, derived, merchantKey.secretKey)],
      want: { values: [200] },
    });
    expect(result.ok && result.value.coins[0]?.body.cs).toBe('cs2');
    expect((await fed.audit()).problems).toEqual([]);
  });

  describe('the windows, one second either side of each edge', () => {
    /** A fresh triplet of 10 whose dateB is `b` and dateA `a` seconds from now. */
    async function fresh(b = 100, a = 200) {
      const coins = await alice.buy(cs1().url, [10]);
      const start = clock;
      const t = await triplet([10], coins, [], { dateB: start + b, dateA: start + a });
      return { ...t.triplets[0]!, dateB: start + b, dateA: start + a };
    }

    it('C_B is redeemed by K_B one second before dateB', async () => {
      const t = await fresh();
      clock = t.dateB - 1;
      expect((await redeem(t.b, [10])).ok).toBe(true);
      expect((await fed.audit()).problems).toEqual([]);
    });

    it('C_B is refused as expired at dateB, and C_A claims it back from that second', async () => {
      const t = await fresh();
      clock = t.dateB;
      expect(codeOf(await redeem(t.b, [10]))).toBe('expired');
      const back = await claim(t.a, [10]);
      expect(back.ok && back.value.coins.map((c) => c.body.value)).toEqual([10]);
      expect((await fed.audit()).problems).toEqual([]);
    });

    it('C_A is not yet valid one second before dateB', async () => {
      const t = await fresh();
      clock = t.dateB - 1;
      expect(codeOf(await claim(t.a, [10]))).toBe('not-yet-valid');
      clock = t.dateB + 1;
      expect((await claim(t.a, [10])).ok).toBe(true);
      expect((await fed.audit()).problems).toEqual([]);
    });

    it('C_A is claimed one second before dateA and refused as expired at dateA', async () => {
      const early = await fresh();
      const late = await fresh();
      clock = early.dateA - 1;
      expect((await claim(early.a, [10])).ok).toBe(true);
      clock = late.dateA;
      expect(codeOf(await claim(late.a, [10]))).toBe('expired');
      // The unclaimed pair stays on the books until it is pruned (the payor's loss, never new value).
      expect((await fed.audit()).problems).toEqual([]);
    });

    it('refuses windows out of order or past the coin lifetime, and changes nothing', async () => {
      const coins = await alice.buy(cs1().url, [10]);
      const before = await cs1().books();
      await expect(
        triplet([10], coins, [], { dateB: clock, dateA: clock + 10 }),
      ).rejects.toMatchObject({ code: 'malformed' });
      await expect(
        triplet([10], coins, [], { dateB: clock + 20, dateA: clock + 20 }),
      ).rejects.toMatchObject({ code: 'malformed' });
      await expect(
        triplet([10], coins, [], { dateB: clock + 20, dateA: clock + 400 * 86_400 }),
      ).rejects.toMatchObject({ code: 'limit-exceeded' });
      expect(await cs1().books()).toEqual({ ...before, date: clock });
    });
  });
});
