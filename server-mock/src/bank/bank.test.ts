/**
 * The bank over HTTP (docs/PROTOCOL.md §8): demo openings credited from the issuance account,
 * the deposit rules in order, a check clearing at most once and never overdrawing, idempotent
 * re-deposits, signed openings and statements with replay protection, the books behind the
 * auditor's token, and no free money from a bank not in demo mode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AccountOpeningBody,
  AccountStatement,
  accountOpening,
  BankBooks,
  BankInfo,
  DepositReply,
  endorseCheck,
  endpoint,
  getJson,
  OpenAccountReply,
  PATHS,
  postJson,
  randomId,
  sign,
  toB64u,
  unwrap,
  verify,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { startBank } from './server.ts';

let clock = 1_850_000_000;
const now = () => clock;

describe('bank', () => {
  let fed: Federation;
  let alice: TestClient;
  let bob: TestClient;
  beforeAll(async () => {
    fed = await startFederation({ now, csCount: 0, demoBalance: 1_000 });
    alice = await TestClient.open(fed.bank.url, { now });
    bob = await TestClient.open(fed.bank.url, { now });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  const deposit = (body: unknown) =>
    postJson(endpoint(fed.bank.url, PATHS.bank.deposits), body, DepositReply);
  const endorse = (
    who: TestClient,
    check: ReturnType<TestClient['writeCheck']>,
    account = who.account,
  ) => endorseCheck(p, who.accountKey.secretKey, check, account, clock);
  const balances = async () => [await alice.balance(), await bob.balance()];

  it('opens demo accounts from the issuance account; the ledger sums to zero', async () => {
    expect(await balances()).toEqual([1_000, 1_000]);
    const report = await fed.audit();
    expect(report.problems).toEqual([]);
    expect(report.banks[0]!.accounts.find((a) => a.kind === 'system')?.balance).toBeLessThanOrEqual(
      -2_000,
    );
  });

  it('clears a check once; an identical re-deposit gets the same reply, others check-cleared', async () => {
    const check = alice.writeCheck(bob.account, 300);
    const first = await bob.deposit(check);
    expect(first).toMatchObject({ account: bob.account, amount: 300 });
    expect(await bob.deposit(check)).toEqual(first);
    expect(await balances()).toEqual([700, 1_300]);
    // The same check number again (a new check body) is refused.
    const twin = alice.writeCheck(bob.account, 300, { checkNo: check.body.checkNo, memo: 'x' });
    expect(codeOf(await deposit({ check: twin, endorsement: endorse(bob, twin) }))).toBe(
      'check-cleared',
    );
    // Alice back to 1000 for the next tests.
    await alice.deposit(bob.writeCheck(alice.account, 300));
  });

  it('refuses each broken deposit with its code and moves nothing', async () => {
    const good = alice.writeCheck(bob.account, 100);
    const cases: [string, unknown][] = [
      [
        'insufficient-funds',
        ((c) => ({ check: c, endorsement: endorse(bob, c) }))(alice.writeCheck(bob.account, 5_000)),
      ],
      [
        'bad-signature',
        {
          check: { ...good, sig: bob.writeCheck(bob.account, 100).sig },
          endorsement: endorse(bob, good),
        },
      ],
      ['bad-signature', { check: good, endorsement: endorse(alice, good, bob.account) }],
      ['wrong-payee', { check: good, endorsement: endorse(alice, good) }],
      [
        'expired',
        ((c) => ({ check: c, endorsement: endorse(bob, c) }))(
          alice.writeCheck(bob.account, 100, { expires: clock }),
        ),
      ],
      [
        'unknown-account',
        ((c) => ({ check: c, endorsement: endorse(bob, c) }))(
          alice.writeCheck(bob.account, 100, { bank: 'other-bank' }),
        ),
      ],
      [
        'unknown-account',
        ((c) => ({ check: c, endorsement: endorse(bob, c, 'nobody') }))(
          alice.writeCheck('nobody', 100),
        ),
      ],
      [
        'wrong-currency',
        ((c) => ({ check: c, endorsement: endorse(bob, c) }))(
          alice.writeCheck(bob.account, 100, { currency: 'EUR' }),
        ),
      ],
      ['malformed', { check: good }],
    ];
    for (const [code, body] of cases) {
      expect([code, codeOf(await deposit(body))]).toEqual([code, code]);
    }
    expect(await balances()).toEqual([1_000, 1_000]);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('never overdraws under concurrent deposits', async () => {
    const checks = Array.from({ length: 8 }, () => alice.writeCheck(bob.account, 300));
    const outcomes = await Promise.all(
      checks.map(async (c) => codeOf(await deposit({ check: c, endorsement: endorse(bob, c) }))),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'insufficient-funds')).toHaveLength(5);
    expect(await balances()).toEqual([100, 1_900]);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('signs its statements with the key its info publishes, bound to the request', async () => {
    const info = unwrap(await getJson(endpoint(fed.bank.url, PATHS.bank.info), BankInfo));
    const nonce = randomId(p);
    const request = sign(p, alice.accountKey.secretKey, {
      type: 'account-request',
      bank: alice.bank,
      account: alice.account,
      nonce,
      date: clock,
    });
    const signed = unwrap(
      await postJson(endpoint(fed.bank.url, PATHS.bank.statement), request, AccountStatement),
    );
    expect(verify(p, info.signKey, signed)).toBe(true);
    expect(signed.body).toMatchObject({
      type: 'account-statement',
      bank: alice.bank,
      account: alice.account,
      nonce,
      date: clock,
      balance: await alice.balance(),
    });
    // Another balance under the same signature does not verify.
    expect(verify(p, info.signKey, { ...signed, body: { ...signed.body, balance: 99_999 } })).toBe(
      false,
    );
  });

  it('answers signed statements once per nonce, within the clock window', async () => {
    const request = (fields: { date?: number; key?: Uint8Array } = {}) =>
      sign(p, fields.key ?? alice.accountKey.secretKey, {
        type: 'account-request',
        bank: alice.bank,
        account: alice.account,
        nonce: randomId(p),
        date: fields.date ?? clock,
      });
    const url = endpoint(fed.bank.url, PATHS.bank.statement);
    const once = request();
    const first = await postJson(url, once, AccountStatement);
    expect(first.ok && first.value.body.balance).toBe(100);
    expect(first.ok && first.value.body.history.length).toBeGreaterThan(3);
    expect(codeOf(await postJson(url, once, AccountStatement))).toBe('request-id-reused');
    expect(codeOf(await postJson(url, request({ date: clock - 301 }), AccountStatement))).toBe(
      'expired',
    );
    expect(
      codeOf(await postJson(url, request({ key: bob.accountKey.secretKey }), AccountStatement)),
    ).toBe('bad-signature');
  });

  it('keeps the books behind the audit token and without CORS; has no admin endpoint', async () => {
    const audit = (token?: string) =>
      fetch(endpoint(fed.bank.url, PATHS.bank.adminAudit), {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    const none = await audit();
    expect(none.status).toBe(401);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
    expect((await audit('wrong')).status).toBe(401);
    expect((await audit(fed.bank.auditToken)).status).toBe(200);
    // Server accounts open like any other, signed by their own key: no admin opening.
    const admin = await fetch(endpoint(fed.bank.url, '/v1/admin/accounts'), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fed.bank.auditToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ signKey: toB64u(p.ed25519.keygen().publicKey), holder: 'x' }),
    });
    expect(admin.status).toBe(404);
    const preflight = await fetch(endpoint(fed.bank.url, PATHS.bank.accounts), {
      method: 'OPTIONS',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    clock += 1;
  });

  it('opens an account only for a key that signed the opening; once per key', async () => {
    const open = (body: unknown) =>
      postJson(endpoint(fed.bank.url, PATHS.bank.accounts), body, OpenAccountReply);
    const key = p.ed25519.keygen();
    const opening = (fields: Partial<AccountOpeningBody> = {}, secret = key.secretKey) =>
      accountOpening(p, secret, {
        bank: fed.bank.name,
        holder: 'Carol',
        kind: 'customer',
        date: clock,
        ...fields,
      });
    const forged = {
      ...opening(),
      body: { ...opening().body, signKey: toB64u(p.ed25519.keygen().publicKey) },
    };
    const issuance = async () =>
      (await fed.audit()).banks[0]!.accounts.find((a) => a.kind === 'system')!.balance;
    const before = await issuance();
    expect(codeOf(await open(forged))).toBe('bad-signature');
    expect(codeOf(await open(opening({ date: clock - 301 })))).toBe('expired');
    expect(codeOf(await open(opening({ bank: 'other-bank' })))).toBe('unknown-account');
    expect(codeOf(await open({ signKey: toB64u(key.publicKey), holder: 'unsigned' }))).toBe(
      'malformed',
    );
    expect(await issuance()).toBe(before);
    const first = await open(opening());
    expect(first.ok && first.value.balance).toBe(1_000);
    // The same key again (a lost reply, or a replay): the same account, no second credit.
    const again = await open(opening({ holder: 'Carol again', date: clock + 1 }));
    expect(again.ok && first.ok && again.value.account).toBe(first.ok && first.value.account);
    expect(await issuance()).toBe(before - 1_000);
    // A currency server's account opens empty, even in demo mode.
    const server = await open(opening({ kind: 'server' }, p.ed25519.keygen().secretKey));
    expect(server.ok && server.value.balance).toBe(0);
    expect((await fed.audit()).problems).toEqual([]);
  });
});

describe('a bank in demo mode', () => {
  it('rate-limits openings, and with them free money, per client address', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'netcash-bank-'));
    const bank = await startBank({
      dataDir,
      log: silentLogger(),
      demoBalance: 1_000,
      demoOpenings: { burst: 2, perSecond: 0.001 },
    });
    /** POST an opening for a fresh key from `localAddress`: status, Retry-After, balance. */
    const open = (localAddress: string) => {
      const key = p.ed25519.keygen();
      const body = JSON.stringify(
        accountOpening(p, key.secretKey, {
          bank: 'bank',
          holder: 'demo',
          kind: 'customer',
          date: Math.floor(Date.now() / 1000),
        }),
      );
      const { port } = new URL(bank.url);
      return new Promise<{ status: number; retryAfter?: string; body: string }>((done, fail) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: PATHS.bank.accounts,
            method: 'POST',
            localAddress,
            agent: false,
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () =>
              done({
                status: res.statusCode ?? 0,
                retryAfter: res.headers['retry-after'],
                body: text,
              }),
            );
          },
        );
        req.on('error', fail);
        req.end(body);
      });
    };
    try {
      const first = [await open('127.0.0.1'), await open('127.0.0.1')];
      expect(first.map((r) => r.status)).toEqual([200, 200]);
      const third = await open('127.0.0.1');
      expect(third.status).toBe(429);
      expect(JSON.parse(third.body)).toMatchObject({ error: { code: 'rate-limited' } });
      expect(Number(third.retryAfter)).toBeGreaterThan(0);
      // Another address still opens; the refused opening credited nothing.
      expect((await open('127.0.0.2')).status).toBe(200);
      const books = unwrap(
        await getJson(endpoint(bank.url, PATHS.bank.adminAudit), BankBooks, {
          headers: { authorization: `Bearer ${bank.auditToken}` },
        }),
      );
      expect(books.accounts.filter((a) => a.kind === 'customer').map((a) => a.balance)).toEqual([
        1_000, 1_000, 1_000,
      ]);
      // Other requests of the limited address are not counted against it.
      expect((await fetch(endpoint(bank.url, PATHS.bank.info))).status).toBe(200);
    } finally {
      await bank.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a bank started for real', () => {
  it('gives no free money: a customer account opens empty', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'netcash-bank-'));
    const bank = await startBank({ dataDir, log: silentLogger() });
    try {
      const info = await getJson(endpoint(bank.url, PATHS.bank.info), BankInfo);
      expect(info.ok && info.value.demoAccounts).toBe(false);
      const client = await TestClient.open(bank.url);
      expect(await client.balance()).toBe(0);
      const books = unwrap(
        await getJson(endpoint(bank.url, PATHS.bank.adminAudit), BankBooks, {
          headers: { authorization: `Bearer ${bank.auditToken}` },
        }),
      );
      expect(books.accounts.map((a) => a.balance)).toEqual([0, 0]);
    } finally {
      await bank.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
