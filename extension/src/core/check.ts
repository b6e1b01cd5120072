/**
 * The bridge's `check` (SPEC §12): a page that loads or reloads asks where a payment for its
 * offer stands, and shows that — the article (paid: a proof for this offer's challenge), a
 * waiting line (pending), or the Pay button (none, with a note when the last payment for it ended
 * without a receipt). Never pays.
 *
 * Asked only by a site the wallet lets in (Wallet.letsIn; any other gets no answer at all from
 * the bridge, docs/PRIVACY.md "Page scripts").
 */
import { NetCashError, type Offer, type PaymentStatus, verify } from '@netcash/protocol';
import type { Core } from './context.ts';
import { endedPayment, intentOf } from './intent.ts';
import { noticeFor } from './notices.ts';
import { pendingStatus } from './pending.ts';
import { accessFor } from './proof.ts';
import { isDue } from './schedule.ts';

/**
 * How far back a payment that ended without a receipt (rolled back, failed: the coins are back or
 * the loss is in the activity) is still mentioned (seconds). A payment made without the payee's
 * receipt is mentioned until dismissed (notices.ts).
 */
export const ENDED_NOTE_WINDOW = 3_600;

/**
 * `starting`: a payment for this intent was accepted and is being started in memory (not yet
 * journaled). `redrive(id)`: re-drive a pending op now — a watching page doesn't wait for the
 * alarm once the op's backoff is over.
 */
export async function checkIntent(
  core: Core,
  offer: Offer,
  origin: string,
  starting: boolean,
  redrive: (opId: string) => void,
): Promise<PaymentStatus> {
  const since = core.now() - ENDED_NOTE_WINDOW;
  // Signed by its payee; an expired offer is still a fine question (a page left open while the
  // payment waited): the element fetches a fresh one to read the article.
  if (!verify(core.p, offer.body.payeeSignKey, offer)) {
    throw new NetCashError('bad-signature', 'The offer is not signed by its seller.');
  }
  const intent = await intentOf(core, origin, offer);
  if (intent.state === 'paid') {
    return { state: 'paid', access: accessFor(core, intent.receipt, offer, true) };
  }
  if (intent.state === 'pending') {
    const op = intent.op;
    if (isDue(core, op)) redrive(op.id);
    const status = pendingStatus(core, op);
    return {
      state: 'pending',
      since: op.created,
      waitingFor: status.waitingFor,
      message: status.message,
    };
  }
  if (starting) {
    const host = new URL(offer.body.payUrl).host;
    return {
      state: 'pending',
      since: core.now(),
      waitingFor: host,
      message: `Pending — the payment is being made; it finishes when ${host} answers. You will not be charged twice.`,
    };
  }
  // Paid by the CS's proof, the payee refusing its receipt: said until dismissed or settled.
  const notice = await noticeFor(core, origin, offer);
  if (notice !== undefined) return { state: 'none', note: notice.text };
  const ended = await endedPayment(core, origin, offer, since);
  if (ended === undefined) return { state: 'none' };
  return {
    state: 'none',
    note:
      ended.status === 'rolled-back'
        ? 'Your earlier payment for this did not go through; your coins are back.'
        : `Your earlier payment for this did not complete (${ended.lastError?.message ?? 'refused'}); the wallet's activity says what was lost.`,
  };
}
