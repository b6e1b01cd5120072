/**
 * Buying coins (SPEC §4 `buy`): a check on the shopper's account, payable to the currency
 * server's certified account, sealed to the CS with the denominations wanted; the CS deposits the
 * check and mints. The check and the whole request are journaled before sending, so after a crash
 * the same request (same id, same check) is sent again and the CS answers with its stored coins —
 * the check can never buy twice (`check-cleared`) nor be lost.
 */
import {
  callCs,
  formatAmount,
  isTransient,
  NetCashError,
  randomId,
  randomKey,
} from '@netcash/protocol';
import { primaryAccount, writeCheck } from './bank.ts';
import type { Core } from './context.ts';
import { addCoins, addHistory, noteAttempt } from './journal/journal.ts';
import type { BuyOp } from './journal/types.ts';
import { sendWithFaults } from './net.ts';
import { planOutputs, receiveOutputs, rowsOf, unusedCounters } from './outputs.ts';
import { DEFAULT_POLICY, MAX_COINS, type SpreadPolicy, spread } from './policy.ts';
import { stoppedRefusal } from './stopped.ts';
import { currencyServers } from './trust.ts';

/** Why `amount` cannot be bought from `server` at once, in the shopper's words. */
function cannotMake(
  amount: number,
  server: { csName: string; currency: string; denominations: readonly number[] },
): string {
  const most = MAX_COINS * Math.max(...server.denominations);
  const asked = formatAmount(amount, server.currency);
  return amount > most
    ? `${asked} is more than ${server.csName} sells at once: buy at most ${formatAmount(most, server.currency)} at a time.`
    : `${server.csName}'s coins cannot add up to exactly ${asked}; try a slightly different amount.`;
}

/** Journals a buy of `amount` from CS `csName` (or the first one backed by the shopper's bank). */
export async function startBuy(
  core: Core,
  amount: number,
  csName: string | undefined,
  policy: SpreadPolicy = DEFAULT_POLICY,
): Promise<BuyOp> {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new NetCashError('malformed', 'Enter an amount greater than zero.');
  }
  const account = await primaryAccount(core);
  const servers = currencyServers(core).filter(
    (s) => s.bank === account.bank && s.currency === account.currency,
  );
  const server =
    csName === undefined
      ? servers.find((s) => !s.stopped)
      : servers.find((s) => s.csName === csName);
  if (server?.stopped === true) throw stoppedRefusal(server.csName);
  if (server === undefined) {
    throw new NetCashError(
      'unknown-cert',
      csName === undefined
        ? `No trusted currency server sells ${account.currency} for your bank.`
        : `The currency server ${csName} is not trusted or not backed by your bank.`,
    );
  }
  const values = spread(amount, server.denominations, policy.coverUpTo);
  if (values === null) throw new NetCashError('bad-denomination', cannotMake(amount, server));
  const check = writeCheck(core, account, {
    payee: server.account,
    amount,
    memo: `NetCash coins from ${server.csName}`,
  });
  const id = randomId(core.p);
  const now = core.now();
  // Blind-rsa where the CS offers it: the blinding secrets are journaled with the request, in
  // the transaction that takes their derivation counters.
  const tx = core.db.transaction(['ops', 'counters'], 'readwrite');
  const outputs = await planOutputs(core, server.csName, values, tx);
  const op: BuyOp = {
    kind: 'buy',
    id,
    status: 'pending',
    created: now,
    updated: now,
    attempts: 0,
    reserved: [],
    cs: server.csName,
    currency: server.currency,
    amount,
    account: account.account,
    target: server.target,
    request: {
      requestId: id,
      op: 'buy',
      instruments: [{ kind: 'check', check }],
      want: outputs.want,
      replyKey: randomKey(core.p),
    },
    ...(outputs.blind === undefined ? {} : { blind: outputs.blind }),
    ...(outputs.counters === undefined ? {} : { counters: outputs.counters }),
  };
  await tx.objectStore('ops').put(op);
  await tx.done;
  await core.faults.afterJournal?.({ kind: 'buy', opId: id, step: 'buy' });
  return op;
}

/** Sends (or re-sends) a journaled buy and stores its coins. Returns the op as it now stands. */
export async function driveBuy(core: Core, op: BuyOp): Promise<BuyOp> {
  const ctx = { kind: 'buy', opId: op.id, step: 'buy' } as const;
  const reply = await sendWithFaults(core, ctx, (fetchFn) =>
    callCs(core.p, op.target, op.request, { fetch: fetchFn, timeoutMs: core.net.timeoutMs }),
  );
  if (!reply.ok) {
    if (isTransient(reply.error)) return noteAttempt(core, op, reply.error);
    // A refusal changes nothing at the CS (PROTOCOL.md §4.4): the check was not cashed, and
    // nothing was signed, so the derivation counters can be used again.
    const failed: BuyOp = {
      ...op,
      status: 'failed',
      attempts: op.attempts + 1,
      lastError: reply.error.toBody(),
      updated: core.now(),
    };
    const tx = core.db.transaction(['ops', 'counters'], 'readwrite');
    await unusedCounters(tx, op, reply.error);
    await tx.objectStore('ops').put(failed);
    await tx.done;
    return failed;
  }
  const planned = { want: op.request.want, ...(op.blind === undefined ? {} : { blind: op.blind }) };
  const coins = await receiveOutputs(core, reply.value, planned, op.cs, op.currency);
  await core.faults.afterReply?.(ctx);
  const done: BuyOp = { ...op, status: 'done', attempts: op.attempts + 1, updated: core.now() };
  const tx = core.db.transaction(['ops', 'coins', 'history', 'tallies'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  if (current?.status === 'pending') {
    await addCoins(tx, rowsOf(core, coins, planned));
    await tx.objectStore('ops').put(done);
    await addHistory(tx, {
      date: core.now(),
      kind: 'buy',
      amount: op.amount,
      currency: op.currency,
      cs: op.cs,
      opId: op.id,
      description: `Coins from ${op.cs}`,
    });
  }
  await tx.done;
  return done;
}
