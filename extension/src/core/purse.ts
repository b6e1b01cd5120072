/**
 * What the wallet holds, read without deserializing every coin. A coin row carries the whole
 * signed coin, and reading 10,000 of them to show a balance or choose a payment's coins cost
 * ~370 ms in Chromium's service worker and ~150 ms on fake-indexeddb (bench:wallet,
 * docs/PERFORMANCE.md). The `bySpend` index keys each row by [currency, cs, state, value,
 * expires], so:
 *
 *   - the values present are found by a skip scan (one index seek per distinct value),
 *   - the number of unexpired coins of each value by `count` over a key range — for a payment,
 *     only up to what an amount can use (`forAmount`), so choosing coins costs what the amount
 *     costs, not what the wallet holds,
 *   - a payment then reads only the coins it takes: per value, the earliest-expiring ones.
 *
 * No coin object is read until it is chosen. The planners (protocol `planPayment`,
 * `selectExact`) run on lightweight placeholders, one per counted coin.
 */
import type { IDBPIndex, StoreNames } from 'idb';
import type { CoinRow, CoinState, WalletSchema } from './db/schema.ts';

/** The `bySpend` index, in a transaction of any mode that includes `coins`. */
export type SpendIndex<
  Tx extends ArrayLike<StoreNames<WalletSchema>>,
  Mode extends IDBTransactionMode,
> = IDBPIndex<WalletSchema, Tx, 'coins', 'bySpend', Mode>;

/** Sorts after every number and string in a key (IndexedDB orders arrays last). */
const TOP: IDBValidKey[] = [];

/**
 * The first row at or after `lower` (exclusive when `open`) up to `upper`: one index seek. A
 * skip scan by seeks rather than cursor steps (`continue(key)` walks every key in between on some
 * IndexedDB implementations, fake-indexeddb among them).
 */
async function firstFrom<
  Tx extends ArrayLike<StoreNames<WalletSchema>>,
  Mode extends IDBTransactionMode,
>(
  index: SpendIndex<Tx, Mode>,
  lower: IDBValidKey[],
  upper: IDBValidKey[],
  open: boolean,
): Promise<CoinRow | undefined> {
  return (await index.getAll(IDBKeyRange.bound(lower, upper, open), 1))[0];
}

/** Every (currency, cs) that has coin rows: one seek per pair. */
export async function holders<
  Tx extends ArrayLike<StoreNames<WalletSchema>>,
  Mode extends IDBTransactionMode,
>(index: SpendIndex<Tx, Mode>): Promise<[string, string][]> {
  const out: [string, string][] = [];
  let row = await firstFrom(index, [], [TOP], false);
  while (row !== undefined) {
    out.push([row.currency, row.cs]);
    row = await firstFrom(index, [row.currency, row.cs, TOP], [TOP], true);
  }
  return out;
}

/**
 * How many coins of each value (currency, cs) holds in `state`, unexpired at `now` — or, with
 * `cap`, at most `cap(value)` of each: counting stops there, so the work is bounded by the
 * amount to pay instead of the size of the wallet (see `forAmount`).
 */
export async function valueCounts<
  Tx extends ArrayLike<StoreNames<WalletSchema>>,
  Mode extends IDBTransactionMode,
>(
  index: SpendIndex<Tx, Mode>,
  currency: string,
  cs: string,
  state: CoinState,
  now: number,
  cap?: (value: number) => number,
): Promise<Map<number, number>> {
  const values: number[] = [];
  const end = [currency, cs, state, TOP];
  let row = await firstFrom(index, [currency, cs, state], end, false);
  while (row !== undefined) {
    values.push(row.value);
    row = await firstFrom(index, [currency, cs, state, row.value, TOP], end, true);
  }
  const counts = new Map<number, number>();
  for (const value of values) {
    const range = unexpired(currency, cs, state, value, now);
    const most = cap === undefined ? Number.POSITIVE_INFINITY : Math.floor(cap(value));
    // getAllKeys(range, 0) would mean "no limit": a cap of 0 reads nothing.
    const n = !Number.isFinite(most)
      ? await index.count(range)
      : most > 0
        ? (await index.getAllKeys(range, most)).length
        : 0;
    if (n > 0) counts.set(value, n);
  }
  return counts;
}

/**
 * The cap for paying `amount`: ⌈amount / value⌉ coins of a value. Planning on that many loses
 * nothing (protocol coins/select.ts): an exact payment uses at most ⌊amount / value⌋ coins of a
 * value, and a smallest-overshoot cover never holds a coin it could drop and still cover, so it
 * uses fewer than amount / value + 1; and if a value's coins were cut at the cap they alone
 * cover the amount, so "not enough coins" is still told right.
 */
export function forAmount(amount: number): (value: number) => number {
  return (value) => Math.ceil(amount / value);
}

function unexpired(
  currency: string,
  cs: string,
  state: CoinState,
  value: number,
  now: number,
): IDBKeyRange {
  return IDBKeyRange.bound(
    [currency, cs, state, value, now],
    [currency, cs, state, value, TOP],
    true,
  );
}

/** A counted coin not read yet: all the planners need is its value. */
export interface Counted {
  readonly value: number;
}

/** One placeholder per counted coin, largest values first. */
export function placeholders(counts: ReadonlyMap<number, number>): Counted[] {
  const out: Counted[] = [];
  for (const [value, n] of [...counts.entries()].sort((a, b) => b[0] - a[0])) {
    for (let i = 0; i < n; i++) out.push({ value });
  }
  return out;
}

/**
 * The spendable coins standing for `chosen` placeholders: per value, that many unexpired coins,
 * earliest expiry first. Throws if they are no longer there (call inside the transaction that
 * counted them).
 */
export async function take<
  Tx extends ArrayLike<StoreNames<WalletSchema>>,
  Mode extends IDBTransactionMode,
>(
  index: SpendIndex<Tx, Mode>,
  currency: string,
  cs: string,
  chosen: readonly Counted[],
  now: number,
): Promise<CoinRow[]> {
  const need = new Map<number, number>();
  for (const c of chosen) need.set(c.value, (need.get(c.value) ?? 0) + 1);
  const rows: CoinRow[] = [];
  for (const [value, n] of need) {
    const got = await index.getAll(unexpired(currency, cs, 'spendable', value, now), n);
    if (got.length < n) throw new Error(`only ${got.length} coins of ${value} left`);
    rows.push(...got);
  }
  return rows;
}
