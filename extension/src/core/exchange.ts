/**
 * Exchanging coins at their currency server (SPEC §4 `exchange`): own coins in, fresh coins of
 * the values asked for out, same total. The wallet uses it to make change before a payment, to
 * keep a spread of denominations (policy.ts), to replace coins near expiry, and to *probe*:
 * an exchange that succeeds is the CS's proof that the coins were not spent.
 *
 * Outcomes: fresh coins → the old ones are deleted and the new stored in one transaction.
 * `double-spent`/`expired` on several coins → each coin is probed alone (one journaled exchange
 * each), so only the coins really gone are written off. Any other refusal changed nothing at the
 * CS (PROTOCOL.md §4.4), so the coins are spendable again.
 */

import type { CsResultOf } from '@netcash/protocol';
import {
  callCs,
  isTransient,
  type NetCashError,
  type Result,
  randomId,
  randomKey,
} from '@netcash/protocol';
import { instrumentFor, underRevokedKey } from './coins.ts';
import type { Core } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import {
  addCoins,
  addHistory,
  deleteCoins,
  noteAttempt,
  putCoins,
  releaseCoins,
  type Tx,
} from './journal/journal.ts';
import type { CsTargetRow, ExchangeOp, ExchangePurpose } from './journal/types.ts';
import { sendWithFaults } from './net.ts';
import { planOutputs, receiveOutputs, rowsOf, unusedCounters } from './outputs.ts';
import { oneScheme } from './schemes.ts';
import { currencyServer, currencyServers } from './trust.ts';

export interface ExchangeChoice {
  readonly coins: readonly CoinRow[];
  readonly values: readonly number[];
}

/** An exchange op, its outputs planned inside `tx` (which includes `counters`). */
async function exchangeOp(
  core: Core,
  tx: Tx,
  purpose: ExchangePurpose,
  cs: string,
  currency: string,
  target: CsTargetRow,
  choice: ExchangeChoice,
): Promise<ExchangeOp> {
  const id = randomId(core.p);
  const now = core.now();
  const outputs = await planOutputs(core, cs, choice.values, tx);
  return {
    kind: 'exchange',
    id,
    status: 'pending',
    created: now,
    updated: now,
    attempts: 0,
    reserved: choice.coins.map((c) => c.id),
    cs,
    currency,
    purpose,
    target,
    request: {
      requestId: id,
      op: 'exchange',
      instruments: choice.coins.map((c) => instrumentFor(core, c)),
      want: outputs.want,
      replyKey: randomKey(core.p),
    },
    ...(outputs.blind === undefined ? {} : { blind: outputs.blind }),
    ...(outputs.counters === undefined ? {} : { counters: outputs.counters }),
  };
}

/**
 * Inside `tx` (with `coins`, `ops`, `tallies`, `counters`): journals an exchange of held `coins`
 * for fresh ones of the same values at their CS — for coins the wallet did not mint itself (a
 * payee's refund), so that what it holds comes from its recovery phrase (PROTOCOL §4.8). Driven
 * by the next recover; null when the CS is no longer trusted.
 */
export async function journalExchange(
  core: Core,
  tx: Tx,
  purpose: ExchangePurpose,
  coins: readonly CoinRow[],
): Promise<ExchangeOp | null> {
  const cs = coins[0]?.cs;
  const server = currencyServers(core).find((s) => s.csName === cs);
  if (cs === undefined || server === undefined) return null;
  const op = await exchangeOp(core, tx, purpose, cs, server.currency, server.target, {
    coins,
    values: coins.map((c) => c.value),
  });
  await reserve(tx, coins, op.id);
  await tx.objectStore('ops').put(op);
  return op;
}

/** Marks `coins` reserved by `opId` inside `tx`. */
export async function reserve(tx: Tx, coins: readonly CoinRow[], opId: string): Promise<void> {
  await putCoins(
    tx,
    coins.map((c) => ({ ...c, state: 'reserved', opId })),
  );
}

/** Coins an exchange may take by default: spendable and unexpired. */
export const payable = (row: CoinRow, now: number): boolean =>
  row.state === 'spendable' && row.expires > now;

/**
 * Journals an exchange at CS `cs`: in ONE transaction, reads the coins `pick` admits (default:
 * spendable and unexpired; of `cs`, or of issuer `from` for a consolidation), lets `choose` pick
 * coins and values — among one scheme's coins at a time while blind coins are on, blind-rsa
 * first (schemes.ts) — reserves them and writes the op. Null when `choose` finds nothing to do.
 */
export async function startExchange(
  core: Core,
  cs: string,
  purpose: ExchangePurpose,
  choose: (spendable: CoinRow[]) => ExchangeChoice | null,
  from: string = cs,
  pick: (row: CoinRow, now: number) => boolean = payable,
): Promise<ExchangeOp | null> {
  const server = currencyServer(core, cs);
  const now = core.now();
  const tx = core.db.transaction(['coins', 'ops', 'tallies', 'counters'], 'readwrite');
  const all = await tx.objectStore('coins').index('byCs').getAll(from);
  // One scheme per request while blind coins are on (docs/PRIVACY.md "Mixing").
  const choice = oneScheme(
    core,
    all.filter((c) => pick(c, now)),
    choose,
  );
  let op: ExchangeOp | null = null;
  if (choice !== null && choice.coins.length > 0) {
    op = await exchangeOp(core, tx, purpose, cs, server.currency, server.target, choice);
    await reserve(tx, choice.coins, op.id);
    await tx.objectStore('ops').put(op);
  }
  await tx.done;
  if (op !== null)
    await core.faults.afterJournal?.({ kind: 'exchange', opId: op.id, step: purpose });
  return op;
}

