/**
 * One coin scheme per request (docs/PRIVACY.md "Mixing"). An nc1 coin is traceable by its
 * currency server to the check that bought it (SPEC §7); a payment or an exchange carrying it
 * next to blind-rsa coins would tie those blind coins to the same buyer. So while blind coins are
 * on (the shopper's setting, on by default), the wallet plans a payment on one scheme's coins —
 * blind-rsa first — and an exchange takes one scheme's coins at a time. With the setting off the
 * wallet pays as it did before blind coins existed: any coins of the CS.
 *
 * Counting one scheme's coins without reading them: the `tallies` store counts spendable coins per
 * [currency, cs, value, expires, scheme] (db/tally.ts), and the `bySpend` index finds the rows of
 * one value and expiry; a rare nc1 coin sharing that expiry with blind ones is skipped by reading
 * a few more.
 */
import type { CoinSchemeName } from '@netcash/protocol';
import type { IDBPTransaction, StoreNames } from 'idb';
import type { Core } from './context.ts';
import type { CoinRow, WalletSchema } from './db/schema.ts';
import type { Counted, SpendIndex } from './purse.ts';

/** A scheme to plan on, or `any` (blind coins off). */
export type SchemeChoice = CoinSchemeName | 'any';

/** The schemes a payment is planned on, in order of preference. */
export function schemeOrder(core: Core): readonly SchemeChoice[] {
  return core.blindCoins === false ? ['any'] : ['blind-rsa', 'nc1'];
}

/**
 * `choose` over one scheme's coins at a time (blind-rsa first), the first choice it makes; with
 * blind coins off, over all of them.
 */
export function oneScheme<C extends { readonly coins: readonly CoinRow[] }>(
  core: Core,
  coins: readonly CoinRow[],
  choose: (coins: CoinRow[]) => C | null,
): C | null {
  if (core.blindCoins === false) return choose([...coins]);
  for (const scheme of ['blind-rsa', 'nc1'] as const) {
    const group = coins.filter((c) => c.coin.body.scheme === scheme);
    if (group.length === 0) continue;
    const choice = choose(group);
    if (choice !== null && choice.coins.length > 0) return choice;
  }
  return null;
}

/** Per value, the expiries of one scheme's unexpired spendable coins and how many of each. */
export type Kinds = ReadonlyMap<number, readonly { expires: number; coins: number }[]>;

type AnyTx = IDBPTransaction<WalletSchema, ArrayLike<StoreNames<WalletSchema>>, IDBTransactionMode>;

/** One scheme's coins of (currency, cs), from the tallies (the transaction must include them). */
export async function kindsOf(
  tx: AnyTx,
  currency: string,
  cs: string,
  scheme: CoinSchemeName,
  now: number,
): Promise<Kinds> {
  const rows = await tx
    .objectStore('tallies')
    .getAll(IDBKeyRange.bound([currency, cs], [currency, cs, []]));
  const kinds = new Map<number, { expires: number; coins: number }[]>();
  for (const row of rows) {
    if (row.scheme !== scheme || row.expires <= now) continue;
    const list = kinds.get(row.value) ?? [];
    list.push({ expires: row.expires, coins: row.coins });
    kinds.set(row.value, list);
  }
  for (const list of kinds.values()) list.sort((a, b) => a.expires - b.expires);
  return kinds;
}

/** How many coins of each value `kinds` holds, at most `cap(value)` (as purse.ts valueCounts). */
export function countsOf(kinds: Kinds, cap?: (value: number) => number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [value, list] of kinds) {
    const n = list.reduce((s, k) => s + k.coins, 0);
    const most = cap === undefined ? n : Math.min(n, Math.floor(cap(value)));
    if (most > 0) counts.set(value, most);
  }
  return counts;
}

/**
 * The spendable coins of `scheme` standing for `chosen` placeholders: per value, earliest expiry
 * first (as purse.ts `take`). Throws if they are no longer there.
 */
export async function takeOf<
  Tx extends ArrayLike<StoreNames<WalletSchema>>,
  Mode extends IDBTransactionMode,
>(
  index: SpendIndex<Tx, Mode>,
  currency: string,
  cs: string,
  scheme: CoinSchemeName,
  chosen: readonly Counted[],
  kinds: Kinds,
): Promise<CoinRow[]> {
  const need = new Map<number, number>();
  for (const c of chosen) need.set(c.value, (need.get(c.value) ?? 0) + 1);
  const rows: CoinRow[] = [];
  for (const [value, n] of need) {
    let got = 0;
    for (const { expires, coins } of kinds.get(value) ?? []) {
      if (got === n) break;
      const key = [currency, cs, 'spendable', value, expires];
      // Every row of this kind, then ours among them: `coins` of them are of this scheme.
      const all = await index.getAll(IDBKeyRange.only(key));
      const mine = all
        .filter((r) => r.coin.body.scheme === scheme)
        .slice(0, Math.min(coins, n - got));
      rows.push(...mine);
      got += mine.length;
    }
    if (got < n) throw new Error(`only ${got} ${scheme} coins of ${value} left`);
  }
  return rows;
}
