/**
 * A payment as the shopper asked for it (SPEC §5, §12): one intent, one charge. `payIntent` runs
 * inside the wallet's one-at-a-time queue:
 *
 *   paid already     (a receipt from this origin)  → prove it, pay nothing
 *   pending already  (journaled, not settled)      → join it: drive it while the page waits
 *   neither          → with approval or the allowance: choose coins (consolidating or making
 *                      change first when needed), journal, send 1c, drive while the page waits
 *
 * A payment still unanswered when the shopper's patience is spent is `pending` (code `pending`):
 * journaled, re-driven in the background, joined by the next click or reload — never paid again.
 */
import { type AccessResult, NetCashError, type Offer } from '@netcash/protocol';
import { consolidate, unifySchemes } from './consolidate.ts';
import type { Core } from './context.ts';
import { startExchange } from './exchange.ts';
import { intentOf } from './intent.ts';
import { driveWatched, errorOf, settled } from './interactive.ts';
import type { PayOp } from './journal/types.ts';
import { checkOffer } from './offer.ts';
import { acceptedServers, type Chosen, choosePlan, payeeKeys, startPay } from './pay.ts';
import type { SpreadPolicy } from './policy.ts';
import { accessFor } from './proof.ts';
import { recoverCoins } from './redeem.ts';
import type { SchemeChoice } from './schemes.ts';
import { protects } from './triplets/policy.ts';
import { choosePrepaid, startPrepaid } from './triplets/prepay.ts';
import { startProtected } from './triplets/protected.ts';
import { refreshTrust } from './trust.ts';

/** The shopper's settings a payment reads. */
export interface PaySettings {
  readonly policy: SpreadPolicy;
  readonly sessionKeys: boolean;
  /** Payments of at least this much are protected by a triplet (triplets/policy.ts). */
  readonly protectFrom: number;
}

export interface PayOptions {
  /** The shopper approved this payment in the approval window. */
  readonly approved?: boolean;
  /** Pay under the site's allowance (refused if it does not cover the amount). */
  readonly allowance?: boolean;
}

/** Drives a journaled payment while the page waits; the access proof once it has the receipt. */
export async function settlePayment(core: Core, start: PayOp, offer: Offer): Promise<AccessResult> {
  const op = await driveWatched(core, start);
  if (op.status === 'done') {
    const rows = await core.db.getAllFromIndex('receipts', 'bySid', [
      op.offer.body.payeeSignKey,
      op.offer.body.sid,
    ]);
    const mine = rows.find((r) => r.opId === op.id);
    if (mine !== undefined) return accessFor(core, mine, offer, false);
  }
  throw errorOf(core, op);
}

/** Proves or joins what is under way for this intent; null when nothing is. */
export async function joinIntent(
  core: Core,
  offer: Offer,
  origin: string,
): Promise<AccessResult | null> {
  const intent = await intentOf(core, origin, offer);
  if (intent.state === 'paid') return accessFor(core, intent.receipt, offer, true);
  if (intent.state === 'pending') return settlePayment(core, intent.op, offer);
  return null;
}

/** Refusals of a payment's coins themselves (their key revoked, expired, not known there). */
const COINS_REFUSED: ReadonlySet<string> = new Set(['revoked', 'expired', 'unknown-cert']);

/**
 * A payment; when the seller or a currency server refused its coins themselves and the wallet got
 * them back (the payment rolled back), it reads the insurer's lists again, sets the bad coins
 * apart to be recovered (redeem.ts) and pays once more with the others — a refusal for one coin
 * never blocks the rest (docs/PROTOCOL.md §4.7).
 */
export async function payIntent(
  core: Core,
  offer: Offer,
  origin: string,
  options: PayOptions,
  settings: PaySettings,
): Promise<AccessResult> {
  try {
    return await payOnce(core, offer, origin, options, settings);
  } catch (error) {
    if (!(error instanceof NetCashError) || !COINS_REFUSED.has(error.code)) throw error;
    if ((await intentOf(core, origin, offer)).state !== 'none') throw error;
    await refreshTrust(core).catch(() => undefined);
    await recoverCoins(core, settings.policy);
    return payOnce(core, offer, origin, options, settings);
  }
}

/**
 * A payment with triplet coins (SPEC §6), when the site takes them: from a prepayment for its key
 * (no currency server contacted), or protected by a triplet made for it when the shopper's
 * setting says so. Null: pay the ordinary way.
 */
