/**
 * When a pending operation is sent again (SPEC §12: "re-driven while the browser runs, with
 * backoff"). After each failed send the journal entry gets `nextAttempt`: the core's retry policy
 * (exponential backoff with full jitter, @netcash/protocol `nextRetry`) from now. The service
 * worker sets an alarm for the earliest one (`nextWake`); `due` says which entries it re-drives
 * then. A server answering again, or the shopper's "Retry now", re-drives at once instead.
 */
import { nextRetry } from '@netcash/protocol';
import type { Core } from './context.ts';
import type { Op } from './journal/types.ts';

/** When to send again after `attempts` failed sends (ms since the epoch). */
export function nextAttemptAt(core: Core, attempts: number): number {
  const now = core.nowMs();
  const decision = nextRetry(core.net.retry, { attempts, startedMs: now }, now, core.random);
  // The background policy has no budget of its own; a policy with one still retries at its most.
  return decision.retry ? decision.atMs : now + core.net.retry.maxMs;
}

/** Whether a pending op's time to be sent again has come. */
export function isDue(core: Core, op: Op): boolean {
  return (op.nextAttempt ?? 0) <= core.nowMs();
}

/** The earliest `nextAttempt` of the pending ops (ms), or null when nothing waits. */
export function earliest(ops: readonly Op[]): number | null {
  let at: number | null = null;
  for (const op of ops) {
    const next = op.nextAttempt ?? 0;
    if (at === null || next < at) at = next;
  }
  return at;
}

/** Whether pending `op` waits for the server at `origin` (it goes as soon as that one answers). */
export function waitsOn(op: Op, origin: string): boolean {
  const at = (url: string) => new URL(url).origin === origin;
  if (op.kind === 'pay' && (op.phase === 'pay' || op.phase === 'confirm')) {
    return at(op.offer.body.payUrl);
  }
  return op.target.addresses.some(at);
}
