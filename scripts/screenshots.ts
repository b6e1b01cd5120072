/**
 * Screenshots of the real wallet for the README (docs/screenshots/): the built extension in
 * Debian's Chromium against a federation and the demo publisher started here on free ports — the
 * popup after a few payments and the approval window, in the light and the dark scheme, and the
 * paywall on the publisher's page.
 *
 *   npm run screenshots                          (builds, then writes docs/screenshots)
 *   npx tsx scripts/screenshots.ts [out-dir] [--views]   (after `npm run build`; --views adds
 *                                                          each view of the popup)
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDemoPublisher } from '@netcash/demo';
import { silentLogger } from '@netcash/merchant-kit';
import { startFederation } from '@netcash/server';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { extensionBuilt, walletLaunchOptions } from '../e2e/chromium.ts';

const args = process.argv.slice(2);
/** `--views`: also each view of the popup (history entry, cash-out, budgets, settings, trusted). */
const views = args.includes('--views');
const out = resolve(args.find((a) => !a.startsWith('--')) ?? 'docs/screenshots');
if (!extensionBuilt()) {
  console.error('screenshots: run `npm run build` first');
  process.exit(1);
}
mkdirSync(out, { recursive: true });

const federation = await startFederation();
const publisher = await startDemoPublisher({
  cs: federation.cs[1]!.url,
  insurers: [federation.insurer.signKey],
  insurer: federation.insurer.url,
  bank: federation.bank.url,
  log: silentLogger(),
});

/** The next approval window the wallet opens. */
function nextApproval(context: BrowserContext): Promise<Page> {
  const before = new Set(context.pages());
  return new Promise((done, fail) => {
    const deadline = Date.now() + 15_000;
    const poll = () => {
      const found = context.pages().find((p) => !before.has(p) && p.url().includes('approval'));
      if (found !== undefined) done(found);
      else if (Date.now() > deadline) fail(new Error('no approval window'));
      else setTimeout(poll, 50);
    };
    poll();
  });
}

async function shoot(scheme: 'light' | 'dark'): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'netcash-screens-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...walletLaunchOptions(),
    colorScheme: scheme,
    viewport: { width: 800, height: 640 },
  });
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const base = `chrome-extension://${new URL(worker.url()).host}`;
    const tab = await context.newPage();
    await tab.goto(`${base}/popup.html`);
    const command = (name: string, input: unknown) =>
      tab.evaluate(
        async ([n, i]) => {
          const reply = await chrome.runtime.sendMessage({
            channel: 'netcash/command',
            name: n,
            input: i,
          });
          if (reply?.ok !== true) throw new Error(`${n}: ${JSON.stringify(reply)}`);
          return reply.value;
        },
        [name, input] as const,
      );
    await command('trustInsurer', { key: federation.insurer.signKey, url: federation.insurer.url });
    await command('connectBank', { url: federation.bank.url, holder: 'Alice' });
    await command('buy', { amount: 500 });

    // One article paid in the approval window, so the history has an entry.
    const first = publisher.articles[1]!;
    const page = await context.newPage();
    await page.setViewportSize({ width: 760, height: 520 });
    await page.goto(first.url);
    await page.locator('netcash-paywall .netcash-pay').waitFor();
    // The publisher's page has one scheme of its own: shot once.
    if (scheme === 'light') await page.screenshot({ path: join(out, 'paywall.png') });
    let approval = nextApproval(context);
    await page.locator('netcash-paywall .netcash-pay').click();
    let window = await approval;
    await window.getByTestId('approve').waitFor();
    await window.getByTestId('approve').click();
    await page.locator('netcash-paywall .netcash-content').waitFor();

    // The approval window of a second article, as a shopper sees it.
    const second = publisher.articles[0]!;
    await page.goto(second.url);
    approval = nextApproval(context);
    await page.locator('netcash-paywall .netcash-pay').click();
    window = await approval;
    await window.setViewportSize({ width: 400, height: 560 });
    await window.getByTestId('approve').waitFor();
    // The Approve button becomes clickable after a short look (clickjacking guard).
    await window.waitForFunction(() => {
      const b = document.querySelector('[data-testid="approve"]');
      return b instanceof HTMLButtonElement && !b.disabled;
    });
    await window.screenshot({ path: join(out, `approval-${scheme}.png`) });
    await window.getByTestId('approve').click();
    await page.locator('netcash-paywall .netcash-content').waitFor();

    const popup = await context.newPage();
    await popup.setViewportSize({ width: 360, height: 600 });
    await popup.goto(`${base}/popup.html`);
    await popup.getByTestId('balance').first().waitFor();
    await popup.screenshot({ path: join(out, `popup-${scheme}.png`), fullPage: true });
    if (views) {
      await popup.getByTestId('history-entry').first().click();
      await popup.getByTestId('history-detail').waitFor();
      await popup.screenshot({ path: join(out, `popup-entry-${scheme}.png`), fullPage: true });
      await popup.getByTestId('back').click();
      await command('setAllowance', {
        origin: publisher.url,
        currency: 'NCD',
        limit: 10,
        period: 'day',
      });
      await popup.reload();
      for (const view of ['cashout', 'budgets', 'settings', 'trusted'] as const) {
        await popup.getByTestId(`open-${view}`).click();
        await popup.getByTestId(`view-${view}`).waitFor();
        // The trust lists open one section at a time: the bank's, with its signed balance.
        if (view === 'trusted') await popup.getByRole('button', { name: 'Bank accounts' }).click();
        if (view === 'cashout' || view === 'trusted') {
          await popup.getByTestId('bank-balance').first().waitFor();
        }
        await popup.screenshot({ path: join(out, `popup-${view}-${scheme}.png`), fullPage: true });
        await popup.getByTestId('back').click();
      }
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  await shoot('light');
  await shoot('dark');
  console.log(`screenshots: ${out}`);
} finally {
  await publisher.close();
  await federation.stop();
}
