/**
 * Payments of triplet coins (SPEC §6, paper figure 6 and §5.4): coins C_B locked to this payee's
 * key, spendable by it alone until the end of their first window. Nobody else can redeem such a
 * coin before then — the payor's C_A is claimable only after — so the payee can take it offline:
 * verify it (signature, certificate, lock, window: payment.ts and `checkLocks` below), remember
 * its serial, answer with the receipt at once, and redeem it at its issuer before the window
 * closes (redemption.ts). This is what lets a wallet pay with triplets it obtained in advance
 * while every currency server is out of reach.
 *
 *   lock.owner    the key the payment is sealed to (1b session) or the offer's key      `locked`
 *   window        notBefore ≤ now                                                   `not-yet-valid`
 *                 now + lead ≤ notAfter: time left to redeem it                          `expired`
 *                 notAfter ≤ now + longest: how long the serial must be remembered `limit-exceeded`
 *   paid before   a C_B serial taken already (until its window closes)             `double-spent`
 */
import {
  type AnyCoin,
  type CoinLock,
  fail,
  isNc1,
  type Message2,
  ok,
  type Result,
  sealPaymentResult,
} from '@netcash/protocol';
import type { TripletWindows } from './config.ts';
import type { MerchantContext } from './context.ts';
import type { PayeeKeyPair } from './keys.ts';
import type { PendingPayment, Redemption } from './store/types.ts';

/** How the coins of a payment are taken: offline (all C_B of this payee), or at the CS first. */
export type LockPlan =
  | { readonly offline: true; readonly locks: readonly CoinLock[] }
  | { readonly offline: false };

const lockOf = (coin: AnyCoin): CoinLock | undefined => (isNc1(coin) ? coin.body.lock : undefined);

/** Every coin is a C_B (a first-window triplet coin): a payment that may be taken offline. */
export function allLocked(coins: readonly AnyCoin[]): boolean {
  return coins.every((coin) => lockOf(coin)?.role === 'B');
}

/**
 * Checks the locks of a payment's coins (offline, after their signatures and certificates). Coins
 * all locked as C_B to this payee, within `windows`, are taken offline; otherwise any locked coin
 * must be this payee's and inside its window, and goes to the CS before the answer like the rest.
 */
export function checkLocks(
  ctx: MerchantContext,
  coins: readonly AnyCoin[],
  recipient: PayeeKeyPair,
  now: number,
): Result<LockPlan> {
  const owners = new Set([recipient.signKey, ctx.keys.signKey]);
  const locks: CoinLock[] = [];
  for (const coin of coins) {
    const lock = lockOf(coin);
    if (lock === undefined) continue;
    if (lock.role !== 'B' || !owners.has(lock.owner)) {
      return fail('locked', 'a coin is locked to another key than this payee\u2019s');
    }
    if (now < lock.notBefore) return fail('not-yet-valid', 'a locked coin is not valid yet');
    if (now >= lock.notAfter) return fail('expired', 'a locked coin\u2019s window has passed');
    locks.push(lock);
  }
  const windows = ctx.triplets;
  if (windows === null || locks.length === 0 || locks.length < coins.length) {
    return ok({ offline: false });
  }
  const refused = outsideWindows(locks, windows, now);
  return refused ?? ok({ offline: true, locks });
}

function outsideWindows(
  locks: readonly CoinLock[],
  windows: TripletWindows,
  now: number,
): Result<never> | null {
  for (const lock of locks) {
    if (lock.notAfter - now < windows.lead) {
      return fail(
        'expired',
        `a triplet coin's window closes in ${lock.notAfter - now} s: this payee needs ${windows.lead} s to redeem it`,
        { notAfter: lock.notAfter, lead: windows.lead },
      );
    }
    if (lock.notAfter - now > windows.longest) {
      return fail(
        'limit-exceeded',
        `a triplet coin's window ends in ${lock.notAfter - now} s: this payee takes at most ${windows.longest} s`,
        { notAfter: lock.notAfter, longest: windows.longest },
      );
    }
  }
  return null;
}

/**
 * Takes a payment of C_B coins offline: the receipt and message 2, the C_B serials and the
 * journaled redemptions in one transaction, then the answer — no currency server asked.
 */
export async function takeOffline(
  ctx: MerchantContext,
  pending: PendingPayment,
  coins: readonly AnyCoin[],
): Promise<Result<Message2>> {
  const notAfter = new Map(coins.map((c) => [c.body.serial, lockOf(c)?.notAfter ?? 0]));
  const { body } = pending.receipt;
  const redemptions: Redemption[] = pending.exchanges.map((exchange) => {
    const serials = exchange.request.instruments.map((i) => i.coin.body.serial);
    return {
      paymentId: pending.requestId,
      exchange,
      value: exchange.request.instruments.reduce((s, i) => s + i.coin.body.value, 0),
      currency: body.currency,
      notAfter: Math.min(...serials.map((s) => notAfter.get(s) ?? 0)),
      state: 'pending',
      error: null,
      created: pending.created,
    };
  });
  const reply = sealPaymentResult(ctx.p, pending.replyKey, {
    requestId: pending.requestId,
    receipt: pending.receipt,
  });
  const taken = await ctx.store.takeLocked({
    requestId: pending.requestId,
    digest: pending.digest,
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
    redemptions,
    coins: [...notAfter].map(([serial, end]) => ({ serial, notAfter: end })),
  });
  switch (taken.kind) {
    case 'taken':
      return ok(reply);
    case 'completed':
      return taken.payment.digest === pending.digest
        ? ok(taken.payment.reply)
        : fail('request-id-reused');
    case 'double-spent':
      return fail('double-spent', 'a triplet coin of this payment was paid here before', {
        serials: taken.serials,
      });
  }
}
