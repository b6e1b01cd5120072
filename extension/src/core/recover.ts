/**
 * Recovery: re-drive pending journal entries with their same request ids until each is done or
 * safely rolled back (SPEC §8: "a service worker killed at any step loses nothing"; §12:
 * "re-driven while the browser runs"). Every start re-drives all of them; the alarm re-drives
 * those whose backoff is over (schedule.ts), "Retry now" one or all, a server that answers again
 * those that wait for it. Servers are idempotent by request id, so a resend gets the stored reply.
 */
import { asNetCashError } from '@netcash/protocol';
import { driveBuy } from './buy.ts';
import { driveCashout } from './cashout.ts';
import type { Core } from './context.ts';
import { driveExchange } from './exchange.ts';
import { SimulatedCrash } from './faults.ts';
import { pendingOps } from './journal/journal.ts';
import type { Op } from './journal/types.ts';
import { drivePay } from './pay-drive.ts';
import { drivePrepay } from './triplets/prepay.ts';

export interface RecoverReport {
  readonly done: number;
  readonly rolledBack: number;
  readonly failed: number;
  /** Still pending (a server could not be reached); retried on the next recover. */
  readonly pending: number;
}

/** Drives one op as far as the servers let it now; the op as it then stands. */
export async function drive(core: Core, op: Op): Promise<Op> {
  switch (op.kind) {
    case 'buy':
      return driveBuy(core, op);
    case 'exchange':
      return driveExchange(core, op);
    case 'pay':
      return drivePay(core, op);
    case 'cashout':
      return driveCashout(core, op);
    case 'prepay':
      return drivePrepay(core, op);
  }
}

/** Re-drives the pending ops `which` selects (default: all of them). */
export async function recover(
  core: Core,
  which: (op: Op) => boolean = () => true,
): Promise<RecoverReport> {
  const counts = { done: 0, rolledBack: 0, failed: 0, pending: 0 };
  // Probes created while settling an exchange are pending too (and new): loop until a pass adds
  // none. A probe is driven whatever `which` says: it was born of an op that was.
  const seen = new Set<string>();
  const before = new Set((await pendingOps(core)).map((o) => o.id));
  for (let pass = 0; pass < 4; pass++) {
    const ops = (await pendingOps(core)).filter(
      (o) => !seen.has(o.id) && (!before.has(o.id) || which(o)),
    );
    if (ops.length === 0) break;
    for (const op of ops) {
      seen.add(op.id);
      let result: Op = op;
      try {
        result = await drive(core, op);
      } catch (thrown) {
        if (thrown instanceof SimulatedCrash) throw thrown;
        // A bug or bad data in one op must not stop the others; it stays pending.
        await core.db.put('ops', { ...op, lastError: asNetCashError(thrown).toBody() });
      }
      if (result.status === 'done') counts.done++;
      else if (result.status === 'rolled-back') counts.rolledBack++;
      else if (result.status === 'failed') counts.failed++;
    }
  }
  counts.pending = (await pendingOps(core)).length;
  await pruneJournal(core);
  return counts;
}

/**
 * Keeps the journal bounded: settled entries are deleted once servers have forgotten their
 * request ids too (PROTOCOL.md §10: 7 days), with margin. Failed ones stay: they are the
 * shopper's evidence in a dispute (request id, coins, the payee's refusal).
 */
export const JOURNAL_RETENTION = 30 * 86_400;

async function pruneJournal(core: Core): Promise<void> {
  const cutoff = core.now() - JOURNAL_RETENTION;
  const tx = core.db.transaction(['ops'], 'readwrite');
  const store = tx.objectStore('ops');
  for (const status of ['done', 'rolled-back'] as const) {
    // Settled before the cutoff, from the index keys alone: no entry is read (a done buy carries
    // its whole request, and a start re-reading every one of them cost ~50–120 ms with a few
    // hundred entries in Chromium's service worker, before the popup's first answer).
    const old = IDBKeyRange.bound(
      [status, Number.NEGATIVE_INFINITY],
      [status, cutoff],
      false,
      true,
    );
    for (const key of await store.index('byStatusUpdated').getAllKeys(old)) await store.delete(key);
  }
  await tx.done;
}
