/**
 * The insurer over HTTP (docs/PROTOCOL.md §7): certificates of insurance only for the admin,
 * signed by the insurer's key; the directory; a signed revocation list whose seq increases;
 * certificates past expiry no longer listed.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  Certificate,
  CertificateList,
  DenominationKey,
  DenominationKeyList,
  DirectoryEntry,
  endpoint,
  getJson,
  PATHS,
  postJson,
  RevocationList,
  TrustStore,
  toB64u,
  verify,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { fixtureKeygen } from '../testing/rsa-fixtures.ts';

let clock = 1_860_000_000;

describe('insurer', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ now: () => clock, csCount: 1 });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  const url = (path: string) => endpoint(fed.insurer.url, path);
  const certify = (token: string, lifetime = 3_600) =>
    postJson(
      url(PATHS.insurer.adminCertify),
      {
        csName: 'cs9',
        signKey: toB64u(p.ed25519.keygen().publicKey),
        encKey: toB64u(p.x25519.keygen().publicKey),
        addresses: ['http://127.0.0.1:9/'],
        currency: 'NCD',
        denominations: [1, 5, 10],
        mintLimit: 1_000,
        bank: 'bank',
        account: 'acct-x',
        lifetime,
      },
      Certificate,
      { headers: { authorization: `Bearer ${token}` } },
    );

  it('certifies only for the admin, with its signature, and lists the directory', async () => {
    expect(codeOf(await certify('not-the-token'))).toBe('unauthorized');
    const cert = await certify(fed.insurer.adminToken);
    expect(cert.ok).toBe(true);
    if (!cert.ok) return;
    expect(cert.value.body).toMatchObject({ csName: 'cs9', insurer: fed.insurer.signKey });
    expect(verify(p, fed.insurer.signKey, cert.value)).toBe(true);
    const byId = await getJson(
      url(PATHS.insurer.certificate + cert.value.body.certId),
      Certificate,
    );
    expect(byId.ok && byId.value).toEqual(cert.value);
    const dir = await getJson(url(`${PATHS.insurer.directory}cs9`), DirectoryEntry);
    expect(dir.ok && dir.value.addresses).toEqual(['http://127.0.0.1:9/']);
    expect(codeOf(await getJson(url(`${PATHS.insurer.directory}nobody`), DirectoryEntry))).toBe(
      'not-found',
    );
  });

  it('publishes a signed revocation list whose seq increases', async () => {
    const before = await getJson(url(PATHS.insurer.revocations), RevocationList);
    expect(before.ok && before.value.body.seq).toBe(0);
    const cert = await certify(fed.insurer.adminToken);
    const certId = cert.ok ? cert.value.body.certId : '';
    const revoke = (id: string, token = fed.insurer.adminToken) =>
      postJson(url(PATHS.insurer.adminRevoke), { certId: id, reason: 'key lost' }, RevocationList, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect(codeOf(await revoke(certId, 'nope'))).toBe('unauthorized');
    expect(codeOf(await revoke('no-such-cert'))).toBe('unknown-cert');
    const list = await revoke(certId);
    expect(list.ok && list.value.body.seq).toBe(1);
    expect(list.ok && list.value.body.revoked.map((r) => r.certId)).toEqual([certId]);
    expect(list.ok && verify(p, fed.insurer.signKey, list.value)).toBe(true);
    const after = await getJson(url(PATHS.insurer.revocations), RevocationList);
    expect(after.ok && after.value).toEqual(list.ok && list.value);
  });

  it('stops listing certificates once they expire', async () => {
    const short = await certify(fed.insurer.adminToken, 60);
    const id = short.ok ? short.value.body.certId : '';
    const listed = async () => {
      const all = await getJson(url(PATHS.insurer.certificates), CertificateList);
      return all.ok ? all.value.certificates.map((c) => c.body.certId) : [];
    };
    expect(await listed()).toContain(id);
    clock += 61;
    expect(await listed()).not.toContain(id);
  });

  it('certifies denomination keys of insured values only, once per key, and revokes them by id', async () => {
    expect((await certify(fed.insurer.adminToken)).ok).toBe(true); // cs9: 1, 5, 10 NCD
    const signer = await fixtureKeygen(47, 1)();
    const ask = (fields: Record<string, unknown> = {}, token = fed.insurer.adminToken) =>
      postJson(
        url(PATHS.insurer.adminCertifyDenominationKey),
        {
          csName: 'cs9',
          value: 5,
          currency: 'NCD',
          publicKey: toB64u(signer.spki),
          withdrawFor: 3_600,
          depositFor: 7_200,
          ...fields,
        },
        DenominationKey,
        { headers: { authorization: `Bearer ${token}` } },
      );
    expect(codeOf(await ask({}, 'nope'))).toBe('unauthorized');
    expect(codeOf(await ask({ value: 7 }))).toBe('unknown-cert');
    expect(codeOf(await ask({ currency: 'EUR' }))).toBe('unknown-cert');
    expect(codeOf(await ask({ csName: 'nobody' }))).toBe('unknown-cert');
    expect(codeOf(await ask({ depositFor: 3_600 }))).toBe('malformed');
    // The same key under the rsaEncryption OID (RFC 9474 §6.2 forbids it for blind signing).
    const plain = createPublicKey(
      createPrivateKey({ key: Buffer.from(signer.pkcs8), format: 'der', type: 'pkcs8' }),
    ).export({ format: 'der', type: 'spki' });
    expect(codeOf(await ask({ publicKey: toB64u(new Uint8Array(plain)) }))).toBe('malformed');

    const key = await ask();
    expect(key.ok).toBe(true);
    if (!key.ok) return;
    expect(key.value.body).toMatchObject({
      keyId: toB64u(p.sha256(signer.spki)),
      cs: 'cs9',
      value: 5,
      insurer: fed.insurer.signKey,
      withdrawUntil: clock + 3_600,
      depositUntil: clock + 7_200,
    });
    expect(new TrustStore(p, [fed.insurer.signKey]).addDenominationKey(key.value).ok).toBe(true);
    clock += 5;
    expect(await ask()).toEqual(key); // asked again: the key as first certified
    expect(codeOf(await ask({ value: 10 }))).toBe('malformed');
    const listed = await getJson(url(PATHS.insurer.denominationKeys), DenominationKeyList);
    expect(listed.ok && listed.value.denominationKeys).toContainEqual(key.value);
    const revoked = await postJson(
      url(PATHS.insurer.adminRevoke),
      { certId: key.value.body.keyId, reason: 'retired' },
      RevocationList,
      { headers: { authorization: `Bearer ${fed.insurer.adminToken}` } },
    );
    expect(revoked.ok && revoked.value.body.revoked.map((r) => r.certId)).toContain(
      key.value.body.keyId,
    );
  });
});