/** Sends an exchange request through the fault points. */
export function sendExchange(
  core: Core,
  target: CsTargetRow,
  request: ExchangeOp['request'],
  ctx: { kind: 'exchange' | 'pay'; opId: string; step: string },
): Promise<Result<CsResultOf<'exchange'>>> {
  return sendWithFaults(core, ctx, (fetchFn) =>
    callCs(core.p, target, request, { fetch: fetchFn, timeoutMs: core.net.timeoutMs }),
  );
}

/** Sends (or re-sends) a journaled exchange and settles it. */
export async function driveExchange(core: Core, op: ExchangeOp): Promise<ExchangeOp> {
  const ctx = { kind: 'exchange', opId: op.id, step: op.purpose } as const;
  const reply = await sendExchange(core, op.target, op.request, ctx);
  if (!reply.ok && isTransient(reply.error)) {
    return noteAttempt(core, op, reply.error);
  }
  let fresh: CoinRow[] = [];
  if (reply.ok) {
    const planned = {
      want: op.request.want,
      ...(op.blind === undefined ? {} : { blind: op.blind }),
    };
    const coins = await receiveOutputs(core, reply.value, planned, op.cs, op.currency);
    await core.faults.afterReply?.(ctx);
    fresh = rowsOf(core, coins, planned);
  }
  const tx = core.db.transaction(['ops', 'coins', 'history', 'tallies', 'counters'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  let next: ExchangeOp = op;
  if (current?.status === 'pending') {
    if (reply.ok) {
      await deleteCoins(tx, op.reserved);
      await addCoins(tx, fresh);
      next = { ...op, status: 'done', attempts: op.attempts + 1, updated: core.now() };
      if (op.purpose === 'recoup' || op.purpose === 'renew') await noteRecovered(core, tx, op);
    } else {
      next = await settleRefusal(core, tx, op, reply.error);
    }
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}

/** Inside `tx`: what a definitive refusal of an exchange means for its coins. */
async function settleRefusal(
  core: Core,
  tx: Tx,
  op: ExchangeOp,
  error: NetCashError,
): Promise<ExchangeOp> {
  const failed: ExchangeOp = {
    ...op,
    status: 'failed',
    attempts: op.attempts + 1,
    lastError: error.toBody(),
    updated: core.now(),
  };
  // Refused outright: nothing was signed (given back before any probe takes counters).
  await unusedCounters(tx, op, error);
  const released = await releaseOrProbe(core, tx, op, error);
  return released ? { ...failed, status: 'rolled-back' } : failed;
}

/** The shopper's history line for value recovered (docs/PROTOCOL.md §4.7), in words. */
async function noteRecovered(core: Core, tx: Tx, op: ExchangeOp): Promise<void> {
  const value = op.request.instruments.reduce((s, i) => s + i.coin.body.value, 0);
  await addHistory(tx, {
    date: core.now(),
    kind: 'recovered',
    amount: value,
    currency: op.currency,
    cs: op.cs,
    opId: op.id,
    description:
      op.purpose === 'recoup'
        ? `${op.cs} replaced coins whose key was withdrawn by the insurer with new ones`
        : `${op.cs} replaced coins that expired while the wallet was closed with new ones`,
  });
}

/** Refusals about a coin itself (spent, past its redemption window, not recoupable). */
const COIN_GONE: ReadonlySet<string> = new Set(['double-spent', 'expired', 'revoked']);

/**
 * Inside `tx` (which includes `counters`: probes take derivation counters), after a CS refused a request spending `op`'s reserved coins: `double-spent`,
 * `expired` or `revoked` on one coin writes it off; on several coins, each is probed alone (a
 * journaled single-coin exchange, the coin moving to the probe still reserved; a probe of coins
 * being recovered recovers too). Any other refusal changed nothing at the CS, so the coins are
 * spendable again — or, for a recoup, recovering again (returns true).
 */
export async function releaseOrProbe(
  core: Core,
  tx: Tx,
  op: {
    id: string;
    reserved: readonly string[];
    cs: string;
    currency: string;
    target: CsTargetRow;
    purpose?: ExchangePurpose;
  },
  error: NetCashError,
): Promise<boolean> {
  if (!COIN_GONE.has(error.code)) {
    await releaseCoins(tx, op.reserved, (row) =>
      underRevokedKey(core, row) ? 'recovering' : 'spendable',
    );
    return true;
  }
  const rows = (await Promise.all(op.reserved.map((id) => tx.objectStore('coins').get(id)))).filter(
    (r): r is CoinRow => r !== undefined,
  );
  if (rows.length === 1) {
    // One coin alone: the CS says it is spent or expired. It is worth nothing to us any more.
    const coin = rows[0]!;
    await deleteCoins(tx, [coin.id]);
    await addHistory(tx, {
      date: core.now(),
      kind: 'lost',
      amount: -coin.value,
      currency: coin.currency,
      cs: coin.cs,
      opId: op.id,
      description:
        error.code === 'expired'
          ? 'A coin expired too long ago to be exchanged'
          : error.code === 'revoked'
            ? 'A coin under a withdrawn key could not be recovered'
            : 'A coin was already spent',
      error: error.toBody(),
    });
    return false;
  }
  for (const row of rows) {
    const purpose = op.purpose === 'recoup' || op.purpose === 'renew' ? op.purpose : 'probe';
    const probe = await exchangeOp(core, tx, purpose, op.cs, op.currency, op.target, {
      coins: [row],
      values: [row.value],
    });
    await reserve(tx, [row], probe.id);
    await tx.objectStore('ops').put(probe);
  }
  return false;
}
