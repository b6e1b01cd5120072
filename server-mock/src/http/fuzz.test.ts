/**
 * Hostile bodies at every POST endpoint of the federation (TESTING.md "Faults and hostile
 * input"): arbitrary text, arbitrary JSON, JSON of the right shape with wrong types, oversize
 * bodies. Each is refused with a 4xx and a registered error code, no state changes anywhere,
 * and every server still answers.
 */
import { ERROR_CODES, isErrorCode, PATHS } from '@netcash/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Federation, startFederation } from '../testing/federation.ts';

describe('hostile bodies', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 1 });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  const state = async () => {
    const { date: _b, ...bank } = await fed.servers.bank.bank.books();
    return {
      cs: await fed.cs[0]!.store.snapshot(),
      bank,
      certificates: (await fed.servers.insurer.insurer.certificates()).length,
      revocations: (await fed.servers.insurer.insurer.revocations()).body.seq,
    };
  };

  const targets = () => [
    { url: fed.cs[0]!.url + PATHS.cs.requests, admin: undefined },
    { url: fed.bank.url + PATHS.bank.deposits, admin: undefined },
    { url: fed.bank.url + PATHS.bank.statement, admin: undefined },
    { url: fed.bank.url + PATHS.bank.accounts, admin: undefined },
    { url: fed.insurer.url + PATHS.insurer.enrollCertificate, admin: undefined },
    { url: fed.insurer.url + PATHS.insurer.enrollDenominationKey, admin: undefined },
    { url: fed.insurer.url + PATHS.insurer.adminRegistrations, admin: fed.insurer.adminToken },
    { url: fed.insurer.url + PATHS.insurer.adminRevoke, admin: fed.insurer.adminToken },
  ];

  /** Bodies a client could send: noise, any JSON, near-miss shapes of real messages. */
  const body = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc
      .record({
        certId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        enc: fc.oneof(fc.base64String(), fc.string(), fc.array(fc.integer())),
        ct: fc.oneof(fc.base64String(), fc.string(), fc.boolean()),
        check: fc.oneof(fc.object(), fc.string()),
        endorsement: fc.anything(),
        signKey: fc.oneof(fc.string(), fc.integer()),
        holder: fc.anything(),
      })
      .map((o) => JSON.stringify(o)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
  );

  it('refuses every hostile body with a 4xx code and changes nothing', async () => {
    const before = await state();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets()), body, async (target, text) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (target.admin !== undefined) headers['authorization'] = `Bearer ${target.admin}`;
        const res = await fetch(target.url, { method: 'POST', headers, body: text });
        const reply = (await res.json()) as { error?: { code?: unknown } };
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(isErrorCode(reply.error?.code)).toBe(true);
        const code = reply.error!.code as keyof typeof ERROR_CODES;
        expect(ERROR_CODES[code].status).toBe(res.status);
      }),
      { numRuns: 150 },
    );
    expect(await state()).toEqual(before);
  });

  it('refuses oversize bodies with too-large, and unknown paths and methods', async () => {
    const huge = JSON.stringify({ certId: 'x', enc: 'a'.repeat(300 * 1024), ct: '' });
    for (const target of targets()) {
      const res = await fetch(target.url, { method: 'POST', body: huge });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too-large');
    }
    const missing = await fetch(`${fed.cs[0]!.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    const wrongMethod = await fetch(fed.cs[0]!.url + PATHS.cs.requests);
    expect(wrongMethod.status).toBe(405);
    for (const url of [fed.insurer.url, fed.bank.url, fed.cs[0]!.url]) {
      expect((await fetch(url + PATHS.health)).status).toBe(200);
    }
  });
});
