/**
 * Paying a merchant, the payor's side of paper figure 4 (SPEC §5):
 *
 *   1a/1b (optional)  fresh anonymous K_AN → the payee's keys sealed to it, signed by the offer key
 *   1c                {requestId, sid, coins, certificates, SK_AN1, K_ses} sealed to the payee
 *   2                 the receipt signed by the payee, sealed with SK_AN1
 *
 * This file chooses the coins and journals the payment; pay-drive.ts sends it and settles it.
 * The wallet pays exact amounts: `planPayment` on one currency server's coins; when no exact
 * subset exists, one `exchange` makes change first (SPEC §5). Coins come from one CS per payment
 * so that a reclaim is a single exchange, and — with blind coins on — of one scheme, so that no
 * payment ties blind coins to traceable ones (schemes.ts, docs/PRIVACY.md "Mixing").
 */
import {
  credentialsOf,
  Message1b,
  NetCashError,
  type Offer,
  openPayeeKeys,
  type PaymentPlan,
  planPayment,
  postJson,
  randomId,
  randomKey,
  selectExact,
  toB64u,
  verify,
} from '@netcash/protocol';
import { balances } from './balance.ts';
import { budgetLeft, chargeAllowance } from './budget.ts';
import { type Core, http } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import { reserve } from './exchange.ts';
import type { PayOp } from './journal/types.ts';
import { checkOffer } from './offer.ts';
import { type Counted, forAmount, placeholders, take, valueCounts } from './purse.ts';
import { countsOf, kindsOf, type SchemeChoice, schemeOrder, takeOf } from './schemes.ts';
import { type PaymentProtection, protectionFor } from './triplets/policy.ts';
import { type CurrencyServer, currencyServers } from './trust.ts';

/** What the approval window shows, and whether the site's allowance covers it. */
export interface Quote {
  readonly origin: string;
  readonly description: string;
  readonly resource: string;
  readonly amount: number;
  readonly currency: string;
  /** Spendable now, and after this payment. */
  readonly balance: number;
  readonly balanceAfter: number;
  /** Other origins involved (payUrl, resource): shown, and never paid under an allowance. */
  readonly foreignOrigins: readonly string[];
  /** What the site may still take without a prompt. */
  readonly allowanceLeft: number;
  readonly withinAllowance: boolean;
  /** Paid with triplet coins (SPEC §6): protected by a triplet, or from a prepayment. */
  readonly protection?: PaymentProtection;
}

/** Currency servers whose coins this offer accepts, in the offer's currency. */
export function acceptedServers(core: Core, offer: Offer): CurrencyServer[] {
  const { accepts, currency } = offer.body;
  return currencyServers(core).filter(
    (s) =>
      s.currency === currency &&
      accepts.insurers.includes(s.insurer) &&
      (accepts.cs === undefined || accepts.cs.includes(s.csName)),
  );
}

type CoinsTx = Parameters<typeof kindsOf>[0];

/**
 * Picks the coins for `chosen` placeholders of `scheme` at (currency, cs) inside `tx`: counted
 * per value from the `bySpend` index (any scheme, purse.ts) or from the tallies (one scheme,
 * schemes.ts); only the coins the plan takes are read.
 */
async function counted(
  tx: CoinsTx,
  currency: string,
  cs: string,
  scheme: SchemeChoice,
  amount: number,
  now: number,
) {
  const index = tx.objectStore('coins').index('bySpend');
  if (scheme === 'any') {
    const counts = await valueCounts(index, currency, cs, 'spendable', now, forAmount(amount));
    return {
      counts,
      take: (chosen: Counted[]) => take(index, currency, cs, chosen, now),
    };
  }
  const kinds = await kindsOf(tx, currency, cs, scheme, now);
  return {
    counts: countsOf(kinds, forAmount(amount)),
    take: (chosen: Counted[]) => takeOf(index, currency, cs, scheme, chosen, kinds),
  };
}

