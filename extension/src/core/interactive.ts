/**
 * Driving an operation while the shopper watches (a click on Pay or Buy): send, and on a
 * transient failure send the same request again with backoff inside `patienceMs`
 * (@netcash/protocol `nextRetry`). Past that the operation is *pending*, not failed: it is in the
 * journal and the background re-drive finishes it (schedule.ts). The caller reports it as such —
 * "pending, will finish when X answers, not charged twice" — never as something to try again.
 */
import { NetCashError, nextRetry, type RetryPolicy } from '@netcash/protocol';
import type { Core } from './context.ts';
import { pendingOps } from './journal/journal.ts';
import type { Op } from './journal/types.ts';
import { pendingStatus } from './pending.ts';
import { drive } from './recover.ts';

/** Drives `op` until it settles or the shopper's patience is spent; the op as it then stands. */
export async function driveWatched<O extends Op>(core: Core, op: O): Promise<O> {
  const policy: RetryPolicy = {
    baseMs: Math.max(50, Math.floor(core.net.patienceMs / 16)),
    maxMs: Math.max(100, Math.floor(core.net.patienceMs / 3)),
    budgetMs: core.net.patienceMs,
  };
  const startedMs = core.nowMs();
  let current: Op = op;
  for (let attempts = 1; ; attempts++) {
    current = await drive(core, current);
    if (current.status !== 'pending') break;
    const decision = nextRetry(policy, { attempts, startedMs }, core.nowMs(), core.random);
    if (!decision.retry) break;
    await core.sleep(decision.delayMs);
  }
  // `drive` returns the same kind of op it was given.
  return current as O;
}

/** The refusal a still-pending op is reported with: code `pending`, in the shopper's words. */
export function pendingError(core: Core, op: Op): NetCashError {
  const status = pendingStatus(core, op);
  return new NetCashError('pending', status.message, {
    opId: op.id,
    waitingFor: status.waitingFor,
    since: op.created,
  });
}

/** What a shopper is told about an op that did not complete. */
export function errorOf(core: Core, op: Op): NetCashError {
  if (op.status === 'pending') return pendingError(core, op);
  if (op.status === 'rolled-back' && op.kind === 'pay') {
    return new NetCashError(
      op.lastError?.code ?? 'internal',
      `The payment did not go through; your coins are back. (${op.lastError?.message ?? ''})`,
    );
  }
  const e = op.lastError;
  return e === undefined
    ? new NetCashError('internal')
    : new NetCashError(e.code, e.message, e.detail);
}

/** Returns a done op, or throws what stands in the way (`pending` for one still under way). */
export function settled<O extends Op>(core: Core, op: O): O {
  if (op.status === 'done') return op;
  throw errorOf(core, op);
}

/** What a buy or cash-out the shopper asked for came to (never "failed, try again"). */
export interface OpOutcome {
  readonly status: 'done' | 'pending';
  /** The click joined an operation already under way instead of starting one. */
  readonly joined: boolean;
  readonly op: Op;
  /** One line for the shopper. */
  readonly message: string;
}

/** The outcome of a driven op: done, pending (with why and what next), or its refusal thrown. */
export function outcomeOf(core: Core, op: Op, joined: boolean): OpOutcome {
  if (op.status === 'pending') {
    const status = pendingStatus(core, op);
    const since = new Date(op.created * 1000).toLocaleTimeString('en-GB');
    return {
      status: 'pending',
      joined,
      op,
      message: joined
        ? `Already under way since ${since}, not started again. ${status.message}`
        : status.message,
    };
  }
  settled(core, op);
  return {
    status: 'done',
    joined,
    op,
    message: joined ? 'The earlier request went through; nothing was started again.' : 'Done.',
  };
}

export interface BuyOptions {
  /** The shopper's explicit choice to buy more while a buy is pending. */
  readonly again?: boolean;
  /**
   * The operation the UI showed as pending when the shopper clicked: that one is driven (or
   * reported done), never a new one — even when it finished a moment before the click.
   */
  readonly retry?: string;
}

/**
 * The operation a click of `kind` joins, driven while the shopper watches: the one the UI
 * showed as pending (`retry`: pending still, or settled meanwhile — never a new one), else a
 * pending one of that kind (of `cs` for a cash-out) unless the shopper chose `again`. Null when
 * the click is a new operation.
 */
export async function joinClick(
  core: Core,
  kind: 'buy' | 'cashout',
  options: BuyOptions,
  cs?: string,
): Promise<OpOutcome | null> {
  const shown = options.retry === undefined ? undefined : await core.db.get('ops', options.retry);
  if (shown !== undefined && shown.kind === kind) {
    const op = shown.status === 'pending' ? await driveWatched(core, shown) : shown;
    return outcomeOf(core, op, true);
  }
  if (options.again === true) return null;
  const pending = (await pendingOps(core)).find(
    (op) => op.kind === kind && (cs === undefined || op.cs === cs),
  );
  return pending === undefined ? null : outcomeOf(core, await driveWatched(core, pending), true);
}
