/**
 * Coins the wallet holds: rows, checks on coins fresh from a currency server, the instruments
 * that spend them, and the mix of coin schemes (SPEC §7). Balances are balance.ts.
 *
 * A coin is stored only after it verifies offline (SPEC §3, §7: signature under its certificate
 * or denomination key, which a trusted insurer signed, not revoked or expired) and the values are
 * the ones asked for. A coin is `spendable`, `reserved` by exactly one journal operation, or
 * `recovering` (its key revoked: redeem.ts).
 */
import {
  type AnyCoin,
  type AnyCoinBody,
  type CoinInstrument,
  type CoinSchemeName,
  fail,
  NetCashError,
  ok,
  type Result,
  recoupBlinding,
  signerIdOf,
  verifyCoins,
} from '@netcash/protocol';
import type { Core } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import { refreshTrust } from './trust.ts';

export function coinId(body: { cs: string; serial: string }): string {
  return `${body.cs}/${body.serial}`;
}

/**
 * The row of a coin received; `blinding` (r⁻¹ of a blind-rsa withdrawal) is kept for a recoup
 * should its denomination key be revoked (docs/PROTOCOL.md §4.7).
 */
export function coinRow(core: Core, coin: AnyCoin, opId?: string, blinding?: string): CoinRow {
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
    ...(blinding === undefined ? {} : { blinding }),
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

/**
 * The instrument that spends a held coin: the coin, and — for a blind-rsa coin whose
 * denomination key the insurer revoked — the blinding factor of its withdrawal, the recoup proof
 * its issuer asks for (docs/PROTOCOL.md §4.7). Nothing is revealed for any other coin.
 */
export function instrumentFor(core: Core, row: CoinRow): CoinInstrument {
  const { coin } = row;
  if (coin.body.scheme !== 'blind-rsa' || row.blinding === undefined) return { kind: 'coin', coin };
  const key = core.trust.denominationKey(coin.body.keyId);
  if (key === undefined || !core.trust.isRevoked(key)) return { kind: 'coin', coin };
  const blinding = recoupBlinding(core.trust, { body: coin.body, sig: coin.sig }, row.blinding);
  return blinding === null ? { kind: 'coin', coin } : { kind: 'coin', coin, blinding };
}

/** Whether a held coin's certificate or denomination key is on a revocation list we hold. */
export function underRevokedKey(core: Core, row: CoinRow): boolean {
  const signer =
    row.coin.body.scheme === 'blind-rsa'
      ? core.trust.denominationKey(row.certId)
      : core.trust.certificate(row.certId);
  return signer !== undefined && core.trust.isRevoked(signer);
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
