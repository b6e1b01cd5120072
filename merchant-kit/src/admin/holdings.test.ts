/**
 * `netcash audit --merchant`: the publisher's holdings (`/netcash/admin/holdings.json`, behind its
 * admin token) count into the federation audit from the command line, as `fed.audit([holdings])`
 * does in-process — a real federation, a real publisher on a loopback port, the real CLI.
 */
import { nodeProvider as p } from '@netcash/protocol/node';
import {
  type Federation,
  fetchOffer,
  pay,
  runNetcash,
  startFederation,
  TestClient,
} from '@netcash/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMerchant, type TestMerchant } from '../testing/merchant.ts';

const TOKEN = 'publisher-admin-token-for-the-audit';

let fed: Federation;
let merchant: TestMerchant;

beforeAll(async () => {
  fed = await startFederation();
  merchant = await startMerchant(fed, { adminToken: TOKEN });
  const shopper = await TestClient.open(fed.bank.url);
  for (const [path, values] of [
    ['/articles/a', [5]],
    ['/articles/c', [20, 5]],
  ] as const) {
    const offer = await fetchOffer(p, merchant.resource(path));
    const paid = await pay(p, offer, await shopper.buy(fed.cs[0]!.url, [...values]));
    if (!paid.ok) throw paid.error;
  }
});
afterAll(async () => {
  await merchant?.close();
  await fed?.stop();
});

const audit = (...more: string[]) =>
  runNetcash([
    'audit',
    '--data',
    fed.dataDir,
    '--insurer',
    fed.insurer.url,
    '--bank',
    fed.bank.url,
    ...more,
  ]);

describe('netcash audit --merchant', () => {
  it('counts what the publisher holds into its CS, and balances', async () => {
    const run = await audit(
      '--merchant',
      merchant.url,
      '--merchant-token',
      `${merchant.url}=${TOKEN}`,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(
      /^merchant \S+ at http:\/\/127\.0\.0\.1:\d+: holds 30 of cs2; 0 checks worth 0/m,
    );
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('the books balance')]);
    // The same figure the in-process audit reads.
    expect(await merchant.paywall.holdings()).toMatchObject({ coins: { cs2: 30 }, checks: [] });
  });

  it('reads the holdings only with the admin token, and says so', async () => {
    const anonymous = await fetch(new URL('/netcash/admin/holdings.json', merchant.url));
    expect(anonymous.status).toBe(401);
    const wrong = await audit(
      '--merchant',
      merchant.url,
      '--merchant-token',
      `${merchant.url}=${'x'.repeat(40)}`,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('holdings not readable');
    const none = await audit('--merchant', merchant.url);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--merchant-token');
  });
});
