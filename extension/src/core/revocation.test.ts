/**
 * Revocation with recovery in the wallet (docs/PROTOCOL.md §4.7): when the insurer revokes a
 * currency server's certificate or one of its blind-rsa keys, the shopper's coins under it are
 * set apart (`recovering`), recouped at their issuer in full, and never hold back the good ones:
 * payments, refreshes and cash-outs go on with them. A coin forged with the stolen key is the
 * only thing lost. Real servers on loopback (insurer, bank, cs1, cs2), a real shop banking at
 * cs2, the wallet core on fake-indexeddb, one clock for all.
 */
import { type CoinBody, nowSeconds, sign, toB64u } from '@netcash/protocol';
import { nobleProvider } from '@netcash/protocol/noble';
import { describe, expect, it } from 'vitest';
import type { CoinRow } from './db/schema.ts';
import { readyWallet, revoke, spendable } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

const clock = nowSeconds();
const now = () => clock;
const cs1 = () => world.fed.cs[0]!;

const world = useFederation({
  now,
  blindRsa: { denominations: [1, 2, 5, 10, 20, 50, 100] },
  shop: true,
});

async function balance(t: {
  wallet: { balances(): Promise<{ spendable: number; recovering: number; reserved: number }[]> };
}) {
  const [b] = await t.wallet.balances();
  return {
    spendable: b?.spendable ?? 0,
    recovering: b?.recovering ?? 0,
    reserved: b?.reserved ?? 0,
  };
}

async function pay(t: Awaited<ReturnType<typeof readyWallet>>, article: string) {
  const offer = await world.shop.offer(article);
  return t.wallet.pay(offer, new URL(world.shop.url).origin, { approved: true });
}

describe("cs1's certificate revoked with the shopper's coins outstanding", () => {
  it('recoups them in full; a mixed holding pays, refreshes and cashes out without losing the good coins', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    await t.wallet.setSettings({ blindCoins: false });
    const bank0 = (await t.wallet.bankStatement()).balance;
    await t.wallet.buy(500, 'cs1');
    const revokedCert = cs1().certificate().body.certId;
    await revoke(world.fed, revokedCert);
    await cs1().maintain();

    // The wallet reads the revocation: the 500 are set apart, owed, not spendable.
    await t.wallet.refreshTrust();
    expect(await balance(t)).toEqual({ spendable: 0, recovering: 500, reserved: 0 });
    // 200 more under cs1's new certificate: a mixed holding.
    await t.wallet.buy(200, 'cs1');
    expect(await balance(t)).toEqual({ spendable: 200, recovering: 500, reserved: 0 });

    // A payment goes through with the good coins; the revoked ones are never offered.
    const paid = await pay(t, 'dear');
    expect(paid.proof).toBeDefined();
    expect(await balance(t)).toEqual({ spendable: 70, recovering: 500, reserved: 0 });

    // The refresh recoups the 500 at cs1 (into coins under its new certificate).
    const ops = await t.wallet.refresh();
    expect(
      ops.some((o) => o.kind === 'exchange' && o.purpose === 'recoup' && o.status === 'done'),
    ).toBe(true);
    expect(await balance(t)).toEqual({ spendable: 570, recovering: 0, reserved: 0 });
    expect(await spendable(t.wallet)).toBe(570);
    const current = cs1().certificate().body.certId;
    expect((await t.wallet.coinsOf('cs1')).every((c) => c.certId === current)).toBe(true);
    expect(
      (await t.wallet.history(10)).some((h) => h.kind === 'recovered' && h.amount === 500),
    ).toBe(true);

    // Cash-out: every cent back at the bank but the article's price.
    await t.wallet.cashout('cs1');
    expect(await balance(t)).toEqual({ spendable: 0, recovering: 0, reserved: 0 });
    expect((await t.wallet.bankStatement()).balance).toBe(bank0 - 130);
    const report = await world.fed.audit();
    expect(report.cs.find((b) => b.csName === 'cs1')?.recouped).toBeGreaterThanOrEqual(500);
    expect(report.problems).toEqual([]);
    t.wallet.close();
  });

  it('pays even before the wallet read the revocation: the refused coins come back, fresh ones pay', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    await t.wallet.setSettings({ blindCoins: false });
    await t.wallet.buy(300, 'cs1');
    await revoke(world.fed, cs1().certificate().body.certId);
    await cs1().maintain();

    // The wallet still trusts the old certificate; cs2 refuses the coins as revoked, the wallet
    // recoups them at cs1, reads the lists again and pays with the fresh coins.
    const paid = await pay(t, 'dear');
    expect(paid.proof).toBeDefined();
    expect(await t.wallet.receipts()).toHaveLength(1);
    const pays = (await t.wallet.core.db.getAll('ops')).filter((o) => o.kind === 'pay');
    expect(pays.map((o) => [o.status, o.lastError?.code]).sort()).toEqual([
      ['done', undefined],
      ['rolled-back', 'revoked'],
    ]);
    expect(await balance(t)).toEqual({ spendable: 170, recovering: 0, reserved: 0 });
    expect((await world.fed.audit()).problems).toEqual([]);
    t.wallet.close();
  });

  it('refuses a coin forged with the stolen key; the honest coins recouped with it come back', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    await t.wallet.setSettings({ blindCoins: false });
    await t.wallet.buy(100, 'cs1');
    const cert = cs1().certificate().body.certId;
    const stolen = cs1().context.keys.byCertId(cert)!.sign.secretKey;
    await revoke(world.fed, cert);
    await cs1().maintain();
    await t.wallet.refreshTrust();
    // A coin signed with the stolen key (a serial cs1 never minted) slips into the wallet.
    const [model] = await t.wallet.core.db.getAllFromIndex('coins', 'byCs', 'cs1');
    const serial = toB64u(nobleProvider.randomBytes(16));
    const forged = sign(nobleProvider, stolen, {
      ...(model!.coin.body as CoinBody),
      serial,
      value: 50,
    });
    const row: CoinRow = {
      id: `cs1/${serial}`,
      cs: 'cs1',
      currency: 'NCD',
      value: 50,
      expires: forged.body.expires,
      certId: cert,
      coin: forged,
      state: 'recovering',
      added: clock,
    };
    await t.wallet.core.db.put('coins', row);
    expect(await balance(t)).toEqual({ spendable: 0, recovering: 150, reserved: 0 });

    // One recoup of all of them is refused for the forged coin; each is then tried alone.
    await t.wallet.refresh();
    expect(await balance(t)).toEqual({ spendable: 100, recovering: 0, reserved: 0 });
    const lost = (await t.wallet.history(20)).filter((h) => h.kind === 'lost');
    expect(lost.map((h) => [h.amount, h.error?.code])).toEqual([[-50, 'double-spent']]);
    expect((await world.fed.audit()).problems).toEqual([]);
    t.wallet.close();
  });
});

