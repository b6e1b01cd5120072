/**
 * What the wallet's own requests say about the shopper (docs/PRIVACY.md "Network observers and
 * servers"), captured at a test server: the real extension in Chromium sends everything through
 * a recording proxy (capture-proxy.ts) while the shopper sets up, buys coins and pays for an
 * article. The browser holds a cookie for the servers' host and the pages send referrers — the
 * page's own requests carry both, which shows the capture sees them — yet no request of the
 * wallet (insurer, bank, currency server, the seller's payment endpoint) carries a cookie, a
 * referrer or any header beyond what every copy of the wallet sends alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTICLES } from '@netcash/demo';
import { chromium } from '@playwright/test';
import { type Captured, type CaptureProxy, startCaptureProxy } from './capture-proxy.ts';
import { walletLaunchOptions } from './chromium.ts';
import { test as base, expect } from './fixtures.ts';
import { approve, expectUnlocked, nextApproval, openArticle } from './payment-helpers.ts';

const test = base.extend<{ capture: CaptureProxy }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
  capture: async ({}, use) => {
    const capture = await startCaptureProxy();
    await use(capture);
    await capture.close();
  },
  // The wallet's browser, every request (loopback too) through the recording proxy.
  context: async ({ capture }, use) => {
    const profile = mkdtempSync(join(tmpdir(), 'netcash-chromium-'));
    const options = walletLaunchOptions();
    const context = await chromium.launchPersistentContext(profile, {
      ...options,
      args: [...options.args, `--proxy-server=${capture.url}`, '--proxy-bypass-list=<-loopback>'],
    });
    await use(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  },
});

/**
 * What a request may carry: the browser's own headers for any fetch (the same for every page and
 * every copy of the wallet in this browser) and the protocol's. `proxy-connection` is the proxy
 * hop's (Chromium adds it only when talking to a proxy).
 */
const ALLOWED = new Set([
  'host',
  'connection',
  'proxy-connection',
  'content-length',
  'content-type',
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'pragma',
  'origin',
  'user-agent',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
]);

test("the wallet's requests carry no cookie, no referrer and no identifying header", async ({
  context,
  capture,
  extensionId,
  wallet,
  federation,
  publisher,
}) => {
  // A cookie the browser holds for the servers' host (cookies don't depend on the port).
  await context.addCookies([{ name: 'visitor', value: 'shopper-42', url: publisher.url }]);
  await wallet.setup({ buy: 500 });
  const article = publisher.articles.find((a) => a.slug === 'netcash-1993')!;
  const page = await openArticle(context, article.url);
  const approval = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  await approve(await approval);
  await expectUnlocked(page, ARTICLES.find((a) => a.slug === 'netcash-1993')!.body[0]!);

  const hostOf = (url: string) => new URL(url).host;
  const federationHosts = new Set(
    [federation.insurer.url, federation.bank.url, ...federation.cs.map((c) => c.url)].map(hostOf),
  );
  const walletOrigin = `chrome-extension://${extensionId}`;
  const fromWallet = (r: Captured) =>
    federationHosts.has(hostOf(r.url)) || r.headers['origin'] === walletOrigin;
  const walletRequests = capture.requests.filter(fromWallet);
  const pageRequests = capture.requests.filter(
    (r) => !fromWallet(r) && hostOf(r.url) === hostOf(publisher.url),
  );

  // The capture saw the wallet talk to each party — and the page's requests with their cookie
  // and referrer, so their absence below is not the capture's blindness.
  const reached = (host: string) => walletRequests.some((r) => hostOf(r.url) === host);
  for (const host of [...federationHosts].slice(0, 3)) expect(reached(host), host).toBe(true);
  expect(
    walletRequests.some((r) => r.method === 'POST' && hostOf(r.url) === hostOf(publisher.url)),
  ).toBe(true);
  expect(pageRequests.some((r) => r.headers['cookie']?.includes('visitor=shopper-42'))).toBe(true);
  expect(pageRequests.some((r) => r.headers['referer']?.startsWith(publisher.url))).toBe(true);

  const browserAgent = pageRequests[0]!.headers['user-agent'];
  for (const r of walletRequests) {
    const where = `${r.method} ${r.url}`;
    expect(r.headers['cookie'], where).toBeUndefined();
    expect(r.headers['referer'], where).toBeUndefined();
    expect(
      Object.keys(r.headers).filter((name) => !ALLOWED.has(name)),
      where,
    ).toEqual([]);
    // The browser's agent string, as on every page; the origin names the wallet, not the shopper.
    expect(r.headers['user-agent'], where).toBe(browserAgent);
    if (r.headers['origin'] !== undefined) expect(r.headers['origin'], where).toBe(walletOrigin);
  }
});
