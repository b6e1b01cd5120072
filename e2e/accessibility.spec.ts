/**
 * Every page of the wallet checked with axe-core (WCAG 2 A/AA rules; in the dark scheme again for
 * contrast): the popup before setup and each of its views after, the first-run page, the approval
 * window. No serious or critical violation may remain; each one found is printed with its nodes.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { nextApproval, openArticle } from './payment-helpers.ts';

/**
 * Serious and critical violations on `page` in `scheme`. The dark scheme changes only colours, so
 * there only the contrast rule runs again (the whole rule set costs seconds per page).
 */
async function serious(page: Page, scheme: 'light' | 'dark', name: string): Promise<string[]> {
  await page.emulateMedia({ colorScheme: scheme });
  const axe = new AxeBuilder({ page });
  const result = await (scheme === 'light'
    ? axe.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    : axe.withRules(['color-contrast'])
  ).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${name} (${scheme}): ${v.id} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

test('no serious accessibility violation on any wallet page, light or dark', async ({
  context,
  wallet,
  extensionId,
  publisher,
}) => {
  test.setTimeout(150_000);
  const found: string[] = [];
  const check = async (page: Page, name: string) => {
    for (const scheme of ['light', 'dark'] as const)
      found.push(...(await serious(page, scheme, name)));
  };

  const popup = await wallet.popup();
  await popup.getByTestId('setup').waitFor();
  await check(popup, 'popup before setup');
  const onboarding = await context.newPage();
  await onboarding.goto(`chrome-extension://${extensionId}/onboarding.html`);
  await onboarding.getByRole('heading', { name: 'Welcome to NetCash' }).waitFor();
  await check(onboarding, 'first-run page');

  await wallet.setup({ buy: 500 });
  await wallet.command('setAllowance', {
    origin: publisher.url,
    currency: 'NCD',
    limit: 2,
    period: 'day',
  });
  const article = publisher.articles.find((a) => a.slug === 'netcash-1993')!;
  const page = await openArticle(context, article.url);
  const opened = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  const window = await opened;
  await window.getByTestId('approval-reason').waitFor();
  await check(window, 'approval window');
  await window.getByTestId('approve').click();

  await popup.reload();
  await popup.getByTestId('history-entry').first().waitFor();
  await check(popup, 'popup');
  for (const view of ['cashout', 'budgets', 'settings', 'trusted', 'add'] as const) {
    await popup.getByTestId(`open-${view}`).click();
    await popup.getByTestId(`view-${view}`).waitFor();
    if (view === 'cashout') await popup.getByTestId('bank-balance').first().waitFor();
    await check(popup, `popup: ${view}`);
    // Settings and the trust lists open one section at a time: each is checked open.
    const folds = popup.getByTestId(`view-${view}`).getByRole('heading').getByRole('button');
    for (const fold of await folds.all()) {
      const title = await fold.innerText();
      await fold.click();
      if (title === 'Bank accounts') await popup.getByTestId('bank-balance').first().waitFor();
      await check(popup, `popup: ${view}, ${title}`);
    }
    await popup.getByTestId('back').click();
  }
  await popup.getByTestId('history-entry').first().click();
  await popup.getByTestId('history-detail').waitFor();
  await check(popup, 'popup: history entry');
  expect(found).toEqual([]);
});
