/**
 * The insurer over HTTP (docs/PROTOCOL.md §7): registrations only by its operator; certificates
 * of insurance only for a registered CS's enrollment key, carrying the registered account and
 * limit, signed by the insurer's key; the directory; a signed revocation list whose seq
 * increases; certificates past expiry no longer listed. (What another CS's credential can't do:
 * impersonation.test.ts.)
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  Certificate,
  CertificateList,
  type CertificateRequestBody,
  DenominationKey,
  DenominationKeyList,
  type DenominationKeyRequestBody,
  DirectoryEntry,
  endpoint,
  getJson,
  PATHS,
  postJson,
  Registration,
  RegistrationList,
  RevocationList,
  randomId,
  sign,
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
  const enrollment = p.ed25519.keygen();
  const register = (token: string, fields: Partial<Registration> = {}) =>
    postJson(
      url(PATHS.insurer.adminRegistrations),
      {
        csName: 'cs9',
        enrollmentKey: toB64u(enrollment.publicKey),
        bank: 'bank',
        account: 'acct-x',
        currency: 'NCD',
        mintLimit: 1_000,
        ...fields,
      },
      Registration,
      { headers: { authorization: `Bearer ${token}` } },
    );
  const certificateRequest = (fields: Partial<CertificateRequestBody> = {}) =>
    sign(p, enrollment.secretKey, {
      type: 'certificate-request',
      insurer: fed.insurer.signKey,
      csName: 'cs9',
      signKey: toB64u(p.ed25519.keygen().publicKey),
      encKey: toB64u(p.x25519.keygen().publicKey),
      addresses: ['http://127.0.0.1:9/'],
      denominations: [1, 5, 10],
      lifetime: 3_600,
      nonce: randomId(p),
      date: clock,
      ...fields,
    });
  const certify = (lifetime = 3_600) =>
    postJson(url(PATHS.insurer.enrollCertificate), certificateRequest({ lifetime }), Certificate);

  it('registers currency servers only for its operator', async () => {
    expect(codeOf(await certify())).toBe('unauthorized'); // not registered yet
    expect(codeOf(await register('not-the-token'))).toBe('unauthorized');
    const done = await register(fed.insurer.adminToken);
    expect(done.ok && done.value.csName).toBe('cs9');
    // One CS per enrollment key: the key of cs9 can't be registered for another name.
    expect(codeOf(await register(fed.insurer.adminToken, { csName: 'cs8' }))).toBe('malformed');
    const list = await getJson(url(PATHS.insurer.adminRegistrations), RegistrationList, {
      headers: { authorization: `Bearer ${fed.insurer.adminToken}` },
    });
    expect(list.ok && list.value.registrations.map((r) => r.csName)).toEqual(['cs1', 'cs9']);
    expect(codeOf(await getJson(url(PATHS.insurer.adminRegistrations), RegistrationList))).toBe(
      'unauthorized',
    );
  });

  it('certifies a registered CS, with the registered account and limit, and lists the directory', async () => {
    const cert = await certify();
    expect(cert.ok).toBe(true);
    if (!cert.ok) return;
    expect(cert.value.body).toMatchObject({
      csName: 'cs9',
      insurer: fed.insurer.signKey,
      bank: 'bank',
      account: 'acct-x',
      currency: 'NCD',
      mintLimit: 1_000,
    });
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

  it('refuses a replayed, stale, foreign, unsigned or overlong certificate request', async () => {
    const post = (body: unknown) =>
      postJson(url(PATHS.insurer.enrollCertificate), body, Certificate);
    const once = certificateRequest();
    expect((await post(once)).ok).toBe(true);
    expect(codeOf(await post(once))).toBe('request-id-reused');
    expect(codeOf(await post(certificateRequest({ date: clock - 301 })))).toBe('expired');
    const otherInsurer = toB64u(p.ed25519.keygen().publicKey);
    expect(codeOf(await post(certificateRequest({ insurer: otherInsurer })))).toBe('unauthorized');
    expect(codeOf(await post({ ...once, sig: certificateRequest().sig }))).toBe('unauthorized');
    expect(codeOf(await post(certificateRequest({ lifetime: 400 * 86_400 })))).toBe(
      'limit-exceeded',
    );
    // The money a certificate promises is the insurer's to set: a request naming it is malformed.
    const asking = { ...once, body: { ...once.body, mintLimit: 10 ** 12 } };
    expect(codeOf(await post(asking))).toBe('malformed');
  });

  it('publishes a signed revocation list whose seq increases', async () => {
    const before = await getJson(url(PATHS.insurer.revocations), RevocationList);
    expect(before.ok && before.value.body.seq).toBe(0);
    const cert = await certify();
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
    const short = await certify(60);
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
    expect((await certify()).ok).toBe(true); // cs9: 1, 5, 10 NCD
    const signer = await fixtureKeygen(47, 1)();
    const ask = (fields: Partial<DenominationKeyRequestBody> = {}, secret = enrollment.secretKey) =>
      postJson(
        url(PATHS.insurer.enrollDenominationKey),
        sign(p, secret, {
          type: 'denomination-key-request',
          insurer: fed.insurer.signKey,
          csName: 'cs9',
          value: 5,
          publicKey: toB64u(signer.spki),
          withdrawFor: 3_600,
          depositFor: 7_200,
          nonce: randomId(p),
          date: clock,
          ...fields,
        }),
        DenominationKey,
      );
    expect(codeOf(await ask({}, p.ed25519.keygen().secretKey))).toBe('unauthorized');
    expect(codeOf(await ask({ value: 7 }))).toBe('unknown-cert');
    expect(codeOf(await ask({ csName: 'nobody' }))).toBe('unauthorized');
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
  it("ends a currency server's insurance: nothing it obtains reaches past the end, nothing after", async () => {
    const ends = clock + 10 * 86_400;
    const withdrawn = await register(fed.insurer.adminToken, { ends });
    expect(withdrawn.ok && withdrawn.value.ends).toBe(ends);
    const short = await certify(3_600);
    expect(short.ok && short.value.body).toMatchObject({ expires: clock + 3_600, ends });
    const long = await certify(30 * 86_400);
    expect(long.ok && long.value.body).toMatchObject({ expires: ends, ends });
    expect(long.ok && verify(p, fed.insurer.signKey, long.value)).toBe(true);
    // Blind-rsa keys stop at the end too: no withdrawal or deposit past it.
    const signer = await fixtureKeygen(46, 1)();
    const key = await postJson(
      url(PATHS.insurer.enrollDenominationKey),
      sign(p, enrollment.secretKey, {
        type: 'denomination-key-request',
        insurer: fed.insurer.signKey,
        csName: 'cs9',
        value: 5,
        publicKey: toB64u(signer.spki),
        withdrawFor: 7 * 86_400,
        depositFor: 37 * 86_400,
        nonce: randomId(p),
        date: clock,
      }),
      DenominationKey,
    );
    expect(key.ok && key.value.body).toMatchObject({
      withdrawUntil: clock + 7 * 86_400,
      depositUntil: ends,
      redeemUntil: ends + 365 * 86_400,
    });
    const listed = await getJson(url(PATHS.insurer.adminRegistrations), RegistrationList, {
      headers: { authorization: `Bearer ${fed.insurer.adminToken}` },
    });
    expect(listed.ok && listed.value.registrations.find((r) => r.csName === 'cs9')?.ends).toBe(
      ends,
    );
    // Past the end the CS obtains nothing more.
    clock = ends;
    expect(codeOf(await certify(3_600))).toBe('expired');
    // Registering it again without an end lifts it.
    expect((await register(fed.insurer.adminToken)).ok).toBe(true);
    const renewed = await certify(3_600);
    expect(renewed.ok && renewed.value.body.ends).toBeUndefined();
    expect(renewed.ok && renewed.value.body.expires).toBe(clock + 3_600);
  });
});
