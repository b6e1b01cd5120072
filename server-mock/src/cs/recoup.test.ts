/**
 * Recoup (docs/PROTOCOL.md §4.7): when the insurer revokes a key, honest holders lose nothing and
 * the stolen key buys nothing.
 *
 * - nc1: a coin under a revoked certificate is exchanged or cashed out when its serial is
 *   outstanding with that certificate and value; a coin forged with the stolen key (a serial never
 *   minted, or a seen serial with more value) is refused and changes nothing; a locked coin is
 *   not recouped; the books count what was recouped and what is still owed under revoked keys.
 * - blind-rsa: the CS refuses to sign under a revoked denomination key and certifies a
 *   replacement at its next maintenance; a holder recoups with the blinding factor of the
 *   withdrawal, once; without it, with a wrong one, or for a coin the thief signed offline, the
 *   CS refuses.
 * The federation audit balances throughout.
 */
import {
  type AnyCoin,
  type BlindRsaCoin,
  blind,
  type Coin,
  type CsRequest,
  endpoint,
  finalize,
  PATHS,
  postJson,
  RevocationList,
  recoupBlinding,
  sign,
  signingBytes,
  toB64u,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../config.ts';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

const clock = 1_870_000_000;
let fed: Federation;
let alice: TestClient;
const cs1 = () => fed.cs[0]!;

async function revoke(id: string): Promise<void> {
  const revoked = await postJson(
    endpoint(fed.insurer.url, PATHS.insurer.adminRevoke),
    { certId: id, reason: 'key compromised' },
    RevocationList,
    { headers: { authorization: `Bearer ${fed.insurer.adminToken}` } },
  );
  expect(revoked.ok).toBe(true);
}

async function audited(): Promise<void> {
  expect((await fed.audit()).problems).toEqual([]);
}

const isBlind = (c: AnyCoin): c is BlindRsaCoin => c.body.scheme === 'blind-rsa';

beforeAll(async () => {
  fed = await startFederation({
    now: () => clock,
    csCount: 1,
    blindRsa: { denominations: [5, 10], withdrawPeriod: 2 * DAY },
  });
  alice = await TestClient.open(fed.bank.url, { now: () => clock });
});
afterAll(async () => {
  await fed?.stop();
});

describe('nc1 coins under a revoked certificate', () => {
  it('are recouped in full by their holder; coins forged with the stolen key are refused', async () => {
    const cert = cs1().certificate().body;
    const coins = await alice.buy(cs1().url, [50, 20, 10, 10]);
    const stolen = cs1().context.keys.byCertId(cert.certId)!.sign.secretKey;
    const bankBefore = await alice.balance();
    await revoke(cert.certId);
    await cs1().maintain();
    const current = cs1().certificate().body;
    expect(current.certId).not.toBe(cert.certId);
    expect(current.signKey).not.toBe(cert.signKey);
    const books = await cs1().books();
    expect(books.revoked).toEqual({ count: 4, value: 90 });

    // The thief signs coins: a serial never minted, and a seen serial claiming more value.
    const forge = (over: Partial<Coin['body']>): Coin =>
      sign(p, stolen, { ...coins[0]!.body, serial: toB64u(p.randomBytes(16)), ...over });
    const before = await cs1().store.snapshot();
    for (const forged of [forge({}), forge({ serial: coins[2]!.body.serial, value: 50 })]) {
      const refused = await alice.send(
        cs1().url,
        alice.exchangeRequest([forged], [forged.body.value]),
      );
      expect(codeOf(refused)).toBe('double-spent');
    }
    // A forged coin next to a good one sinks the request, and nothing changes.
    const mixed = await alice.send(
      cs1().url,
      alice.exchangeRequest([coins[1]!, forge({})], [20, 50]),
    );
    expect(codeOf(mixed)).toBe('double-spent');
    expect(await cs1().store.snapshot()).toEqual(before);

    // The holder: exchanged for coins under the new certificate, and cashed out.
    const fresh = await alice.exchange(cs1().url, [coins[0]!, coins[1]!], [50, 20]);
    expect(fresh.map((c) => c.body.certId)).toEqual([current.certId, current.certId]);
    const check = await alice.cashout(cs1().url, [coins[2]!, coins[3]!]);
    await alice.deposit(check);
    expect((await alice.balance()) - bankBefore).toBe(20);
    // Recouped once: the same coin again is spent.
    expect(codeOf(await alice.send(cs1().url, alice.exchangeRequest([coins[0]!], [50])))).toBe(
      'double-spent',
    );
    const after = await cs1().books();
    expect(after.recouped).toBe(90);
    expect(after.revoked).toEqual({ count: 0, value: 0 });
    await audited();
  });

  it('does not recoup a locked coin (its lock names an owner the stolen key could choose)', async () => {
    const [coin] = await alice.buy(cs1().url, [10]);
    const triplet = await alice.send(cs1().url, {
      ...alice.ids(),
      op: 'triplet',
      instruments: [{ kind: 'coin', coin: coin! }],
      want: {
        payee: toB64u(p.ed25519.keygen().publicKey),
        owner: toB64u(p.ed25519.keygen().publicKey),
        dateB: clock + 600,
        dateA: clock + 1200,
        amounts: [10],
        change: [],
      },
    });
    if (!triplet.ok) throw triplet.error;
    await revoke(cs1().certificate().body.certId);
    await cs1().maintain();
    const locked = triplet.value.triplets[0]!.b;
    const refused = await alice.send(cs1().url, alice.exchangeRequest([locked], [10]));
    expect(codeOf(refused)).toBe('revoked');
    await audited();
  });
});

describe('blind-rsa coins under a revoked denomination key', () => {
  it('are recouped with the blinding factor; the CS never signs under the key again and replaces it', async () => {
    const prepared = await alice.blindBuyRequest(cs1().url, [5, 5, 10]);
    const reply = await alice.send(cs1().url, prepared.request);
    if (!reply.ok) throw reply.error;
    const coins = alice.finish(prepared, reply.value).filter(isBlind);
    const five = coins[0]!.body.keyId;
    const stolen = cs1().context.blind!.signer(five, clock, () => false).signer;
    const pending = await alice.blindBuyRequest(cs1().url, [5]);
    const { revoked: owed, recouped: recoupedBefore } = await cs1().books();
    const owedBefore = owed!;
    await revoke(five);

    // No more signing under it, even before maintenance notices.
    expect(codeOf(await alice.send(cs1().url, pending.request))).toBe('revoked');
    await cs1().maintain();
    const keys = cs1().info().denominationKeys ?? [];
    const fives = keys.filter((k) => k.body.value === 5);
    expect(fives.map((k) => k.body.keyId)).not.toContain(five);
    expect(fives).toHaveLength(1);
    expect((await cs1().books()).revoked).toEqual({
      count: owedBefore.count + 2,
      value: owedBefore.value + 10,
    });

    const r = (coin: BlindRsaCoin) => {
      const secret = prepared.secrets.find((s) => s.body.serial === coin.body.serial)!;
      return recoupBlinding(prepared.trust, coin, secret.inv)!;
    };
    const recoup = (
      coin: BlindRsaCoin,
      blinding?: string,
    ): Extract<CsRequest, { op: 'exchange' }> => ({
      ...alice.ids(),
      op: 'exchange',
      instruments: [{ kind: 'coin', coin, ...(blinding === undefined ? {} : { blinding }) }],
      want: { values: [coin.body.value] },
    });
    const before = await cs1().store.snapshot();
    // Without the proof, with another coin's proof, with r⁻¹ in place of r: refused.
    expect(codeOf(await alice.send(cs1().url, recoup(coins[0]!)))).toBe('revoked');
    expect(codeOf(await alice.send(cs1().url, recoup(coins[0]!, r(coins[1]!))))).toBe(
      'double-spent',
    );
    const inv = prepared.secrets.find((s) => s.body.serial === coins[0]!.body.serial)!.inv;
    expect(codeOf(await alice.send(cs1().url, recoup(coins[0]!, inv)))).toBe('double-spent');
    // The thief signs a coin offline with the stolen key: valid signature, no withdrawal here.
    const body = { ...coins[0]!.body, serial: toB64u(p.randomBytes(32)) };
    const trust = prepared.trust;
    const rsa = trust.rsaKey(five)!;
    const blinded = blind(p, rsa, signingBytes(body));
    const sig = finalize(
      rsa,
      signingBytes(body),
      stolen.blindSign(blinded.blindedMsg),
      blinded.inv,
    );
    const forged: BlindRsaCoin = { body, sig: toB64u(sig) };
    const thiefR = recoupBlinding(trust, forged, toB64u(blinded.inv))!;
    expect(codeOf(await alice.send(cs1().url, recoup(forged, thiefR)))).toBe('double-spent');
    expect(await cs1().store.snapshot()).toEqual(before);

    // The holder: both coins back, as nc1 coins or a check; the same proof twice is refused.
    const got = await alice.send(cs1().url, recoup(coins[0]!, r(coins[0]!)));
    expect(codeOf(got)).toBe('ok');
    expect(codeOf(await alice.send(cs1().url, recoup(coins[0]!, r(coins[0]!))))).toBe(
      'double-spent',
    );
    const balance = await alice.balance();
    const cashout = await alice.send(cs1().url, {
      ...alice.ids(),
      op: 'cashout',
      instruments: [{ kind: 'coin', coin: coins[1]!, blinding: r(coins[1]!) }],
      want: { bank: alice.bank, payee: alice.account, memo: 'recoup' },
    });
    if (!cashout.ok) throw cashout.error;
    await alice.deposit(cashout.value.check);
    expect((await alice.balance()) - balance).toBe(5);
    // The 10 under its own, unrevoked key spends as usual, without a proof.
    expect(codeOf(await alice.send(cs1().url, alice.exchangeRequest([coins[2]!], [10])))).toBe(
      'ok',
    );
    const books = await cs1().books();
    expect(books.revoked).toEqual(owedBefore);
    expect((books.recouped ?? 0) - (recoupedBefore ?? 0)).toBe(10);
    await audited();
  });
});
