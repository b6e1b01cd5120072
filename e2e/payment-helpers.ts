/**
 * Helpers for the payment journeys (issue 6): open a publisher's article with the paywall's
 * lifecycle events recorded, wait for or count approval windows, read the wallet's balance, and
 * launch a wallet on a profile folder of our own (for the copied-profile double spend), the
 * printout of `netcash up` that setup reads, and pay an article through its approval window.
 */
import { createHash } from 'node:crypto';
import { formatAmount } from '@netcash/protocol';
import type { Federation } from '@netcash/server';
import type { BrowserContext, Page } from '@playwright/test';
import { chromium, expect } from '@playwright/test';
import type { WalletState } from '../extension/src/messages/views.ts';
import { EXTENSION_DIR, walletLaunchOptions } from './chromium.ts';

export interface PaywallEvent {
  readonly type: 'netcash:ready' | 'netcash:paid' | 'netcash:error';
  readonly detail: Record<string, unknown>;
}

declare global {
  interface Window {
    /** Paywall lifecycle events seen by the page (recorded from document start). */
    netcashEvents?: PaywallEvent[];
  }
}

/** Records every `netcash:*` event that bubbles to the document, in every page of `context`. */
export async function recordPaywallEvents(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: PaywallEvent[] = [];
    window.netcashEvents = seen;
    for (const type of ['netcash:ready', 'netcash:paid', 'netcash:error'] as const) {
      document.addEventListener(type, (e) => {
        seen.push({ type, detail: (e as CustomEvent<Record<string, unknown>>).detail });
      });
    }
  });
}

export async function paywallEvents(page: Page): Promise<PaywallEvent[]> {
  return page.evaluate(() => window.netcashEvents ?? []);
}

/** The events of `type` so far. */
export async function eventsOf(page: Page, type: PaywallEvent['type']) {
  return (await paywallEvents(page)).filter((e) => e.type === type).map((e) => e.detail);
}

/** Opens `url` (an article page) and waits until the paywall offers to pay or shows the text. */
export async function openArticle(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

const isApproval = (p: Page) => p.url().includes('/approval.html');

/**
 * Resolves with the next approval window the wallet opens. (A `page` event may fire while the
 * new window is still `about:blank`, so new pages are watched until their URL is known.)
 */
export function nextApproval(context: BrowserContext, timeoutMs = 15_000): Promise<Page> {
  const before = new Set(context.pages());
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      const found = context.pages().find((p) => !before.has(p) && isApproval(p));
      if (found !== undefined) resolve(found);
      else if (Date.now() > deadline) reject(new Error('no approval window opened'));
      else setTimeout(poll, 50);
    };
    poll();
  });
}

/** Counts approval windows opened from now on (read `count` when it matters). */
export function approvalCounter(context: BrowserContext): { readonly count: number } {
  const opened: Page[] = [];
  context.on('page', (p) => opened.push(p));
  return {
    get count() {
      return opened.filter(isApproval).length;
    },
  };
}

/** Clicks Approve (optionally with "allow up to") in an approval window; it closes itself. */
export async function approve(window: Page, allowUpTo?: string): Promise<void> {
  if (allowUpTo !== undefined) {
    await window.getByTestId('approval-allow').check();
    await window.getByTestId('approval-limit').fill(allowUpTo);
  }
  await Promise.all([
    window.waitForEvent('close'),
    window
      .getByTestId('approve')
      .click()
      .catch(() => undefined),
  ]);
}

export async function reject(window: Page): Promise<void> {
  await Promise.all([
    window.waitForEvent('close'),
    window
      .getByTestId('reject')
      .click()
      .catch(() => undefined),
  ]);
}

/**
 * Clicks Pay on an open article page and approves in the window that opens: the window's line on
 * how the payment is protected ('' when it has none).
 */
export async function payOn(page: Page, context: BrowserContext): Promise<string> {
  const approval = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  const window = await approval;
  await expect(window.getByTestId('approval-price')).toBeVisible();
  const line = window.getByTestId('approval-protection');
  const protection = (await line.count()) === 0 ? '' : ((await line.textContent()) ?? '');
  await approve(window);
  return protection;
}

/**
 * Opens the article at `url`, pays it (`payOn`) and sees `text` unlocked; the approval's
 * protection line.
 */
export async function buyArticle(
  context: BrowserContext,
  url: string,
  text: string | RegExp,
): Promise<string> {
  const page = await openArticle(context, url);
  const protection = await payOn(page, context);
  await expectUnlocked(page, text);
  return protection;
}

/** Spendable cents in the wallet (all currency servers). */
export function spendable(state: WalletState): number {
  return state.balances.reduce((sum, b) => sum + b.spendable, 0);
}

/** `0.03 NCD`, as the page, the approval window and the popup print money (one formatter). */
export const ncd = (cents: number) => formatAmount(cents, 'NCD');

/** The article's paid text is shown in place of the teaser. */
export async function expectUnlocked(page: Page, text: string | RegExp): Promise<void> {
  await expect(page.locator('netcash-paywall .netcash-content')).toContainText(text, {
    timeout: 15_000,
  });
}

/** Chromium's id of an unpacked extension: SHA-256 of its path, first 32 hex digits as a–p. */
export function unpackedExtensionId(dir: string): string {
  const hex = createHash('sha256').update(dir).digest('hex').slice(0, 32);
  return [...hex].map((h) => String.fromCharCode(97 + Number.parseInt(h, 16))).join('');
}

/** Chromium with the built extension (chromium.ts) on a profile folder we choose. */
export async function launchWallet(profile: string): Promise<{
  context: BrowserContext;
  command<T>(name: string, input: unknown): Promise<T>;
}> {
  const context = await chromium.launchPersistentContext(profile, walletLaunchOptions());
  // A restarted profile starts the worker only when needed: open the popup by the extension's id
  // (for an unpacked extension, derived from its folder's path) and let that wake it.
  const id = unpackedExtensionId(EXTENSION_DIR);
  const page = await context.newPage();
  await page.goto(`chrome-extension://${id}/popup.html`);
  return {
    context,
    async command<T>(name: string, input: unknown): Promise<T> {
      const reply = await page.evaluate(
        async ([n, i]) =>
          chrome.runtime.sendMessage({ channel: 'netcash/command', name: n, input: i }),
        [name, input] as const,
      );
      if (reply?.ok !== true) throw new Error(`command ${name}: ${JSON.stringify(reply)}`);
      return reply.value as T;
    },
  };
}

/** What `netcash up` prints (and `npm start`, with the demo publisher): setup reads it. */
export function printout(federation: Federation, publisher?: string): string {
  return [
    'NetCash federation is up',
    `  insurer     ${federation.insurer.url}`,
    `  insurer key ${federation.insurer.signKey}`,
    `  bank        ${federation.bank.url}`,
    `  bank key    ${federation.servers.bank.signKey}`,
    ...federation.cs.map((c, i) => `  cs${i + 1}         ${c.url}`),
    ...(publisher === undefined ? [] : [`  publisher   ${publisher}`]),
  ].join('\n');
}
