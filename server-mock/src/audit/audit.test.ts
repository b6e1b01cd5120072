/**
 * The federation audit against real servers (PROTOCOL §4.6): it finds the currency servers in the
 * insurer's certificates, checks each against the bank its certificate names — with two banks,
 * each CS against its own — and holds each to the mint limit the insurer set, even after the
 * insurer lowered it; a certified CS it can't read, or a bank not given, is a difference.
 */
import { join } from 'node:path';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBank, startBank } from '../bank/server.ts';
import { type RunningCs, startCurrencyServer } from '../cs/server.ts';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { type AuditTarget, auditFederation } from './audit.ts';

describe('the federation audit', () => {
  let fed: Federation;
  let bank2: RunningBank;
  let cs3: RunningCs;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 1, mintLimit: 10_000 });
    bank2 = await startBank({
      dataDir: join(fed.dataDir, 'bank2'),
      name: 'bank2',
      demoBalance: 1_000,
      log: silentLogger(),
    });
    cs3 = await startCurrencyServer({
      dataDir: join(fed.dataDir, 'cs3'),
      name: 'cs3',
      insurerUrl: fed.insurer.url,
      insurerKey: fed.insurer.signKey,
      enroll: async (application) => {
        await fed.enroll(application, 50_000);
      },
      bankUrl: bank2.url,
      log: silentLogger(),
      maintenanceIntervalMs: 0,
      revocationRefresh: 0,
    });
  });
  afterAll(async () => {
    await cs3?.close();
    await bank2?.close();
    await fed?.stop();
  });

  const banks: AuditTarget[] = [];
  const audit = (
    given: readonly AuditTarget[],
    csToken = (name: string): string | undefined =>
      name === 'cs3' ? cs3.auditToken : fed.cs[0]!.auditToken,
  ) => auditFederation({ insurer: { url: fed.insurer.url }, banks: given, csToken });

  it('checks each currency server against the bank its certificate names', async () => {
    banks.push(
      { url: fed.bank.url, token: fed.bank.auditToken },
      { url: bank2.url, token: bank2.auditToken },
    );
    const alice = await TestClient.open(fed.bank.url);
    const carol = await TestClient.open(bank2.url);
    await alice.buy(fed.cs[0]!.url, [500, 100]);
    await carol.buy(cs3.url, [200]);
    const report = await audit(banks);
    expect(report.problems).toEqual([]);
    expect(report.banks.map((b) => b.name)).toEqual(['bank', 'bank2']);
    expect(report.cs.map((b) => [b.csName, b.bank, b.outstanding.value])).toEqual([
      ['cs1', 'bank', 600],
      ['cs3', 'bank2', 200],
    ]);
    expect(report.insured.map((c) => [c.csName, c.mintLimit])).toEqual([
      ['cs1', 10_000],
      ['cs3', 50_000],
    ]);
  });

  it('reports a bank not given and a certified CS whose books it may not read', async () => {
    expect((await audit(banks.slice(0, 1))).problems).toEqual([
      'cs3: the books of its bank bank2 were not given',
    ]);
    const noToken = await audit(banks, (name) =>
      name === 'cs1' ? fed.cs[0]!.auditToken : undefined,
    );
    expect(noToken.problems).toEqual([
      'cs3: certified by the insurer, but no audit token was given',
    ]);
    const wrongToken = await audit(banks, () => fed.cs[0]!.auditToken);
    expect(wrongToken.problems).toEqual([
      expect.stringMatching(/^cs3: books unreadable \(unauthorized/),
    ]);
  });

  it('holds a currency server to the mint limit the insurer set, also after lowering it', async () => {
    const cs1 = fed.cs[0]!;
    // The operator lowers cs1's limit below what is outstanding and revokes its certificate;
    // at its next maintenance cs1 certifies new keys under the new registration.
    await fed.enroll(
      {
        csName: 'cs1',
        enrollmentKey: cs1.context.keys.enrollment.public,
        bank: fed.bank.name,
        account: cs1.info().account,
        currency: 'NCD',
      },
      500,
    );
    await fed.servers.insurer.insurer.revoke({
      certId: cs1.certificate().body.certId,
      reason: 'limit lowered',
    });
    await cs1.maintain();
    expect(cs1.certificate().body.mintLimit).toBe(500);
    const report = await audit(banks);
    expect(report.problems).toEqual([
      'cs1: outstanding 600 + pending 0 exceeds the mint limit 500 the insurer set',
    ]);
    // And cs1 mints nothing more.
    const bob = await TestClient.open(fed.bank.url);
    expect(codeOf(await bob.send(cs1.url, bob.buyRequest(cs1.info().account, [5])))).toBe(
      'limit-exceeded',
    );
  });
});
