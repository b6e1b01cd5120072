/**
 * A page script cannot tell whether the wallet is installed (docs/PRIVACY.md "Page scripts"). The
 * same probe runs on the same pages in Chromium with the wallet — set up, holding coins, with a
 * budget for another site — and in the same Chromium without it, and sees the same things: no
 * answer to any bridge message (well-formed or not, `pay` included), no announcement, the page's
 * DOM and globals untouched, the paywall offering Pay and, when the shopper clicks it and
 * declines in the wallet's window, saying that no wallet answered. The control: once she gives
 * the site a budget, the very same probe hears the wallet — so the probe could see one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PaymentRequired } from '@netcash/protocol';
import { type BrowserContext, chromium } from '@playwright/test';
import * as v from 'valibot';
import { request } from './bridge-page.ts';
import { CHROMIUM } from './chromium.ts';
import { expect, test } from './fixtures.ts';
import {
  approvalCounter,
  nextApproval,
  openArticle,
  paywallEvents,
  recordPaywallEvents,
  reject,
} from './payment-helpers.ts';

/** What a page script can read back after asking. */
interface Seen {
  readonly inbox: unknown[];
  readonly html: string;
  readonly globals: string[];
  readonly chrome: string[];
}

/**
 * A page whose own script, as it loads (no click, so no user activation), asks everything a page
 * could ask — well-formed or not — and keeps whatever comes back in `window.netcashInbox`.
 */
function probePage(offer: unknown): string {
  const asks: unknown[] = [
    { ns: 'netcash', v: 1, kind: 'request-wallet' },
    request('status', 'status'),
    request('check', 'check', { offer }),
    request('prove', 'prove', { offer }),
    request('pay', 'pay', { offer }),
    request('bad-pay', 'pay', { offer: 'junk' }),
    request('balance', 'balance'),
    { ns: 'netcash', v: 2, kind: 'request', id: 'v2', method: 'status' },
  ];
  return `<!doctype html><title>probe</title><h1>A page</h1><script>
window.netcashInbox = [];
addEventListener('message', (event) => {
  const d = event.data;
  if (d && d.ns === 'netcash' && d.kind !== 'request') window.netcashInbox.push(d);
});
for (const ask of ${JSON.stringify(asks)}) postMessage(ask, location.origin);
</script>`;
}

/** Opens the probe page and reads what its script could see after a while. */
async function probe(context: BrowserContext, url: string): Promise<Seen> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForTimeout(1_500);
  return page.evaluate(() => ({
    inbox: window.netcashInbox ?? [],
    html: document.documentElement.outerHTML,
    globals: Object.getOwnPropertyNames(window)
      // The test's own: the recorded events, Playwright's per-browser helper.
      .filter((name) => !/^(netcashEvents|__playwright_)/.test(name))
      .sort(),
    // What Chromium's `chrome` object offers the page (an extension reachable from pages adds
    // `runtime` there).
    chrome: Object.keys(Reflect.get(window, 'chrome') ?? {}).sort(),
  }));
}

/** The paywall of `url` as a reader sees it before clicking, once the wallet had time to speak. */
async function paywallOf(context: BrowserContext, url: string) {
  const page = await openArticle(context, url);
  await expect(page.locator('netcash-paywall .netcash-pay')).toBeEnabled();
  await page.waitForTimeout(3_500); // longer than the element waits for `check`
  return {
    page,
    html: await page.locator('netcash-paywall').innerHTML(),
    events: await paywallEvents(page),
  };
}

test('a page cannot tell whether the wallet is installed until the shopper lets its site in', async ({
  context,
  wallet,
  site,
  publisher,
}) => {
  await wallet.setup({ buy: 500 });
  await wallet.command('setAllowance', {
    origin: 'https://elsewhere.example',
    currency: 'NCD',
    limit: 100,
  });
  await recordPaywallEvents(context);
  const offer = v.parse(
    PaymentRequired,
    await (await fetch(publisher.articles[0]!.resource)).json(),
  ).offer;
  const article = publisher.articles[0]!.url;

  // The same Chromium, the same switches, no extension.
  const profile = mkdtempSync(join(tmpdir(), 'netcash-chromium-'));
  const bare = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    await recordPaywallEvents(bare);
    const approvals = approvalCounter(context);

    site.route('/probe', probePage(offer));
    const seen = await probe(context, `${site.url}/probe`);
    expect(seen).toEqual(await probe(bare, `${site.url}/probe`));
    // Only the page's own discovery message, echoed to its listener: no response, no announcement.
    expect(seen.inbox).toEqual([{ ns: 'netcash', v: 1, kind: 'request-wallet' }]);
    // Not even a window: a `pay` without the user's click goes nowhere.
    expect(approvals.count).toBe(0);

    // The paywall, before a click: the same Pay button, the same events.
    const paywall = await paywallOf(context, article);
    const bareWall = await paywallOf(bare, article);
    expect(paywall.html).toBe(bareWall.html);
    expect(paywall.events).toEqual(bareWall.events);

    // A click on Pay opens the wallet's window; she declines, and the page hears what a page
    // without a wallet hears when nobody answers.
    const asked = nextApproval(context);
    await paywall.page.locator('netcash-paywall .netcash-pay').click();
    await reject(await asked);
    await bareWall.page.locator('netcash-paywall .netcash-pay').click();
    for (const p of [paywall.page, bareWall.page]) {
      await expect(p.locator('netcash-paywall .netcash-no-wallet')).toBeVisible();
    }
    expect(await paywall.page.locator('netcash-paywall').innerHTML()).toBe(
      await bareWall.page.locator('netcash-paywall').innerHTML(),
    );
    expect(await paywallEvents(paywall.page)).toEqual(await paywallEvents(bareWall.page));
    expect((await wallet.state()).receipts).toEqual([]);

    // The control: a site she gave a budget hears the wallet, so the probe above could have.
    await wallet.command('setAllowance', { origin: site.url, currency: 'NCD', limit: 1 });
    const prompt = nextApproval(context); // its `pay` (a price above the budget) asks her
    const answered = await probe(context, `${site.url}/probe`);
    await reject(await prompt);
    expect(answered.inbox).toContainEqual(
      expect.objectContaining({ id: 'status', result: { ready: true } }),
    );
    expect(answered.inbox).toContainEqual(
      expect.objectContaining({
        id: 'balance',
        error: expect.objectContaining({ code: 'unsupported-op' }),
      }),
    );
  } finally {
    await bare.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
