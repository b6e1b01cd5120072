/**
 * `npm run test:firefox`: the README journey in Firefox ESR with the same wallet, built for
 * Firefox (dist/firefox: background scripts instead of a service worker, the gecko id) — trust
 * the insurer, open a bank account, buy coins, pay for an article in the approval window, revisit
 * it without paying — against a federation and the demo publisher started here on free ports.
 *
 * Firefox is driven by puppeteer-core over WebDriver BiDi (no geckodriver in Debian; recipe in
 * ../shared/TESTING.md): headless, the extension installed as a temporary add-on with a fixed
 * internal UUID so its pages have a known address. Ends with `N passed, M failed`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ARTICLES } from '@netcash/demo';
import { formatAmount } from '@netcash/protocol';
import { startFederation } from '@netcash/server';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startPublisher } from '../publisher.ts';

const FIREFOX = process.env['NETCASH_FIREFOX'] ?? '/usr/lib/firefox-esr/firefox-esr';
const DIR = resolve(import.meta.dirname, '..', '..', 'dist', 'firefox');
const GECKO_ID = 'wallet@netcash.example';
/** The add-on's internal UUID, fixed so its pages are at moz-extension://UUID/. */
const UUID = '5c3f1f7e-0d1a-4a8e-9b1e-2f6c9d7e1a01';
const BASE = `moz-extension://${UUID}`;
// Generous: on a loaded 2-core machine Firefox took over 20 s to show the popup once.
const TIMEOUT = 45_000;
/** Steps of the journey: a run that ends before all of them were taken failed. */
const STEPS = 7;

const results: { name: string; ok: boolean; error?: string }[] = [];

async function step(name: string, run: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await run();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false, error: String(error) });
    console.log(`  ✘ ${name}: ${error}`);
    throw error;
  }
}

/** Opens an extension page (its `goto` may never settle in Firefox: don't wait for it). */
async function extensionPage(browser: Browser, path: string): Promise<Page> {
  const page = await browser.newPage();
  page.goto(`${BASE}/${path}`).catch(() => undefined);
  // In front of the first-run tab the install opened: a background tab gets no animation frames,
  // and every click or fill would wait for one.
  await page.waitForFunction(() => document.querySelector('main') !== null, {
    timeout: TIMEOUT,
    polling: 100,
  });
  await page.bringToFront();
  return page;
}

/** Waits until `selector` matches (polling on a timer, as above). */
async function waitFor(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (s) => document.querySelector(s) !== null,
    {
      timeout: TIMEOUT,
      polling: 100,
    },
    selector,
  );
}

async function text(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (e) => e.textContent ?? '');
}

async function waitText(page: Page, selector: string, want: string): Promise<void> {
  await page.waitForFunction(
    (s, w) => (document.querySelector(s)?.textContent ?? '').includes(w),
    // Poll on a timer: a page in the background gets no animation frames in headless Firefox.
    { timeout: TIMEOUT, polling: 100 },
    selector,
    want,
  );
}

/** The approval window opened after `before` (its target may keep its first URL, about:blank). */
async function approvalWindow(b: Browser, before: Set<Page>): Promise<Page> {
  const deadline = Date.now() + TIMEOUT;
  while (Date.now() < deadline) {
    for (const p of await b.pages()) {
      if (before.has(p)) continue;
      const href = await p.evaluate(() => location.href).catch(() => p.url());
      if (href.includes('/approval.html')) return p;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no approval window opened');
}

const tid = (id: string) => `[data-testid="${id}"]`;

if (!existsSync(join(DIR, 'manifest.json'))) {
  console.log('firefox: run `npm run build` first (dist/firefox is missing)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (!existsSync(FIREFOX)) {
  console.log(`firefox: ${FIREFOX} is missing (apt-get install firefox-esr)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const federation = await startFederation();
const publisher = await startPublisher(federation);
const profile = mkdtempSync(join(tmpdir(), 'netcash-firefox-'));
let firefox: Browser | undefined;
try {
  console.log('firefox journey');
  await step('Firefox ESR starts and installs the wallet', async () => {
    firefox = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      protocol: 'webDriverBiDi',
      userDataDir: profile,
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }) },
    });
    const id = await firefox.installExtension(DIR);
    if (id !== GECKO_ID) throw new Error(`installed as ${id}`);
  });
  const b = firefox!;
  let popup!: Page;
  await step("open the wallet's popup", async () => {
    popup = await extensionPage(b, 'popup.html');
  });

  await step('trust the insurer netcash up printed', async () => {
    const printed = [
      `  insurer     ${federation.insurer.url}`,
      `  insurer key ${federation.insurer.signKey}`,
      `  bank        ${federation.bank.url}`,
    ].join('\n');
    await popup.locator(tid('setup-paste')).fill(printed);
    await popup.click(tid('trust-insurer'));
    await waitText(popup, 'main', '1. Trust an insurer ✓');
  });

  await step('open a demo bank account', async () => {
    await popup.click(tid('connect-bank'));
    await waitFor(popup, tid('first-coins'));
  });

  await step('buy 1.00 NCD of coins', async () => {
    await popup.locator(tid('buy-amount')).fill('1.00');
    await popup.click(tid('buy'));
    await waitText(popup, tid('balance'), '1.00 NCD');
  });

  const article = publisher.articles.find((a) => a.slug === 'netcash-1993')!;
  const body = ARTICLES.find((a) => a.slug === article.slug)!.body[0]!;
  const page = await b.newPage();
  await step('pay for an article in the approval window', async () => {
    await page.goto(article.url);
    const price = formatAmount(article.price, 'NCD');
    await waitText(page, 'netcash-paywall .netcash-pay', `Pay ${price} with NetCash`);
    const before = new Set(await b.pages());
    await page.click('netcash-paywall .netcash-pay');
    const window = await approvalWindow(b, before);
    await waitFor(window, `${tid('approve')}:not([disabled])`);
    const shown = await text(window, tid('approval-price'));
    if (shown !== price) throw new Error(`the window says ${shown}, not ${price}`);
    await window.click(tid('approve'));
    await waitText(page, 'netcash-paywall .netcash-content', body);
  });

  await step('revisit: the article opens without paying again', async () => {
    const before = new Set(await b.pages());
    await page.reload();
    await waitText(page, 'netcash-paywall .netcash-content', body);
    const state = await popup.evaluate(async () => {
      const reply = await browser.runtime.sendMessage({
        channel: 'netcash/command',
        name: 'state',
        input: {},
      });
      return reply.value as { balances: { spendable: number }[]; receipts: unknown[] };
    });
    const spendable = state.balances.reduce((n, x) => n + x.spendable, 0);
    const windows = (await b.pages()).filter((p) => !before.has(p)).length;
    if (windows !== 0) throw new Error(`${windows} approval windows opened on revisit`);
    if (state.receipts.length !== 1) throw new Error(`${state.receipts.length} receipts`);
    if (spendable !== 100 - article.price) throw new Error(`spendable ${spendable}`);
    const audit = await federation.audit();
    if (!audit.ok) throw new Error('the federation audit does not balance');
  });
} catch (error) {
  // A failed step is recorded and printed already; anything else is printed here.
  if (results.every((r) => r.ok))
    console.log(`  ✘ ${error instanceof Error ? error.stack : error}`);
} finally {
  await firefox?.close().catch(() => undefined);
  await publisher.close();
  await federation.stop();
  rmSync(profile, { recursive: true, force: true });
}
const failed = results.filter((r) => !r.ok).length + (results.length < STEPS ? 1 : 0);
console.log(`${results.length - results.filter((r) => !r.ok).length} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
