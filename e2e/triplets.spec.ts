/**
 * Triplets in a real browser (SPEC §6, paper figure 6 and §5.3–5.4): the built wallet in Chromium,
 * a currency server as its own process (so it can be frozen with SIGSTOP), and a demo publisher
 * per test taking triplet coins with a one-second lead. Windows are seconds long (the wallet's
 * `protectWindow` and `prepayHold`), so claims happen within the test, by the wallet's own alarm:
 *
 *   protected     a payment protected by a triplet opens the article
 *   no receipt    the merchant took C_B, its answer was lost and it stopped: the wallet claims C_A
 *                 after the window and shows the currency server's receipt
 *   never paid    the merchant was gone before the payment: the claim brings the value back
 *   offline       a prepaid site is paid while every currency server is stopped (SIGSTOP); the
 *                 same C_B paid again from a copy is refused by the merchant; it redeems later
 *   unused        what a prepayment did not pay comes back by claim after its window
 *
 * `netcash audit` (the federation audit, with what the merchant holds) balances after each.
 */
import { ARTICLES, type DemoArticle, type DemoPublisher } from '@netcash/demo';
import {
  type MerchantHoldings,
  type Offer,
  type PaymentRequest,
  randomId,
  randomKey,
  sealPayment,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { type NetcashChild, spawnNetcash, startFederation } from '@netcash/server';
import type { BrowserContext, Page } from '@playwright/test';
import { test as base, expect, type WalletHelpers } from './fixtures.ts';
import { buyArticle, openArticle, payOn, spendable } from './payment-helpers.ts';
import { startPublisher } from './publisher.ts';

const test = base.extend<{ shop: DemoPublisher }, { cs1: NetcashChild }>({
  // One currency server, cs1, as a child process: the wallet buys from it, the publisher banks at it.
  federation: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
    async ({}, use) => {
      const federation = await startFederation({ csCount: 0 });
      await use(federation);
      await federation.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  cs1: [
    async ({ federation }, use) => {
      await federation.enroll('cs1');
      const child = await spawnNetcash([
        'cs',
        '--name',
        'cs1',
        '--data',
        federation.dataDir,
        '--insurer',
        federation.insurer.url,
        '--bank',
        federation.bank.url,
        '--port',
        '0',
      ]);
      await use(child);
      child.process.kill('SIGCONT');
      await child.kill('SIGKILL');
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  // A demo publisher per test, banking at cs1 and taking triplet coins with a one-second lead.
  shop: async ({ federation, cs1 }, use) => {
    const shop = await startPublisher(federation, {
      cs: cs1.url,
      triplets: { lead: 1, longest: 3_600 },
    });
    await use(shop);
    await shop.close().catch(() => undefined); // some tests stop it themselves
  },
});

const text = (slug: string) => ARTICLES.find((a) => a.slug === slug)!.body[0]!;

test.describe.configure({ timeout: 90_000 });

/** 5.00 NCD of coins; every payment protected; C_B's window 3 s past the merchant's lead. */
async function protectEverything(wallet: WalletHelpers): Promise<void> {
  await wallet.setup({ buy: 500 });
  await wallet.command('setSettings', { protectFrom: 0 });
  await wallet.command('setNetwork', { protectWindow: 3, retryBaseMs: 300, retryMaxMs: 1_000 });
}

/** Opens `article`, pays it and reads it unlocked; the approval's protection line. */
const buy = (context: BrowserContext, article: DemoArticle) =>
  buyArticle(context, article.url, text(article.slug));

async function expectBalanced(
  federation: {
    audit(m?: readonly MerchantHoldings[]): Promise<{ ok: boolean; problems: string[] }>;
  },
  holdings: readonly MerchantHoldings[],
): Promise<void> {
  const report = await federation.audit(holdings);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

/** Waits until the publisher redeemed every C_B it took (the redemption reached cs1). */
async function redeemed(p: DemoPublisher): Promise<void> {
  await expect
    .poll(async () => {
      await p.paywall.recover();
      return (await p.paywall.store.pendingRedemptions()).length;
    })
    .toBe(0);
}

test('a protected payment with triplet coins opens the article, and the books balance', async ({
  context,
  wallet,
  federation,
  shop,
}) => {
  await wallet.setup({ buy: 500 });
  await wallet.command('setSettings', { protectFrom: 0 });
  const article = shop.articles[0]!;
  expect(await buy(context, article)).toContain('Protected payment');
  expect(spendable(await wallet.state())).toBe(500 - article.price);
  // The popup's history says how it was paid.
  const popup = await wallet.popup();
  await popup.getByTestId('history-entry').filter({ hasText: article.title }).click();
  await expect(popup.getByTestId('detail-protection')).toContainText('Protected');
  await redeemed(shop);
  await expectBalanced(federation, [await shop.paywall.holdings()]);
});

test('the merchant stopped after taking C_B: the wallet claims after the window and shows the CS receipt', async ({
  context,
  wallet,
  federation,
  shop,
}) => {
  await protectEverything(wallet);
  const article = shop.articles[1]!;
  const page = await openArticle(context, article.url);
  // The merchant answers the payment; the wallet dies before it reads the answer.
  const worker = await wallet.serviceWorker();
  await worker.evaluate(() => {
    globalThis.__netcashFaults = {
      afterSend: (ctx) => (ctx.step === 'pay' ? new Promise<void>(() => {}) : undefined),
    };
  });
  await payOn(page, context);
  // The merchant took C_B and redeemed it at cs1.
  await expect
    .poll(async () => {
      await shop.paywall.recover();
      return shop.held();
    })
    .toBe(article.price);
  const holdings = await shop.paywall.holdings();
  await shop.close(); // …and the merchant stops for good.
  await wallet.killServiceWorker();

  // The wallet wakes, asks the silent merchant until C_B's window ends, then claims by itself.
  const popup = await wallet.popup();
  await expect
    .poll(async () => (await wallet.command('history', {})).rows.find((r) => r.csReceipt)?.amount, {
      timeout: 30_000,
    })
    .toBe(-article.price);
  expect(spendable(await wallet.state())).toBe(500 - article.price);
  await popup.reload();
  await expect(popup.getByTestId('cs-receipt-mark')).toContainText('cs1 receipt');
  await popup.getByTestId('cs-receipt-mark').click();
  await expect(popup.getByTestId('detail-cs-receipt')).toContainText('cs1 signed');
  await expectBalanced(federation, [holdings]);
});

test('the merchant never received the payment: the claim of C_A brings the value back', async ({
  context,
  wallet,
  federation,
  shop,
}) => {
  await protectEverything(wallet);
  const article = shop.articles[2]!;
  const page = await openArticle(context, article.url);
  await expect(page.locator('netcash-paywall .netcash-pay')).toBeVisible();
  await shop.close(); // gone before the payment reaches it
  await wallet.command('setNetwork', { protectWindow: 6 });
  await payOn(page, context);
  // The popup shows the protected payment waiting, and what happens if the seller stays silent.
  const popup = await wallet.popup();
  await expect(popup.getByTestId('pending-what')).toContainText('(protected)');
  await expect(popup.getByTestId('pending-next')).toContainText('claims the payment back');
  await expect.poll(async () => spendable(await wallet.state()), { timeout: 30_000 }).toBe(500);
  const history = await wallet.command('history', {});
  expect(history.rows.find((r) => r.kind === 'refund')?.description).toContain('claimed back');
  expect(history.rows.some((r) => r.kind === 'pay')).toBe(false);
  await expectBalanced(federation, []);
});

/** The wallet's journaled payment for `resource` (read from its IndexedDB, as a copy would). */
async function journaledPayment(
  popup: Page,
  resource: string,
): Promise<{ payment: PaymentRequest; offer: Offer }> {
  return popup.evaluate(
    (wanted) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('netcash-wallet');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('ops').objectStore('ops').getAll();
          read.onsuccess = () => {
            const op = read.result.find(
              (o: { kind: string; offer?: Offer }) =>
                o.kind === 'pay' && o.offer?.body.resource === wanted,
            );
            open.result.close();
            resolve({ payment: op.payment, offer: op.offer });
          };
        };
      }),
    resource,
  );
}

test('offline payment: a prepaid site is paid while every currency server is stopped, and a copied C_B is refused', async ({
  context,
  wallet,
  federation,
  cs1,
  shop,
}) => {
  await wallet.setup({ buy: 500 });
  const [first, second] = [shop.articles[0]!, shop.articles[3]!];
  await buy(context, first);

  // "Keep 0.50 ready for this site", in the popup (next to the site budgets).
  const popup = await wallet.popup();
  await popup.getByTestId('open-budgets').click();
  await popup.getByTestId('prepay-amount').fill('0.50');
  await popup.getByTestId('prepay').click();
  await expect(popup.getByTestId('prepaid-site')).toContainText('0.50 NCD');
  expect(spendable(await wallet.state())).toBe(500 - first.price - 50);

  cs1.process.kill('SIGSTOP');
  try {
    expect(await buy(context, second)).toContain('kept ready');
    await popup.reload();
    await expect(popup.getByTestId('prepaid-site')).toContainText(`${(50 - second.price) / 100}`);

    // A copy of this wallet pays the same C_B again (for the same article): still offline, the
    // merchant knows them.
    const { payment, offer } = await journaledPayment(popup, second.resource);
    const again = await fetch(offer.body.payUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        sealPayment(nodeProvider, offer.body.payeeEncKey, {
          ...payment,
          requestId: randomId(nodeProvider),
          replyKey: randomKey(nodeProvider),
          sessionKey: randomKey(nodeProvider),
        }),
      ),
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 'double-spent' } });
  } finally {
    cs1.process.kill('SIGCONT');
  }
  await redeemed(shop);
  expect(await shop.held()).toBe(first.price + second.price);
  await expectBalanced(federation, [await shop.paywall.holdings()]);
});

test('an unused prepayment comes back by claim after its window', async ({
  context,
  wallet,
  federation,
  shop,
}) => {
  await wallet.setup({ buy: 500 });
  await wallet.command('setNetwork', { prepayHold: 4, retryBaseMs: 300, retryMaxMs: 1_000 });
  const article = shop.articles[0]!;
  await buy(context, article);
  const made = await wallet.command('prepay', { origin: shop.url, amount: 20 });
  expect(made.status).toBe('done');
  expect((await wallet.state()).prepaid).toHaveLength(1);
  expect(spendable(await wallet.state())).toBe(500 - article.price - 20);
  await expect
    .poll(async () => spendable(await wallet.state()), { timeout: 30_000 })
    .toBe(500 - article.price);
  expect((await wallet.state()).prepaid).toHaveLength(0);
  await expectBalanced(federation, [await shop.paywall.holdings()]);
});
