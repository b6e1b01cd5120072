/**
 * Journal entries still pending, told in a shopper's words (the popup's "Being finished" list):
 * what the operation is, where it waits, since when, when the wallet tries again by itself and
 * what happens then (core/pending.ts). Every pending operation is re-sent with its same request
 * id, so the words can promise what the journal guarantees: nothing is charged twice.
 */

import { formatAmount as money } from '@netcash/protocol';
import {
  type Op,
  type PayOp,
  type PendingStatus,
  type PrepayOp,
  readyValue,
} from '../core/index.ts';
import type { PendingView } from '../messages/views.ts';

function described(op: Op): { what: string; where: string; next: string } {
  switch (op.kind) {
    case 'buy':
      return {
        what: `Buying ${money(op.amount, op.currency)} of coins`,
        where: op.cs,
        next: `The wallet sends the same request to ${op.cs} again until it answers. Your bank account is charged once, however often it is sent.`,
      };
    case 'exchange':
      return {
        what:
          op.purpose === 'change'
            ? 'Making change for a payment'
            : op.purpose === 'consolidate'
              ? 'Moving coins to another currency server for a payment'
              : op.purpose === 'probe'
                ? 'Checking a coin'
                : op.purpose === 'recoup'
                  ? 'Recovering coins whose key the insurer withdrew'
                  : op.purpose === 'renew'
                    ? 'Renewing coins that expired while the wallet was closed'
                    : 'Refreshing coins',
        where: op.cs,
        next: `The wallet asks ${op.cs} again until it answers; your coins come back as fresh ones.`,
      };
    case 'pay': {
      const site = new URL(op.origin).host;
      const what = `Paying ${money(op.amount, op.currency)} to ${site}`;
      const where = `${op.origin} · ${op.cs}`;
      if (op.protection !== undefined) return protectedView(op, what, where, site);
      if (op.phase === 'reclaim') {
        return {
          what,
          where,
          next: `The seller did not answer: the wallet is getting the coins back from ${op.cs}.`,
        };
      }
      if (op.phase === 'confirm') {
        return {
          what,
          where,
          next: `${op.cs} says the coins reached the seller: the wallet asks ${site} again for the receipt.`,
        };
      }
      return {
        what,
        where,
        next: `Waiting for ${site}'s receipt; the wallet asks again until it answers. If it never does, the wallet takes the coins back from ${op.cs}.`,
      };
    }
    case 'prepay': {
      if (op.restored === true) return restoredView(op);
      const site = new URL(op.origin).host;
      const left = money(readyValue(op), op.currency);
      const until = new Date(op.triplets.dateB * 1000).toLocaleString('en-GB');
      if (op.phase === 'triplet') {
        return {
          what: `Prepaying ${money(op.amount, op.currency)} for ${site}`,
          where: op.cs,
          next: `The wallet asks ${op.cs} again for the triplets until it answers.`,
        };
      }
      return {
        what: `${left} kept ready for ${site}`,
        where: `${op.origin} · ${op.cs}`,
        next:
          op.phase === 'ready'
            ? `Payments to ${site} use it without contacting ${op.cs}, until ${until}. What is left then comes back by itself.`
            : `Claiming the unused ${left} back from ${op.cs}.`,
      };
    }
    case 'cashout':
      return {
        what: `Cashing out ${money(op.amount, op.currency)} from ${op.cs}`,
        where: op.cs,
        next:
          op.phase === 'deposit'
            ? `${op.cs} wrote the check: the wallet deposits it at your bank again until the bank answers.`
            : `The wallet asks ${op.cs} again for the check to your bank account.`,
      };
  }
}

/** Triplets of a lost wallet, found by a restore from the phrase: claimed at dateB. */
function restoredView(op: PrepayOp): { what: string; where: string; next: string } {
  const value = money(op.amount, op.currency);
  const until = new Date(op.triplets.dateB * 1000).toLocaleString('en-GB');
  return {
    what: `${value} restored from your recovery phrase (${op.description})`,
    where: op.origin === '' ? op.cs : `${op.origin} · ${op.cs}`,
    next:
      op.phase === 'ready'
        ? `It was locked in a payment made before the restore. From ${until} the wallet claims it from ${op.cs}: the coins come back, unless the seller took them (then ${op.cs}'s receipt says so).`
        : `Claiming ${value} back from ${op.cs}.`,
  };
}

/** A payment with triplet coins (SPEC §6): protected, or from a prepayment. */
function protectedView(
  op: PayOp,
  what: string,
  where: string,
  site: string,
): { what: string; where: string; next: string } {
  const protection = op.protection!;
  const until = new Date(protection.dateB * 1000).toLocaleString('en-GB');
  const label = protection.kind === 'prepaid' ? 'from the prepayment' : 'protected';
  const title = `${what} (${label})`;
  if (op.phase === 'triplet') {
    return { what: title, where, next: `Getting the protected coins from ${op.cs}.` };
  }
  if (op.phase === 'confirm') {
    return {
      what: title,
      where,
      next: `Paid: ${op.cs}'s receipt proves ${site} took it. The wallet asks ${site} for its own receipt, which opens the page, until it answers.`,
    };
  }
  if (op.phase === 'claim') {
    return {
      what: title,
      where,
      next: `${site} sent no receipt. From ${until} the wallet claims the payment back from ${op.cs}: the coins come back, or ${op.cs}'s receipt proves ${site} took them.`,
    };
  }
  return {
    what: title,
    where,
    next: `Waiting for ${site}'s receipt until ${until}; after that the wallet claims the payment back from ${op.cs} by itself.`,
  };
}

/** The shopper's view of one pending journal entry. */
export function pendingView(op: Op, status: PendingStatus): PendingView {
  const { what, where, next } = described(op);
  return {
    id: op.id,
    kind: op.kind,
    what,
    where,
    waitingFor: status.waitingFor,
    since: op.created,
    amount: op.kind === 'exchange' ? 0 : op.amount,
    currency: op.currency,
    attempts: op.attempts,
    next,
    ...(op.lastError === undefined ? {} : { lastError: op.lastError.message }),
    nextTry: Math.ceil(status.nextAttempt / 1000),
    ...(status.reclaimAt === undefined ? {} : { reclaimAt: status.reclaimAt }),
    ...(status.warning === undefined ? {} : { warning: status.warning }),
  };
}
