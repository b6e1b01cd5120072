/**
 * Offline prepayment (SPEC §6, paper §5.4): "keep 0.50 ready for this site". The wallet obtains
 * triplets for the site's key K_B in advance — C_B of a spread of coin values, locked to K_B for
 * `prepayHold` seconds — and later payments to that site take C_B from them: no currency server
 * is contacted by the wallet or needed by the payee during the payment (it checks C_B offline and
 * redeems it before dateB). What is not used by dateB comes back by claiming its C_A.
 *
 *   triplet  coins → triplets at the CS (journaled like every request)
 *   ready    C_B kept; each payment takes what it pays with out of the op (its C_A with it) in
 *            the transaction that journals the payment, so a triplet is paid or claimed, once
 *   claim    dateB has passed: the unused C_A are claimed back (claim.ts)
 */
import {
  isTransient,
  NetCashError,
  type Offer,
  randomId,
  selectCover,
  selectExact,
} from '@netcash/protocol';
import { chargeAllowance } from '../budget.ts';
import type { Core } from '../context.ts';
import { payable, releaseOrProbe, reserve } from '../exchange.ts';
import { addCoins, addHistory, deleteCoins, noteAttempt } from '../journal/journal.ts';
import type { HeldTriplet, Op, PayOp, PrepayOp } from '../journal/types.ts';
import { rowsOf } from '../outputs.ts';
import { payOpOf, type StartPay } from '../pay.ts';
import { oneScheme } from '../schemes.ts';
import type { CurrencyServer } from '../trust.ts';
import { claimEntries, sendClaims } from './claim.ts';
import { sendTriplet, spreadValues, tripletRequest, tripletWindows } from './make.ts';

/** Seconds a prepaid C_B must still have beyond the payee's lead to be paid with (the 1c's way). */
export const SEND_MARGIN = 5;

export interface StartPrepay {
  readonly origin: string;
  /** An offer of the site, with its `triplets` terms (from a receipt or a 402). */
  readonly offer: Offer;
  readonly amount: number;
  readonly server: CurrencyServer;
}

/** Journals a prepayment: coins covering `amount` reserved, the triplet request, one transaction. */
export async function startPrepay(core: Core, start: StartPrepay): Promise<PrepayOp> {
  const { offer, server, amount } = start;
  const terms = offer.body.triplets;
  if (terms === undefined) {
    throw new NetCashError(
      'unsupported-scheme',
      'This site does not take prepaid (triplet) coins.',
    );
  }
  const now = core.now();
  const expires = core.trust.certificate(server.target.certId)?.expires ?? 0;
  const windows = tripletWindows(core, terms, core.net.prepayHold, expires);
  const values = spreadValues(amount, server.denominations);
  if (windows === null || values === null || values.length > 32) {
    throw new NetCashError('limit-exceeded', 'This site\u2019s terms leave no time to prepay it.');
  }
  const tx = core.db.transaction(['coins', 'ops', 'tallies', 'history', 'counters'], 'readwrite');
  const rows = await tx.objectStore('coins').index('byCs').getAll(server.csName);
  // One scheme's coins, as every request of this wallet (schemes.ts, docs/PRIVACY.md "Mixing").
  const coins =
    oneScheme(
      core,
      rows.filter((r) => payable(r, now) && r.currency === offer.body.currency),
      (group) => {
        const picked = selectCover(group, amount);
        return picked === null ? null : { coins: picked };
      },
    )?.coins ?? null;
  if (coins === null || coins.length > 64) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new NetCashError(
      'insufficient-funds',
      `Not enough coins of ${server.csName} to prepay this.`,
    );
  }
  const id = randomId(core.p);
  const made = await tripletRequest(core, tx, server, coins, values, terms.key, windows);
  const op: PrepayOp = {
    kind: 'prepay',
    id,
    status: 'pending',
    phase: 'triplet',
    created: now,
    updated: now,
    attempts: 0,
    reserved: coins.map((c) => c.id),
    cs: server.csName,
    currency: offer.body.currency,
    origin: start.origin,
    description: new URL(start.origin).host,
    amount,
    target: server.target,
    triplets: made.triplets,
    lead: terms.lead,
    used: [],
  };
  await reserve(tx, coins, id);
  await tx.objectStore('ops').put(op);
  await tx.done;
  await core.faults.afterJournal?.({ kind: 'prepay', opId: id, step: 'triplet' });
  return op;
}