/** `planPayment` on one CS's spendable coins of `scheme`. */
async function planAt(
  core: Core,
  server: CurrencyServer,
  scheme: SchemeChoice,
  currency: string,
  amount: number,
): Promise<PaymentPlan<CoinRow> | null> {
  const tx = core.db.transaction(['coins', 'tallies'], 'readonly');
  const held = await counted(tx, currency, server.csName, scheme, amount, core.now());
  const plan = planPayment(placeholders(held.counts), amount, server.denominations);
  let chosen: PaymentPlan<CoinRow> | null = null;
  if (plan?.kind === 'exact') {
    chosen = { kind: 'exact', coins: await held.take(plan.coins) };
  } else if (plan !== null) {
    const spend = await held.take(plan.spend);
    chosen = { kind: 'change', spend, pay: plan.pay, change: plan.change };
  }
  await tx.done;
  return chosen;
}

export interface Chosen {
  readonly server: CurrencyServer;
  /** The scheme of every coin the plan spends (`any` with blind coins off). */
  readonly scheme: SchemeChoice;
  readonly plan: PaymentPlan<CoinRow>;
}

/**
 * The best way to pay `amount` from the first of `schemes` whose coins can (blind-rsa before
 * nc1, schemes.ts): exact coins of some CS if any, else change at one CS.
 */
export async function choosePlan(
  core: Core,
  offer: Offer,
  schemes: readonly SchemeChoice[] = schemeOrder(core),
): Promise<Chosen> {
  for (const scheme of schemes) {
    let fallback: Chosen | undefined;
    for (const server of acceptedServers(core, offer)) {
      const plan = await planAt(core, server, scheme, offer.body.currency, offer.body.amount);
      if (plan?.kind === 'exact') return { server, scheme, plan };
      // Change would be new coins of that server: not from one the shopper stopped using.
      if (plan !== null && fallback === undefined && !server.stopped) {
        fallback = { server, scheme, plan };
      }
    }
    if (fallback !== undefined) return fallback;
  }
  throw new NetCashError('insufficient-funds', 'Your wallet does not hold enough coins for this.');
}

export async function allowanceLeft(core: Core, origin: string, currency: string): Promise<number> {
  return budgetLeft(await core.db.get('allowances', [origin, currency]), core.now());
}

/**
 * Whether the site's allowance covers `offer` — the quote's `withinAllowance` without the
 * balance, which costs a read of the wallet's coins that a silent payment doesn't need.
 */
export async function withinAllowance(core: Core, offer: Offer, origin: string): Promise<boolean> {
  const { body, foreignOrigins } = checkOffer(core, offer, origin);
  if (foreignOrigins.length > 0) return false;
  return body.amount <= (await allowanceLeft(core, origin, body.currency));
}

export async function quote(
  core: Core,
  offer: Offer,
  origin: string,
  protectFrom: number,
): Promise<Quote> {
  const { body, foreignOrigins } = checkOffer(core, offer, origin);
  const protection = await protectionFor(core, offer, protectFrom);
  const balance = (await balances(core)).find((b) => b.currency === body.currency)?.spendable ?? 0;
  const left = await allowanceLeft(core, origin, body.currency);
  return {
    origin,
    description: body.description,
    resource: body.resource,
    amount: body.amount,
    currency: body.currency,
    balance,
    // A prepaid payment takes nothing more from the purse.
    balanceAfter: protection === 'prepaid' ? balance : balance - body.amount,
    foreignOrigins,
    allowanceLeft: left,
    withinAllowance: foreignOrigins.length === 0 && body.amount <= left,
    ...(protection === undefined ? {} : { protection }),
  };
}