describe('a blind-rsa denomination key of cs1 revoked', () => {
  it('recoups its coins with their blinding data; the CS signs under a replacement, never the revoked key', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    const late = await readyWallet(world.fed, {}, { now });
    await t.wallet.buy(100, 'cs1');
    const blind = (await t.wallet.coinsOf('cs1')).filter((c) => c.coin.body.scheme === 'blind-rsa');
    expect(blind.length).toBeGreaterThan(0);
    expect(blind.every((c) => c.blinding !== undefined)).toBe(true);
    // The key of the smallest coins: every purchase's spread starts with one of them.
    const smallest = blind.reduce((a, c) => (c.value < a.value ? c : a));
    const keyId = smallest.certId;
    const underKey = blind.filter((c) => c.certId === keyId).reduce((s, c) => s + c.value, 0);
    await revoke(world.fed, keyId);
    await cs1().maintain();
    const replacement = (cs1().info().denominationKeys ?? []).find(
      (k) => k.body.value === smallest.value,
    );
    expect(replacement?.body.keyId).toBeDefined();
    expect(replacement?.body.keyId).not.toBe(keyId);

    await t.wallet.refreshTrust();
    expect(await balance(t)).toEqual({
      spendable: 100 - underKey,
      recovering: underKey,
      reserved: 0,
    });
    const ops = await t.wallet.refresh();
    const recoup = ops.find((o) => o.kind === 'exchange' && o.purpose === 'recoup');
    expect(recoup?.status).toBe('done');
    expect(
      recoup?.kind === 'exchange' &&
        recoup.request.instruments.every((i) => i.blinding !== undefined),
    ).toBe(true);
    expect(await balance(t)).toEqual({ spendable: 100, recovering: 0, reserved: 0 });
    expect((await t.wallet.coinsOf('cs1')).map((c) => c.certId)).not.toContain(keyId);

    // A wallet that has not read the revocation asks cs1 to sign under the revoked key: refused,
    // so it reads the lists and buys under the replacement.
    await late.wallet.buy(underKey, 'cs1');
    const refused = (await late.wallet.core.db.getAll('ops')).filter(
      (o) => o.kind === 'buy' && o.status === 'failed',
    );
    expect(refused.map((o) => o.lastError?.code)).toEqual(['revoked']);
    const fresh = await late.wallet.coinsOf('cs1');
    expect(fresh.reduce((s, c) => s + c.value, 0)).toBe(underKey);
    expect(fresh.map((c) => c.certId)).not.toContain(keyId);
    expect((await world.fed.audit()).problems).toEqual([]);
    t.wallet.close();
    late.wallet.close();
  });
});

describe('two rotations of cs1', () => {
  it('leave first-certificate coins paying', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    await t.wallet.setSettings({ blindCoins: false });
    await t.wallet.buy(130, 'cs1');
    const first = cs1().certificate().body.certId;
    await cs1().rotateKeys();
    await cs1().rotateKeys();
    await t.wallet.refreshTrust();
    expect((await t.wallet.coinsOf('cs1')).every((c) => c.certId === first)).toBe(true);
    const paid = await pay(t, 'dear');
    expect(paid.proof).toBeDefined();
    expect(await balance(t)).toEqual({ spendable: 0, recovering: 0, reserved: 0 });
    t.wallet.close();
  });
});
