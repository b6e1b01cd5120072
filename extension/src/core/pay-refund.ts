/**
 * A payment the payee could not complete and returned (PROTOCOL §5 "Refund"): its currency server
 * took some of the coins (one exchange done) and refused the others for good, so message 2
 * carries the value taken back as fresh coins instead of a receipt.
 *
 *   checkRefund   the fresh coins verify offline under trusted certificates (SPEC §3), are of
 *                 one CS and this currency, unlocked, and worth exactly the coins taken; else
 *                 the reply is treated like a bad receipt.
 *   settleRefund  in ONE transaction: the coins taken are deleted, the fresh coins stored (and an
 *                 exchange of them journaled, for coins derived from this wallet's phrase), the
 *                 refused coins handled like any refusal of this wallet's coins (exchange.ts
 *                 `releaseOrProbe`: spendable again, or probed / written off when spent or
 *                 expired), the allowance given back; the op is rolled back (nothing bought).
 */
import { NetCashError, type PaymentRefund, totalValue } from '@netcash/protocol';
import { checkMinted, coinId, coinRow } from './coins.ts';
import type { Core } from './context.ts';
import { journalExchange, releaseOrProbe } from './exchange.ts';
import { addCoins, deleteCoins, type Tx } from './journal/journal.ts';
import type { PayOp } from './journal/types.ts';

/** The payment's coins the payee took, and those its CS refused. */
function split(op: PayOp, refund: PaymentRefund) {
  const refused = new Set(refund.refused);
  const coins = op.payment.coins;
  return {
    taken: coins.filter((c) => !refused.has(c.body.serial)),
    refused: coins.filter((c) => refused.has(c.body.serial)),
  };
}

/** Throws a NetCashError unless the refund gives back exactly what was taken, in good coins. */
export async function checkRefund(core: Core, op: PayOp, refund: PaymentRefund): Promise<void> {
  const { taken } = split(op, refund);
  const issuers = new Set(refund.coins.map((c) => c.body.cs));
  const cs = [...issuers][0];
  if (taken.length === 0 || issuers.size !== 1 || cs === undefined) {
    throw new NetCashError('malformed', 'The seller\u2019s refund does not match the payment.');
  }
  await checkMinted(
    core,
    refund.coins,
    refund.coins.map((c) => c.body.value),
    cs,
    op.currency,
  );
  const owed = totalValue(taken.map((c) => c.body));
  const back = totalValue(refund.coins.map((c) => c.body));
  if (back !== owed) {
    throw new NetCashError('wrong-amount', `The seller returned ${back}, not the ${owed} it took.`);
  }
}

/** Gives back what a rolled-back payment charged to the site's allowance. */
export async function refundAllowance(tx: Tx, op: PayOp, now: number): Promise<void> {
  if (!op.allowance) return;
  const store = tx.objectStore('allowances');
  const row = await store.get([op.origin, op.currency]);
  if (row !== undefined) {
    await store.put({ ...row, spent: Math.max(0, row.spent - op.amount), updated: now });
  }
}

/** Takes a checked refund into the purse and rolls the payment back (see the file's doc). */
export async function settleRefund(core: Core, op: PayOp, refund: PaymentRefund): Promise<PayOp> {
  const now = core.now();
  const { taken, refused } = split(op, refund);
  const next: PayOp = {
    ...op,
    status: 'rolled-back',
    attempts: op.attempts + 1,
    lastError: new NetCashError('payment-refunded', refund.message).toBody(),
    updated: now,
  };
  const tx = core.db.transaction(
    ['ops', 'coins', 'allowances', 'history', 'tallies', 'counters'],
    'readwrite',
  );
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending') {
    await deleteCoins(
      tx,
      taken.map((c) => coinId(c.body)),
    );
    // The payee's CS minted these for the payee: exchanged at once for coins of this wallet's
    // own phrase, so a restore would find them (PROTOCOL §4.8).
    const back = refund.coins.map((c) => coinRow(core, c));
    await addCoins(tx, back);
    await journalExchange(core, tx, 'refresh', back);
    if (refused.length > 0) {
      const ids = refused.map((c) => coinId(c.body));
      await releaseOrProbe(core, tx, { ...op, reserved: ids }, new NetCashError(refund.code));
    }
    await refundAllowance(tx, op, now);
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}
