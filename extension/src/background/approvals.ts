/**
 * Approval windows (SPEC §8: approval happens in an extension window, never in page DOM). Each
 * payment that needs the shopper's word opens `approval.html?id=…` with `windows.create`; the
 * window reads the quote with the `approval` command and answers with `decide`. Closing the
 * window rejects.
 *
 * A window is bound to the page that asked (its tab and its document, content/bridge.ts
 * `INSTANCE`): when that page reloads, navigates away or closes, the window closes and nothing is
 * paid — a window never pays for a page that is gone (the reloaded page asks the wallet where
 * its payment stands instead, `check`). Approve is checked against the page once more before it
 * counts. The same purchase asked from a second tab joins the open window (one intent, one
 * charge); another purchase on the same site waits for it (`busy`), so a page can't stack windows.
 *
 * Pending approvals live in the worker's memory on purpose: they hold no value, and if the worker
 * dies the page's request dies with it (it gets an error and may ask again).
 */
import { NetCashError, type Offer, randomId } from '@netcash/protocol';
import { nobleProvider } from '@netcash/protocol/noble';
import browser from 'webextension-polyfill';
import type { BudgetPeriod, Quote } from '../core/index.ts';
import { intentKey } from '../core/intent.ts';
import type { InstanceQuery } from '../messages/bridge.ts';
import type { ApprovalView } from '../messages/views.ts';

export interface Decision {
  readonly approve: boolean;
  /** "Allow up to X on this site" (minor units)… */
  readonly allowUpTo?: number;
  /** …per day, week or month (a budget); in total when absent. */
  readonly period?: BudgetPeriod;
  /** Set when the page that asked was reloaded or closed before the shopper approved. */
  readonly pageGone?: boolean;
  /** This asker joined a window another page opened for the same purchase. */
  readonly joined?: boolean;
}

/** The document that asked: its tab, and the content script's instance id there. */
export interface AskingPage {
  readonly tabId: number;
  readonly instance: string;
}

interface Pending {
  readonly id: string;
  readonly origin: string;
  readonly intent: string;
  readonly offer: Offer;
  readonly quote: Quote;
  readonly page: AskingPage;
  readonly decision: Promise<Decision>;
  readonly resolve: (decision: Decision) => void;
  windowId?: number;
}

const pending = new Map<string, Pending>();

/** Opens an approval window (or joins the one open for the same purchase) and waits. */
export async function askApproval(
  origin: string,
  offer: Offer,
  quote: Quote,
  page: AskingPage,
): Promise<Decision> {
  const intent = intentKey(origin, offer);
  for (const p of pending.values()) {
    if (p.intent === intent) {
      if (p.windowId !== undefined) {
        browser.windows.update(p.windowId, { focused: true }).catch(() => undefined);
      }
      return p.decision.then((d) => ({ ...d, joined: true }));
    }
    if (p.origin === origin) {
      throw new NetCashError('busy', 'This site is already waiting for your approval.');
    }
  }
  const id = randomId(nobleProvider);
  let resolve: (decision: Decision) => void = () => undefined;
  const decision = new Promise<Decision>((r) => {
    resolve = r;
  });
  pending.set(id, { id, origin, intent, offer, quote, page, decision, resolve });
  try {
    const win = await browser.windows.create({
      url: browser.runtime.getURL(`approval.html?id=${encodeURIComponent(id)}`),
      type: 'popup',
      width: 400,
      height: 600,
      focused: true,
    });
    const p = pending.get(id);
    if (p === undefined) {
      // The page went away while the window opened.
      if (win.id !== undefined) await browser.windows.remove(win.id).catch(() => undefined);
    } else if (win.id !== undefined) {
      p.windowId = win.id;
    }
  } catch (error) {
    pending.delete(id);
    throw error;
  }
  return decision;
}

export function approvalView(id: string): ApprovalView | null {
  const p = pending.get(id);
  return p === undefined ? null : { id, quote: p.quote };
}

function settle(p: Pending, decision: Decision): void {
  pending.delete(p.id);
  p.resolve(decision);
  if (p.windowId !== undefined) browser.windows.remove(p.windowId).catch(() => undefined);
}

/** Whether the document that asked is still the one in its tab. */
async function pageStillThere(page: AskingPage): Promise<boolean> {
  const query: InstanceQuery = { channel: 'netcash/instance' };
  try {
    const answer: unknown = await browser.tabs.sendMessage(page.tabId, query, { frameId: 0 });
    return answer === page.instance;
  } catch {
    return false;
  }
}

/** The shopper decided in window `id`; closes the window. */
export async function decide(id: string, decision: Decision): Promise<void> {
  const p = pending.get(id);
  if (p === undefined) return;
  if (decision.approve && !(await pageStillThere(p.page))) {
    settle(p, { approve: false, pageGone: true });
    throw new NetCashError(
      'not-found',
      'The page that asked for this payment was closed or reloaded; nothing was paid.',
    );
  }
  settle(p, decision);
}

/** A closed window is a rejection. */
export function windowClosed(windowId: number): void {
  for (const p of [...pending.values()]) {
    if (p.windowId === windowId) settle(p, { approve: false });
  }
}

/** The tab closed: its approval windows close unanswered. */
export function tabClosed(tabId: number): void {
  for (const p of [...pending.values()]) {
    if (p.page.tabId === tabId) settle(p, { approve: false, pageGone: true });
  }
}

/**
 * The tab started loading: if the document that asked is no longer there (a reload or a
 * navigation, not a frame inside it), its approval windows close unanswered.
 */
export async function tabLoading(tabId: number): Promise<void> {
  for (const p of [...pending.values()]) {
    if (p.page.tabId !== tabId || (await pageStillThere(p.page))) continue;
    if (pending.has(p.id)) settle(p, { approve: false, pageGone: true });
  }
}
