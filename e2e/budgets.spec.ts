/**
 * Site budgets in a real browser (issue 17): a budget set in the approval window lets small
 * payments through without asking until it is used up, the window then says why it asks, and
 * the next day (a test clock moved forward for the federation, the publisher and the wallet
 * alike) the budget has renewed and pays again without a window. The popup shows what was used
 * and edits or removes the budget.
 */

import { ARTICLES } from '@netcash/demo';
import { nowSeconds } from '@netcash/protocol';
import { startFederation } from '@netcash/server';
import { expect, test } from './fixtures.ts';
import {
  approvalCounter,
  approve,
  expectUnlocked,
  nextApproval,
  openArticle,
  reject,
  spendable,
} from './payment-helpers.ts';
import { startPublisher } from './publisher.ts';

const text = (slug: string) => ARTICLES.find((a) => a.slug === slug)!.body[0]!;

test('a daily budget is used up, makes the window say why, and renews the next day', async ({
  context,
  wallet,
}) => {
  test.setTimeout(90_000);
  let offset = 0;
  const now = () => nowSeconds() + offset;
  const federation = await startFederation({ now });
  const publisher = await startPublisher(federation, { now });
  try {
    const worker = await wallet.serviceWorker();
    const moveClock = async (seconds: number) => {
      offset += seconds;
      await worker.evaluate((s) => {
        globalThis.__netcashClockOffset = s;
      }, offset);
    };
    await wallet.setup({ buy: 100, federation });
    const article = (slug: string) => publisher.articles.find((a) => a.slug === slug)!;

    // 3 ¢ approved in the window, with a budget of 5 ¢ a day for the site.
    const first = await openArticle(context, article('netcash-1993').url);
    let opened = nextApproval(context);
    await first.locator('netcash-paywall .netcash-pay').click();
    const window = await opened;
    await expect(window.getByTestId('approval-period')).toHaveValue('day');
    await approve(window, '0.05');
    await expectUnlocked(first, text('netcash-1993'));

    // 2 ¢ fits what is left: no window.
    const approvals = approvalCounter(context);
    const second = await openArticle(context, article('serial-numbers').url);
    await second.locator('netcash-paywall .netcash-pay').click();
    await expectUnlocked(second, text('serial-numbers'));
    expect(approvals.count).toBe(0);

    const popup = await wallet.popup();
    await popup.getByTestId('open-budgets').click();
    await expect(popup.getByTestId('budget-used')).toHaveText('0.05 NCD of 0.05 NCD used today');
    await expect(popup.getByTestId('budget-renews')).toContainText('Renews in');

    // 5 ¢ more: the budget is used up, and the window says so.
    const third = await openArticle(context, article('anonymous-payee').url);
    opened = nextApproval(context);
    await third.locator('netcash-paywall .netcash-pay').click();
    const asked = await opened;
    await expect(asked.getByTestId('approval-reason')).toContainText(
      "This site's budget of 0.05 NCD is used up today.",
    );
    await reject(asked);

    // The next day the budget has renewed: the same article is paid without a window.
    await moveClock(86_400 + 60);
    await popup.reload();
    await popup.getByTestId('open-budgets').click();
    await expect(popup.getByTestId('budget-used')).toHaveText('0.00 NCD of 0.05 NCD used today');
    await third.reload();
    const before = approvals.count;
    await third.locator('netcash-paywall .netcash-pay').click();
    await expectUnlocked(third, text('anonymous-payee'));
    expect(approvals.count).toBe(before);
    expect(spendable(await wallet.state())).toBe(100 - 3 - 2 - 5);

    // Edit: 0.10 a week (a new period starts afresh); then remove it, by its labelled button.
    const host = new URL(publisher.url).host;
    await popup.getByRole('button', { name: `Edit budget for ${host}` }).click();
    await popup.getByTestId('budget-limit').fill('0.10');
    await popup.getByTestId('budget-period').selectOption('week');
    await popup.getByTestId('budget-save').click();
    await expect(popup.getByTestId('budget-used')).toHaveText(
      '0.00 NCD of 0.10 NCD used this week',
    );
    await popup.getByRole('button', { name: `Remove budget for ${host}` }).click();
    await expect(popup.getByText('No site may pay without asking you.')).toBeVisible();
    expect((await wallet.state()).allowances).toEqual([]);
    expect((await federation.audit()).ok).toBe(true);
  } finally {
    await publisher.close();
    await federation.stop();
  }
});
