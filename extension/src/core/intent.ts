/**
 * One intent, one charge (SPEC §12). What the shopper buys is identified by the site that asks
 * (the top-frame origin the browser reports) and the offer's `sid`. While a payment for it is
 * under way — being decided on, journaled and pending, or settled with a receipt — a new click,
 * a reload, a second tab or a retry joins that payment or proves it; it never starts another.
 *
 *   paid     a receipt from this origin for the offer's payee and sid   → prove it
 *   pending  a pending `pay` entry in the journal for origin + sid       → join it
 *   none     neither                                                   → a new payment may start
 */
import type { Offer } from '@netcash/protocol';
import type { Core } from './context.ts';
import type { ReceiptRow } from './db/schema.ts';
import { pendingOps } from './journal/journal.ts';
import type { PayOp } from './journal/types.ts';
import { findReceipt } from './proof.ts';

/** The key of an intent: the paying origin and the offer's sid. */
export function intentKey(origin: string, offer: Offer): string {
  return `${origin} ${offer.body.sid}`;
}

export type Intent =
  | { readonly state: 'paid'; readonly receipt: ReceiptRow }
  | { readonly state: 'pending'; readonly op: PayOp }
  | { readonly state: 'none' };

/** The pending payment for `offer`'s sid from `origin`, if any. */
export async function pendingPayment(
  core: Core,
  origin: string,
  offer: Offer,
): Promise<PayOp | undefined> {
  const key = intentKey(origin, offer);
  for (const op of await pendingOps(core)) {
    if (op.kind === 'pay' && intentKey(op.origin, op.offer) === key) return op;
  }
  return undefined;
}

/** Where the intent stands in the database (an in-memory payment being started is the caller's). */
export async function intentOf(core: Core, origin: string, offer: Offer): Promise<Intent> {
  const receipt = await findReceipt(core, offer, origin);
  if (receipt !== undefined) return { state: 'paid', receipt };
  const op = await pendingPayment(core, origin, offer);
  return op === undefined ? { state: 'none' } : { state: 'pending', op };
}

/**
 * The newest payment for this intent that ended without a receipt since `since`, if any: rolled
 * back or failed. (One done on a CS receipt alone leaves a notice instead: notices.ts.)
 */
export async function endedPayment(
  core: Core,
  origin: string,
  offer: Offer,
  since: number,
): Promise<PayOp | undefined> {
  const key = intentKey(origin, offer);
  let newest: PayOp | undefined;
  for (const status of ['rolled-back', 'failed'] as const) {
    const range = IDBKeyRange.bound([status, since], [status, Number.POSITIVE_INFINITY]);
    for (const op of await core.db.getAllFromIndex('ops', 'byStatusUpdated', range)) {
      if (op.kind !== 'pay' || intentKey(op.origin, op.offer) !== key) continue;
      if (newest === undefined || op.updated > newest.updated) newest = op;
    }
  }
  return newest;
}

/**
 * Whether `origin` has anything to do with this wallet: a purchase, an allowance, a payment under
 * way or one that ended since `since`, an open notice (notices.ts). Only such a site hears from the wallet at all (Wallet
 * letsIn, docs/PRIVACY.md "Page scripts"); any other gets no answer, like no wallet at all.
 */
export async function knowsOrigin(core: Core, origin: string, since: number): Promise<boolean> {
  const tx = core.db.transaction(['receipts', 'allowances', 'ops', 'notices'], 'readonly');
  const bought = await tx.objectStore('receipts').index('byOrigin').count(origin);
  const notices = await tx.objectStore('notices').index('byOrigin').count(origin);
  const allowances = await tx
    .objectStore('allowances')
    .count(IDBKeyRange.bound([origin, ''], [origin, '\uffff']));
  const byStatus = tx.objectStore('ops').index('byStatusUpdated');
  const ops = [];
  for (const status of ['pending', 'rolled-back', 'failed'] as const) {
    const from = status === 'pending' ? Number.NEGATIVE_INFINITY : since;
    ops.push(
      ...(await byStatus.getAll(
        IDBKeyRange.bound([status, from], [status, Number.POSITIVE_INFINITY]),
      )),
    );
  }
  await tx.done;
  return (
    bought > 0 ||
    allowances > 0 ||
    notices > 0 ||
    ops.some((op) => op.kind === 'pay' && op.origin === origin)
  );
}
