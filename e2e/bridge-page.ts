/**
 * Page-side helpers for bridge tests: post a message to the window the way a page script would
 * and collect the wallet's answer (protocol/src/bridge.ts), or nothing within a time limit.
 */
import type { Frame, Page } from '@playwright/test';

declare global {
  interface Window {
    /** Messages the page received from the wallet (collected by `listen`). */
    netcashInbox?: BridgeAnswer[];
  }
}

export interface BridgeAnswer {
  readonly kind: string;
  readonly id?: string;
  readonly result?: unknown;
  readonly error?: { code: string; rpc: number; message: string };
}

/** Starts collecting every `netcash` message the page's window receives (call once per page). */
export async function listen(page: Page): Promise<void> {
  await page.evaluate(() => {
    const inbox: BridgeAnswer[] = [];
    window.netcashInbox = inbox;
    window.addEventListener('message', (event: MessageEvent<BridgeAnswer & { ns?: unknown }>) => {
      const d = event.data;
      if (d !== null && typeof d === 'object' && d.ns === 'netcash' && d.kind !== 'request') {
        inbox.push(d);
      }
    });
  });
}

/**
 * Posts `message` right after a click on the page: with the user's gesture (transient
 * activation), as the paywall's Pay button sends `pay`. A site the wallet doesn't know yet gets
 * its approval window only so (protocol/src/bridge.ts).
 */
export async function postClicked(page: Page, message: unknown): Promise<void> {
  await page.mouse.click(1, 1);
  await post(page, message);
}

/** Posts `message` from `from` (the page, or a frame posting to its parent). */
export async function post(from: Page | Frame, message: unknown, toParent = false): Promise<void> {
  await from.evaluate(
    ([m, parent]) => {
      if (parent) window.parent.postMessage(m, '*');
      else window.postMessage(m, '*');
    },
    [message, toParent] as const,
  );
}

/** The answer with `id` (or the first of `kind`), or null after `ms`. */
export async function answer(
  page: Page,
  match: { id?: string; kind?: string },
  ms = 10_000,
): Promise<BridgeAnswer | null> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = await page.evaluate((m) => {
      const inbox = window.netcashInbox;
      return (
        inbox?.find(
          (a) =>
            (m.id === undefined || a.id === m.id) && (m.kind === undefined || a.kind === m.kind),
        ) ?? null
      );
    }, match);
    if (found !== null) return found;
    await page.waitForTimeout(100);
  }
  return null;
}

export function request(id: string, method: string, params?: unknown): Record<string, unknown> {
  return params === undefined
    ? { ns: 'netcash', v: 1, kind: 'request', id, method }
    : { ns: 'netcash', v: 1, kind: 'request', id, method, params };
}
