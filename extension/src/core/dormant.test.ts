/**
 * A wallet closed past its coins' expiry loses nothing (docs/PROTOCOL.md §4.7). Coins live 30
 * days; the wallet holds nc1 and blind-rsa coins, is closed for 40 days on the shared test clock
 * (the currency servers run their maintenance meanwhile), and reopens: the balance shows the value
 * as recovering, a refresh renews every coin at its issuer in its redemption window, and the
 * balance is whole again — the bank debited once, the federation's books balanced.
 */
import { describe, expect, it } from 'vitest';
import { readyWallet, reopen, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const DAY = 86_400;
let clock = 1_880_000_000;
const now = () => clock;

const world = useFederation({
  now,
  // Blind-rsa keys for the small values: a purchase holds both schemes.
  blindRsa: { denominations: [1, 2, 5, 10, 20, 50, 100] },
});

describe('a wallet closed for 40 days', () => {
  it('renews its nc1 and blind-rsa coins at their issuer and keeps the same balance', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    const bank = (await t.wallet.bankStatement()).balance;
    await t.wallet.buy(500, 'cs1');
    expect(await spendable(t.wallet)).toBe(500);
    const schemes = (await t.wallet.schemeMix()).map((h) => h.scheme).sort();
    expect(schemes).toEqual(['blind-rsa', 'nc1']);
    const before = await t.wallet.coinsOf('cs1');
    expect(Math.max(...before.map((c) => c.expires))).toBeLessThanOrEqual(clock + 37 * DAY);

    // Closed: the browser is gone for 40 days; the servers keep their hourly maintenance.
    t.wallet.close();
    clock += 40 * DAY;
    for (const cs of world.fed.cs) await cs.maintain();

    const w = await reopen(t, {}, { now });
    const [asleep] = await w.balances();
    expect(asleep).toMatchObject({ currency: 'NCD', spendable: 0, recovering: 500, reserved: 0 });
    expect(asleep?.byCs['cs1']).toMatchObject({ spendable: 0, recovering: 500 });

    await w.refreshTrust();
    const ops = await w.refresh();
    expect(ops.filter((o) => o.kind === 'exchange' && o.purpose === 'renew').length).toBe(
      ops.length,
    );
    expect(ops.every((o) => o.status === 'done')).toBe(true);
    const [awake] = await w.balances();
    expect(awake).toMatchObject({ spendable: 500, recovering: 0, reserved: 0 });
    expect(await spendable(w)).toBe(500);
    const after = await w.coinsOf('cs1');
    expect(after.every((c) => c.expires > clock)).toBe(true);
    expect(after.map((c) => c.id)).not.toContain(before[0]!.id);
    // The shopper is told what happened; the bank saw the purchase once.
    const history = await w.history(5);
    expect(history[0]).toMatchObject({ kind: 'recovered', currency: 'NCD', cs: 'cs1' });
    expect(history.filter((h) => h.kind === 'recovered').reduce((s, h) => s + h.amount, 0)).toBe(
      500,
    );
    expect((await w.bankStatement()).balance).toBe(bank - 500);
    const cs1 = (await world.fed.audit()).cs.find((b) => b.csName === 'cs1');
    expect(cs1?.late).toBe(500);
    expect((await world.fed.audit()).problems).toEqual([]);
    w.close();
  });

  it("is warned two weeks ahead when a currency server's insurance ends without a successor", async () => {
    const t = await readyWallet(world.fed, {}, { now });
    expect(t.wallet.ending()).toEqual([]);
    // Nearly a year on, cs2's certificate has 10 days left and nothing renewed it.
    const ends = world.fed.cs[1]!.certificate().body.expires;
    clock = ends - 10 * DAY;
    expect(t.wallet.ending()).toContainEqual({ csName: 'cs2', ends });
    // cs2 in good standing renews at its next maintenance: the warning goes once the wallet
    // has read the new certificate.
    for (const cs of world.fed.cs) await cs.maintain();
    await t.wallet.refreshTrust();
    expect(t.wallet.ending()).toEqual([]);
    t.wallet.close();
  });
  it('is told when the insurer withdraws a currency server; its coins are cashed out, before the end or after', async () => {
    clock += DAY;
    const t = await readyWallet(world.fed, {}, { now });
    const bank = (await t.wallet.bankStatement()).balance;
    await t.wallet.buy(300, 'cs2');
    // The insurer's operator ends cs2's insurance 40 days on (`netcash insurer register … --ends`),
    // and cs2's operator takes a certificate carrying it at once (`netcash cs rotate`).
    const insurer = world.fed.servers.insurer.insurer;
    const registration = (await insurer.registrations()).find((r) => r.csName === 'cs2')!;
    const ends = clock + 40 * DAY;
    await insurer.register({ ...registration, ends });
    const cs2 = world.fed.cs[1]!;
    await cs2.rotateKeys();
    expect(cs2.certificate().body).toMatchObject({ ends, expires: ends });
    await t.wallet.refreshTrust();
    expect(t.wallet.ending()).toEqual([{ csName: 'cs2', ends }]);
    // Its maintenance asks for no certificate past the end (it keeps the one it has), and
    // replaces denomination keys whose coins would outlive it.
    clock += 30 * DAY;
    const held = cs2.certificate().body.certId;
    await cs2.maintain();
    expect(cs2.certificate().body.certId).toBe(held);
    await t.wallet.refreshTrust();
    // A second shopper buys too, then closes the browser until after the end.
    const away = await readyWallet(world.fed, {}, { now });
    const awayBank = (await away.wallet.bankStatement()).balance;
    await away.wallet.buy(400, 'cs2');
    away.wallet.close();
    // Coins bought now end with the insurance, in both schemes; none outlives it (the end was
    // announced a coin lifetime ahead).
    await t.wallet.buy(1000, 'cs2');
    const coins = await t.wallet.coinsOf('cs2');
    expect(coins.filter((c) => c.expires > ends)).toEqual([]);
    const last = coins.filter((c) => c.expires === ends).map((c) => c.coin.body.scheme);
    expect(new Set(last)).toEqual(new Set(['nc1', 'blind-rsa']));

    // The shopper cashes out before the end: every cent back in the bank, the books balanced.
    expect((await t.wallet.cashout('cs2'))?.status).toBe('done');
    expect(await spendable(t.wallet)).toBe(0);
    expect((await t.wallet.bankStatement()).balance).toBe(bank);
    expect((await world.fed.audit()).problems).toEqual([]);

    // At the end cs2 obtains nothing more; the wallet no longer offers it, nor warns about it.
    clock = ends;
    await expect(cs2.maintain()).rejects.toMatchObject({ code: 'expired' });
    await t.wallet.refreshTrust();
    expect(t.wallet.servers().map((s) => s.csName)).not.toContain('cs2');
    expect(t.wallet.ending()).toEqual([]);
    t.wallet.close();

    // The shopper who was away: the coins are still owed (inside their redemption window) but
    // neither pay nor renew at cs2 any more — recovering, then cashed out to the bank.
    clock += DAY;
    const back = await reopen(away, {}, { now });
    await back.refreshTrust();
    const [before] = await back.balances();
    expect(before).toMatchObject({ spendable: 0, recovering: 400, reserved: 0 });
    const ops = await back.refresh();
    expect(ops.map((o) => [o.kind, o.status])).toContainEqual(['cashout', 'done']);
    expect(await back.balances()).toEqual([]); // nothing left held
    expect((await back.bankStatement()).balance).toBe(awayBank);
    expect((await back.history(1))[0]).toMatchObject({ kind: 'cashout', amount: -400, cs: 'cs2' });
    expect((await world.fed.audit()).problems).toEqual([]);
    back.close();
  });
});
