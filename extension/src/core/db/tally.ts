/**
 * The `tallies` store: spendable coins counted per [currency, cs, value, expires, scheme]
 * (schema.ts `TallyRow`). Every write to `coins` goes through journal.ts, which collects the
 * change here and applies it in the same transaction; the schema migration that adds the store
 * fills it from the coins already held.
 *
 * Why: a balance counted from the `bySpend` index walks every key (Chromium's IndexedDB counts
 * by iterating), ~45–70 ms for 10,000 coins in the service worker, on every popup opening. A
 * wallet has a few hundred kinds of coin at most (values × the times they were minted).
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import type { CoinRow, TallyRow, WalletSchema } from './schema.ts';

type TallyKey = [string, string, number, number, string];

/** A transaction that may write `tallies` (any store list that includes it). */
type TallyTx = IDBPTransaction<
  WalletSchema,
  ArrayLike<StoreNames<WalletSchema>>,
  'readwrite' | 'versionchange'
>;

/** Pending changes to the tallies, per kind of coin. */
export class TallyChange {
  private readonly kinds = new Map<string, { key: TallyKey; by: number }>();

  /** A coin row is gone (`-1`) or new (`+1`); only spendable ones are counted. */
  count(row: CoinRow | undefined, by: 1 | -1): void {
    if (row === undefined || row.state !== 'spendable') return;
    const key: TallyKey = [row.currency, row.cs, row.value, row.expires, row.coin.body.scheme];
    const id = JSON.stringify(key);
    const kind = this.kinds.get(id);
    if (kind === undefined) this.kinds.set(id, { key, by });
    else kind.by += by;
  }

  /** Writes the changes in `tx` (which must include `tallies`). */
  async apply(tx: TallyTx): Promise<void> {
    const store = tx.objectStore('tallies');
    for (const { key, by } of this.kinds.values()) {
      if (by === 0) continue;
      const coins = ((await store.get(key))?.coins ?? 0) + by;
      if (coins > 0) {
        const [currency, cs, value, expires, scheme] = key;
        const row: TallyRow = {
          currency,
          cs,
          value,
          expires,
          scheme: scheme as TallyRow['scheme'],
          coins,
        };
        await store.put(row);
      } else {
        await store.delete(key);
      }
    }
    this.kinds.clear();
  }
}
