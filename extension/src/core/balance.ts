/**
 * What the shopper holds, per currency and currency server (the popup's first line):
 *
 *   spendable   coins that pay now, and coins a refresh is exchanging (same value comes back)
 *   reserved    committed to a payment or cash-out still in progress
 *   recovering  coins the wallet can't pay with but their currency server still owes
 *               (docs/PROTOCOL.md §4.7): expired while the wallet was closed, under a key the
 *               insurer revoked, and those being exchanged for fresh ones (renew, recoup)
 *
 * Spendable and late coins are read from the `tallies` store (db/tally.ts: a count per kind of
 * coin, kept by every coin write), never counted one by one; reserved and recovering coins —
 * those of operations in flight or swept after a revocation, a few — are read whole.
 */
import type { Core } from './context.ts';
import type { TallyRow } from './db/schema.ts';

export interface Balance {
  readonly currency: string;
  /**
   * The shopper's value: spendable coins, and coins an exchange is refreshing (still theirs —
   * the exchange gives the same value back), so a background refresh never dips the balance.
   */
  readonly spendable: number;
  /** Value committed to a payment or cash-out still in progress. */
  readonly reserved: number;
  /** Value their currency servers still owe on coins that can't pay now (renew, recoup). */
  readonly recovering: number;
  readonly coins: number;
  readonly byCs: Readonly<
    Record<string, { spendable: number; reserved: number; recovering: number; coins: number }>
  >;
}

type Part = 'spendable' | 'reserved' | 'recovering';

interface Tally {
  spendable: number;
  reserved: number;
  recovering: number;
  coins: number;
}

const empty = (): Tally => ({ spendable: 0, reserved: 0, recovering: 0, coins: 0 });

/** Until when a kind of coin past its `expires` is still owed by its CS (0 when unknown). */
function owedUntil(core: Core, t: TallyRow): number {
  if (t.scheme === 'blind-rsa') {
    const key = core.trust
      .denominationKeysOf(t.cs)
      .find((k) => k.value === t.value && k.depositUntil === t.expires);
    return key?.redeemUntil ?? 0;
  }
  // nc1: the window of the CS's certificates (the coins' own certificate is one of them).
  const windows = core.trust.certificatesOf(t.cs).map((c) => c.redeemFor);
  return t.expires + Math.max(0, ...windows);
}

export async function balances(core: Core): Promise<Balance[]> {
  const now = core.now();
  const out = new Map<string, Tally & { byCs: Map<string, Tally> }>();
  const add = (currency: string, cs: string, key: Part, value: number, n: number) => {
    let b = out.get(currency);
    if (b === undefined) {
      b = { ...empty(), byCs: new Map() };
      out.set(currency, b);
    }
    let c = b.byCs.get(cs);
    if (c === undefined) {
      c = empty();
      b.byCs.set(cs, c);
    }
    b[key] += value;
    c[key] += value;
    b.coins += n;
    c.coins += n;
  };
  const tx = core.db.transaction(['coins', 'ops', 'tallies'], 'readonly');
  for (const t of await tx.objectStore('tallies').getAll()) {
    const n = t.coins;
    if (t.expires > now) add(t.currency, t.cs, 'spendable', t.value * n, n);
    else if (now < owedUntil(core, t)) add(t.currency, t.cs, 'recovering', t.value * n, n);
  }
  const byState = tx.objectStore('coins').index('byState');
  const reserved = await byState.getAll('reserved');
  const recovering = await byState.getAll('recovering');
  const pending = await tx.objectStore('ops').index('byStatus').getAll('pending');
  await tx.done;
  const refreshing = new Set<string>();
  const recovered = new Set<string>();
  for (const op of pending) {
    if (op.kind !== 'exchange') continue;
    if (op.purpose === 'recoup' || op.purpose === 'renew') recovered.add(op.id);
    else refreshing.add(op.id);
  }
  for (const row of recovering) add(row.currency, row.cs, 'recovering', row.value, 1);
  for (const row of reserved) {
    if (row.opId !== undefined && recovered.has(row.opId)) {
      add(row.currency, row.cs, 'recovering', row.value, 1);
      continue;
    }
    if (row.expires <= now) continue;
    // Coins an exchange is refreshing are still the shopper's (it gives the same value back).
    const mine = row.opId !== undefined && refreshing.has(row.opId);
    add(row.currency, row.cs, mine ? 'spendable' : 'reserved', row.value, 1);
  }
  return [...out.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, { byCs, ...b }]) => ({
      currency,
      ...b,
      byCs: Object.fromEntries([...byCs.entries()].sort(([x], [y]) => x.localeCompare(y))),
    }));
}
