/**
 * The publisher's books, read from its store: what was sold (receipts by resource and by UTC day),
 * the coins held by currency server, and the cash-outs with their checks. The same numbers the
 * federation's audit sees from the other side: coins held at a CS are part of its outstanding
 * list, deposited checks are in the publisher's bank balance. `unaccounted` is what the sales do
 * not find in coins, checks, deposits or write-offs: 0 when the books balance.
 */
import type { Catalogue } from '../server/catalogue.ts';
import type { Cashout, MerchantStore } from '../server/store/types.ts';

export interface SalesLine {
  readonly count: number;
  readonly amount: number;
}

export interface PublisherBooks {
  readonly currency: string | null;
  readonly sold: SalesLine;
  /** By S_id, with the path and description the configuration gives it. */
  readonly byResource: readonly (SalesLine & {
    readonly sid: string;
    readonly path: string | null;
    readonly description: string | null;
  })[];
  /** By UTC day (`YYYY-MM-DD`), oldest first. */
  readonly byDay: readonly (SalesLine & { readonly day: string })[];
  /** Coins held, not yet cashed out, by the currency server that issued them. */
  readonly held: { readonly value: number; readonly byCs: readonly (SalesLine & { cs: string })[] };
  readonly cashouts: readonly CashoutLine[];
  /** Deposited into the bank account. */
  readonly deposited: number;
  /** Cash-outs under way (coins sent, or a check not yet deposited). */
  readonly inFlight: number;
  /** Checks the bank refused, kept for the operator. */
  readonly refusedChecks: number;
  /** Coins the merchant's CS refused at cash-out (double-spent, expired, …), taken off the books. */
  readonly writtenOff: number;
  readonly unaccounted: number;
}

export interface CashoutLine {
  readonly id: string;
  readonly state: string;
  readonly amount: number;
  readonly currency: string;
  readonly created: string;
  readonly completed: string | null;
  readonly check: {
    readonly checkNo: string;
    readonly drawer: string;
    readonly payee: string;
    readonly bank: string;
  } | null;
  readonly error: string | null;
}

const dayOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
const timeOf = (seconds: number) =>
  new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function add(
  map: Map<string, { count: number; amount: number }>,
  key: string,
  n: number,
  a: number,
) {
  const line = map.get(key) ?? { count: 0, amount: 0 };
  map.set(key, { count: line.count + n, amount: line.amount + a });
}

function cashoutLine(c: Cashout): CashoutLine {
  const check = c.check?.body;
  return {
    id: c.id,
    state: c.state,
    amount: c.amount,
    currency: c.currency,
    created: timeOf(c.created),
    completed: c.completed === null ? null : timeOf(c.completed),
    check:
      check === undefined
        ? null
        : { checkNo: check.checkNo, drawer: check.drawer, payee: check.payee, bank: check.bank },
    error: c.error,
  };
}

export async function publisherBooks(
  store: MerchantStore,
  catalogue: Catalogue,
): Promise<PublisherBooks> {
  const [sales, coins, cashouts] = await Promise.all([
    store.sales(),
    store.heldCoins(),
    store.cashouts(),
  ]);
  const bySid = new Map<string, { count: number; amount: number }>();
  const byDay = new Map<string, { count: number; amount: number }>();
  for (const row of sales) {
    add(bySid, row.sid, row.count, row.amount);
    add(byDay, dayOf(row.day), row.count, row.amount);
  }
  const byCs = new Map<string, { count: number; amount: number }>();
  for (const c of coins) add(byCs, c.coin.body.cs, 1, c.value);
  const sum = (list: readonly Cashout[]) => list.reduce((n, c) => n + c.amount, 0);
  const deposited = sum(cashouts.filter((c) => c.state === 'deposited'));
  const inFlight = sum(cashouts.filter((c) => c.state === 'pending' || c.state === 'checked'));
  const refusedChecks = sum(cashouts.filter((c) => c.state === 'failed' && c.check !== null));
  const sold = [...bySid.values()].reduce(
    (t, l) => ({ count: t.count + l.count, amount: t.amount + l.amount }),
    { count: 0, amount: 0 },
  );
  const held = coins.reduce((n, c) => n + c.value, 0);
  // A `split` cash-out lives on in its parts. A `written-off` one is one coin's value, kept for
  // good; the coin's own line (`writeOffs()`) only for the paywall's `writeOffRetention`.
  const writtenOff = sum(cashouts.filter((c) => c.state === 'written-off'));
  return {
    currency: sales[0]?.currency ?? coins[0]?.currency ?? cashouts[0]?.currency ?? null,
    sold,
    byResource: [...bySid].map(([sid, line]) => {
      const resource = catalogue.bySid.get(sid);
      return {
        sid,
        path: resource?.path ?? null,
        description: resource?.description ?? null,
        ...line,
      };
    }),
    byDay: [...byDay].map(([day, line]) => ({ day, ...line })),
    held: { value: held, byCs: [...byCs].map(([cs, line]) => ({ cs, ...line })) },
    cashouts: cashouts.map(cashoutLine),
    deposited,
    inFlight,
    refusedChecks,
    writtenOff,
    unaccounted: sold.amount - held - deposited - inFlight - refusedChecks - writtenOff,
  };
}
