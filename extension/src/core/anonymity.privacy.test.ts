/**
 * Anonymity sets (docs/PRIVACY.md "Anonymity sets"): a blind-rsa coin, when spent, is one of all
 * the coins withdrawn under its key. A currency server renews a denomination key before the old
 * one stops taking withdrawals, so for a while two keys of a value are live — the old one with
 * everyone's withdrawals, the new one with none. On the federation's shared test clock:
 *
 *   - the wallet withdraws under the old key (the largest crowd), never under the new empty one,
 *     until the old one stops taking withdrawals; the CS's published counts show it;
 *   - the wallet shows, for each key of the coins it holds, how many coins were withdrawn under
 *     it — the count its currency server publishes — and marks the small crowds.
 */
import { CsInfo, decode, endpoint, PATHS } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import { SMALL_CROWD } from './crowds.ts';
import { readyWallet } from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

let clock = 1_880_000_000;
const now = () => clock;
const WITHDRAW = 10 * 86_400;

const world = useFederation({
  now,
  csCount: 1,
  // One coin value, with its key: every coin bought is a blind-rsa 5.
  denominations: [5],
  blindRsa: { denominations: [5], withdrawPeriod: WITHDRAW, renewal: WITHDRAW / 2 },
});

/** What cs1 publishes: coins withdrawn per key. */
async function published(): Promise<Map<string, number>> {
  const info = decode(
    CsInfo,
    await (await fetch(endpoint(world.fed.cs[0]!.url, PATHS.cs.info))).json(),
  );
  if (!info.ok) throw info.error;
  return new Map((info.value.withdrawn ?? []).map((w) => [w.keyId, w.count]));
}

const keysOf = async (wallet: Awaited<ReturnType<typeof readyWallet>>['wallet']) =>
  (await wallet.coinsOf('cs1')).filter((c) => c.coin.body.scheme === 'blind-rsa');

describe('a wallet’s blind-rsa coins', () => {
  it('are withdrawn under the key with the largest crowd while a new key overlaps it', async () => {
    const early = await readyWallet(world.fed, {}, { now });
    expect((await early.wallet.buy(40, 'cs1')).status).toBe('done');
    const [old] = [...(await published()).keys()];
    expect(old).toBeDefined();
    const crowd = (await published()).get(old!)!;
    expect(crowd).toBe(8);

    // Past the renewal point: cs1 certifies a new key for 5; both take withdrawals for a while.
    clock += WITHDRAW / 2 + 60;
    await world.fed.cs[0]!.maintain();
    const late = await readyWallet(world.fed, {}, { now });
    const keys = late.wallet.core.trust.denominationKeysOf('cs1').filter((k) => k.value === 5);
    expect(keys).toHaveLength(2);
    const fresh = keys.find((k) => k.keyId !== old)!;
    expect(fresh.issued).toBeGreaterThan(keys.find((k) => k.keyId === old)!.issued);
    expect((await published()).get(fresh.keyId) ?? 0).toBe(0);

    expect((await late.wallet.buy(20, 'cs1')).status).toBe('done');
    expect((await keysOf(late.wallet)).map((c) => c.certId)).toEqual([old, old, old, old]);
    const after = await published();
    expect(after.get(old!)).toBe(crowd + 4);
    expect(after.get(fresh.keyId) ?? 0).toBe(0);

    // Once the old key stops taking withdrawals, the new one is the only one left.
    clock += WITHDRAW / 2;
    expect((await late.wallet.buy(5, 'cs1')).status).toBe('done');
    expect((await keysOf(late.wallet)).map((c) => c.certId).sort()).toEqual(
      [old!, old!, old!, old!, fresh.keyId].sort(),
    );
    expect((await published()).get(fresh.keyId)).toBe(1);
    early.wallet.close();
    late.wallet.close();
  });

  it('show how many coins were withdrawn under their key, as its currency server says', async () => {
    const t = await readyWallet(world.fed, {}, { now });
    expect(await t.wallet.crowds()).toEqual([]);
    expect((await t.wallet.buy(10, 'cs1')).status).toBe('done');
    // Not read yet: shown as unknown, not as small.
    expect(await t.wallet.crowds()).toMatchObject([{ value: 5, withdrawn: null, small: false }]);
    await t.wallet.refreshTrust();
    const counts = await published();
    const shown = await t.wallet.crowds();
    expect(shown).toHaveLength(1);
    const [c] = shown;
    expect(c).toMatchObject({ cs: 'cs1', value: 5, held: 2, counted: clock });
    expect(c!.keyId).toBe((await keysOf(t.wallet))[0]!.certId);
    expect(c!.withdrawn).toBe(counts.get(c!.keyId));
    expect(c!.small).toBe(c!.withdrawn! < SMALL_CROWD);
    expect(c!.small).toBe(true);
    t.wallet.close();
  });
});
