/**
 * The audit and a withdrawn currency server (PROTOCOL §4.7): once its insurance has ended the
 * insurer certifies it no more, yet it owes the coins it minted until their redemption window
 * closes. The audit keeps reading and checking its books all that time, and says why; it lets the
 * CS go only once nothing can be owed under its certificates. Real servers on loopback ports, one
 * injectable clock for all of them.
 */
import { join } from 'node:path';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCs, startCurrencyServer } from '../cs/server.ts';
import { runNetcash } from '../testing/child.ts';
import { TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

const HOUR = 3600;
const DAY = 24 * HOUR;
const WINDOW = 30 * DAY;

describe('the audit of a withdrawn currency server', () => {
  let t = Math.floor(Date.now() / 1000);
  const now = () => t;
  const ends = t + HOUR;
  let fed: Federation;
  let cs2: RunningCs;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 1, now, redemptionWindow: WINDOW });
    // cs2's operator registered it with an end date: its certificates stop there.
    cs2 = await startCurrencyServer({
      dataDir: join(fed.dataDir, 'cs2'),
      name: 'cs2',
      insurerUrl: fed.insurer.url,
      insurerKey: fed.insurer.signKey,
      enroll: async (application) => {
        await fed.servers.insurer.insurer.register({ ...application, mintLimit: 10_000, ends });
      },
      bankUrl: fed.bank.url,
      now,
      log: silentLogger(),
      maintenanceIntervalMs: 0,
      revocationRefresh: 0,
    });
  });
  afterAll(async () => {
    await cs2?.close();
    await fed?.stop();
  });

  it('keeps auditing it while it owes coins, says so, and lets it go once its window closed', async () => {
    expect(cs2.certificate().body).toMatchObject({ ends, expires: ends, redeemFor: WINDOW });
    const alice = await TestClient.open(fed.bank.url);
    const coins = await alice.buy(cs2.url, [200, 100]);
    const insured = await fed.audit();
    expect(insured.problems).toEqual([]);
    expect(insured.ended).toEqual([]);

    // Past its insurance's end: no valid certificate, 300 still owed, in the redemption window.
    t = ends + 60;
    const withdrawn = await fed.audit();
    expect(withdrawn.problems).toEqual([]);
    expect(withdrawn.cs.map((b) => [b.csName, b.outstanding.value])).toEqual([
      ['cs1', 0],
      ['cs2', 300],
    ]);
    expect(withdrawn.ended).toEqual([
      {
        csName: 'cs2',
        why: 'insurance ended',
        since: ends,
        redeemableUntil: ends + WINDOW,
        audited: true,
      },
    ]);
    const until = new Date((ends + WINDOW) * 1000).toISOString();
    expect(withdrawn.notes).toContain(
      `cs2: insurance ended ${new Date(ends * 1000).toISOString()}, but it still owes 300 in 2 coins and 0 in 0 pending mints, and its coins are redeemable until ${until}: audited`,
    );
    // And from the command line (its clock is the bank's, so the injected one).
    const cli = await runNetcash([
      'audit',
      '--data',
      fed.dataDir,
      '--insurer',
      fed.insurer.url,
      '--bank',
      fed.bank.url,
    ]);
    expect([cli.code, cli.stderr]).toEqual([0, '']);
    expect(cli.stdout).toContain('cs2: outstanding 2 coins worth 300 (mint limit 10000');
    expect(cli.stdout).toContain('note: cs2: insurance ended');
    expect(cli.stdout).toContain('audit: the books balance');

    // A holder cashes one coin out late; the rest is still owed and still checked.
    const check = await alice.cashout(cs2.url, [coins[0]!]);
    await alice.deposit(check);
    const late = await fed.audit();
    expect(late.problems).toEqual([]);
    expect(late.cs.find((b) => b.csName === 'cs2')).toMatchObject({
      outstanding: { count: 1, value: 100 },
      late: 200,
    });

    // Gone while it may still owe: a difference, not a silent omission.
    await cs2.close();
    const gone = await fed.audit();
    expect(gone.problems).toEqual([expect.stringMatching(/^cs2: books unreadable \(/)]);
    expect(gone.ended).toMatchObject([{ csName: 'cs2', audited: false }]);
    expect(gone.notes).toContain(
      `cs2: insurance ended ${new Date(ends * 1000).toISOString()}, but its coins are redeemable until ${until}: audited, and its books could not be read (a difference below)`,
    );

    // Once the redemption window has closed nothing can be owed under its certificates: the
    // insurer lists them no more, and the audit lets cs2 go.
    t = ends + WINDOW + 60;
    const closed = await fed.audit();
    expect(closed.problems).toEqual([]);
    expect(closed.ended).toEqual([]);
    expect(closed.cs.map((b) => b.csName)).toEqual(['cs1']);
  }, 60_000);
});