/** 1a/1b: the payee's keys for this session, signed by the offer's payee key. */
export async function payeeKeys(
  core: Core,
  offer: Offer,
): Promise<{ to: string; receiptKey: string }> {
  const kan = core.p.x25519.keygen();
  const reply = await postJson(
    offer.body.payUrl,
    { msg: '1a', sid: offer.body.sid, kan: toB64u(kan.publicKey) },
    Message1b,
    http(core),
  );
  if (!reply.ok) throw reply.error;
  const opened = openPayeeKeys(core.p, kan.secretKey, offer.body.sid, reply.value);
  if (!opened.ok) throw opened.error;
  const keys = opened.value;
  if (
    !verify(core.p, offer.body.payeeSignKey, keys) ||
    keys.body.sid !== offer.body.sid ||
    keys.body.expires <= core.now()
  ) {
    throw new NetCashError('bad-signature', 'The seller sent session keys that do not check out.');
  }
  return { to: keys.body.encKey, receiptKey: keys.body.signKey };
}

export interface StartPay {
  readonly offer: Offer;
  readonly origin: string;
  readonly server: CurrencyServer;
  /** The scheme to pay with (choosePlan's; `any` with blind coins off). */
  readonly scheme: SchemeChoice;
  /** Charge the site's allowance (checked again inside the reservation's transaction). */
  readonly allowance: boolean;
  /** From 1b; the offer's own keys when absent. */
  readonly keys?: { to: string; receiptKey: string };
}

/**
 * A new pay op for `start` paying with `coins` (the full 1c plaintext: request id, SK_AN1, K_ses,
 * and what vouches for the coins — certificates of nc1 coins, denomination keys of blind-rsa
 * coins, figure 4 footnote 2, SPEC §7); the caller writes it in its journaling transaction.
 */
export function payOpOf(
  core: Core,
  start: Omit<StartPay, 'server' | 'scheme'>,
  parts: Pick<PayOp, 'id' | 'phase' | 'reserved' | 'cs' | 'target' | 'protection'> & {
    readonly coins: PayOp['payment']['coins'];
  },
): PayOp {
  const { offer } = start;
  const { body } = offer;
  const now = core.now();
  const { coins, ...rest } = parts;
  const { certificates, denominationKeys } = credentialsOf(core.trust, coins);
  return {
    kind: 'pay',
    ...rest,
    status: 'pending',
    created: now,
    updated: now,
    attempts: 0,
    currency: body.currency,
    origin: start.origin,
    offer,
    to: start.keys?.to ?? body.payeeEncKey,
    receiptKey: start.keys?.receiptKey ?? body.payeeSignKey,
    amount: body.amount,
    allowance: start.allowance,
    confirmations: 0,
    payment: {
      requestId: parts.id,
      sid: body.sid,
      coins,
      certificates: certificates.slice(0, 8),
      ...(denominationKeys.length === 0 ? {} : { denominationKeys: denominationKeys.slice(0, 32) }),
      replyKey: randomKey(core.p),
      sessionKey: randomKey(core.p),
    },
  };
}

/**
 * Journals the payment: in ONE transaction, picks exact coins of `server`, reserves them, charges
 * the allowance if asked, and writes the op with the full 1c plaintext (request id, SK_AN1,
 * K_ses). Only then may 1c be sent.
 */
export async function startPay(core: Core, start: StartPay): Promise<PayOp> {
  const { offer, origin, server } = start;
  const { body } = offer;
  const now = core.now();
  const id = randomId(core.p);
  const tx = core.db.transaction(['coins', 'ops', 'allowances', 'tallies'], 'readwrite');
  const held = await counted(tx, body.currency, server.csName, start.scheme, body.amount, now);
  const picked = selectExact(placeholders(held.counts), body.amount);
  const coins = picked === null ? null : await held.take(picked);
  if (coins === null) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new NetCashError('insufficient-funds', 'Your wallet does not hold exact coins for this.');
  }
  if (start.allowance) await chargeAllowance(tx, origin, body.currency, body.amount, now);
  const op = payOpOf(core, start, {
    id,
    phase: 'pay',
    reserved: coins.map((c) => c.id),
    cs: server.csName,
    target: server.target,
    coins: coins.map((c) => c.coin),
  });
  await reserve(tx, coins, id);
  await tx.objectStore('ops').put(op);
  await tx.done;
  await core.faults.afterJournal?.({ kind: 'pay', opId: id, step: 'pay' });
  return op;
}
