/**
 * Paying for an article in a real browser (issue 6): the built wallet in Chromium, the federation
 * and the demo publisher (banking at cs2; the wallet buys from cs1, so every payment crosses
 * servers) started by the fixtures. The journey, a rejection, a per-site allowance, and
 * insufficient funds — each as a site the wallet doesn't know yet sees it (nothing, until the
 * shopper pays or gives it a budget: docs/PRIVACY.md) and as a site she let in sees it.
 */
import { ARTICLES } from '@netcash/demo';
import { chromium } from '@playwright/test';
import { CHROMIUM, EXTENSION_DIR, expect, test } from './fixtures.ts';
import {
  approvalCounter,
  approve,
  eventsOf,
  expectUnlocked,
  ncd,
  nextApproval,
  openArticle,
  recordPaywallEvents,
  reject,
  spendable,
  unpackedExtensionId,
} from './payment-helpers.ts';

const text = (slug: string) => ARTICLES.find((a) => a.slug === slug)!.body[0]!;

test.beforeEach(async ({ context }) => {
  await recordPaywallEvents(context);
});

test('the journey: set up, buy coins, pay in the approval window, read, revisit without paying, cash out, audit', async ({
  context,
  extensionId,
  wallet,
  federation,
  publisher,
}) => {
  // Installed: the wallet's service worker runs. First run, by hand in the popup.
  expect(extensionId).toBe(unpackedExtensionId(EXTENSION_DIR));
  const popup = await wallet.popup();
  await popup.getByTestId('insurer-key').fill(federation.insurer.signKey);
  await popup.getByTestId('insurer-url').fill(federation.insurer.url);
  await popup.getByTestId('trust-insurer').click();
  await popup.getByTestId('bank-url').fill(federation.bank.url);
  await popup.getByTestId('connect-bank').click();
  await popup.getByTestId('buy-amount').fill('1.00');
  await popup.getByTestId('buy').click();
  await expect(popup.getByTestId('balance')).toHaveText('1.00 NCD');

  const article = publisher.articles.find((a) => a.slug === 'netcash-1993')!;
  const heldBefore = await publisher.held();
  const page = await openArticle(context, article.url);
  // 402 → offer: the paywall shows the price and a Pay button — whether or not a wallet is
  // there, which the page can't tell.
  const pay = page.locator('netcash-paywall .netcash-pay');
  await expect(pay).toHaveText(`Pay ${ncd(article.price)} with NetCash`);
  const [ready] = await eventsOf(page, 'netcash:ready');
  expect(ready).toEqual({
    amount: article.price,
    currency: 'NCD',
    resource: article.resource,
    sid: expect.any(String),
    description: article.title,
  });

  const approval = nextApproval(context);
  await pay.click();
  const window = await approval;
  await expect(window.getByTestId('approval-origin')).toHaveText(publisher.url);
  await expect(window.getByTestId('approval-price')).toHaveText(ncd(article.price));
  await expect(window.getByTestId('approval-description')).toHaveText(article.title);
  await expect(window.getByTestId('approval-after')).toHaveText(ncd(100 - article.price));
  await approve(window);
  await expectUnlocked(page, text('netcash-1993'));
  const [paid] = await eventsOf(page, 'netcash:paid');
  expect(paid).toMatchObject({ amount: article.price, currency: 'NCD', repeat: false });
  expect(await publisher.held()).toBe(heldBefore + article.price);
  const afterPaying = spendable(await wallet.state());
  expect(afterPaying).toBe(100 - article.price);

  // Reload and a fresh visit: shown at once, proved not paid, no approval window.
  const approvals = approvalCounter(context);
  await page.reload();
  await expectUnlocked(page, text('netcash-1993'));
  expect(await eventsOf(page, 'netcash:paid')).toEqual([expect.objectContaining({ repeat: true })]);
  const again = await openArticle(context, article.url);
  await expectUnlocked(again, text('netcash-1993'));
  expect(approvals.count).toBe(0);
  expect(spendable(await wallet.state())).toBe(afterPaying);
  expect(await publisher.held()).toBe(heldBefore + article.price);

  // The publisher cashes the day's coins into its bank account; the books of the federation agree.
  const summary = await publisher.cashout();
  expect(summary.deposited).toBe(heldBefore + article.price);
  expect(await publisher.held()).toBe(0);
  const audit = await federation.audit();
  expect(audit.problems).toEqual([]);
  expect(audit.ok).toBe(true);
});

