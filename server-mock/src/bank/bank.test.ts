/**
 * The bank over HTTP (docs/PROTOCOL.md §8): demo openings credited from the issuance account,
 * the deposit rules in order, a check clearing at most once and never overdrawing, idempotent
 * re-deposits, signed statements with replay protection, admin endpoints behind the token.
 */
import {
  AccountStatement,
  DepositReply,
  ErrorReply,
  endorseCheck,
  endpoint,
  PATHS,
  postJson,
  randomId,
  sign,
  toB64u,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

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
    expect(report.bank!.accounts.find((a) => a.kind === 'system')?.balance).toBeLessThanOrEqual(
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
    expect(first.ok && first.value.balance).toBe(100);
    expect(first.ok && first.value.history.length).toBeGreaterThan(3);
    expect(codeOf(await postJson(url, once, AccountStatement))).toBe('request-id-reused');
    expect(codeOf(await postJson(url, request({ date: clock - 301 }), AccountStatement))).toBe(
      'expired',
    );
    expect(
      codeOf(await postJson(url, request({ key: bob.accountKey.secretKey }), AccountStatement)),
    ).toBe('bad-signature');
  });

  it('keeps admin endpoints behind the token and without CORS; public ones with CORS', async () => {
    const audit = await fetch(endpoint(fed.bank.url, PATHS.bank.adminAudit));
    expect(audit.status).toBe(401);
    expect(audit.headers.get('access-control-allow-origin')).toBeNull();
    expect(ErrorReply.entries.error).toBeDefined();
    const open = await fetch(endpoint(fed.bank.url, PATHS.bank.adminAccounts), {
      method: 'POST',
      headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
      body: JSON.stringify({ signKey: toB64u(p.ed25519.keygen().publicKey), holder: 'x' }),
    });
    expect(open.status).toBe(401);
    const preflight = await fetch(endpoint(fed.bank.url, PATHS.bank.accounts), {
      method: 'OPTIONS',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    clock += 1;
  });
});
