/**
 * Sending a journaled payment and settling it, phase by phase (journal/types.ts `PayPhase`):
 *
 *   pay      send 1c (the journaled plaintext, sealed afresh) → message 2 with a receipt signed
 *            by the payee key, for this sid and amount → coins deleted, receipt and K_ses stored.
 *            Silence is retried with backoff (the payee may hold the coins and answer later) for
 *            `reclaimAfter` seconds; a refusal, a bad receipt, or silence past that → reclaim. A
 *            refund (the payee took part of the coins and could not finish) → its fresh coins are
 *            taken in and the payment rolled back (pay-refund.ts).
 *   reclaim  exchange the coins at their CS (journaled request). Success is the CS's proof they
 *            were not spent: we hold the fresh coins, the payment is rolled back. `double-spent`
 *            means the payee has them → confirm.
 *   confirm  ask the payee again with the same 1c: it is idempotent by request id and answers
 *            with its stored receipt. A refusal now (e.g. `double-spent`: the payee's CS found the
 *            coins spent by someone else — a copy of this wallet) settles it: the coins are gone,
 *            the op fails and stays in the journal and history with its request id, the
 *            shopper's evidence. Silence is retried on every recover. Of several coins refused
 *            as `double-spent`, only those a probe finds spent are written off (failDisputed).
 *
 * Coins are released only in `reclaim` success or by a probe; deleted only on a receipt or a
 * dispute.
 *
 * A payment with triplet coins (`protection`, SPEC §6) has no reclaim: `triplet` makes its C_B
 * first, `pay` asks for the receipt until C_B's window closes, and `claim` settles it with C_A
 * after (triplets/protected.ts); when the CS's receipt says the payee took C_B, `confirm` asks the
 * payee for its receipt — the page opens when it answers; a refusal for good ends the payment as
 * paid (the CS's receipt is the proof), never as lost.
 */
import {
  isTransient,
  Message2,
  NetCashError,
  openPaymentResult,
  type PaymentReceipt,
  type PaymentRefund,
  type PaymentResult,
  postJson,
  randomId,
  randomKey,
  sealPayment,
  verify,
} from '@netcash/protocol';
import { instrumentFor } from './coins.ts';
import type { Core } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import { driveExchange, releaseOrProbe, sendExchange } from './exchange.ts';
import { addCoins, addHistory, deleteCoins, noteAttempt } from './journal/journal.ts';
import type { PayOp } from './journal/types.ts';
import { sendWithFaults } from './net.ts';
import { planOutputs, receiveOutputs, rowsOf } from './outputs.ts';
import { checkRefund, refundAllowance, settleRefund } from './pay-refund.ts';
import { driveClaim, driveTriplet, endUnconfirmed, toClaim } from './triplets/protected.ts';

/**
 * Sends 1c and checks message 2 — a receipt, or a refund (pay-refund.ts); a NetCashError on any
 * refusal, bad receipt or bad refund.
 */
async function sendPayment(core: Core, op: PayOp, step: 'pay' | 'confirm'): Promise<PaymentResult> {
  const ctx = { kind: 'pay', opId: op.id, step } as const;
  const message = sealPayment(core.p, op.to, op.payment);
  const reply = await sendWithFaults(core, ctx, (fetchFn) =>
    postJson(op.offer.body.payUrl, message, Message2, {
      fetch: fetchFn,
      timeoutMs: core.net.timeoutMs,
    }),
  );
  if (!reply.ok) throw reply.error;
  const opened = openPaymentResult(core.p, op.payment.replyKey, op.payment.requestId, reply.value);
  if (!opened.ok) throw opened.error;
  if ('refund' in opened.value) {
    await checkRefund(core, op, opened.value.refund);
    await core.faults.afterReply?.(ctx);
    return opened.value;
  }
  const receipt = opened.value.receipt;
  const { body } = receipt;
  const offer = op.offer.body;
  if (body.payeeKey !== op.receiptKey || !verify(core.p, op.receiptKey, receipt)) {
    throw new NetCashError('bad-signature', 'The receipt is not signed by the seller.');
  }
  if (body.sid !== offer.sid || body.amount !== offer.amount || body.currency !== offer.currency) {
    throw new NetCashError('wrong-amount', 'The receipt is not for what was paid.');
  }
  await core.faults.afterReply?.(ctx);
  return opened.value;
}

