/**
 * Settling a journaled payment by what the currency server answered to its exchanges (one per
 * issuer of the coins, payment.ts), so that a payor never loses value without a receipt:
 *
 *   all exchanged                        the receipt (message 2); the fresh coins are held
 *   any still open (transient)           nothing yet: the journal entry waits and is sent again
 *                                        with the same request ids (retry, re-drive, restart)
 *   all refused                          the refusal is passed on; nothing was taken or stored
 *   some exchanged, the rest refused     a refund (PROTOCOL §5): message 2 carries the fresh
 *                                        coins of the parts exchanged instead of a receipt; the
 *                                        merchant keeps nothing and no receipt exists
 *
 * The refund is stored as the payment's reply, so a retry of the same 1c gets the same bytes.
 */
import {
  type Coin,
  fail,
  isTransient,
  type Message2,
  type NetCashError,
  ok,
  type PaymentRefund,
  type Result,
  sealPaymentResult,
} from '@netcash/protocol';
import type { MerchantContext } from './context.ts';
import * as says from './publisher-log.ts';
import type { HeldCoin, PendingPayment } from './store/types.ts';

/** What the CS answered to one journaled exchange: its fresh coins, or a refusal. */
export type ExchangeOutcome = Result<{ readonly coins: readonly Coin[] }>;

/**
 * Settles `pending` by `outcomes` (in the order of `pending.exchanges`). The stored message 2, or
 * the refusal to send; `paid` is true when a receipt was issued.
 */
export async function settlePayment(
  ctx: MerchantContext,
  pending: PendingPayment,
  outcomes: readonly ExchangeOutcome[],
): Promise<{ reply: Result<Message2>; paid: boolean }> {
  const taken: Coin[] = [];
  const refusals: { error: NetCashError; serials: string[] }[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.ok) {
      taken.push(...outcome.value.coins);
      continue;
    }
    // The CS may have acted: leave the journal entry for the next retry or re-drive.
    if (isTransient(outcome.error)) {
      says.paymentWaiting(ctx.log, pending, outcome.error);
      return { reply: outcome, paid: false };
    }
    const serials = pending.exchanges[i]!.request.instruments.map((x) => x.coin.body.serial);
    refusals.push({ error: outcome.error, serials });
  }
  const refusal = refusals[0]?.error;
  if (refusal === undefined) return { reply: await complete(ctx, pending, taken), paid: true };
  if (taken.length === 0) {
    says.paymentRefused(ctx.log, pending, refusal);
    await ctx.store.abandonPayment(pending.requestId);
    return { reply: { ok: false, error: refusal }, paid: false };
  }
  const refund: PaymentRefund = {
    code: refusal.code,
    message:
      `Part of the payment was refused (${refusal.code}: ${refusal.message}); the value taken is returned.`.slice(
        0,
        280,
      ),
    coins: taken,
    refused: refusals.flatMap((r) => r.serials),
  };
  const reply = sealPaymentResult(ctx.p, pending.replyKey, {
    requestId: pending.requestId,
    refund,
  });
  await ctx.store.refundPayment(pending.requestId, { reply, date: ctx.now() });
  says.paymentRefunded(ctx.log, pending, refund);
  return { reply: await stored(ctx, pending), paid: false };
}

/** The receipt, the coins held, the journal entry gone — in one transaction. */
async function complete(
  ctx: MerchantContext,
  pending: PendingPayment,
  coins: readonly Coin[],
): Promise<Result<Message2>> {
  const { body } = pending.receipt;
  const reply = sealPaymentResult(ctx.p, pending.replyKey, {
    requestId: pending.requestId,
    receipt: pending.receipt,
  });
  await ctx.store.completePayment(pending.requestId, {
    receipt: {
      tid: body.tid,
      sid: body.sid,
      amount: body.amount,
      currency: body.currency,
      date: body.date,
      sessionKey: pending.sessionKey,
      receipt: pending.receipt,
    },
    reply,
    coins: coins.map(held),
  });
  return stored(ctx, pending);
}

/** Another driver (a process sharing the database) may have answered first: send its bytes. */
async function stored(ctx: MerchantContext, pending: PendingPayment): Promise<Result<Message2>> {
  const done = await ctx.store.completedPayment(pending.requestId);
  return done === undefined
    ? fail('internal', 'payment vanished after completion')
    : ok(done.reply);
}

/** A fresh coin from the merchant's CS, as the purse holds it. */
export function held(coin: Coin): HeldCoin {
  const { body } = coin;
  return {
    serial: body.serial,
    value: body.value,
    currency: body.currency,
    expires: body.expires,
    coin,
  };
}
