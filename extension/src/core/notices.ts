/**
 * Notices: what the shopper must hear about until she says she has, or the matter settles. Today
 * one kind: a protected payment (SPEC §6) whose claim brought the CS's receipt — proof the payee
 * redeemed C_B — while the payee refused for good to send its own receipt, so the page cannot
 * open. The money is gone to the payee; she needs to know, and to have the proof in hand.
 *
 *   open      written in the transaction that ends the payment (protected.ts endUnconfirmed)
 *   shown     to the page of that offer on every check (check.ts), and in the popup's list —
 *             for as long as it is open, however long ago the payment ended
 *   settled   a receipt for that offer arrives after all (a payment made again, a backup
 *             imported): the page opens, the notice goes
 *   dismissed by the shopper, in the popup only (an extension page): no site can dismiss it
 */
import type { Offer } from '@netcash/protocol';
import type { Core } from './context.ts';
import type { NoticeRow } from './db/schema.ts';
import { intentKey } from './intent.ts';
import type { Op } from './journal/types.ts';

/** The notice of a payment the CS proves made and its payee never confirmed; null for any other. */
export function unconfirmedNotice(op: Op, now: number): NoticeRow | null {
  if (op.kind !== 'pay' || op.status !== 'done' || op.phase !== 'confirm') return null;
  const receipts = (op.protection?.claims ?? []).flatMap((c) =>
    c.outcome !== undefined && 'receipt' in c.outcome ? [c.outcome.receipt] : [],
  );
  if (receipts.length === 0) return null;
  const host = new URL(op.offer.body.payUrl).host;
  return {
    id: op.id,
    origin: op.origin,
    intent: intentKey(op.origin, op.offer),
    payee: op.offer.body.payeeSignKey,
    sid: op.offer.body.sid,
    opened: now,
    cs: op.cs,
    amount: receipts.reduce((sum, r) => sum + r.body.value, 0),
    currency: op.currency,
    description: op.offer.body.description,
    text: `You paid for this: ${op.cs}'s receipt proves ${host} took the payment, but ${host} refused to send its own receipt, so this page can't open. The receipt is in your wallet's activity — show it to ${host}.`,
  };
}

/** Whether a receipt for the notice's offer arrived since: the matter is settled. */
async function settled(core: Core, notice: NoticeRow): Promise<boolean> {
  const rows = await core.db.getAllFromIndex('receipts', 'bySid', [notice.payee, notice.sid]);
  return rows.some((r) => r.origin === notice.origin);
}

/** The open notice for `offer` from `origin`, if any (a settled one is closed on the way). */
export async function noticeFor(
  core: Core,
  origin: string,
  offer: Offer,
): Promise<NoticeRow | undefined> {
  const rows = await core.db.getAllFromIndex('notices', 'byIntent', intentKey(origin, offer));
  const open = rows.sort((a, b) => b.opened - a.opened)[0];
  if (open === undefined) return undefined;
  if (!(await settled(core, open))) return open;
  await Promise.all(rows.map((r) => core.db.delete('notices', r.id)));
  return undefined;
}

/** The shopper's notices, newest first; those settled meanwhile are closed. */
export async function openNotices(core: Core): Promise<NoticeRow[]> {
  const open: NoticeRow[] = [];
  for (const notice of await core.db.getAll('notices')) {
    if (await settled(core, notice)) await core.db.delete('notices', notice.id);
    else open.push(notice);
  }
  return open.sort((a, b) => b.opened - a.opened);
}

/** The shopper read it: it goes (unknown ids change nothing). */
export async function dismissNotice(core: Core, id: string): Promise<void> {
  await core.db.delete('notices', id);
}
