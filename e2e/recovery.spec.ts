/**
 * The service worker killed in the middle of an operation (CDP Target.closeTarget): the worker
 * hangs at a fault point after the server acted, the test kills it, the next message restarts it,
 * and recovery on start finishes the operation from the journal in IndexedDB. Nothing is lost,
 * nothing is paid twice, the federation's books balance.
 */
import { PaymentRequired } from '@netcash/protocol';
import * as v from 'valibot';
import { answer, listen, post, postClicked, request } from './bridge-page.ts';
import { expect, test } from './fixtures.ts';

test('killed after a buy was sent: the coins arrive after restart', async ({
  wallet,
  federation,
}) => {
  await wallet.setup();
  await wallet.pauseAt('afterSend', 'buy');
  const popup = await wallet.popup();
  await popup.getByTestId('buy-amount').fill('4.56');
  await popup.getByTestId('buy').click();
  await expect.poll(async () => (await wallet.state()).pending).toBe(1);

  await wallet.killServiceWorker();
  // The next message starts a new worker, which recovers before it answers.
  const state = await wallet.state();
  expect(state.pending).toBe(0);
  expect(state.balances[0]?.spendable).toBe(456);
  expect((await federation.audit()).ok).toBe(true);
});

test('killed in the middle of a payment: it completes after restart, paid once', async ({
  wallet,
  publisher,
  context,
  federation,
}) => {
  await wallet.setup({ buy: 1000 });
  const article = publisher.articles[0]!;
  const heldBefore = await publisher.held();
  const page = await context.newPage();
  await page.goto(article.url);
  await listen(page);
  const offer = v.parse(
    PaymentRequired,
    await page.evaluate(async (url) => (await fetch(url)).json(), article.resource),
  ).offer;

  await wallet.pauseAt('afterSend', 'pay');
  const approval = context.waitForEvent('page', (p) => p.url().includes('approval.html'));
  await postClicked(page, request('pay1', 'pay', { offer }));
  const window = await approval;
  await expect(window.getByTestId('approval-price')).toHaveText(
    `${(article.price / 100).toFixed(2)} NCD`,
  );
  await expect(window.getByTestId('approval-origin')).toHaveText(publisher.url);
  // Approving closes the window (the click's own wait may see it go).
  await Promise.all([
    window.waitForEvent('close'),
    window
      .getByTestId('approve')
      .click()
      .catch(() => undefined),
  ]);
  // The payee has the coins and answered; the worker hangs before reading the answer.
  await expect.poll(async () => (await wallet.state()).pending).toBe(1);
  await expect.poll(() => publisher.held()).toBe(heldBefore + article.price);

  await wallet.killServiceWorker();
  // The worker that had the request is gone: the page hears nothing more of it.
  expect(await answer(page, { id: 'pay1' }, 1_000)).toBeNull();

  const state = await wallet.state();
  expect(state.pending).toBe(0);
  expect(state.receipts).toHaveLength(1);
  expect(state.balances[0]?.spendable).toBe(1000 - article.price);
  expect(await publisher.held()).toBe(heldBefore + article.price);

  // The page asks again: the purchase is proved, not paid, and the article opens.
  await post(page, request('pay2', 'pay', { offer }));
  const proved = await answer(page, { id: 'pay2' });
  const result = proved?.result as { repeat: boolean; authorization: string };
  expect(result.repeat).toBe(true);
  const status = await page.evaluate(
    async ([url, authorization]) => (await fetch(url, { headers: { authorization } })).status,
    [article.resource, result.authorization] as const,
  );
  expect(status).toBe(200);
  expect((await wallet.state()).balances[0]?.spendable).toBe(1000 - article.price);
  expect((await federation.audit()).ok).toBe(true);
});
