/**
 * Cash-out (SPEC §4 `cashout`): coins back to the shopper's bank account. Two journaled steps:
 * the CS consumes the coins and writes a check on its account payable to the shopper; the wallet
 * endorses it and deposits it at the bank. The check is stored in the journal before deposit, and
 * the bank's deposit is idempotent for the same check and account, so a crash between the two
 * re-deposits the same check and loses nothing.
 */
import {
  callCs,
  formatAmount,
  isTransient,
  NetCashError,
  planPayment,
  randomId,
  randomKey,
  selectExact,
  totalValue,
} from '@netcash/protocol';
import { deposit, endorse, primaryAccount } from './bank.ts';
import { instrumentFor } from './coins.ts';
import type { Core } from './context.ts';
import { releaseOrProbe, reserve, startExchange } from './exchange.ts';
import { addHistory, deleteCoins, noteAttempt } from './journal/journal.ts';
import type { CashoutOp, ExchangeOp } from './journal/types.ts';
import { sendWithFaults } from './net.ts';
import { MAX_COINS } from './policy.ts';
import { redeemable } from './redeem.ts';
import { currencyServer, endedServer } from './trust.ts';

/**
 * Journals a cash-out of what `cs` still owes: exactly `amount` when given (null when no subset
 * of the coins makes it: make change first), else every coin (at most 64 per operation) — the
 * spendable ones, those expired in their redemption window, and those under a revoked key, with
 * their recoup proofs (docs/PROTOCOL.md §4.7).
 */
export async function startCashout(
  core: Core,
  cs: string,
  amount?: number,
): Promise<CashoutOp | null> {
  const account = await primaryAccount(core);
  // A CS whose insurance ended still cashes out what it owes (PROTOCOL §4.7).
  const server = endedServer(core, cs) ?? currencyServer(core, cs);
  if (server.bank !== account.bank) {
    throw new NetCashError('wrong-payee', `${cs} pays out at another bank than yours.`);
  }
  const now = core.now();
  const id = randomId(core.p);
  const tx = core.db.transaction(['coins', 'ops', 'tallies'], 'readwrite');
  const all = await tx.objectStore('coins').index('byCs').getAll(cs);
  const owed = all.filter(
    (c) => (c.state === 'spendable' || c.state === 'recovering') && redeemable(core, c, now),
  );
  const picked = amount === undefined ? owed.slice(0, MAX_COINS) : selectExact(owed, amount);
  const coins = picked !== null && picked.length <= MAX_COINS ? picked : [];
  let op: CashoutOp | null = null;
  if (coins.length > 0) {
    op = {
      kind: 'cashout',
      id,
      status: 'pending',
      phase: 'cashout',
      created: now,
      updated: now,
      attempts: 0,
      reserved: coins.map((c) => c.id),
      cs,
      currency: server.currency,
      amount: totalValue(coins),
      account: account.account,
      target: server.target,
      request: {
        requestId: id,
        op: 'cashout',
        instruments: coins.map((c) => instrumentFor(core, c)),
        want: { bank: account.bank, payee: account.account, memo: 'NetCash cash-out' },
        replyKey: randomKey(core.p),
      },
    };
    await reserve(tx, coins, id);
    await tx.objectStore('ops').put(op);
  }
  await tx.done;
  if (op !== null) await core.faults.afterJournal?.({ kind: 'cashout', opId: id, step: 'cashout' });
  return op;
}

export async function driveCashout(core: Core, start: CashoutOp): Promise<CashoutOp> {
  let op = start;
  const account = await primaryAccount(core);
  if (op.phase === 'cashout') {
    const ctx = { kind: 'cashout', opId: op.id, step: 'cashout' } as const;
    const reply = await sendWithFaults(core, ctx, (fetchFn) =>
      callCs(core.p, op.target, op.request, { fetch: fetchFn, timeoutMs: core.net.timeoutMs }),
    );
    if (!reply.ok) {
      if (isTransient(reply.error)) return noteAttempt(core, op, reply.error);
      const tx = core.db.transaction(
        ['ops', 'coins', 'history', 'tallies', 'counters'],
        'readwrite',
      );
      const released = await releaseOrProbe(core, tx, op, reply.error);
      const next: CashoutOp = {
        ...op,
        status: released ? 'rolled-back' : 'failed',
        lastError: reply.error.toBody(),
        updated: core.now(),
      };
      await tx.objectStore('ops').put(next);
      await tx.done;
      return next;
    }
    const check = reply.value.check;
    const b = check.body;
    if (b.payee !== account.account || b.amount !== op.amount || b.currency !== op.currency) {
      throw new NetCashError('wrong-payee', `${op.cs} wrote a check that is not what was asked.`);
    }
    await core.faults.afterReply?.(ctx);
    op = {
      ...op,
      phase: 'deposit',
      check,
      endorsement: endorse(core, account, check),
      updated: core.now(),
    };
    const tx = core.db.transaction(['ops', 'coins', 'tallies'], 'readwrite');
    await deleteCoins(tx, op.reserved);
    await tx.objectStore('ops').put(op);
    await tx.done;
  }
  const ctx = { kind: 'cashout', opId: op.id, step: 'deposit' } as const;
  const check = op.check!;
  const endorsement = op.endorsement!;
  const deposited = await sendWithFaults(core, ctx, (fetchFn) =>
    deposit(core, account, check, endorsement, fetchFn),
  );
  if (!deposited.ok && isTransient(deposited.error)) {
    return noteAttempt(core, op, deposited.error);
  }
  const next: CashoutOp = deposited.ok
    ? { ...op, status: 'done', updated: core.now() }
    : { ...op, status: 'failed', lastError: deposited.error.toBody(), updated: core.now() };
  const tx = core.db.transaction(['ops', 'history'], 'readwrite');
  await tx.objectStore('ops').put(next);
  if (deposited.ok) {
    await addHistory(tx, {
      date: core.now(),
      kind: 'cashout',
      amount: -op.amount,
      currency: op.currency,
      cs: op.cs,
      opId: op.id,
      description: `Cashed out to account ${account.account}`,
    });
  }
  await tx.done;
  return next;
}

/**
 * Journals the one `change` exchange at `cs` after which its coins make `amount` exactly (for a
 * cash-out of an amount no subset of the coins makes), for the caller to drive. Refused in words
 * when `cs` holds less, or when the amount needs more coins than one request carries.
 */
export async function startChange(core: Core, cs: string, amount: number): Promise<ExchangeOp> {
  const server = currencyServer(core, cs);
  let held = 0;
  const op = await startExchange(core, cs, 'change', (coins) => {
    held = totalValue(coins);
    const plan = planPayment(coins, amount, server.denominations);
    return plan?.kind === 'change'
      ? { coins: plan.spend, values: [...plan.pay, ...plan.change] }
      : null;
  });
  if (op !== null) return op;
  const want = formatAmount(amount, server.currency);
  throw new NetCashError(
    'insufficient-funds',
    held < amount
      ? `You hold ${formatAmount(held, server.currency)} at ${cs}, less than ${want}.`
      : `${want} needs too many coins for one cash-out; cash out a smaller amount.`,
  );
}
