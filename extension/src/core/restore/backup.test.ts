/**
 * The encrypted backup file (SPEC §13): a wallet that paid for an article saves one; another
 * wallet imports it and proves the purchase (a revisit without paying), with the budget and the
 * bank account back; a wrong passphrase or a damaged file (a changed byte, a cut file, a cost
 * out of bounds, another version) is refused with its code and a message in words, and changes
 * nothing; importing twice adds nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Federation,
  openWallet,
  readyWallet,
  startFederation,
  startShop,
  type TestShop,
} from '../testing/harness.ts';
import { sealBackup } from './backup.ts';

/** Cheaper than the default (2^17) so the suite stays fast; the same scrypt. */
const TEST_COST = { N: 2 ** 12, r: 8, p: 1 };

let fed: Federation;
let shop: TestShop;
beforeAll(async () => {
  fed = await startFederation();
  shop = await startShop(fed, fed.cs[1]!.url);
});
afterAll(async () => {
  await shop?.close();
  await fed?.stop();
});

describe('the backup file', () => {
  it('brings back purchases (revisits prove, no payment), budgets and accounts; refuses a wrong passphrase', async () => {
    const { wallet: a } = await readyWallet(fed);
    await a.buy(500);
    const offer = await shop.offer('dear');
    await a.pay(offer, shop.url, { approved: true });
    await a.setAllowance(shop.url, 'NCD', 300, 'week');
    await a.setSettings({ blindCoins: false, sessionKeys: true, protectFrom: 250 });
    await a.useServer('cs2', false);
    // The wallet's own bookkeeping in the same store does not travel.
    await a.core.db.put('settings', { name: 'network', value: { timeoutMs: 1 } });
    const file = JSON.stringify(await a.recovery.exportBackup('correct horse', TEST_COST));
    expect(file).not.toContain((await a.receipts())[0]!.sessionKey);
    expect(file).not.toContain((await a.recovery.phrase()).words.join(' '));

    const { wallet: b } = await openWallet();
    await expect(b.recovery.importBackup(file, 'wrong horse')).rejects.toMatchObject({
      code: 'wrong-passphrase',
    });
    await expect(b.recovery.importBackup('{"format":"x"}', 'correct horse')).rejects.toMatchObject({
      code: 'bad-backup',
    });
    expect(await b.receipts()).toEqual([]);

    const report = await b.recovery.importBackup(file, 'correct horse');
    expect(report).toMatchObject({ receipts: 1, accounts: 1, allowances: 1 });
    expect(await b.accounts()).toEqual(await a.accounts());
    expect((await b.allowances())[0]).toMatchObject({ origin: shop.url, limit: 300 });
    expect(await b.settings()).toMatchObject({
      blindCoins: false,
      sessionKeys: true,
      protectFrom: 250,
    });
    // The server the shopper stopped using stays stopped: no coins are bought there.
    await expect(b.buy(100, 'cs2')).rejects.toMatchObject({ code: 'cs-stopped' });
    expect(await b.core.db.get('settings', 'network')).toBeUndefined();
    expect(await b.primaryAccount()).toEqual(await a.primaryAccount());
    // The insurer came along: the wallet trusts it and knows its servers.
    expect(b.servers().map((s) => s.csName)).toEqual(['cs1', 'cs2']);
    const again = await shop.offer('dear');
    const access = await b.prove(again, shop.url);
    expect(await shop.access(again.body.resource, access.authorization)).toBe(200);

    expect(await b.recovery.importBackup(file, 'correct horse')).toMatchObject({
      receipts: 0,
      accounts: 0,
      allowances: 0,
    });
    a.close();
    b.close();
  });

  it('refuses a damaged file in words: a changed byte, a cut file, a cost out of bounds, another version', async () => {
    const { wallet: a } = await readyWallet(fed);
    await a.setAllowance(shop.url, 'NCD', 100, 'day');
    const file = await a.recovery.exportBackup('correct horse', TEST_COST);
    const text = JSON.stringify(file);
    const at = Math.floor(file.ct.length / 2);
    const flipped = `${file.ct.slice(0, at)}${file.ct[at] === 'A' ? 'B' : 'A'}${file.ct.slice(at + 1)}`;
    const damaged: [string, string, RegExp][] = [
      [JSON.stringify({ ...file, ct: flipped }), 'wrong-passphrase', /passphrase does not open/],
      [text.slice(0, text.length / 2), 'bad-backup', /not a NetCash backup file, or it is damaged/],
      [
        JSON.stringify({ ...file, kdf: { ...file.kdf, N: 2 ** 24 } }),
        'bad-backup',
        /not a NetCash backup file/,
      ],
      [
        JSON.stringify({ ...file, kdf: { ...file.kdf, N: 3000 } }),
        'bad-backup',
        /not a NetCash backup file/,
      ],
      [JSON.stringify({ ...file, version: 2 }), 'bad-backup', /not a NetCash backup file/],
      // Sealed with the right passphrase, but holding a setting the wallet cannot read.
      [
        JSON.stringify(
          await sealBackup(
            a.core.p,
            0,
            {
              ...{ insurers: [], accounts: [], receipts: [], allowances: [] },
              settings: [{ name: 'policy', value: { coverUpTo: -1, refreshBefore: 0 } }],
            },
            'correct horse',
            TEST_COST,
          ),
        ),
        'bad-backup',
        /content is damaged/,
      ],
    ];
    const { wallet: b } = await openWallet();
    for (const [broken, code, words] of damaged) {
      await expect(b.recovery.importBackup(broken, 'correct horse')).rejects.toMatchObject({
        code,
        message: expect.stringMatching(words),
      });
    }
    expect(await b.receipts()).toEqual([]);
    expect(await b.accounts()).toEqual([]);
    expect(await b.allowances()).toEqual([]);
    expect(b.servers()).toEqual([]);
    // The file itself was fine: it opens.
    expect(await b.recovery.importBackup(text, 'correct horse')).toMatchObject({
      accounts: 1,
      allowances: 1,
    });
    a.close();
    b.close();
  });
});
