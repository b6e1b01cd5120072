/**
 * Coins the wallet holds: rows, checks on coins fresh from a currency server, balances and the
 * mix of coin schemes (SPEC §7).
 *
 * A coin is stored only after it verifies offline (SPEC §3, §7: signature under its certificate
 * or denomination key, which a trusted insurer signed, not revoked or expired) and the values are
 * the ones asked for. A coin is `spendable` or `reserved` by exactly one journal operation.
 */
import {
  type AnyCoin,
  type AnyCoinBody,
  type CoinSchemeName,
  fail,
  NetCashError,
  ok,
  type Result,
  signerIdOf,
  verifyCoins,
} from '@netcash/protocol';
import type { Core } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import { refreshTrust } from './trust.ts';

export function coinId(body: { cs: string; serial: string }): string {
  return `${body.cs}/${body.serial}`;
}

export function coinRow(core: Core, coin: AnyCoin, opId?: string): CoinRow {
  const { body } = coin;
  const base = {
    id: coinId(body),
    cs: body.cs,
    currency: body.currency,
    value: body.value,
    expires: body.expires,
    certId: signerIdOf(body),
    coin,
    added: core.now(),
  };
  return opId === undefined
    ? { ...base, state: 'spendable' }
    : { ...base, state: 'reserved', opId };
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  const x = [...a].sort((m, n) => m - n);
  const y = [...b].sort((m, n) => m - n);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function checkMintedSync(
  core: Core,
  coins: readonly AnyCoin[],
  want: readonly number[],
  cs: string,
  currency: string,
): Result<AnyCoinBody[]> {
  const verified = verifyCoins(core.p, core.trust, coins, { now: core.now(), cs, currency });
  if (!verified.ok) return verified;
  if (verified.value.some((c) => c.scheme === 'nc1' && c.lock !== undefined)) {
    return fail('locked', 'a locked coin');
  }
  if (
    !sameValues(
      verified.value.map((c) => c.value),
      want,
    )
  ) {
    return fail('wrong-amount', 'the coins are not the values asked for');
  }
  return ok(verified.value);
}

/**
 * Verifies coins a CS minted for us. An unknown certificate (the CS rotated its key) triggers
 * one refresh of the trusted lists before giving up.
 */
export async function checkMinted(
  core: Core,
  coins: readonly AnyCoin[],
  want: readonly number[],
  cs: string,
  currency: string,
): Promise<AnyCoinBody[]> {
  let checked = checkMintedSync(core, coins, want, cs, currency);
  if (!checked.ok && checked.error.code === 'unknown-cert') {
    await refreshTrust(core).catch(() => undefined);
    checked = checkMintedSync(core, coins, want, cs, currency);
  }
  if (!checked.ok) {
    throw new NetCashError(
      checked.error.code,
      `The currency server ${cs} sent coins that do not check out: ${checked.error.message}`,
    );
  }
  return checked.value;
}

export interface Balance {
  readonly currency: string;
  /**
   * The shopper's value: spendable coins, and coins an exchange is refreshing (still theirs —
   * the exchange gives the same value back), so a background refresh never dips the balance.
   */
  readonly spendable: number;
  /** Value committed to a payment or cash-out still in progress. */
  readonly reserved: number;
  readonly coins: number;
  readonly byCs: Readonly<Record<string, { spendable: number; reserved: number; coins: number }>>;
}

interface Tally {
  spendable: number;
  reserved: number;
  coins: number;
}

/**
 * Balances per currency and per currency server (expired coins don't count). Spendable coins are
 * read from the `tallies` store (db/tally.ts: a count per kind of coin, kept by every coin
 * write), never counted one by one; reserved coins — those of operations in flight, a few — are
 * read whole to see whose operation holds them.
 */
export async function balances(core: Core): Promise<Balance[]> {
  const now = core.now();
  const out = new Map<string, Tally & { byCs: Map<string, Tally> }>();
  const add = (
    currency: string,
    cs: string,
    key: 'spendable' | 'reserved',
    value: number,
    n: number,
  ) => {
    let b = out.get(currency);
    if (b === undefined) {
      b = { spendable: 0, reserved: 0, coins: 0, byCs: new Map() };
      out.set(currency, b);
    }
    let c = b.byCs.get(cs);
    if (c === undefined) {
      c = { spendable: 0, reserved: 0, coins: 0 };
      b.byCs.set(cs, c);
    }
    b[key] += value;
    c[key] += value;
    b.coins += n;
    c.coins += n;
  };
  const tx = core.db.transaction(['coins', 'ops', 'tallies'], 'readonly');
  for (const t of await tx.objectStore('tallies').getAll()) {
    if (t.expires > now) add(t.currency, t.cs, 'spendable', t.value * t.coins, t.coins);
  }
  const reserved = await tx.objectStore('coins').index('byState').getAll('reserved');
  const exchanging = new Set(
    (await tx.objectStore('ops').index('byStatus').getAll('pending'))
      .filter((op) => op.kind === 'exchange')
      .map((op) => op.id),
  );
  await tx.done;
  for (const row of reserved) {
    if (row.expires <= now) continue;
    // Coins an exchange is refreshing are still the shopper's (it gives the same value back).
    const mine = row.opId !== undefined && exchanging.has(row.opId);
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

/** Spendable, unexpired coins of one CS. */
export async function spendableOf(core: Core, cs: string): Promise<CoinRow[]> {
  const now = core.now();
  const rows = await core.db.getAllFromIndex('coins', 'byCs', cs);
  return rows.filter((r) => r.state === 'spendable' && r.expires > now);
}

/** Spendable value held in one coin scheme (SPEC §7), per currency. */
export interface SchemeHolding {
  readonly currency: string;
  readonly scheme: CoinSchemeName;
  readonly coins: number;
  readonly value: number;
}

/**
 * How the spendable, unexpired coins split between schemes: nc1 coins are traceable by their
 * issuing CS, blind-rsa coins are not. Read from the `tallies` store (db/tally.ts), for the
 * popup's details: a few rows, not a walk over every coin's index key.
 */
export async function schemeMix(core: Core): Promise<SchemeHolding[]> {
  const now = core.now();
  const out = new Map<
    string,
    { currency: string; scheme: CoinSchemeName; coins: number; value: number }
  >();
  for (const t of await core.db.getAll('tallies')) {
    if (t.expires <= now) continue;
    const id = `${t.currency} ${t.scheme}`;
    const held = out.get(id) ?? { currency: t.currency, scheme: t.scheme, coins: 0, value: 0 };
    held.coins += t.coins;
    held.value += t.value * t.coins;
    out.set(id, held);
  }
  return [...out.values()].sort(
    (a, b) => a.currency.localeCompare(b.currency) || a.scheme.localeCompare(b.scheme),
  );
}
