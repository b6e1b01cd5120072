/**
 * The popup as a person uses it (issue 17): setup from what `netcash up` printed (the federation
 * here runs on ports the OS picked), amounts in one unit everywhere, one paged history with a
 * detail view, pending operations told in words with Retry now, cash-out of an amount with a
 * confirmation and the bank's signed balance, a currency server stopped and used again.
 */
import { ARTICLES } from '@netcash/demo';
import { expect, test } from './fixtures.ts';
import {
  approve,
  expectUnlocked,
  ncd,
  nextApproval,
  openArticle,
  printout,
  spendable,
} from './payment-helpers.ts';

/** Chrome shows an action popup at most 800 × 600 px; the wallet's is 360 px wide. */
const POPUP = { width: 360, height: 600 };

test('setup reads the addresses and key netcash up printed, on whatever ports it runs', async ({
  wallet,
  federation,
}) => {
  const popup = await wallet.popup();
  await popup.getByTestId('setup-paste').fill(printout(federation));
  await expect(popup.getByTestId('insurer-url')).toHaveValue(federation.insurer.url);
  await expect(popup.getByTestId('bank-url')).toHaveValue(federation.bank.url);
  await popup.getByTestId('trust-insurer').click();
  await popup.getByTestId('connect-bank').click();
  await expect(popup.getByTestId('first-coins')).toBeVisible();
  await popup.getByTestId('buy-amount').fill('2.50');
  await popup.getByTestId('buy').click();
  await expect(popup.getByTestId('balance')).toHaveText('2.50 NCD');
  await expect(popup.getByTestId('note')).toHaveText('Bought 2.50 NCD of coins from cs1.');
});