async function finishPaid(core: Core, op: PayOp, receipt: PaymentReceipt): Promise<PayOp> {
  const done: PayOp = { ...op, status: 'done', attempts: op.attempts + 1, updated: core.now() };
  const tx = core.db.transaction(['ops', 'coins', 'receipts', 'history', 'tallies'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending') {
    const offer = op.offer.body;
    await deleteCoins(tx, op.reserved);
    await tx.objectStore('receipts').put({
      tid: receipt.body.tid,
      payeeKey: receipt.body.payeeKey,
      offerKey: offer.payeeSignKey,
      sid: offer.sid,
      resource: offer.resource,
      origin: op.origin,
      description: offer.description,
      amount: offer.amount,
      currency: offer.currency,
      date: receipt.body.date,
      receipt,
      offer: op.offer,
      sessionKey: op.payment.sessionKey,
      opId: op.id,
    });
    await tx.objectStore('ops').put(done);
    // A protected payment the CS's receipt proved paid already has its row: it gains the tid.
    const proven = (await tx.objectStore('history').index('byOp').getAll(op.id)).find(
      (h) => h.kind === 'pay',
    );
    if (proven !== undefined) {
      await tx
        .objectStore('history')
        .put({ ...proven, description: offer.description, tid: receipt.body.tid });
    } else {
      await addHistory(tx, {
        date: core.now(),
        kind: 'pay',
        amount: -offer.amount,
        currency: offer.currency,
        cs: op.cs,
        origin: op.origin,
        description: offer.description,
        tid: receipt.body.tid,
        opId: op.id,
        ...(op.protection?.kind === 'prepaid' ? { prepaid: true } : {}),
      });
    }
  }
  await tx.done;
  return done;
}

/** Moves the op to `reclaim`, journaling the exchange request before it is sent. */
export async function toReclaim(core: Core, op: PayOp, why: NetCashError): Promise<PayOp> {
  const requestId = randomId(core.p);
  // A blind-rsa coin whose key was revoked meanwhile goes with its recoup proof (§4.7).
  const rows = new Map(
    (await Promise.all(op.reserved.map((id) => core.db.get('coins', id)))).flatMap((r) =>
      r === undefined ? [] : [[r.coin.body.serial, r] as const],
    ),
  );
  // The outputs take their derivation counters in the transaction that journals them.
  const tx = core.db.transaction(['ops', 'counters'], 'readwrite');
  const outputs = await planOutputs(
    core,
    op.cs,
    op.payment.coins.map((c) => c.body.value),
    tx,
  );
  const next: PayOp = {
    ...op,
    phase: 'reclaim',
    lastError: why.toBody(),
    updated: core.now(),
    reclaim: {
      requestId,
      op: 'exchange',
      instruments: op.payment.coins.map((coin) => {
        const row = rows.get(coin.body.serial);
        return row === undefined ? { kind: 'coin' as const, coin } : instrumentFor(core, row);
      }),
      want: outputs.want,
      replyKey: randomKey(core.p),
    },
    ...(outputs.blind === undefined ? {} : { reclaimBlind: outputs.blind }),
  };
  await tx.objectStore('ops').put(next);
  await tx.done;
  return next;
}

/** Settles a reclaim: fresh coins (rolled back), or the coins are gone (confirm / failed). */
async function settleReclaim(
  core: Core,
  op: PayOp,
  outcome: { fresh: CoinRow[] } | { gone: NetCashError },
): Promise<PayOp> {
  const now = core.now();
  let next: PayOp;
  const tx = core.db.transaction(
    ['ops', 'coins', 'allowances', 'history', 'tallies', 'counters'],
    'readwrite',
  );
  const current = await tx.objectStore('ops').get(op.id);
  if ('fresh' in outcome) {
    next = { ...op, status: 'rolled-back', updated: now };
  } else if (outcome.gone.code === 'double-spent') {
    next = { ...op, phase: 'confirm', lastError: outcome.gone.toBody(), updated: now };
  } else {
    next = { ...op, status: 'failed', lastError: outcome.gone.toBody(), updated: now };
  }
  if (current?.status === 'pending') {
    if ('fresh' in outcome) {
      await deleteCoins(tx, op.reserved);
      await addCoins(tx, outcome.fresh);
      await refundAllowance(tx, op, now);
    } else if (next.status === 'failed' && op.reserved.length > 1) {
      // The CS refused the reclaim for *some* coin (past its redemption window, not
      // recoupable): each is probed alone, so only the coins really gone are written off.
      await releaseOrProbe(core, tx, op, outcome.gone);
      await refundAllowance(tx, op, now);
    } else if (next.status === 'failed') {
      await deleteCoins(tx, op.reserved);
      await addHistory(tx, {
        date: now,
        kind: 'lost',
        amount: -op.amount,
        currency: op.currency,
        cs: op.cs,
        origin: op.origin,
        description:
          outcome.gone.code === 'revoked'
            ? 'A coin under a withdrawn key, in a payment that did not complete, could not be recovered'
            : 'A coin expired too long ago, in a payment that did not complete',
        opId: op.id,
        error: outcome.gone.toBody(),
      });
    }
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}

/**
 * The payee refused again after the CS said the coins are spent: the payment failed. The op stays
 * in the journal as the shopper's evidence, and its coins are written off — except when the payee
 * says `double-spent` about several coins: the reclaim only proved that *some* coin is spent (a
 * copy of this wallet may have spent one of them, not all), so each is probed alone (exchange.ts
 * `releaseOrProbe`); a probe writes off a coin really gone (with its history row) and gives fresh
 * coins for one that was not.
 */
async function failDisputed(core: Core, op: PayOp, why: NetCashError): Promise<PayOp> {
  const now = core.now();
  const failed: PayOp = { ...op, status: 'failed', lastError: why.toBody(), updated: now };
  const tx = core.db.transaction(['ops', 'coins', 'history', 'tallies', 'counters'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  let probing = false;
  if (current?.status === 'pending') {
    if (why.code === 'double-spent' && op.reserved.length > 1) {
      await releaseOrProbe(core, tx, op, why);
      probing = true;
    } else {
      await deleteCoins(tx, op.reserved);
      await addHistory(tx, {
        date: now,
        kind: 'lost',
        amount: -op.amount,
        currency: op.currency,
        cs: op.cs,
        origin: op.origin,
        description:
          why.code === 'double-spent'
            ? `These coins had already been spent elsewhere (payment ${op.id})`
            : `The seller took the coins but sent no receipt (payment ${op.id})`,
        opId: op.id,
        error: why.toBody(),
      });
    }
    await tx.objectStore('ops').put(failed);
  }
  await tx.done;
  if (probing) await driveProbes(core, op);
  return failed;
}

/** The payee returned the value it took (pay-refund.ts); refused coins may go to probes. */
async function refunded(core: Core, op: PayOp, refund: PaymentRefund): Promise<PayOp> {
  const settled = await settleRefund(core, op, refund);
  await driveProbes(core, op);
  return settled;
}

/** Drives the probes that took over `op`'s coins; one left pending is finished by `recover`. */
async function driveProbes(core: Core, op: PayOp): Promise<void> {
  const probes = new Set<string>();
  for (const id of op.reserved) {
    const row = await core.db.get('coins', id);
    if (row?.state === 'reserved' && row.opId !== undefined && row.opId !== op.id) {
      probes.add(row.opId);
    }
  }
  for (const id of probes) {
    const probe = await core.db.get('ops', id);
    if (probe?.kind !== 'exchange' || probe.status !== 'pending') continue;
    try {
      await driveExchange(core, probe);
    } catch (thrown) {
      // The payment's outcome stands; a probe that went wrong is left to `recover`.
      if (!(thrown instanceof NetCashError)) throw thrown;
    }
  }
}

function asError(thrown: unknown): NetCashError {
  if (thrown instanceof NetCashError) return thrown;
  throw thrown; // crashes and bugs propagate
}

/**
 * Whether a silent payee has had its chance: the payment asked for the receipt for
 * `reclaimAfter` seconds. Until then a transient failure leaves it pending (the payee may have
 * the coins and answer later); after, the coins are reclaimed at their CS.
 */
function patienceSpent(core: Core, op: PayOp): boolean {
  return core.now() - op.created >= core.net.reclaimAfter;
}

/** Drives a pay op until it is settled or needs waiting (the op as it now stands). */
export async function drivePay(core: Core, start: PayOp): Promise<PayOp> {
  let op = start;
  for (let step = 0; step < 8 && op.status === 'pending'; step++) {
    if (op.phase === 'triplet') {
      op = await driveTriplet(core, op);
      if (op.phase === 'triplet') return op;
      continue;
    }
    if (op.phase === 'claim') {
      op = await driveClaim(core, op);
      if (op.phase === 'claim') return op;
      continue;
    }
    if (op.phase === 'pay' || op.phase === 'confirm') {
      let result: PaymentResult;
      try {
        result = await sendPayment(core, op, op.phase);
      } catch (thrown) {
        const error = asError(thrown);
        if (op.protection !== undefined && op.phase === 'confirm') {
          // Paid (the CS's receipt says so): only the payee's receipt is missing.
          if (isTransient(error)) return noteAttempt(core, op, error);
          return endUnconfirmed(core, op, error);
        }
        if (op.protection !== undefined) {
          // C_B can't be reclaimed: ask again while its window runs, then claim with C_A.
          if (isTransient(error) && core.now() < op.protection.dateB) {
            return noteAttempt(core, op, error);
          }
          op = await toClaim(core, { ...op, attempts: op.attempts + 1 }, error);
          continue;
        }
        if (op.phase === 'pay') {
          if (isTransient(error) && !patienceSpent(core, op)) return noteAttempt(core, op, error);
          op = await toReclaim(core, { ...op, attempts: op.attempts + 1 }, error);
          continue;
        }
        op = { ...op, confirmations: op.confirmations + 1 };
        if (!isTransient(error)) return failDisputed(core, op, error);
        return noteAttempt(core, op, error);
      }
      if ('refund' in result) return refunded(core, op, result.refund);
      return finishPaid(core, op, result.receipt);
    }
    // reclaim
    const request = op.reclaim!;
    const ctx = { kind: 'pay', opId: op.id, step: 'reclaim' } as const;
    const reply = await sendExchange(core, op.target, request, ctx);
    if (reply.ok) {
      const planned = {
        want: request.want,
        ...(op.reclaimBlind === undefined ? {} : { blind: op.reclaimBlind }),
      };
      const coins = await receiveOutputs(core, reply.value, planned, op.cs, op.currency);
      await core.faults.afterReply?.(ctx);
      return settleReclaim(core, op, { fresh: rowsOf(core, coins, planned) });
    }
    const error = reply.error;
    if (error.code === 'double-spent' || error.code === 'expired' || error.code === 'revoked') {
      op = await settleReclaim(core, op, { gone: error });
      continue;
    }
    // Transient or a refusal that changed nothing: the coins may still reach the payee. Wait.
    return noteAttempt(core, op, error);
  }
  return op;
}
