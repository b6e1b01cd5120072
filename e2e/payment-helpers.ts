/**
 * Helpers for the payment journeys (issue 6): open a publisher's article with the paywall's
 * lifecycle events recorded, wait for or count approval windows, read the wallet's balance, and
 * launch a wallet on a profile folder of our own (for the copied-profile double spend).
 */
import type { BrowserContext, Page } from '@playwright/test';
import { chromium, expect } from '@playwright/test';
import type { WalletState } from '../extension/src/messages/views.ts';
import { CHROMIUM, EXTENSION_DIR } from './fixtures.ts';

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

/** Resolves with the next approval window the wallet opens. */
export function nextApproval(context: BrowserContext): Promise<Page> {
  return context.waitForEvent('page', {
    predicate: (p) => p.url().includes('/approval.html'),
    timeout: 15_000,
  });
}

/** Counts approval windows opened from now on. */
export function approvalCounter(context: BrowserContext): { readonly count: number } {
  const counter = { count: 0 };
  context.on('page', (p) => {
    if (p.url().includes('/approval.html')) counter.count++;
    else
      p.once('domcontentloaded', () => {
        if (p.url().includes('/approval.html')) counter.count++;
      });
  });
  return counter;
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

/** Spendable cents in the wallet (all currency servers). */
export function spendable(state: WalletState): number {
  return state.balances.reduce((sum, b) => sum + b.spendable, 0);
}

/** `0.03 NCD`, as the wallet's windows print money. */
export const ncd = (cents: number) =>
  `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')} NCD`;

/** The article's paid text is shown in place of the teaser. */
export async function expectUnlocked(page: Page, text: string): Promise<void> {
  await expect(page.locator('netcash-paywall .netcash-content')).toContainText(text, {
    timeout: 15_000,
  });
}

/** Chromium with the built extension on a profile folder we choose (fixtures.ts's recipe). */
export async function launchWallet(profile: string): Promise<{
  context: BrowserContext;
  command<T>(name: string, input: unknown): Promise<T>;
}> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless=new',
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const id = new URL(worker.url()).host;
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
