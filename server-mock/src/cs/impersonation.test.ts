/**
 * A compromised currency server can speak for nobody else (SPEC §11, issue #11): with every
 * credential cs1 holds — its enrollment key, its bank account key, its audit token — against the
 * real insurer and bank on loopback, it obtains no certificate or denomination key for cs2, no
 * account or limit of its choosing, revokes and registers nothing, reads no other bank account
 * and moves no money out of one. One test per attempt; each checks that nothing changed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AccountStatement,
  Certificate,
  CertificateList,
  DenominationKey,
  DenominationKeyList,
  DepositReply,
  endorseCheck,
  endpoint,
  getJson,
  PATHS,
  postJson,
  Registration,
  RegistrationList,
  RevocationList,
  randomId,
  type SignedBody,
  sign,
  toB64u,
  unwrap,
  writeCheck,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { fixtureKeygen } from '../testing/rsa-fixtures.ts';
import type { RunningCs } from './server.ts';

describe("with cs1's credentials", () => {
  let fed: Federation;
  let cs1: RunningCs;
  let cs2: RunningCs;
  let alice: TestClient;
  beforeAll(async () => {
    fed = await startFederation({ blindRsa: { denominations: [5] } });
    [cs1, cs2] = [fed.cs[0]!, fed.cs[1]!];
    alice = await TestClient.open(fed.bank.url);
    await alice.buy(cs2.url, [500]);
  });
  afterAll(async () => {
    await fed?.stop();
  });

  const insurer = (path: string) => endpoint(fed.insurer.url, path);
  /** A request body signed with cs1's enrollment key. */
  const signedByCs1 = <B extends SignedBody>(body: B) =>
    sign(p, cs1.context.keys.enrollment.secretKey, body);
  const fresh = () => ({ nonce: randomId(p), date: Math.floor(Date.now() / 1000) });
  const certificateRequest = (csName: string) =>
    signedByCs1({
      type: 'certificate-request',
      insurer: fed.insurer.signKey,
      csName,
      signKey: toB64u(cs1.context.keys.newest.sign.publicKey),
      encKey: toB64u(cs1.context.keys.newest.enc.publicKey),
      addresses: [cs1.url],
      denominations: [1, 5, 500],
      lifetime: 86_400,
      ...fresh(),
    });
  const certificatesOf = async (csName: string) =>
    unwrap(await getJson(insurer(PATHS.insurer.certificates), CertificateList)).certificates.filter(
      (c) => c.body.csName === csName,
    );
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('obtains no certificate for cs2', async () => {
    const before = await certificatesOf('cs2');
    const refused = await postJson(
      insurer(PATHS.insurer.enrollCertificate),
      certificateRequest('cs2'),
      Certificate,
    );
    expect(codeOf(refused)).toBe('unauthorized');
    expect(await certificatesOf('cs2')).toEqual(before);
    expect(cs2.certificate().body.account).toBe(cs2.info().account);
  });

  it('obtains no denomination key for cs2', async () => {
    const signer = await fixtureKeygen(40, 1)();
    const keyId = toB64u(p.sha256(signer.spki));
    const refused = await postJson(
      insurer(PATHS.insurer.enrollDenominationKey),
      signedByCs1({
        type: 'denomination-key-request',
        insurer: fed.insurer.signKey,
        csName: 'cs2',
        value: 5,
        publicKey: toB64u(signer.spki),
        withdrawFor: 3_600,
        depositFor: 7_200,
        ...fresh(),
      }),
      DenominationKey,
    );
    expect(codeOf(refused)).toBe('unauthorized');
    const keys = unwrap(
      await getJson(insurer(PATHS.insurer.denominationKeys), DenominationKeyList),
    );
    expect(keys.denominationKeys.some((k) => k.body.keyId === keyId)).toBe(false);
    expect(
      codeOf(await getJson(insurer(PATHS.insurer.denominationKey + keyId), DenominationKey)),
    ).toBe('not-found');
  });

  it("obtains no certificate of its own naming cs2's account or a limit of its choosing", async () => {
    const good = certificateRequest('cs1');
    const asking = {
      ...good,
      body: { ...good.body, account: cs2.info().account, mintLimit: 10 ** 15 },
    };
    const refused = await postJson(insurer(PATHS.insurer.enrollCertificate), asking, Certificate);
    expect(codeOf(refused)).toBe('malformed');
    // What it can obtain carries the account and limit the insurer registered for cs1.
    const own = unwrap(await postJson(insurer(PATHS.insurer.enrollCertificate), good, Certificate));
    expect(own.body).toMatchObject({
      csName: 'cs1',
      account: cs1.info().account,
      mintLimit: cs1.certificate().body.mintLimit,
    });
  });

  it('revokes nothing', async () => {
    const before = unwrap(await getJson(insurer(PATHS.insurer.revocations), RevocationList));
    const victim = cs2.certificate().body.certId;
    const revoke = { certId: victim, reason: 'taken over' };
    const attempts = [
      await postJson(
        insurer(PATHS.insurer.adminRevoke),
        revoke,
        RevocationList,
        bearer(cs1.auditToken),
      ),
      await postJson(insurer(PATHS.insurer.adminRevoke), revoke, RevocationList),
      await postJson(
        insurer(PATHS.insurer.adminRevoke),
        revoke,
        RevocationList,
        bearer(toB64u(cs1.context.keys.enrollment.secretKey)),
      ),
    ];
    expect(attempts.map(codeOf)).toEqual(['unauthorized', 'unauthorized', 'unauthorized']);
    const after = unwrap(await getJson(insurer(PATHS.insurer.revocations), RevocationList));
    expect(after).toEqual(before);
    expect(after.body.revoked.map((r) => r.certId)).not.toContain(victim);
  });

  it('registers nothing: neither cs2 under its key, nor itself with a higher limit', async () => {
    const list = () =>
      getJson(
        insurer(PATHS.insurer.adminRegistrations),
        RegistrationList,
        bearer(fed.insurer.adminToken),
      );
    const before = unwrap(await list());
    const registration = {
      csName: 'cs2',
      enrollmentKey: cs1.context.keys.enrollment.public,
      bank: fed.bank.name,
      account: cs1.info().account,
      currency: 'NCD',
      mintLimit: 10 ** 15,
    };
    for (const token of [cs1.auditToken, toB64u(cs1.context.keys.enrollment.secretKey)]) {
      const refused = await postJson(
        insurer(PATHS.insurer.adminRegistrations),
        registration,
        Registration,
        bearer(token),
      );
      expect(codeOf(refused)).toBe('unauthorized');
    }
    expect(unwrap(await list())).toEqual(before);
  });

  it("reads no other bank account: neither cs2's, nor a customer's, nor the bank's books", async () => {
    const statement = (account: string) =>
      postJson(
        endpoint(fed.bank.url, PATHS.bank.statement),
        sign(p, cs1.context.keys.account.secretKey, {
          type: 'account-request',
          bank: fed.bank.name,
          account,
          ...fresh(),
        }),
        AccountStatement,
      );
    expect(codeOf(await statement(cs2.info().account))).toBe('bad-signature');
    expect(codeOf(await statement(alice.account))).toBe('bad-signature');
    expect((await statement(cs1.info().account)).ok).toBe(true); // its own, yes
    const books = await fetch(
      endpoint(fed.bank.url, PATHS.bank.adminAudit),
      bearer(cs1.auditToken),
    );
    expect(books.status).toBe(401);
  });

  it("moves no money out of cs2's account", async () => {
    const before = (await fed.audit()).banks[0]!.accounts;
    const now = Math.floor(Date.now() / 1000);
    const deposit = (body: unknown) =>
      postJson(endpoint(fed.bank.url, PATHS.bank.deposits), body, DepositReply);
    // A check drawn on cs2's account, signed by cs1's key.
    const forged = writeCheck(p, cs1.context.keys.account.secretKey, {
      bank: fed.bank.name,
      drawer: cs2.info().account,
      payee: cs1.info().account,
      amount: 500,
      currency: 'NCD',
      checkNo: randomId(p),
      issued: now,
      expires: now + 3_600,
      memo: 'take',
    });
    const endorse = (check: typeof forged, account: string) =>
      endorseCheck(p, cs1.context.keys.account.secretKey, check, account, now);
    expect(
      codeOf(await deposit({ check: forged, endorsement: endorse(forged, cs1.info().account) })),
    ).toBe('bad-signature');
    // A check alice wrote to cs2: cs1 can't deposit it into its own account, nor endorse for cs2.
    const toCs2 = alice.writeCheck(cs2.info().account, 100);
    expect(
      codeOf(await deposit({ check: toCs2, endorsement: endorse(toCs2, cs1.info().account) })),
    ).toBe('wrong-payee');
    expect(
      codeOf(await deposit({ check: toCs2, endorsement: endorse(toCs2, cs2.info().account) })),
    ).toBe('bad-signature');
    const after = (await fed.audit()).banks[0]!.accounts;
    expect(after).toEqual(before);
  });

  it("keeps no other party's secret in its data folder", async () => {
    const secrets = [
      readFileSync(join(fed.dataDir, 'insurer', 'admin-token'), 'utf8').trim(),
      readFileSync(join(fed.dataDir, 'bank', 'audit-token'), 'utf8').trim(),
      cs2.auditToken,
      cs2.adminToken,
      toB64u(cs2.context.keys.enrollment.secretKey),
      toB64u(cs2.context.keys.account.secretKey),
    ];
    const folder = join(fed.dataDir, 'cs1');
    const files = readdirSync(folder).filter((f) => !f.startsWith('cs.db'));
    // Its own: the auditor's token, its operator's token (`cs rotate`), its keys.
    expect(files.sort()).toEqual([
      'admin-token',
      'audit-token',
      'denomination-keys.json',
      'keys.json',
    ]);
    for (const file of files) {
      const text = readFileSync(join(folder, file), 'utf8');
      expect(secrets.filter((s) => text.includes(s))).toEqual([]);
    }
  });
});
