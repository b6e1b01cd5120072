/**
 * Hostile requests that are sealed correctly but carry bad instruments (issue 3 "Done when"):
 * forged, altered, expired, revoked and foreign-uncertified coins, wrong sums and values, the
 * same coin twice, checks drawn twice or beyond the balance, tampered envelopes. Each is refused
 * with its stable code and the state of the CS and the bank is unchanged; a replayed envelope
 * gets the stored reply byte for byte and changes nothing either.
 */
import { join } from 'node:path';
import {
  type Coin,
  type CoinBody,
  CsReplyEnvelope,
  endpoint,
  PATHS,
  postJson,
  RevocationList,
  sealCsRequest,
  sign,
  toB64u,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

let clock = 1_870_000_000;

describe('hostile instruments', () => {
  let fed: Federation;
  let rogue: Federation;
  let alice: TestClient;
  let coins: Coin[];
  beforeAll(async () => {
    fed = await startFederation({ now: () => clock, coinLifetime: 3_600, redemptionWindow: 7_200 });
    // Another federation, another insurer: its coins are not certified by ours.
    rogue = await startFederation({ csCount: 1, dataDir: join(fed.dataDir, 'rogue') });
    alice = await TestClient.open(fed.bank.url, { now: () => clock });
    coins = await alice.buy(fed.cs[0]!.url, [100, 50, 20]);
  });
  afterAll(async () => {
    await rogue?.stop();
    await fed?.stop();
  });

  const state = async () => {
    const { date: _d, ...bank } = await fed.servers.bank.bank.books();
    return { cs1: await fed.cs[0]!.store.snapshot(), cs2: await fed.cs[1]!.store.snapshot(), bank };
  };
  const cs1 = () => fed.cs[0]!.url;
  const refuse = async (url: string, request: Parameters<TestClient['send']>[1]) =>
    codeOf(await alice.send(url, request));
  const resign = (body: CoinBody, secretKey: Uint8Array): Coin => sign(p, secretKey, body);

  it('refuses altered coins (any field changed after signing) with bad-signature', async () => {
    const before = await state();
    const coin = coins[0]!;
    const mutations = fc.oneof(
      fc
        .integer({ min: 1, max: 100_000 })
        .filter((value) => value !== coin.body.value)
        .map((value) => ({ value })),
      fc.constantFrom({ expires: clock + 10_000 }, { addr: 'http://127.0.0.1:1/' }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => ({ serial: toB64u(b) })),
    );
    await fc.assert(
      fc.asyncProperty(mutations, async (change) => {
        const altered = { body: { ...coin.body, ...change }, sig: coin.sig };
        // Coins are verified before sums: an altered coin is a bad signature, whatever it says.
        expect(await refuse(cs1(), alice.exchangeRequest([altered], [100]))).toBe('bad-signature');
      }),
      { numRuns: 25 },
    );
    expect(await state()).toEqual(before);
  });

  it('refuses forged, misattributed, foreign-uncertified and duplicated coins', async () => {
    const before = await state();
    const coin = coins[0]!;
    const forged = resign({ ...coin.body }, p.ed25519.keygen().secretKey);
    expect(await refuse(cs1(), alice.exchangeRequest([forged], [100]))).toBe('bad-signature');
    const misattributed = {
      ...coin,
      body: { ...coin.body, certId: fed.cs[1]!.certificate().body.certId },
    };
    expect(await refuse(cs1(), alice.exchangeRequest([misattributed], [100]))).toBe(
      'untrusted-cert',
    );
    const stranger = await TestClient.open(rogue.bank.url);
    const [foreign] = await stranger.buy(rogue.cs[0]!.url, [100]);
    expect(await refuse(cs1(), alice.exchangeRequest([foreign!], [100]))).toBe('unknown-cert');
    expect(await refuse(fed.cs[1]!.url, alice.exchangeRequest([foreign!], [100]))).toBe(
      'unknown-cert',
    );
    expect(await refuse(cs1(), alice.exchangeRequest([coin, coin], [100, 100]))).toBe(
      'double-spent',
    );
    expect(await refuse(cs1(), alice.exchangeRequest([coin], [50, 20]))).toBe('wrong-amount');
    expect(await refuse(cs1(), alice.exchangeRequest([coin], [30, 70]))).toBe('bad-denomination');
    const many = Array.from({ length: 65 }, () => coin);
    expect(await refuse(cs1(), alice.exchangeRequest(many, [100]))).toBe('malformed');
    expect(await state()).toEqual(before);
  });

  it('refuses checks drawn twice, beyond the balance or to someone else', async () => {
    const account = (await alice.info(cs1())).account;
    const used = alice.buyRequest(account, [20]);
    expect((await alice.send(cs1(), used)).ok).toBe(true);
    const before = await state();
    expect(await refuse(cs1(), { ...used, ...alice.ids() })).toBe('check-cleared');
    expect(await refuse(cs1(), alice.buyRequest(account, [5_000, 5_000, 2_000]))).toBe(
      'insufficient-funds',
    );
    expect(await refuse(cs1(), alice.buyRequest(alice.account, [20]))).toBe('wrong-payee');
    const twin = alice.writeCheck(account, 20, {
      checkNo: used.instruments[0].check.body.checkNo,
      memo: 'again',
    });
    expect(
      await refuse(cs1(), {
        ...alice.ids(),
        op: 'buy',
        instruments: [{ kind: 'check', check: twin }],
        want: { values: [20] },
      }),
    ).toBe('check-cleared');
    expect(await state()).toEqual(before);
  });

  it('answers a replayed envelope with the stored reply and refuses tampered ones', async () => {
    const [coin] = await alice.buy(cs1(), [10]);
    const cert = fed.cs[0]!.certificate().body;
    const envelope = sealCsRequest(p, cert, alice.exchangeRequest([coin!], [10]));
    const url = endpoint(cs1(), PATHS.cs.requests);
    const post = (body: unknown) =>
      fetch(url, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        text: await r.text(),
      }));
    const first = await post(envelope);
    expect(first.status).toBe(200);
    const before = await state();
    expect(await post(envelope)).toEqual(first);
    const flipped = envelope.ct.startsWith('A')
      ? `B${envelope.ct.slice(1)}`
      : `A${envelope.ct.slice(1)}`;
    const tampered = await post({ ...envelope, ct: flipped });
    expect([tampered.status, JSON.parse(tampered.text).error.code]).toEqual([
      400,
      'decrypt-failed',
    ]);
    const other = await post({ ...envelope, certId: fed.cs[1]!.certificate().body.certId });
    expect(JSON.parse(other.text).error.code).toBe('unknown-cert');
    expect(await state()).toEqual(before);
    const decoded = await postJson(url, envelope, CsReplyEnvelope);
    expect(decoded.ok).toBe(true);
  });

  it('refuses coins past their redemption window, and revoked or late coins anywhere but at their issuer', async () => {
    const cs2 = fed.cs[1]!;
    const [old] = await alice.buy(cs2.url, [50]);
    const oldCert = cs2.certificate().body;
    const stolen = cs2.context.keys.byCertId(oldCert.certId)!.sign.secretKey;
    await cs2.rotateKeys();
    const revoked = await postJson(
      endpoint(fed.insurer.url, PATHS.insurer.adminRevoke),
      { certId: oldCert.certId, reason: 'key compromised' },
      RevocationList,
      { headers: { authorization: `Bearer ${fed.insurer.adminToken}` } },
    );
    expect(revoked.ok).toBe(true);
    const before = await state();
    // A coin forged with the revoked key is owed nothing; the honest one is only its issuer's.
    const forged = resign({ ...old!.body, serial: toB64u(p.randomBytes(16)) }, stolen);
    expect(await refuse(cs2.url, alice.exchangeRequest([forged], [50]))).toBe('double-spent');
    expect(await refuse(cs1(), alice.exchangeRequest([old!], [50]))).toBe('revoked');
    clock += 3_600;
    expect(await refuse(fed.cs[1]!.url, alice.exchangeRequest([coins[1]!], [50]))).toBe('expired');
    clock += 7_200;
    expect(await refuse(cs1(), alice.exchangeRequest([coins[1]!], [50]))).toBe('expired');
    expect(await state()).toEqual(before);
    for (const s of fed.cs) expect((await fetch(s.url + PATHS.health)).status).toBe(200);
  });
});