test('rejecting in the approval window pays nothing; only a site let in hears of it', async ({
  context,
  wallet,
  publisher,
}) => {
  await wallet.setup({ buy: 100 });
  const article = publisher.articles.find((a) => a.slug === 'anonymous-payee')!;
  const heldBefore = await publisher.held();
  const page = await openArticle(context, article.url);
  const approval = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  await reject(await approval);
  // A site the shopper never paid nor gave a budget: the wallet says nothing to it, so the
  // paywall reads the silence as it would without a wallet, and the reader may click again.
  await expect(page.locator('netcash-paywall .netcash-no-wallet')).toContainText(
    'No NetCash wallet answered',
  );
  await expect(page.locator('netcash-paywall .netcash-pay')).toBeEnabled();
  expect(await eventsOf(page, 'netcash:error')).toEqual([
    expect.objectContaining({ code: 'no-wallet' }),
  ]);

  // A site she gave a budget (here one cent, less than the price) hears that she declined.
  await wallet.command('setAllowance', { origin: publisher.url, currency: 'NCD', limit: 1 });
  const asked = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  await reject(await asked);
  await expect(page.locator('netcash-paywall .netcash-error')).toHaveText(
    'Payment declined. Nothing was paid.',
  );
  expect((await eventsOf(page, 'netcash:error')).at(-1)).toMatchObject({ code: 'user-rejected' });
  await expect(page.locator('netcash-paywall .netcash-content')).toHaveCount(0);
  // The reader may change their mind: the button works again.
  await expect(page.locator('netcash-paywall .netcash-pay')).toBeEnabled();
  const state = await wallet.state();
  expect(spendable(state)).toBe(100);
  expect(state.pending).toBe(0);
  expect(await publisher.held()).toBe(heldBefore);
});

test('within the per-site allowance no prompt; above it, a prompt', async ({
  context,
  wallet,
  publisher,
}) => {
  await wallet.setup({ buy: 100 });
  const bySlug = (slug: string) => publisher.articles.find((a) => a.slug === slug)!;
  // First payment (3 ¢) in the approval window, allowing up to 5 ¢ on this site.
  const first = await openArticle(context, bySlug('netcash-1993').url);
  const approval = nextApproval(context);
  await first.locator('netcash-paywall .netcash-pay').click();
  await approve(await approval, '0.05');
  await expectUnlocked(first, text('netcash-1993'));

  // 2 ¢ more fits the allowance: paid with a click and no window.
  const approvals = approvalCounter(context);
  const second = await openArticle(context, bySlug('serial-numbers').url);
  await second.locator('netcash-paywall .netcash-pay').click();
  await expectUnlocked(second, text('serial-numbers'));
  expect(approvals.count).toBe(0);

  // 7 ¢ is above what is left: the wallet asks.
  const third = await openArticle(context, bySlug('currency-servers').url);
  const asked = nextApproval(context);
  await third.locator('netcash-paywall .netcash-pay').click();
  await approve(await asked);
  await expectUnlocked(third, text('currency-servers'));
  expect(approvals.count).toBe(1);
  expect(spendable(await wallet.state())).toBe(100 - 3 - 2 - 7);
});

test('insufficient funds: said in the window to a new site, on the page to a site let in; nothing reserved', async ({
  context,
  wallet,
  publisher,
}) => {
  await wallet.setup({ buy: 2 });
  const article = publisher.articles.find((a) => a.slug === 'offline-payments')!;
  const page = await openArticle(context, article.url);
  // A site she never let in learns nothing, not even that her wallet is short: the window
  // tells her (Approve stays off) and the page hears nothing when she closes it.
  const approval = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  const window = await approval;
  await expect(window.getByText('less than the price')).toBeVisible();
  await expect(window.getByTestId('approve')).toBeDisabled();
  await reject(window);
  await expect(page.locator('netcash-paywall .netcash-no-wallet')).toBeVisible();

  // A site she gave a budget is told at once, with no window.
  await wallet.command('setAllowance', { origin: publisher.url, currency: 'NCD', limit: 1 });
  const approvals = approvalCounter(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  await expect(page.locator('netcash-paywall .netcash-error')).toHaveText(
    'Your wallet does not hold enough coins for this. Add funds and try again.',
  );
  expect((await eventsOf(page, 'netcash:error')).at(-1)).toMatchObject({
    code: 'insufficient-funds',
  });
  expect(approvals.count).toBe(0);
  const state = await wallet.state();
  expect(spendable(state)).toBe(2);
  expect(state.pending).toBe(0);
});

test('no wallet: the paywall offers Pay; nothing answers it, so it says so and links to the wallet', async ({
  publisher,
}) => {
  // The same Chromium without the extension.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(publisher.articles[0]!.url);
    await page.locator('netcash-paywall .netcash-pay').click();
    await expect(page.locator('netcash-paywall .netcash-no-wallet')).toContainText(
      'No NetCash wallet answered',
    );
    await expect(page.locator('netcash-paywall a.netcash-install')).toHaveAttribute(
      'href',
      '/install',
    );
  } finally {
    await browser.close();
  }
});
