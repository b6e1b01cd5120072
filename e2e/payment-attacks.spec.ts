/**
 * Payments under attack and faults, in a real browser (issue 6): the same coins spent from a copied
 * wallet profile, the merchant's answer lost on the wire, and a third-party script on the
 * publisher's page trying to redirect a payment or to learn what it must not.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTICLES, type DemoPublisher } from '@netcash/demo';
import { silentLogger } from '@netcash/merchant-kit';
import { decode, PaymentRequired } from '@netcash/protocol';
import type { WalletState } from '../extension/src/messages/views.ts';
import { startFaultProxy } from '../server-mock/src/testing/fault-proxy.ts';
import { answer, listen, post, request } from './bridge-page.ts';
import { expect, test } from './fixtures.ts';
import {
  approvalCounter,
  approve,
  eventsOf,
  expectUnlocked,
  launchWallet,
  nextApproval,
  openArticle,
  recordPaywallEvents,
  reject,
  spendable,
} from './payment-helpers.ts';
import { startPublisher } from './publisher.ts';

const text = (slug: string) => ARTICLES.find((a) => a.slug === slug)!.body[0]!;

async function offerOf(url: string) {
  const body = decode(PaymentRequired, await (await fetch(url)).json());
  if (!body.ok) throw body.error;
  return body.value.offer;
}

test('the same coins from a copied wallet profile: the second payment is refused, its article stays locked', async ({
  federation,
}) => {
  const profileA = mkdtempSync(join(tmpdir(), 'netcash-profile-a-'));
  const profileB = `${profileA}-copy`;
  // A publisher of our own, to read what its payee handler refused and why.
  const refusals: Record<string, unknown>[] = [];
  const publisher = await startPublisher(federation, {
    log: {
      ...silentLogger(),
      info: (message, detail) => {
        if (message.startsWith('payment refused')) refusals.push({ ...detail });
      },
    },
  });
  const article = publisher.articles.find((a) => a.slug === 'anonymous-payee')!;
  try {
    const setup = await launchWallet(profileA);
    await setup.command('trustInsurer', {
      key: federation.insurer.signKey,
      url: federation.insurer.url,
    });
    await setup.command('connectBank', { url: federation.bank.url, holder: 'copied shopper' });
    await setup.command('buy', { amount: 20 });
    await expect.poll(async () => (await setup.command<WalletState>('state', {})).pending).toBe(0);
    await setup.context.close();
    cpSync(profileA, profileB, { recursive: true });

    // Wallet A pays.
    const a = await launchWallet(profileA);
    await recordPaywallEvents(a.context);
    const pageA = await openArticle(a.context, article.url);
    const approvalA = nextApproval(a.context);
    await pageA.locator('netcash-paywall .netcash-pay').click();
    await approve(await approvalA);
    await expectUnlocked(pageA, text('anonymous-payee'));
    const heldAfterA = await publisher.held();
    await a.context.close();

    // Wallet B holds copies of the very same coins.
    const b = await launchWallet(profileB);
    await recordPaywallEvents(b.context);
    expect(spendable(await b.command<WalletState>('state', {}))).toBe(20);
    const pageB = await openArticle(b.context, article.url);
    const approvalB = nextApproval(b.context);
    await pageB.locator('netcash-paywall .netcash-pay').click();
    await approve(await approvalB);
    // The merchant's CS caught the double spend; the merchant refused and stored nothing.
    await expect.poll(() => refusals.length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(refusals.map((r) => r['code'])).toContain('double-spent');
    await expect(pageB.locator('netcash-paywall .netcash-error')).toBeVisible({ timeout: 20_000 });
    // The page hears of it as what it is: the wallet's reclaim found the coins spent, the
    // merchant refused again, and the payment is settled as failed (not left pending).
    // (A `no-wallet` may come first: the element says so when nothing answered the click within
    // a few seconds, as a wallet is silent to a site until the shopper approves.)
    const errors = await eventsOf(pageB, 'netcash:error');
    expect(errors.at(-1)?.['code']).toBe('double-spent');
    await expect(pageB.locator('netcash-paywall .netcash-content')).toHaveCount(0);
    expect(await publisher.held()).toBe(heldAfterA);
    // B's books: nothing left pending, the coins A spent are no longer counted as B's.
    const stateB = await b.command<WalletState>('state', {});
    expect(stateB.pending).toBe(0);
    expect(spendable(stateB)).toBe(20 - article.price);
    await b.context.close();
    expect((await federation.audit()).problems).toEqual([]);
  } finally {
    await publisher.close();
    rmSync(profileA, { recursive: true, force: true });
    rmSync(profileB, { recursive: true, force: true });
  }
});

test("the merchant's answer dropped on the wire: the wallet asks again with the same id and gets the same receipt, paid once", async ({
  context,
  wallet,
  federation,
}) => {
  const proxy = await startFaultProxy();
  const shop = await startPublisher(federation, { publicUrl: proxy.url });
  proxy.setTarget(`http://127.0.0.1:${shop.port}`);
  let payments = 0;
  proxy.rule((r) =>
    r.method === 'POST' && r.path === '/netcash/pay' && r.body.toString().includes('"msg":"1c"')
      ? payments++ === 0
        ? 'drop-response'
        : undefined
      : undefined,
  );
  try {
    await wallet.setup({ buy: 100 });
    await recordPaywallEvents(context);
    const article = shop.articles.find((a) => a.slug === 'currency-servers')!;
    const page = await openArticle(context, article.url);
    const approval = nextApproval(context);
    await page.locator('netcash-paywall .netcash-pay').click();
    await approve(await approval);
    await expectUnlocked(page, text('currency-servers'));

    const pays = proxy.log.filter((l) => l.path === '/netcash/pay');
    expect(pays[0]?.fault).toBe('drop-response');
    expect(payments).toBeGreaterThanOrEqual(2);
    const [paid] = await eventsOf(page, 'netcash:paid');
    const stored = await shop.paywall.store.receipt(String(paid?.['tid']));
    expect(stored?.amount).toBe(article.price);
    expect(await shop.held()).toBe(article.price);
    const state = await wallet.state();
    expect(spendable(state)).toBe(100 - article.price);
    expect(state.pending).toBe(0);
    expect((await federation.audit()).problems).toEqual([]);
  } finally {
    await shop.close();
    await proxy.close();
  }
});

test('a third-party script cannot redirect a payment, nor obtain coins or K_ses; a proof opens one resource, once', async ({
  context,
  wallet,
  publisher,
  federation,
}) => {
  const attacker: DemoPublisher = await startPublisher(federation);
  try {
    await wallet.setup({ buy: 100 });
    await wallet.command('setAllowance', { origin: publisher.url, currency: 'NCD', limit: 100 });
    await recordPaywallEvents(context);
    const article = publisher.articles.find((a) => a.slug === 'serial-numbers')!;
    const page = await openArticle(context, article.url);
    await expect(page.locator('netcash-paywall .netcash-pay')).toBeVisible();
    await listen(page); // the third-party script sees every bridge message of the page

    // An offer of another site, posted by a script on the publisher's page: never silent, even
    // under the publisher's allowance; the window names the other site. Rejected: nothing paid.
    const foreign = await offerOf(attacker.articles[0]!.resource);
    const asked = nextApproval(context);
    await post(page, request('evil-1', 'pay', { offer: foreign }));
    const prompt = await asked;
    await expect(prompt.getByTestId('approval-foreign')).toContainText(attacker.url);
    await expect(prompt.getByTestId('approval-allow')).toHaveCount(0);
    await reject(prompt);
    expect((await answer(page, { id: 'evil-1' }))?.error?.code).toBe('user-rejected');

    // The publisher's own offer with the pay URL moved to the attacker: the signature breaks.
    const real = await offerOf(article.resource);
    const moved = { ...real, body: { ...real.body, payUrl: `${attacker.url}/netcash/pay` } };
    const approvals = approvalCounter(context);
    await post(page, request('evil-2', 'pay', { offer: moved }));
    expect((await answer(page, { id: 'evil-2' }))?.error?.code).toBe('bad-signature');
    expect(approvals.count).toBe(0);
    expect(await attacker.held()).toBe(0);

    // The reader pays for the article (within the allowance: no window). The script sees the
    // answer on the window — an access proof and a public receipt, no coins, no keys.
    await page.locator('netcash-paywall .netcash-pay').click();
    await expectUnlocked(page, text('serial-numbers'));
    const seen = await page.evaluate(() => JSON.stringify(window.netcashInbox ?? []));
    for (const secret of ['sessionKey', 'replyKey', '"coins"', 'secret', '"coin"']) {
      expect(seen).not.toContain(secret);
    }
    const access = JSON.parse(seen).find(
      (m: { result?: { authorization?: string } }) => m.result?.authorization !== undefined,
    ).result as { authorization: string; tid: string; proof: string };

    // The proof is bound to its resource and its challenge.
    const other = publisher.articles.find((a) => a.slug === 'offline-payments')!;
    const status = (url: string, authorization: string) =>
      page.evaluate(async ([u, h]) => (await fetch(u, { headers: { authorization: h } })).status, [
        url,
        authorization,
      ] as const);
    expect(await status(other.resource, access.authorization)).toBe(403);
    const fresh = await offerOf(article.resource);
    const swapped = access.authorization.replace(
      /challenge="[^"]+"/,
      `challenge="${fresh.body.challenge}"`,
    );
    expect(await status(article.resource, swapped)).toBe(403);
    // The proof the script copied off the window was used by the paywall to open the article: a
    // replay of the header gets only a fresh offer, never the article (PROTOCOL §6).
    const replay = await page.evaluate(
      async ([u, h]) => {
        const r = await fetch(u, { headers: { authorization: h } });
        return { status: r.status, auth: r.headers.get('www-authenticate'), body: await r.text() };
      },
      [article.resource, access.authorization] as const,
    );
    expect(replay.status).toBe(402);
    expect(replay.auth).toContain('error="challenge-used"');
    expect(replay.body).not.toContain(text('serial-numbers'));
    // The reader's own revisit still works: a reload gets a fresh challenge, the wallet proves
    // the purchase again, nothing more is paid.
    await page.reload();
    await expectUnlocked(page, text('serial-numbers'));
    expect(spendable(await wallet.state())).toBe(100 - article.price);
  } finally {
    await attacker.close();
  }
});
