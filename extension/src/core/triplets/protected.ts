/**
 * A protected payment (SPEC §6, paper figure 6 and §5.3): the answer to "what if the payee takes
 * the coins and sends no receipt?". A `pay` op with `protection`, in three phases:
 *
 *   triplet  coins → <C_B, C_A, C_X> at their CS, C_B locked to the payee's key K_B (the offer's
 *            `triplets.key`) until dateB, C_A to a one-time key of ours for [dateB, dateA)
 *   pay      1c with the C_B coins (pay-drive.ts); the payee checks them offline and answers
 *            with its receipt — it redeems C_B at its CS before dateB
 *   claim    no receipt by dateB (the payee silent, or refusing): C_A is claimed (claim.ts) and
 *            the CS answers with its receipt — proof that K_B took the value — or fresh coins
 *   confirm  after the CS's receipt: the payment counts as paid (history, with that receipt), and
 *            the payee is asked again with the same 1c for its own receipt (it stored the reply
 *            when it took C_B), until it answers — then the page opens — or refuses for good:
 *            the payment stands, proven by the CS's receipt, without access
 *
 * No reclaim by exchange: nobody but K_B can spend C_B before dateB, and after it the claim
 * settles the payment one way or the other, with proof. A payment from a prepayment
 * (prepay.ts) is the same op without the `triplet` phase.
 */
import {
  type CsReceipt,
  credentialsOf,
  decompose,
  isTransient,
  NetCashError,
  randomId,
  selectCover,
  type TripletTerms,
} from '@netcash/protocol';
import { chargeAllowance } from '../budget.ts';
import type { Core } from '../context.ts';
import { payable, releaseOrProbe, reserve } from '../exchange.ts';
import { addCoins, addHistory, deleteCoins, noteAttempt } from '../journal/journal.ts';
import type { PayOp } from '../journal/types.ts';
import { unconfirmedNotice } from '../notices.ts';
import { rowsOf } from '../outputs.ts';
import { payOpOf, type StartPay } from '../pay.ts';
import { refundAllowance } from '../pay-refund.ts';
import { oneScheme } from '../schemes.ts';
import { claimEntries, sendClaims } from './claim.ts';
import { sendTriplet, tripletRequest, tripletWindows } from './make.ts';

/**
 * Journals a protected payment: in ONE transaction, coins of `server` covering the price (any
 * coins: the triplet makes the change), the allowance charged if asked, the op with its triplet
 * request and the 1c plaintext (its coins, the C_B, come with the triplet). Null when the payee's
 * terms leave no window or the coins don't cover the price (the caller pays unprotected then).
 */
export async function startProtected(
  core: Core,
  start: Omit<StartPay, 'scheme'>,
  terms: TripletTerms,
): Promise<PayOp | null> {
  const { offer, origin, server } = start;
  const { body } = offer;
  const now = core.now();
  const expires = core.trust.certificate(server.target.certId)?.expires ?? 0;
  const windows = tripletWindows(core, terms, terms.lead + core.net.protectWindow, expires);
  if (windows === null) return null;
  const tx = core.db.transaction(
    ['coins', 'ops', 'allowances', 'tallies', 'counters'],
    'readwrite',
  );
  const rows = await tx.objectStore('coins').index('byCs').getAll(server.csName);
  // One scheme's coins, as every request of this wallet (schemes.ts, docs/PRIVACY.md "Mixing").
  const coins =
    oneScheme(
      core,
      rows.filter((r) => payable(r, now) && r.currency === body.currency),
      (group) => {
        const picked = selectCover(group, body.amount);
        return picked === null ? null : { coins: picked };
      },
    )?.coins ?? null;
  if (coins === null || coins.length > 64) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return null;
  }
  if (start.allowance) await chargeAllowance(tx, origin, body.currency, body.amount, now);
  const id = randomId(core.p);
  // The fewest coin values: one triplet per value, each an ordinary coin value (PROTOCOL §4.3).
  const amounts = decompose(body.amount, server.denominations);
  if (amounts === null) {
    tx.abort();
    await tx.done.catch(() => undefined);
    return null;
  }
  const made = await tripletRequest(core, tx, server, coins, amounts, terms.key, windows).catch(
    (error: unknown) => {
      // The day's triplets at this CS are used up (tx aborted): paid another way.
      if (error instanceof NetCashError && error.code === 'limit-exceeded') return null;
      throw error;
    },
  );
  if (made === null) return null;
  // The coins of 1c are the C_B the triplet brings (phase `pay`); the rest is fixed now.
  const op = payOpOf(core, start, {
    id,
    phase: 'triplet',
    reserved: coins.map((c) => c.id),
    cs: server.csName,
    target: server.target,
    coins: [],
    protection: { kind: 'protected', ...made.triplets },
  });
  await reserve(tx, coins, id);
  await tx.objectStore('ops').put(op);
  await tx.done;
  await core.faults.afterJournal?.({ kind: 'pay', opId: id, step: 'triplet' });
  return op;
}

