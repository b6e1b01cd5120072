/**
 * Key rotation (SPEC §3, docs/PROTOCOL.md §3.1): a new key pair and a new certificate of
 * insurance; the old secret keys stay, so coins signed under the old certificate remain
 * redeemable and requests sealed to the old encryption key still open. Keys persist in the data
 * folder: a restart on the same folder keeps them, the account and the coins. A revoked
 * certificate is replaced at the next maintenance, and its honest holders recoup.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpoint, PATHS, postJson, RevocationList } from '@netcash/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { startFederation } from '../testing/federation.ts';

describe('key rotation and restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'netcash-rotation-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps old coins redeemable after a rotation and across a restart', async () => {
    let fed = await startFederation({ dataDir, csCount: 1 });
    const alice = await TestClient.open(fed.bank.url);
    const cs1 = fed.cs[0]!;
    const oldCert = cs1.certificate().body;
    const oldCoins = await alice.buy(cs1.url, [100, 100]);
    expect(oldCoins[0]!.body.certId).toBe(oldCert.certId);

    const newCert = (await cs1.rotateKeys()).body;
    expect(newCert.certId).not.toBe(oldCert.certId);
    expect(newCert.signKey).not.toBe(oldCert.signKey);
    expect(newCert.encKey).not.toBe(oldCert.encKey);
    expect(newCert.signKey).not.toBe(newCert.encKey);
    expect(cs1.info().certificates.map((c) => c.body.certId)).toEqual([
      newCert.certId,
      oldCert.certId,
    ]);

    // Sealed to the old certificate (alice's cached info), old coins in, new coins out.
    const fresh = await alice.exchange(cs1.url, [oldCoins[0]!], [50, 50]);
    expect(fresh.every((c) => c.body.certId === newCert.certId)).toBe(true);
    expect((await alice.target(cs1.url)).certId).toBe(oldCert.certId);
    await fed.stop();

    // Restart on the same folder: same keys, same account, the last old coin still spendable.
    fed = await startFederation({ dataDir, csCount: 1 });
    const again = fed.cs[0]!;
    expect(again.info().account).toBe(oldCert.account);
    expect(again.certificate().body.signKey).toBe(newCert.signKey);
    expect(statSync(join(dataDir, 'cs1', 'keys.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'cs1', 'audit-token')).mode & 0o777).toBe(0o600);
    const bob = await TestClient.open(fed.bank.url);
    const last = await bob.exchange(again.url, [oldCoins[1]!, ...fresh], [200]);
    expect(last[0]!.body.value).toBe(200);
    expect((await fed.audit()).problems).toEqual([]);
    await fed.stop();
  });

  it('after two rotations, first-certificate coins still exchange and cash out', async () => {
    const fed = await startFederation({ csCount: 1 });
    const cs1 = fed.cs[0]!;
    const alice = await TestClient.open(fed.bank.url);
    const first = cs1.certificate().body.certId;
    const coins = await alice.buy(cs1.url, [100, 50]);
    await cs1.rotateKeys();
    const third = (await cs1.rotateKeys()).body.certId;
    expect(cs1.info().certificates.map((c) => c.body.certId)).toHaveLength(3);
    const fresh = await alice.exchange(cs1.url, [coins[0]!], [100]);
    expect(fresh[0]!.body.certId).toBe(third);
    const balance = await alice.balance();
    await alice.deposit(await alice.cashout(cs1.url, [coins[1]!]));
    expect((await alice.balance()) - balance).toBe(50);
    expect(coins.every((c) => c.body.certId === first)).toBe(true);
    expect((await fed.audit()).problems).toEqual([]);
    await fed.stop();
  });

  it('certifies new keys at the next maintenance when its certificate is revoked; holders recoup', async () => {
    const fed = await startFederation({ csCount: 1 });
    const cs1 = fed.cs[0]!;
    const alice = await TestClient.open(fed.bank.url);
    const [coin] = await alice.buy(cs1.url, [20]);
    const revokedCert = cs1.certificate().body;
    const revoked = await postJson(
      endpoint(fed.insurer.url, PATHS.insurer.adminRevoke),
      { certId: revokedCert.certId, reason: 'key compromised' },
      RevocationList,
      { headers: { authorization: `Bearer ${fed.insurer.adminToken}` } },
    );
    expect(revoked.ok).toBe(true);
    await cs1.maintain();
    expect(cs1.certificate().body.signKey).not.toBe(revokedCert.signKey);
    // The honest holder's coin is still owed (its serial is outstanding): recouped in full,
    // into coins under the new certificate (docs/PROTOCOL.md §4.7; recoup.test.ts has the rest).
    const recouped = await alice.send(cs1.url, alice.exchangeRequest([coin!], [20]));
    expect(codeOf(recouped)).toBe('ok');
    expect(recouped.ok && recouped.value.coins.map((c) => c.body.certId)).toEqual([
      cs1.certificate().body.certId,
    ]);
    expect((await cs1.books()).recouped).toBe(20);
    const fresh = await alice.buy(cs1.url, [20]);
    expect(fresh[0]!.body.certId).toBe(cs1.certificate().body.certId);
    expect((await fed.audit()).problems).toEqual([]);
    await fed.stop();
  });
});
