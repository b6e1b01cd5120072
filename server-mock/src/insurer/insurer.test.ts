/**
 * The insurer over HTTP (docs/PROTOCOL.md §7): certificates of insurance only for the admin,
 * signed by the insurer's key; the directory; a signed revocation list whose seq increases;
 * certificates past expiry no longer listed.
 */
import {
  Certificate,
  CertificateList,
  DirectoryEntry,
  endpoint,
  getJson,
  PATHS,
  postJson,
  RevocationList,
  toB64u,
  verify,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

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
});