test('the first-run page ends on the next step: the demo publisher from the printout, one click away', async ({
  context,
  wallet,
  federation,
  publisher,
  extensionId,
}) => {
  // The phrase step is recovery-phrase.spec's; here it is answered by command.
  const { words } = await wallet.command('recoveryPhrase', {});
  await wallet.command('confirmPhrase', {
    answers: [2, 7, 11].map((position) => ({ position, word: words[position - 1]! })),
  });
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/onboarding.html`);
  await expect(page.getByTestId('onboarding-done')).toHaveCount(0);
  await page.getByTestId('setup-paste').fill(printout(federation, publisher.url));
  await page.getByTestId('trust-insurer').click();
  await page.getByTestId('connect-bank').click();
  await page.getByTestId('buy-amount').fill('1.00');
  await page.getByTestId('buy').click();
  const done = page.getByTestId('onboarding-done');
  await expect(done.getByRole('heading')).toHaveText('You are ready');
  await expect(done).toContainText('Your wallet holds 1.00 NCD.');
  await expect(done).toContainText(
    `Next: open a site that takes NetCash — for example the demo publisher at ${publisher.url} ` +
      'and click Pay. The wallet asks you before each payment; open it any time from its icon in ' +
      'the toolbar to see your balance, history and budgets.',
  );
  // The link is the way on: it opens the publisher, whose articles offer to be paid.
  await done.getByRole('link', { name: publisher.url }).click();
  await expect(page).toHaveURL(`${publisher.url}/`);
  const article = publisher.articles[0]!;
  await page.getByRole('link', { name: article.title }).first().click();
  await expect(page.locator('netcash-paywall .netcash-pay')).toHaveText(
    `Pay ${ncd(article.price)} with NetCash`,
  );
});

test("with a few payments the popup fits a browser's, and its settings say what each choice does", async ({
  context,
  wallet,
  publisher,
}) => {
  await wallet.setup({ buy: 500 });
  // A budget for the publisher: the payments go through without a window each.
  await wallet.command('setAllowance', {
    origin: publisher.url,
    currency: 'NCD',
    limit: 100,
    period: 'day',
  });
  for (const slug of ['netcash-1993', 'serial-numbers', 'anonymous-payee']) {
    const page = await openArticle(context, publisher.articles.find((a) => a.slug === slug)!.url);
    await page.locator('netcash-paywall .netcash-pay').click();
    await expectUnlocked(page, ARTICLES.find((a) => a.slug === slug)!.body[0]!);
    await page.close();
  }
  const popup = await wallet.popup();
  await popup.setViewportSize(POPUP);
  // The document's own size (the viewport only sets the width it lays out in).
  const size = () =>
    popup.evaluate(() => ({
      height: Math.ceil(document.documentElement.getBoundingClientRect().height),
      width: document.documentElement.scrollWidth,
    }));
  await expect(popup.getByTestId('history-entry')).toHaveCount(3);
  await expect(popup.getByTestId('history-all')).toBeVisible();
  const heights: Record<string, number> = {};
  const measure = async (view: string) => {
    const { height, width } = await size();
    heights[view] = height;
    expect(width, `${view}: no sideways scrolling`).toBeLessThanOrEqual(POPUP.width);
  };
  await measure('home');
  for (const view of ['add', 'cashout', 'budgets', 'settings', 'trusted']) {
    await popup.getByTestId(`open-${view}`).click();
    await expect(popup.getByTestId(`view-${view}`)).toBeVisible();
    if (view === 'cashout') await popup.getByTestId('bank-balance-amount').waitFor();
    await measure(view);
    // Settings and the trust lists open one section at a time: each open one fits too.
    const folds = popup.getByTestId(`view-${view}`).getByRole('heading').getByRole('button');
    for (const fold of await folds.all()) {
      const title = await fold.innerText();
      await fold.click();
      await expect(fold).toHaveAttribute('aria-expanded', 'true');
      if (title === 'Bank accounts') await popup.getByTestId('bank-balance-amount').waitFor();
      await measure(`${view}: ${title}`);
      if (title === 'Recovery') {
        await popup.getByRole('button', { name: 'Show my recovery phrase' }).click();
        await expect(popup.getByTestId('phrase-words').getByRole('listitem')).toHaveCount(12);
        await measure(`${view}: ${title}, phrase shown`);
      }
    }
    await popup.getByTestId('back').click();
  }
  await popup.getByTestId('history-all').click();
  await expect(popup.getByTestId('history-entry')).toHaveCount(4);
  await measure('history');
  await popup.getByTestId('history-entry').first().click();
  await expect(popup.getByTestId('detail-receipt')).toBeVisible();
  await measure('entry');
  test.info().annotations.push({
    type: `heights at ${POPUP.width} px`,
    description: JSON.stringify(heights),
  });
  // Every view shows whole, and so does each section of settings and of the trust lists opened.
  expect(Object.keys(heights)).toEqual(
    expect.arrayContaining(['settings: Protection', 'trusted: Currency servers']),
  );
  for (const [view, height] of Object.entries(heights)) {
    expect(height, `${view} is ${height} px high`).toBeLessThanOrEqual(POPUP.height);
  }

  // Settings in words: the labels a person reads, each tied to its control.
  await popup.getByTestId('back').click();
  await popup.getByTestId('back').click();
  await popup.getByTestId('open-settings').click();
  const settings = popup.getByTestId('settings');
  await expect(settings.getByRole('heading')).toHaveText([
    'Privacy',
    'Protection',
    'Change',
    'Recovery',
  ]);
  // Closed, a section says what is set in it; open, what each choice does.
  const section = async (name: string) => {
    await settings.getByRole('button', { name, exact: true }).click();
    await expect(settings.getByRole('button', { name, exact: true })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    return settings.innerText();
  };
  const { coverUpTo } = (await wallet.state()).settings;
  await expect(settings.getByTestId('settings-change')).toContainText(
    `Ready for any price up to ${ncd(coverUpTo)}`,
  );
  const words = [await section('Privacy')];
  const unlinkable = settings.getByRole('checkbox', {
    name:
      'Unlinkable coins. Where a currency server offers them, buy coins it signs without seeing ' +
      'them, so it can never tell which purchase a payment came from. Costs nothing you would notice.',
  });
  await expect(unlinkable).toBeVisible();
  const freshKey = settings.getByRole('checkbox', {
    name:
      'A fresh key for every payment. Ask each seller for a one-time key before paying, so even a ' +
      "seller whose long-term key leaks can't read your past payments. Adds one exchange with the " +
      'seller to each payment.',
  });
  const before = (await wallet.state()).settings.sessionKeys;
  await expect(freshKey).toBeChecked({ checked: before });
  await freshKey.click();
  await expect.poll(async () => (await wallet.state()).settings.sessionKeys).toBe(!before);
  words.push(await section('Protection'));
  await expect(settings.getByTestId('settings-privacy')).toContainText(
    `fresh keys ${before ? 'off' : 'on'}`,
  );
  words.push(await section('Change'));
  await expect(
    settings.getByText(
      'The wallet keeps coins of several values so that any price up to this amount is paid at ' +
        'once, without first asking a server for change.',
    ),
  ).toBeVisible();
  await expect(settings.getByLabel('Keep change ready up to (NCD)')).toHaveValue(
    ncd(coverUpTo).split(' ')[0]!,
  );
  // Save is there to press only once the amount changed.
  await expect(settings.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
  await expect(
    settings.getByRole('button', { name: 'Sort my coins into change now' }),
  ).toBeEnabled();
  words.push(await section('Recovery'));
  await expect(settings.getByRole('button', { name: 'Show my recovery phrase' })).toBeVisible();
  await expect(settings.getByLabel('Passphrase (8 characters or more)')).toBeVisible();
  await expect(settings.getByRole('button', { name: 'Save a backup file' })).toBeDisabled();
  // No word of the wallet's insides on the page a shopper reads, in any of its sections.
  expect(words.join('\n')).not.toMatch(
    /\b(nc1|blind-rsa|sessionKeys|coverUpTo|blindCoins|undefined|NaN|null|HPKE)\b/,
  );
});

test('one unit on the page, in the window and in the popup; history paged with details', async ({
  context,
  wallet,
  publisher,
}) => {
  await wallet.setup();
  // Eleven purchases of coins and one payment: more than one page of history.
  for (let i = 0; i < 11; i++) await wallet.command('buy', { amount: 10 });
  const article = publisher.articles.find((a) => a.slug === 'netcash-1993')!;
  const page = await openArticle(context, article.url);
  const pay = page.locator('netcash-paywall .netcash-pay');
  await expect(pay).toHaveText(`Pay ${ncd(article.price)} with NetCash`);
  expect(ncd(article.price)).toBe('0.03 NCD');
  const opened = nextApproval(context);
  await pay.click();
  const window = await opened;
  await expect(window.getByRole('heading')).toHaveText('Pay 0.03 NCD?');
  await expect(window.getByTestId('approval-price')).toHaveText('0.03 NCD');
  await approve(window);
  await expectUnlocked(page, ARTICLES.find((a) => a.slug === 'netcash-1993')!.body[0]!);

  const popup = await wallet.popup();
  await expect(popup.getByTestId('balance')).toHaveText('1.07 NCD');
  const entries = popup.getByTestId('history-entry');
  // The home shows the latest three; All history pages through the rest.
  await expect(entries).toHaveCount(3);
  await expect(entries.first()).toContainText(article.title);
  await expect(entries.first()).toContainText('−0.03 NCD');
  await popup.getByTestId('history-all').click();
  await expect(entries).toHaveCount(10);
  await popup.getByTestId('history-more').click();
  await expect(entries).toHaveCount(12);
  await expect(popup.getByTestId('history-more')).toHaveCount(0);
  await expect(entries.last()).toContainText('Bought coins from cs1');

  await entries.first().click();
  const detail = popup.getByTestId('history-detail');
  await expect(detail).toContainText('−0.03 NCD');
  await expect(popup.getByTestId('detail-site')).toHaveText(publisher.url);
  await expect(popup.getByTestId('detail-cs')).toHaveText('cs1');
  await expect(popup.getByTestId('detail-approved')).toHaveText('by you, in the approval window');
  const tid = (await wallet.state()).receipts[0]!.tid;
  await expect(popup.getByTestId('detail-receipt')).toHaveText(tid);
  // Escape (or Back) returns to the list the entry was opened from, then home.
  await popup.keyboard.press('Escape');
  await expect(popup.getByTestId('view-history')).toBeVisible();
  await popup.keyboard.press('Escape');
  await expect(popup.getByTestId('wallet')).toBeVisible();
});

test('an operation being finished says what, where, since when and what next; Retry now finishes it', async ({
  wallet,
}) => {
  await wallet.setup();
  await wallet.pauseAt('afterSend', 'buy');
  const buying = await wallet.popup();
  await buying.getByTestId('buy-amount').fill('4.56');
  await buying.getByTestId('buy').click();
  await expect.poll(async () => (await wallet.state()).pending).toBe(1);

  const popup = await wallet.popup();
  await expect(popup.getByTestId('pending-what')).toHaveText('Buying 4.56 NCD of coins');
  await expect(popup.getByTestId('pending-where')).toHaveText('cs1');
  await expect(popup.getByTestId('pending-next')).toContainText('charged once');
  await expect(popup.getByTestId('pending-op')).toContainText('since just now');

  // The worker dies with the reply unread; Retry now wakes a new one and finishes the buy.
  await wallet.killServiceWorker();
  await popup.getByTestId('retry-now').click();
  await expect(popup.getByTestId('balance')).toHaveText('4.56 NCD');
  await expect(popup.getByTestId('pending')).toHaveCount(0);
  expect((await wallet.state()).pending).toBe(0);
});

test('cash-out takes an amount, asks to confirm, and shows the result and the bank balance', async ({
  wallet,
  federation,
}) => {
  await wallet.setup();
  const popup = await wallet.popup();
  await wallet.command('buy', { amount: 1000 });
  const bankBefore = (await wallet.command('bankStatement', {})).balance;
  await popup.reload();
  await popup.getByTestId('open-cashout').click();
  await expect(popup.getByTestId('bank-balance-amount')).toHaveText(ncd(bankBefore));
  await popup.getByTestId('cashout-amount').fill('20.00');
  await expect(popup.getByRole('alert')).toHaveText('cs1 holds only 10.00 NCD of your coins.');
  await expect(popup.getByTestId('cashout-next')).toBeDisabled();
  await popup.getByTestId('cashout-amount').fill('3.33');
  await popup.getByTestId('cashout-next').click();
  const account = (await wallet.state()).accounts[0]!;
  await expect(popup.getByTestId('cashout-confirm-text')).toHaveText(
    `Send 3.33 NCD from cs1 to your account ${account.account} at ${account.bank}?`,
  );
  await popup.getByTestId('cashout-confirm').click();
  await expect(popup.getByTestId('cashout-result')).toHaveText(
    `3.33 NCD is in your bank account ${account.account}.`,
  );
  await expect(popup.getByTestId('bank-balance-amount')).toHaveText(ncd(bankBefore + 333));
  // The balance shown is the bank's signed statement, checked by the wallet.
  await expect(popup.getByTestId('bank-signed')).toContainText(`Signed by ${account.bank} at `);
  expect(spendable(await wallet.state())).toBe(1000 - 333);
  expect((await federation.audit()).ok).toBe(true);

  // All of the rest, then nothing is left to cash out and the view says so.
  await popup.getByRole('button', { name: 'Cash out more' }).click();
  await popup.getByRole('button', { name: /^All of it/ }).click();
  await popup.getByTestId('cashout-next').click();
  await popup.getByTestId('cashout-confirm').click();
  await expect(popup.getByTestId('cashout-result')).toContainText('6.67 NCD');
  await expect(popup.getByTestId('bank-balance-amount')).toHaveText(ncd(bankBefore + 1000));
  await popup.getByTestId('back').click();
  await expect(popup.getByTestId('balance')).toHaveText('0.00 NCD');
  // With nothing left, a cash-out is refused in words instead of silently doing nothing.
  await expect(wallet.command('cashout', { cs: 'cs1' })).rejects.toThrow(
    'You hold no coins at cs1 to cash out.',
  );
  expect((await federation.audit()).ok).toBe(true);
});

test('a currency server can be stopped and used again; the popup says what happens to its coins', async ({
  wallet,
}) => {
  await wallet.setup({ buy: 500, cs: 'cs1' });
  const popup = await wallet.popup();
  await popup.getByTestId('open-trusted').click();
  await popup.getByRole('button', { name: 'Currency servers' }).click();
  await popup.getByRole('button', { name: 'Stop using currency server cs1' }).click();
  await expect(popup.getByTestId('server-stopped')).toHaveText(
    'Stopped: the wallet buys no coins from cs1 and takes no change from it. The 5.00 NCD you ' +
      'hold there stay yours: they still pay sites that take them as they are, and you can cash ' +
      'them out to your bank.',
  );
  expect((await wallet.state()).servers.map((s) => [s.csName, s.stopped])).toEqual([
    ['cs1', true],
    ['cs2', false],
  ]);
  await expect(wallet.command('buy', { amount: 100, cs: 'cs1' })).rejects.toThrow(
    'You stopped using cs1',
  );
  // The coins held at cs1 still count; buying offers only cs2 (no choice of server left).
  await popup.getByTestId('back').click();
  await expect(popup.getByTestId('balance')).toHaveText('5.00 NCD');
  await popup.getByTestId('open-add').click();
  await expect(popup.getByTestId('buy')).toBeVisible();
  await expect(popup.getByTestId('buy-cs')).toHaveCount(0);
  await popup.getByTestId('back').click();
  await popup.getByTestId('open-trusted').click();
  // Closed, the section already says which server is stopped.
  await expect(popup.getByTestId('trusted-servers')).toContainText('cs1 (stopped), cs2');
  await popup.getByRole('button', { name: 'Currency servers' }).click();
  await popup.getByRole('button', { name: 'Use currency server cs1 again' }).click();
  await expect(popup.getByTestId('server-stopped')).toHaveCount(0);
  expect((await wallet.command('buy', { amount: 100, cs: 'cs1' })).status).toBe('done');
});
