/**
 * `netcash audit --merchant`: the publisher's holdings (`/netcash/admin/holdings.json`, behind its
 * admin token) count into the federation audit from the command line, as `fed.audit([holdings])`
 * does in-process — a real federation, a real publisher on a loopback port, the real CLI.
 */
import { nodeProvider as p } from '@netcash/protocol/node';
import { fetchOffer, pay, runNetcash } from '@netcash/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { useFederation } from '../testing/world.ts';

const TOKEN = 'publisher-admin-token-for-the-audit';

const world = useFederation({ merchants: { merchant: { adminToken: TOKEN } } });

// What the publisher holds: two payments with cs1 coins, held as cs2 coins.
beforeAll(async () => {
  for (const [path, values] of [
    ['/articles/a', [5]],
    ['/articles/c', [20, 5]],
  ] as const) {
    const offer = await fetchOffer(p, world.merchant().resource(path));
    const paid = await pay(p, offer, await world.shopper.buy(world.fed.cs[0]!.url, [...values]));
    if (!paid.ok) throw paid.error;
  }
});

const audit = (...more: string[]) =>
  runNetcash([
    'audit',
    '--data',
    world.fed.dataDir,
    '--insurer',
    world.fed.insurer.url,
    '--bank',
    world.fed.bank.url,
    ...more,
  ]);

describe('netcash audit --merchant', () => {
  it('counts what the publisher holds into its CS, and balances', async () => {
    const run = await audit(
      '--merchant',
      world.merchant().url,
      '--merchant-token',
      `${world.merchant().url}=${TOKEN}`,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(
      /^merchant \S+ at http:\/\/127\.0\.0\.1:\d+: holds 30 of cs2; 0 checks worth 0/m,
    );
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('the books balance')]);
    // The same figure the in-process audit reads.
    expect(await world.merchant().paywall.holdings()).toMatchObject({
      coins: { cs2: 30 },
      checks: [],
    });
  });

  it('reads the holdings only with the admin token, and says so', async () => {
    const anonymous = await fetch(new URL('/netcash/admin/holdings.json', world.merchant().url));
    expect(anonymous.status).toBe(401);
    const wrong = await audit(
      '--merchant',
      world.merchant().url,
      '--merchant-token',
      `${world.merchant().url}=${'x'.repeat(40)}`,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('holdings not readable');
    const none = await audit('--merchant', world.merchant().url);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--merchant-token');
  });
});