/** Drives a prepayment as far as it goes now (nothing to send while it is `ready`). */
export async function drivePrepay(core: Core, op: PrepayOp): Promise<PrepayOp> {
  if (op.phase === 'triplet') return driveTriplets(core, op);
  if (op.phase === 'ready') {
    if (core.now() < op.triplets.dateB) return op;
    return driveClaims(core, await toClaim(core, op));
  }
  return driveClaims(core, op);
}

async function driveTriplets(core: Core, op: PrepayOp): Promise<PrepayOp> {
  const request = op.triplets.request;
  if (request === undefined) return op;
  const sent = await sendTriplet(core, op, request);
  if ('error' in sent) {
    if (isTransient(sent.error)) return noteAttempt(core, op, sent.error);
    return refused(core, op, sent.error);
  }
  const made = sent.made;
  const now = core.now();
  const next: PrepayOp = {
    ...op,
    phase: 'ready',
    reserved: [],
    attempts: op.attempts + 1,
    updated: now,
    // Woken at dateB to claim back what is left.
    nextAttempt: (op.triplets.dateB + 1) * 1000,
    triplets: { ...op.triplets, held: made.held },
  };
  const tx = core.db.transaction(['ops', 'coins', 'tallies', 'history'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending' && current.kind === 'prepay' && current.phase === 'triplet') {
    await deleteCoins(tx, op.reserved);
    await addCoins(tx, rowsOf(core, made.change, { want: { values: request.want.change } }));
    await addHistory(tx, {
      date: now,
      kind: 'prepay',
      amount: -op.amount,
      currency: op.currency,
      cs: op.cs,
      origin: op.origin,
      description: `Kept ready for ${op.description}`,
      opId: op.id,
    });
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return (await core.db.get('ops', op.id)) as PrepayOp;
}

async function refused(core: Core, op: PrepayOp, error: NetCashError): Promise<PrepayOp> {
  const next: PrepayOp = {
    ...op,
    status: 'rolled-back',
    attempts: op.attempts + 1,
    lastError: error.toBody(),
    updated: core.now(),
  };
  const tx = core.db.transaction(['ops', 'coins', 'history', 'tallies'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending') {
    await releaseOrProbe(core, tx, op, error);
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}

/** The indexes of the triplets no payment took. */
function unused(op: PrepayOp): number[] {
  const taken = new Set(op.used.map((u) => u.index));
  return (op.triplets.held ?? []).map((_, i) => i).filter((i) => !taken.has(i));
}

/** dateB passed: journals a claim for each unused C_A (done at once if every one was paid). */
async function toClaim(core: Core, op: PrepayOp): Promise<PrepayOp> {
  const tx = core.db.transaction(['ops'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  let next: PrepayOp = op;
  if (current?.kind === 'prepay' && current.phase === 'ready' && current.status === 'pending') {
    const indexes = unused(current);
    const server = core.trust.certificate(current.target.certId);
    const claims = claimEntries(core, current.triplets, indexes, server?.denominations ?? []);
    next = {
      ...current,
      phase: 'claim',
      updated: core.now(),
      triplets: { ...current.triplets, claims },
      ...(indexes.length === 0 ? { status: 'done' as const } : {}),
    };
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}

async function driveClaims(core: Core, op: PrepayOp): Promise<PrepayOp> {
  if (op.status !== 'pending') return op;
  const sent = await sendClaims(core, op, op.target);
  const now = sent.op;
  if (now.kind !== 'prepay' || now.status !== 'pending') return op;
  if (sent.waiting !== null) return noteAttempt(core, now, sent.waiting);
  const done: PrepayOp = { ...now, status: 'done', updated: core.now() };
  const tx = core.db.transaction(['ops'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending') await tx.objectStore('ops').put(done);
  await tx.done;
  return done;
}

/** Value still ready in a prepayment (C_B not taken by a payment), usable or not. */
export function readyValue(op: PrepayOp): number {
  const held = op.triplets.held ?? [];
  return unused(op).reduce((s, i) => s + (held[i]?.b.body.value ?? 0), 0);
}

/**
 * A ready prepayment for the offer's key holding unused C_B that sum exactly to the price, each
 * with enough of its window left for the payee's lead: which one, and the triplets (indexes).
 */
export function choosePrepaid(
  ops: readonly Op[],
  offer: Offer,
  now: number,
): { prepay: PrepayOp; chosen: number[] } | null {
  const { body } = offer;
  const terms = body.triplets;
  if (terms === undefined) return null;
  for (const prepay of ops) {
    if (prepay.kind !== 'prepay' || prepay.phase !== 'ready' || prepay.status !== 'pending') {
      continue;
    }
    if (prepay.restored === true) continue;
    if (prepay.triplets.payee !== terms.key || prepay.currency !== body.currency) continue;
    if (prepay.triplets.dateB - now < terms.lead + SEND_MARGIN) continue;
    const held = prepay.triplets.held ?? [];
    const candidates = unused(prepay).map((index) => ({ index, value: held[index]!.b.body.value }));
    const chosen = selectExact(candidates, body.amount);
    if (chosen !== null) return { prepay, chosen: chosen.map((c) => c.index) };
  }
  return null;
}

/**
 * Journals a payment from prepaid triplets for the offer's key: in ONE transaction, C_B summing
 * exactly to the price (each with enough of its window left for the payee's lead) are taken out
 * of a `ready` prepayment with their C_A, the allowance charged if asked, and the pay op written.
 * Null when no prepayment covers the price exactly; nothing is sent to any currency server.
 */
export async function startPrepaid(
  core: Core,
  start: Omit<StartPay, 'server' | 'scheme'>,
): Promise<PayOp | null> {
  const { offer, origin } = start;
  const { body } = offer;
  const terms = body.triplets;
  if (terms === undefined) return null;
  const now = core.now();
  const tx = core.db.transaction(['ops', 'allowances'], 'readwrite');
  const ops = await tx.objectStore('ops').index('byStatus').getAll('pending');
  const found = choosePrepaid(ops, offer, now);
  if (found !== null) {
    const { prepay, chosen } = found;
    const held = prepay.triplets.held ?? [];
    if (start.allowance) await chargeAllowance(tx, origin, body.currency, body.amount, now);
    const op = prepaidPay(
      core,
      start,
      prepay,
      chosen.map((i) => held[i]!),
    );
    const used = [...prepay.used, ...chosen.map((index) => ({ index, opId: op.id }))];
    const left = held.length - used.length;
    await tx.objectStore('ops').put({
      ...prepay,
      used,
      updated: now,
      // Every triplet paid: nothing to claim back.
      ...(left === 0 ? { status: 'done' as const } : {}),
    });
    await tx.objectStore('ops').put(op);
    await tx.done;
    await core.faults.afterJournal?.({ kind: 'pay', opId: op.id, step: 'pay' });
    return op;
  }
  await tx.done;
  return null;
}

function prepaidPay(
  core: Core,
  start: Omit<StartPay, 'server' | 'scheme'>,
  prepay: PrepayOp,
  triplets: readonly HeldTriplet[],
): PayOp {
  const { request: _made, claims: _none, ...keys } = prepay.triplets;
  return payOpOf(core, start, {
    id: randomId(core.p),
    phase: 'pay',
    reserved: [],
    cs: prepay.cs,
    target: prepay.target,
    coins: triplets.map((t) => t.b),
    protection: { kind: 'prepaid', prepay: prepay.id, ...keys, held: triplets },
  });
}