/** Phase `triplet`: sends the journaled request; the triplets → phase `pay` with C_B. */
export async function driveTriplet(core: Core, op: PayOp): Promise<PayOp> {
  const protection = op.protection;
  const request = protection?.request;
  if (protection === undefined || request === undefined) return op;
  const sent = await sendTriplet(core, op, request);
  if ('error' in sent) {
    if (isTransient(sent.error)) return noteAttempt(core, op, sent.error);
    return refused(core, op, sent.error);
  }
  const made = sent.made;
  const cB = made.held.map((t) => t.b);
  const { certificates } = credentialsOf(core.trust, cB);
  const next: PayOp = {
    ...op,
    phase: 'pay',
    reserved: [],
    attempts: op.attempts + 1,
    updated: core.now(),
    payment: { ...op.payment, coins: cB, certificates: certificates.slice(0, 8) },
    protection: { ...protection, held: made.held },
  };
  const tx = core.db.transaction(['ops', 'coins', 'tallies'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending' && current.kind === 'pay' && current.phase === 'triplet') {
    await deleteCoins(tx, op.reserved);
    await addCoins(tx, rowsOf(core, made.change, { want: { values: request.want.change } }));
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return (await core.db.get('ops', op.id)) as PayOp;
}

/** The CS refused the triplet for good: nothing changed there, the coins are ours again. */
async function refused(core: Core, op: PayOp, error: NetCashError): Promise<PayOp> {
  const now = core.now();
  const next: PayOp = {
    ...op,
    status: 'rolled-back',
    attempts: op.attempts + 1,
    lastError: error.toBody(),
    updated: now,
  };
  const tx = core.db.transaction(['ops', 'coins', 'allowances', 'history', 'tallies'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending') {
    await releaseOrProbe(core, tx, op, error);
    await refundAllowance(tx, op, now);
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}

/** No receipt, and none will come before dateB: the payment is settled by claiming C_A. */
export async function toClaim(core: Core, op: PayOp, why: NetCashError): Promise<PayOp> {
  const next: PayOp = { ...op, phase: 'claim', lastError: why.toBody(), updated: core.now() };
  await core.db.put('ops', next);
  return next;
}

/**
 * Phase `claim`: waits for dateB (the alarm wakes the wallet then), journals one claim per C_A,
 * sends them, and settles: the CS's receipt → paid, with proof, and on to `confirm` (the payee
 * took C_B, so it holds our payment's reply: asked again for its receipt, the page opens); fresh
 * coins → the value is back, the allowance given back.
 */
export async function driveClaim(core: Core, start: PayOp): Promise<PayOp> {
  let op = start;
  const protection = op.protection;
  if (protection?.held === undefined) return op;
  if (core.now() < protection.dateB) {
    const due: PayOp = { ...op, nextAttempt: (protection.dateB + 1) * 1000, updated: core.now() };
    await core.db.put('ops', due);
    return due;
  }
  if (protection.claims === undefined) {
    const server = core.trust.certificate(op.target.certId);
    const claims = claimEntries(
      core,
      protection,
      protection.held.map((_, i) => i),
      server?.denominations ?? [],
    );
    op = { ...op, protection: { ...protection, claims }, updated: core.now() };
    await core.db.put('ops', op);
  }
  const sent = await sendClaims(core, op, op.target);
  const now = sent.op;
  if (now.kind !== 'pay' || now.status !== 'pending') return op;
  if (sent.waiting !== null) return noteAttempt(core, now, sent.waiting);
  return finishClaimed(core, now);
}

async function finishClaimed(core: Core, op: PayOp): Promise<PayOp> {
  const now = core.now();
  const claims = op.protection?.claims ?? [];
  const receipts = csReceiptsOf(op);
  const lost = claims.flatMap((c) => (c.outcome !== undefined && 'lost' in c.outcome ? [c] : []));
  // Paid, with the CS's proof: still pending, to ask the payee for the receipt the page needs.
  const next: PayOp =
    receipts.length > 0
      ? { ...op, phase: 'confirm', updated: now, nextAttempt: core.nowMs() }
      : { ...op, status: 'rolled-back', updated: now };
  const tx = core.db.transaction(['ops', 'allowances', 'history'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending' && current.kind === 'pay' && current.phase === 'claim') {
    const host = new URL(op.origin).host;
    if (receipts.length > 0) {
      await addHistory(tx, {
        date: now,
        kind: 'pay',
        amount: -receipts.reduce((s, r) => s + r.body.value, 0),
        currency: op.currency,
        cs: op.cs,
        origin: op.origin,
        description: `${op.offer.body.description} — ${host} sent no receipt; ${op.cs}'s receipt proves it took the payment`,
        opId: op.id,
        csReceipt: receipts[0]!,
        ...(op.protection?.kind === 'prepaid' ? { prepaid: true } : {}),
      });
    } else {
      await refundAllowance(tx, op, now);
    }
    for (const claim of lost) {
      await addHistory(tx, {
        date: now,
        kind: 'lost',
        amount: -claim.request.instruments[0].coin.body.value,
        currency: op.currency,
        cs: op.cs,
        origin: op.origin,
        description: `A payment to ${host} could not be claimed back in time`,
        opId: op.id,
      });
    }
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}

/**
 * Phase `confirm` of a protected payment, the payee refusing for good: the payment stands (the
 * CS's receipt proves the payee took it, and the history says so), without the payee's receipt;
 * a notice says so until the shopper dismisses it.
 */
export async function endUnconfirmed(core: Core, op: PayOp, why: NetCashError): Promise<PayOp> {
  const next: PayOp = {
    ...op,
    status: 'done',
    attempts: op.attempts + 1,
    lastError: why.toBody(),
    updated: core.now(),
  };
  const tx = core.db.transaction(['ops', 'notices'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending') {
    await tx.objectStore('ops').put(next);
    // Told to the shopper until she dismisses it (notices.ts), not for an hour.
    const notice = unconfirmedNotice(next, next.updated);
    if (notice !== null) await tx.objectStore('notices').put(notice);
  }
  await tx.done;
  return next;
}

/** The CS receipts a protected payment's claims brought (the payee took C_B). */
export function csReceiptsOf(op: PayOp): CsReceipt[] {
  return (op.protection?.claims ?? []).flatMap((c) =>
    c.outcome !== undefined && 'receipt' in c.outcome ? [c.outcome.receipt] : [],
  );
}
