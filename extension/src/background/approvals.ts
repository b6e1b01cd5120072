/**
 * Approval windows (SPEC §8: approval happens in an extension window, never in page DOM). Each
 * payment that needs the shopper's word opens `approval.html?id=…` with `windows.create`; the
 * window reads the quote with the `approval` command and answers with `decide`. Closing the
 * window rejects. One approval per site at a time, so a page can't stack windows.
 *
 * Pending approvals live in the worker's memory on purpose: they hold no value, and if the worker
 * dies the page's request dies with it (it gets an error and may ask again).
 */
import { NetCashError, type Offer, randomId } from '@netcash/protocol';
import { nobleProvider } from '@netcash/protocol/noble';
import browser from 'webextension-polyfill';
import type { Quote } from '../core/index.ts';
import type { ApprovalView } from '../messages/views.ts';

export interface Decision {
  readonly approve: boolean;
  /** "Allow up to X on this site" (minor units). */
  readonly allowUpTo?: number;
}

interface Pending {
  readonly id: string;
  readonly origin: string;
  readonly offer: Offer;
  readonly quote: Quote;
  windowId?: number;
  readonly resolve: (decision: Decision) => void;
}

const pending = new Map<string, Pending>();

/** Opens an approval window and waits for the shopper's decision. */
export async function askApproval(origin: string, offer: Offer, quote: Quote): Promise<Decision> {
  for (const p of pending.values()) {
    if (p.origin === origin) {
      throw new NetCashError('busy', 'This site is already waiting for your approval.');
    }
  }
  const id = randomId(nobleProvider);
  const decision = new Promise<Decision>((resolve) => {
    pending.set(id, { id, origin, offer, quote, resolve });
  });
  try {
    const win = await browser.windows.create({
      url: browser.runtime.getURL(`approval.html?id=${encodeURIComponent(id)}`),
      type: 'popup',
      width: 400,
      height: 600,
      focused: true,
    });
    const p = pending.get(id);
    if (p !== undefined && win.id !== undefined) p.windowId = win.id;
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

/** The shopper decided in window `id`; closes the window. */
export function decide(id: string, decision: Decision): void {
  const p = pending.get(id);
  if (p === undefined) return;
  pending.delete(id);
  p.resolve(decision);
  if (p.windowId !== undefined) browser.windows.remove(p.windowId).catch(() => undefined);
}

/** A closed window is a rejection. */
export function windowClosed(windowId: number): void {
  for (const p of pending.values()) {
    if (p.windowId === windowId) {
      pending.delete(p.id);
      p.resolve({ approve: false });
    }
  }
}
