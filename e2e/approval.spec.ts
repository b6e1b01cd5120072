/**
 * The approval window a person answers (issue 17, and issue 11's clickjacking finding): it opens
 * with the focus on Reject, Escape rejects, Approve can't be clicked until the window has been
 * visible and focused for a moment (a page can't make the shopper's click land on it), losing
 * focus starts that moment over, and the window says why it asks.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import {
  eventsOf,
  ncd,
  nextApproval,
  openArticle,
  recordPaywallEvents,
  spendable,
} from './payment-helpers.ts';

test.beforeEach(async ({ context }) => {
  await recordPaywallEvents(context);
});

const approveDisabled = (window: Page) =>
  window.evaluate(() => {
    const b = document.querySelector('[data-testid="approve"]');
    return b instanceof HTMLButtonElement ? b.disabled : null;
  });

test('focus starts on Reject, Approve arms only after the window was seen, Escape rejects', async ({
  context,
  wallet,
  publisher,
}) => {
  await wallet.setup({ buy: 100 });
  const worker = await wallet.serviceWorker();
  await worker.evaluate(() => {
    globalThis.__netcashApprovalArmMs = 1_500;
  });
  const article = publisher.articles.find((a) => a.slug === 'netcash-1993')!;
  const page = await openArticle(context, article.url);
  const opened = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  const window = await opened;
  await expect(window.getByTestId('approval-price')).toHaveText(ncd(article.price));

  // The safe choice has the focus; Approve is not clickable yet.
  await expect(window.getByTestId('reject')).toBeFocused();
  expect(await approveDisabled(window)).toBe(true);
  await expect(window.getByTestId('approval-reason')).toContainText('You have not given 127.0.0.1');
  // A click at once (what a clickjacking page hopes for) does nothing.
  await window.getByTestId('approve').click({ force: true, noWaitAfter: true });
  expect(await approveDisabled(window)).toBe(true);
  await expect(window.getByTestId('approve')).toBeEnabled({ timeout: 5_000 });

  // Losing the focus disarms it; it arms again only after the full delay.
  await window.evaluate(() => globalThis.dispatchEvent(new Event('blur')));
  expect(await approveDisabled(window)).toBe(true);
  const rearmed = Date.now();
  await expect(window.getByTestId('approve')).toBeEnabled({ timeout: 5_000 });
  expect(Date.now() - rearmed).toBeGreaterThanOrEqual(1_000);

  // Escape is a "no": the window closes and nothing is paid. The page, of a site she never paid
  // nor gave a budget, hears nothing of it (docs/PRIVACY.md): it says no wallet answered.
  await Promise.all([
    window.waitForEvent('close'),
    window.keyboard.press('Escape').catch(() => undefined),
  ]);
  await expect(page.locator('netcash-paywall .netcash-no-wallet')).toBeVisible();
  expect(await eventsOf(page, 'netcash:error')).toEqual([
    expect.objectContaining({ code: 'no-wallet' }),
  ]);
  expect(spendable(await wallet.state())).toBe(100);
});

test('Enter on the focused Reject rejects; the window names the budget that ran out', async ({
  context,
  wallet,
  publisher,
}) => {
  await wallet.setup({ buy: 100 });
  const article = publisher.articles.find((a) => a.slug === 'anonymous-payee')!;
  await wallet.command('setAllowance', {
    origin: publisher.url,
    currency: 'NCD',
    limit: 1,
    period: 'week',
  });
  const page = await openArticle(context, article.url);
  const opened = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  const window = await opened;
  await expect(window.getByTestId('approval-reason')).toHaveText(
    "Why am I asked? This site's budget has 0.01 NCD left this week, less than the price.",
  );
  await expect(window.getByTestId('approval-budget')).toHaveText(
    '0.00 NCD of 0.01 NCD used this week',
  );
  await expect(window.getByTestId('reject')).toBeFocused();
  await Promise.all([
    window.waitForEvent('close'),
    window.keyboard.press('Enter').catch(() => undefined),
  ]);
  await expect(page.locator('netcash-paywall')).toContainText('Payment declined');
  expect(spendable(await wallet.state())).toBe(100);
});