async function payWithTriplets(
  core: Core,
  offer: Offer,
  origin: string,
  allowance: boolean,
  settings: PaySettings,
): Promise<AccessResult | null> {
  const terms = offer.body.triplets;
  if (terms === undefined) return null;
  const ops = await core.db.getAllFromIndex('ops', 'byStatus', 'pending');
  const prepaid = choosePrepaid(ops, offer, core.now()) !== null;
  if (!prepaid && !protects(offer, settings.protectFrom)) return null;
  const keys = settings.sessionKeys ? await payeeKeys(core, offer) : undefined;
  const start = { offer, origin, allowance, ...(keys === undefined ? {} : { keys }) };
  if (prepaid) {
    const op = await startPrepaid(core, start);
    if (op !== null) return settlePayment(core, op, offer);
  }
  if (!protects(offer, settings.protectFrom)) return null;
  // A triplet's change is minted at its server: none from one the shopper stopped using.
  for (const server of acceptedServers(core, offer).filter((s) => !s.stopped)) {
    const op = await startProtected(core, { ...start, server }, terms);
    if (op !== null) return settlePayment(core, op, offer);
  }
  return null;
}

async function payOnce(
  core: Core,
  offer: Offer,
  origin: string,
  options: PayOptions,
  settings: PaySettings,
): Promise<AccessResult> {
  const checked = checkOffer(core, offer, origin);
  const joined = await joinIntent(core, offer, origin);
  if (joined !== null) return joined;
  const allowance = options.allowance === true && options.approved !== true;
  if (allowance && checked.foreignOrigins.length > 0) {
    throw new NetCashError('origin-mismatch', 'Payments to another site need your approval.');
  }
  if (!allowance && options.approved !== true) {
    throw new NetCashError('user-rejected', 'The payment was not approved.');
  }
  const paid = await payWithTriplets(core, offer, origin, allowance, settings);
  if (paid !== null) return paid;
  let chosen = await findPlan(core, offer, settings.policy);
  if (chosen.plan.kind === 'change') {
    const change = chosen.plan;
    const op = await startExchange(core, chosen.server.csName, 'change', (coins) => {
      const ids = new Set(coins.map((c) => c.id));
      if (!change.spend.every((c) => ids.has(c.id))) return null;
      return { coins: change.spend, values: [...change.pay, ...change.change] };
    });
    if (op === null) throw new NetCashError('busy', 'Coins changed meanwhile; try again.');
    const made = await driveWatched(core, op);
    if (made.status === 'pending') {
      // The payment itself never started: nothing will complete it later, so say so.
      throw new NetCashError(
        'upstream-unavailable',
        `${made.cs} did not answer while the wallet made change for this payment. Nothing was paid; the coins come back by themselves.`,
      );
    }
    settled(core, made);
    chosen = await choosePlan(core, offer, [chosen.scheme]);
  }
  const keys = settings.sessionKeys ? await payeeKeys(core, offer) : undefined;
  const start = await startPay(core, {
    offer,
    origin,
    server: chosen.server,
    scheme: chosen.scheme,
    allowance,
    ...(keys === undefined ? {} : { keys }),
  });
  return settlePayment(core, start, offer);
}

const orNull = (error: unknown): null => {
  if (error instanceof NetCashError && error.code === 'insufficient-funds') return null;
  throw error;
};

/**
 * How to pay `offer`, renewing coins first when the wallet's coins can't pay as they are: coins
 * that expired while it was closed or whose key was revoked come back (recovery.ts); with blind
 * coins on, nc1 coins are renewed into blind ones alone (consolidate.ts `unifySchemes`) rather
 * than paid out — a payment in them is traceable to the check that bought them; other CSs' coins
 * move to one the offer accepts. nc1 coins pay only as the last resort, when no CS made blind
 * ones of them (a value without a denomination key).
 */
async function findPlan(core: Core, offer: Offer, policy: SpreadPolicy): Promise<Chosen> {
  const blind = acceptedServers(core, offer).some(
    (s) => core.trust.denominationKeysOf(s.csName).length > 0,
  );
  const first: readonly SchemeChoice[] =
    core.blindCoins === false ? ['any'] : blind ? ['blind-rsa'] : ['nc1'];
  const attempt = () => choosePlan(core, offer, first).catch(orNull);
  let plan = await attempt();
  if (plan !== null) return plan;
  if ((await recoverCoins(core, policy)).some((op) => op.status === 'done')) {
    plan = await attempt();
    if (plan !== null) return plan;
  }
  if (await unifySchemes(core, offer, policy)) {
    plan = await attempt();
    if (plan !== null) return plan;
  }
  // No single CS can pay: move other CSs' coins to one the offer accepts (throws when the
  // wallet holds too little altogether), then plan again.
  await consolidate(core, offer, policy);
  plan = await attempt();
  if (plan !== null) return plan;
  if (await unifySchemes(core, offer, policy)) {
    plan = await attempt();
    if (plan !== null) return plan;
  }
  return choosePlan(core, offer);
}
