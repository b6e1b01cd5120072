/**
 * A hostile page against the bridge: messages from another window, an `origin` field of the
 * page's own invention, wallet commands only extension pages may give, malformed and forged
 * payloads. On a site the shopper let in (here: gave a budget) each gets an error from the
 * registry (or, without a valid source, no answer at all), and no coin moves. A site not let in
 * hears nothing at all (e2e/privacy-detection.spec.ts).
 */
import { PaymentRequired } from '@netcash/protocol';
import * as v from 'valibot';
import { answer, listen, post, request } from './bridge-page.ts';
import { expect, test } from './fixtures.ts';

test('forged bridge messages move no coins and get errors', async ({
  wallet,
  site,
  publisher,
  context,
}) => {
  await wallet.setup({ buy: 500 });
  // The shopper lets the site in: a budget (a wallet answers nothing to a site it doesn't know).
  await wallet.command('setAllowance', { origin: site.url, currency: 'NCD', limit: 1 });
  const offer = v.parse(
    PaymentRequired,
    await (await fetch(publisher.articles[0]!.resource)).json(),
  ).offer;

  site.route('/parent', '<!doctype html><iframe id="child" src="/frame"></iframe>');
  const page = await context.newPage();
  await page.goto(`${site.url}/parent`);
  await listen(page);

  // An honest question works; there is no discovery message to answer.
  await post(page, { ns: 'netcash', v: 1, kind: 'request-wallet' });
  await post(page, request('s1', 'status'));
  expect((await answer(page, { id: 's1' }))?.result).toEqual({ ready: true });

  // Wrong source: a child frame posting to its parent is not the page itself. No answer.
  const child = page.frame({ url: /\/frame$/ });
  expect(child).not.toBeNull();
  await post(child!, request('f1', 'pay', { offer }), true);
  expect(await answer(page, { id: 'f1' }, 1_500)).toBeNull();

  // A spoofed origin, in the params or beside them: malformed (-32602).
  await post(page, request('o1', 'pay', { offer, origin: publisher.url }));
  expect((await answer(page, { id: 'o1' }))?.error).toMatchObject({
    code: 'malformed',
    rpc: -32602,
  });
  await post(page, { ...request('o2', 'pay', { offer }), origin: publisher.url });
  expect((await answer(page, { id: 'o2' }))?.error).toMatchObject({ code: 'malformed' });

  // Commands only extension pages may give: unsupported (4200), whatever the shape.
  await post(page, request('c1', 'buy', { amount: 100 }));
  expect((await answer(page, { id: 'c1' }))?.error).toMatchObject({
    code: 'unsupported-op',
    rpc: 4200,
  });
  await post(page, request('c2', 'connectBank', { url: 'http://127.0.0.1:1', holder: 'x' }));
  expect((await answer(page, { id: 'c2' }))?.error).toMatchObject({ rpc: 4200 });
  await post(page, { channel: 'netcash/command', name: 'cashout', input: { cs: 'cs1' } });

  // Malformed payloads.
  for (const junk of [
    null,
    'pay',
    42,
    { ns: 'netcash' },
    { ns: 'netcash', v: 1, kind: 'request' },
  ]) {
    await post(page, junk);
  }
  await post(page, request('m1', 'pay', { offer: 'an offer' }));
  expect((await answer(page, { id: 'm1' }))?.error).toMatchObject({ code: 'malformed' });
  await post(page, request('m2', 'pay', { offer: { ...offer, extra: 1 } }));
  expect((await answer(page, { id: 'm2' }))?.error).toMatchObject({ code: 'malformed' });
  await post(page, request('m3', 'prove', { offer, padding: 'x'.repeat(300_000) }));
  expect((await answer(page, { id: 'm3' }))?.error).toMatchObject({ code: 'malformed' });

  // A forged offer (the price changed after signing): bad signature (5010).
  const forged = { ...offer, body: { ...offer.body, amount: 1 } };
  await post(page, request('g1', 'pay', { offer: forged }));
  expect((await answer(page, { id: 'g1' }))?.error).toMatchObject({
    code: 'bad-signature',
    rpc: 5010,
  });

  // Someone else's offer from this page: the approval names the other site; closing it rejects.
  const approval = context.waitForEvent('page');
  await post(page, request('x1', 'pay', { offer }));
  const window = await approval;
  await expect(window.getByTestId('approval-origin')).toHaveText(site.url);
  await expect(window.getByTestId('approval-foreign')).toContainText(publisher.url);
  await expect(window.getByTestId('approval-allow')).toHaveCount(0);
  await window.close();
  expect((await answer(page, { id: 'x1' }))?.error).toMatchObject({
    code: 'user-rejected',
    rpc: 4001,
  });

  // Proving a purchase never made: an error, nothing paid.
  await post(page, request('p1', 'prove', { offer }));
  expect((await answer(page, { id: 'p1' }))?.error).toMatchObject({ code: 'unknown-transaction' });

  expect(await answer(page, { kind: 'announce-wallet' }, 500)).toBeNull();

  const state = await wallet.state();
  expect(state.balances[0]?.spendable).toBe(500);
  expect(state.receipts).toEqual([]);
  expect(state.pending).toBe(0);
  expect(state.accounts).toHaveLength(1);
});
