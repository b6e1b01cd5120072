/**
 * Writing the journal. Each helper takes an open transaction whose store list the caller names
 * (Taler's `mktx(x => [x.ops, x.coins])`), so one transaction both records an operation's
 * progress and moves its coins: there is no state in which a coin is reserved without an
 * operation that owns it, or an operation finished while its coins still look reserved.
 */
import type { ErrorBody, NetCashError } from '@netcash/protocol';
import type { IDBPTransaction, StoreNames } from 'idb';
import type { Core } from '../context.ts';
import type { CoinRow, HistoryRow, WalletSchema } from '../db/schema.ts';
import { TallyChange } from '../db/tally.ts';
import { nextAttemptAt } from '../schedule.ts';
import type { Op, OpStatus } from './types.ts';

/** Any read-write transaction; each caller names its stores when it opens one. */
export type Tx = IDBPTransaction<WalletSchema, ArrayLike<StoreNames<WalletSchema>>, 'readwrite'>;

/** The op with its status and bookkeeping updated (not yet written). */
export function advance<O extends Op>(
  core: Core,
  op: O,
  changes: Partial<O> & { status?: OpStatus },
): O {
  return { ...op, ...changes, updated: core.now() };
}

/**
 * Records a send that ended without an answer worth acting on; the op stays pending and is
 * re-sent by itself after a backoff (schedule.ts).
 */
export async function noteAttempt<O extends Op>(
  core: Core,
  op: O,
  error: NetCashError,
): Promise<O> {
  const attempts = op.attempts + 1;
  const next: O = {
    ...op,
    attempts,
    lastError: error.toBody(),
    updated: core.now(),
    nextAttempt: nextAttemptAt(core, attempts),
  };
  await core.db.put('ops', next);
  return next;
}

/** Reserved coins of an op, in the order of `ids` (missing ones skipped). */
export async function reservedCoins(tx: Tx, ids: readonly string[]): Promise<CoinRow[]> {
  const store = tx.objectStore('coins');
  const rows: CoinRow[] = [];
  for (const id of ids) {
    const row = await store.get(id);
    if (row !== undefined) rows.push(row);
  }
  return rows;
}

/** Coins an op had reserved were spent: delete them. */
export async function deleteCoins(tx: Tx, ids: readonly string[]): Promise<void> {
  const store = tx.objectStore('coins');
  const change = new TallyChange();
  for (const id of ids) {
    change.count(await store.get(id), -1);
    await store.delete(id);
  }
  await change.apply(tx);
}

/**
 * A server proved the coins were not spent: they are spendable again — or, coins under a revoked
 * key, `recovering` again (`stateOf` says which; redeem.ts).
 */
export async function releaseCoins(
  tx: Tx,
  ids: readonly string[],
  stateOf: (row: CoinRow) => 'spendable' | 'recovering' = () => 'spendable',
): Promise<void> {
  const store = tx.objectStore('coins');
  const change = new TallyChange();
  for (const id of ids) {
    const row = await store.get(id);
    if (row === undefined) continue;
    const { opId: _released, ...rest } = row;
    const next: CoinRow = { ...rest, state: stateOf(row) };
    change.count(row, -1);
    change.count(next, 1);
    await store.put(next);
  }
  await change.apply(tx);
}

/**
 * Writes coin rows (new ones, or held ones in a new state), keeping the spendable tallies in
 * step (db/tally.ts). Every write to `coins` goes through here or `deleteCoins`/`releaseCoins`,
 * in a transaction that includes `tallies`.
 */
export async function putCoins(tx: Tx, rows: readonly CoinRow[]): Promise<void> {
  const store = tx.objectStore('coins');
  const change = new TallyChange();
  for (const row of rows) {
    change.count(await store.get(row.id), -1);
    change.count(row, 1);
    await store.put(row);
  }
  await change.apply(tx);
}

export async function addCoins(tx: Tx, rows: readonly CoinRow[]): Promise<void> {
  await putCoins(tx, rows);
}

export async function addHistory(tx: Tx, row: HistoryRow): Promise<void> {
  await tx.objectStore('history').add(row);
}

export function errorBody(error: NetCashError): ErrorBody {
  return error.toBody();
}

/** All pending operations, oldest first. */
export async function pendingOps(core: Core): Promise<Op[]> {
  const ops = await core.db.getAllFromIndex('ops', 'byStatus', 'pending');
  return ops.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
}
