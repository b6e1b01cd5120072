/**
 * Coin triplets (paper figure 6, SPEC §6): C_B spendable only by K_B until dateB, C_A claimable
 * only by the payor's one-time key in [dateB, dateA), exactly one of them ever redeemed; the
 * claim yields a CS receipt when C_B was spent and fresh coins when it was not.
 */
import {
  type Coin,
  type CoinInstrument,
  CsReceipt,
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

  beforeAll(async () => {
    fed = await startFederation({ now });
    alice = await TestClient.open(fed.bank.url, { now });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  async function triplet(amount: number, coins: Coin[], change: number[]) {
    const result = await alice.send(fed.cs[0]!.url, {
      ...alice.ids(),
      op: 'triplet',
      instruments: coins.map((coin) => ({ kind: 'coin' as const, coin })),
      want: {
        payee: toB64u(merchantKey.publicKey),
        owner: toB64u(payorKey.publicKey),
        dateB: clock + 100,
        dateA: clock + 200,
        amount,
        change,
      },
    });
    if (!result.ok) throw result.error;
    return result.value;
  }

  it('pays the merchant with C_B; the payor claims a CS receipt with C_A', async () => {
    const cs1 = fed.cs[0]!;
    const t = await triplet(300, await alice.buy(cs1.url, [500]), [200]);
    expect(t.b.body.lock).toMatchObject({ role: 'B', notAfter: clock + 100 });
    expect(t.a.body.lock).toMatchObject({
      role: 'A',
      notBefore: clock + 100,
      notAfter: clock + 200,
    });
    expect(t.change.map((c) => c.body.value)).toEqual([200]);
    // One liability for the pair: 300 (C_B/C_A) + 200 change.
    expect((await cs1.books()).outstanding.value).toBe(500);

    const noSpend = await alice.send(cs1.url, alice.exchangeRequest([t.b], [200, 100]));
    expect(codeOf(noSpend)).toBe('locked');
    const ids = alice.ids();
    const wrongKey = await alice.send(cs1.url, {
      ...ids,
      op: 'exchange',
      instruments: [spend(t.b, ids.requestId, payorKey.secretKey)],
      want: { values: [200, 100] },
    });
    expect(codeOf(wrongKey)).toBe('locked');
    const early = await alice.send(cs1.url, {
      ...ids,
      op: 'claim',
      instruments: [spend(t.a, ids.requestId, payorKey.secretKey)],
      want: { values: [200, 100] },
    });
    expect(codeOf(early)).toBe('not-yet-valid');

    const paid = alice.ids();
    const merchantCoins = await alice.send(cs1.url, {
      ...paid,
      op: 'exchange',
      instruments: [spend(t.b, paid.requestId, merchantKey.secretKey)],
      want: { values: [200, 100] },
    });
    expect(merchantCoins.ok).toBe(true);
    expect(await cs1.store.outstanding(t.a.body.serial)).toBeNull();

    clock += 150;
    const claim = alice.ids();
    const claimed = await alice.send(cs1.url, {
      ...claim,
      op: 'claim',
      instruments: [spend(t.a, claim.requestId, payorKey.secretKey)],
      want: { values: [200, 100] },
    });
    expect(claimed.ok).toBe(true);
    if (!claimed.ok) return;
    expect(claimed.value.coins).toEqual([]);
    const receipt = decode(CsReceipt, claimed.value.receipt);
    expect(receipt.ok && receipt.value.body).toMatchObject({
      serial: t.b.body.serial,
      owner: toB64u(merchantKey.publicKey),
      value: 300,
    });
    expect(receipt.ok && verify(p, cs1.certificate().body.signKey, receipt.value)).toBe(true);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('refunds the payor with fresh coins when C_B was not spent, and then C_B is dead', async () => {
    const cs1 = fed.cs[0]!;
    const t = await triplet(100, await alice.buy(cs1.url, [100]), []);
    clock += 120;
    const claim = alice.ids();
    const claimed = await alice.send(cs1.url, {
      ...claim,
      op: 'claim',
      instruments: [spend(t.a, claim.requestId, payorKey.secretKey)],
      want: { values: [50, 50] },
    });
    expect(claimed.ok && claimed.value.coins.map((c) => c.body.value)).toEqual([50, 50]);
    expect(claimed.ok && claimed.value.receipt).toBeUndefined();
    expect(await cs1.store.outstanding(t.b.body.serial)).toBeNull();
    // The claim can't be repeated under another request.
    const twice = alice.ids();
    const again = await alice.send(cs1.url, {
      ...twice,
      op: 'claim',
      instruments: [spend(t.a, twice.requestId, payorKey.secretKey)],
      want: { values: [100] },
    });
    expect(codeOf(again)).toBe('double-spent');
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('lets a merchant banking at cs2 redeem C_B with a spend for the derived convert', async () => {
    const [cs1, cs2] = [fed.cs[0]!, fed.cs[1]!];
    const t = await triplet(200, await alice.buy(cs1.url, [200]), []);
    const requestId = randomId(p);
    const derived = convertRequestId(p, requestId, 'cs1');
    const result = await alice.send(cs2.url, {
      requestId,
      replyKey: randomKey(p),
      op: 'exchange',
      instruments: [spend(t.b, derived, merchantKey.secretKey)],
      want: { values: [200] },
    });
    expect(result.ok && result.value.coins[0]?.body.cs).toBe('cs2');
    expect((await fed.audit()).problems).toEqual([]);
  });
});
