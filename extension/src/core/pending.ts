/**
 * Where a pending operation stands, for the shopper (SPEC §12: "visible to the user with what
 * happens next"; "the UI never says 'try again' about something that may still complete"): who
 * must answer, when the wallet asks again by itself, and the deadlines that bound the wait.
 *
 * The currency servers keep a request id's reply for 7 days (PROTOCOL.md §10). A pending request
 * re-sent after that may no longer find it, so the wallet warns after `warnAfter` (default one
 * day) and a payment stops waiting for a silent payee after `reclaimAfter` (default one hour),
 * taking its coins back at their CS — both well before the servers forget.
 */
import type { Core } from './context.ts';
import type { Op } from './journal/types.ts';

/** How long currency servers keep request ids and their replies (PROTOCOL.md §10). */
export const REQUEST_RETENTION = 7 * 86_400;

export interface PendingStatus {
  /** Who must answer for it to finish: a currency server's name, a site's host, or the bank. */
  readonly waitingFor: string;
  /** When the wallet sends it again by itself (ms since the epoch). */
  readonly nextAttempt: number;
  /** A payment still asking the payee: when it takes the coins back instead (seconds). */
  readonly reclaimAt?: number;
  /** After this (seconds) the server may have forgotten the request. */
  readonly forgetAt: number;
  /** Set once it has waited `warnAfter`: what is at stake and until when. */
  readonly warning?: string;
  /** One line for the shopper: pending, who it waits for, not charged twice. */
  readonly message: string;
}

/** The party a pending op waits for. */
export function waitingFor(op: Op): string {
  switch (op.kind) {
    case 'pay':
      return op.phase === 'pay' || op.phase === 'confirm'
        ? new URL(op.offer.body.payUrl).host
        : op.cs;
    case 'cashout':
      return op.phase === 'deposit' ? 'your bank' : op.cs;
    default:
      return op.cs;
  }
}

function dateOf(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').slice(0, 16);
}

function messageOf(op: Op, who: string): string {
  if (op.kind === 'pay' && op.phase === 'reclaim') {
    return `Pending — ${new URL(op.offer.body.payUrl).host} did not answer, so the wallet is taking the coins back from ${op.cs}; it finishes when ${op.cs} answers. You will not be charged twice.`;
  }
  if (op.kind === 'pay' && op.phase === 'confirm' && op.protection !== undefined) {
    const host = new URL(op.offer.body.payUrl).host;
    return `Paid — ${op.cs}'s receipt proves ${host} took the payment, but ${host} has not sent its own receipt yet, which opens this page. The wallet asks ${host} again until it answers; you will not be charged again.`;
  }
  if (op.kind === 'pay' && op.phase === 'claim' && op.protection !== undefined) {
    return `Pending — ${new URL(op.offer.body.payUrl).host} sent no receipt. From ${dateOf(op.protection.dateB)} the wallet claims the payment back from ${op.cs}: your coins come back, or ${op.cs}'s receipt proves the seller took them. You will not be charged twice.`;
  }
  if (op.kind === 'prepay' && op.phase === 'ready' && op.restored === true) {
    return `Restored from your recovery phrase: ${op.description}, locked at ${op.cs}. From ${dateOf(op.triplets.dateB)} the wallet claims it: the coins come back, unless the seller took them (then ${op.cs}'s receipt says so).`;
  }
  if (op.kind === 'prepay' && op.phase === 'ready') {
    return `Kept ready for ${op.description} until ${dateOf(op.triplets.dateB)}; what is not used by then comes back by itself.`;
  }
  return `Pending — it will finish when ${who} answers. You will not be charged twice.`;
}

export function pendingStatus(core: Core, op: Op): PendingStatus {
  const who = waitingFor(op);
  const forgetAt = op.created + REQUEST_RETENTION;
  const reclaimAt =
    op.kind === 'pay' && op.phase === 'pay'
      ? (op.protection?.dateB ?? op.created + core.net.reclaimAfter)
      : undefined;
  const message = messageOf(op, who);
  const late = core.now() - op.created >= core.net.warnAfter;
  return {
    waitingFor: who,
    nextAttempt: op.nextAttempt ?? core.nowMs(),
    ...(reclaimAt === undefined ? {} : { reclaimAt }),
    forgetAt,
    ...(late
      ? {
          warning: `${who} has not answered since ${dateOf(op.created)}. It keeps this request until about ${dateOf(forgetAt)}: if it answers by then, the wallet finishes it. If not, keep this entry — request ${op.id} is your evidence.`,
        }
      : {}),
    message,
  };
}
