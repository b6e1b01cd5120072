/**
 * What the wallet asks a currency server to mint in a buy or an exchange (SPEC §7): blind-rsa
 * coins for the values the CS has a denomination key for — when the shopper's setting allows,
 * which it does by default — and nc1 coins for the rest.
 *
 *   planOutputs     values → `want` ({values, blinded, tag}) and the blinding secrets (coin
 *                   bodies with their serials, and inverses). The caller journals both with the
 *                   request, in the transaction passed in, before sending it, so a crash after
 *                   the CS answered can still finish the coins.
 *   receiveOutputs  the CS's result → coins: blind signatures finalized (RFC 9474 §4.4) with the
 *                   journaled secrets, then every coin verified offline and the values checked.
 *
 * Recoverable (docs/PROTOCOL.md §4.8): the secrets of blind-rsa outputs are derived from the
 * recovery phrase with the next counters of their keys, taken in the same transaction; nc1
 * outputs carry the restore tag of the day, which the CS keeps on their rows.
 *
 * Blind-rsa coins are unlinkable: the CS signs blinded messages and never sees a serial before
 * the coin is spent, so it cannot tell which withdrawal a coin it redeems came from.
 */
import {
  type AnyCoin,
  type BlindedOutput,
  type BlindSecret,
  type Coin,
  finishBlindCoins,
  NetCashError,
  type Outputs,
  prepareBlindCoins,
  restoreTag,
  splitBlindable,
} from '@netcash/protocol';
import { checkMinted, coinRow } from './coins.ts';
import type { Core } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import type { Tx } from './journal/journal.ts';
import type { CounterRange } from './journal/types.ts';
import { dayOf, derivedBlindCoin, tagSecret } from './restore/derive.ts';
import { returnCounters, takeCounters } from './restore/seed.ts';
import { currencyServers } from './trust.ts';

export interface PlannedOutputs {
  readonly want: Outputs;
  /** Secrets of `want.blinded`, in its order; absent when nothing is blinded. */
  readonly blind?: readonly BlindSecret[];
  /** The counters the derived blind-rsa outputs took (given back when refused outright). */
  readonly counters?: readonly CounterRange[];
}

/** Today's restore tag of nc1 coins minted at `cs` (none for a wallet without a phrase). */
export function todayTag(core: Core, cs: string): string | undefined {
  if (core.seed === undefined) return undefined;
  return restoreTag(core.p, tagSecret(core.seed, cs, dayOf(core.now())));
}

/** The nc1 part of `want`: the values, with today's restore tag at `cs` when there are any. */
function plainWant(core: Core, cs: string, values: readonly number[]): Outputs {
  const tag = values.length === 0 ? undefined : todayTag(core, cs);
  return tag === undefined ? { values: [...values] } : { values: [...values], tag };
}

/**
 * The outputs for `values` at CS `cs`, blinded where the CS offers a key (and allowed). Takes
 * derivation counters in `tx`, which must include the `counters` store.
 */
export async function planOutputs(
  core: Core,
  cs: string,
  values: readonly number[],
  tx: Tx,
): Promise<PlannedOutputs> {
  const now = core.now();
  // Every wallet puts the same address in its coins: the first of the CS's newest certificate.
  const addr = currencyServers(core).find((s) => s.csName === cs)?.target.addresses[0];
  const split =
    core.blindCoins !== false && addr !== undefined
      ? splitBlindable(core.trust, cs, values, now)
      : { blind: [], plain: [...values] };
  if (split.blind.length === 0 || addr === undefined) return { want: plainWant(core, cs, values) };
  const seed = core.seed;
  if (seed === undefined) {
    const prepared = prepareBlindCoins(core.p, core.trust, { cs, addr }, split.blind, now);
    if (!prepared.ok) return { want: plainWant(core, cs, values) };
    return {
      want: { ...plainWant(core, cs, split.plain), blinded: prepared.value.blinded },
      blind: prepared.value.secrets,
    };
  }
  // Each value's key; then a run of counters per key, taken in this transaction.
  const keys = split.blind.map((value) => {
    const key = core.trust.withdrawalKey(cs, value, now);
    const rsa = key === undefined ? undefined : core.trust.rsaKey(key.keyId);
    if (key === undefined || rsa === undefined) {
      throw new NetCashError('bad-denomination', `${cs} has no denomination key for ${value}`);
    }
    return { key, rsa };
  });
  const counts = new Map<string, number>();
  for (const { key } of keys) counts.set(key.keyId, (counts.get(key.keyId) ?? 0) + 1);
  const next = new Map<string, number>();
  const counters: CounterRange[] = [];
  for (const [keyId, count] of counts) {
    const from = await takeCounters(tx, keyId, cs, count);
    next.set(keyId, from);
    counters.push({ keyId, from, to: from + count });
  }
  const blinded: BlindedOutput[] = [];
  const secrets: BlindSecret[] = [];
  for (const { key, rsa } of keys) {
    const counter = next.get(key.keyId)!;
    next.set(key.keyId, counter + 1);
    const made = derivedBlindCoin(seed, rsa, key, addr, counter);
    blinded.push(made.output);
    secrets.push(made.secret);
  }
  return {
    want: { ...plainWant(core, cs, split.plain), blinded },
    blind: secrets,
    counters,
  };
}

/**
 * Inside `tx` (with `counters`), after a request was refused outright: its derivation counters
 * go back when still the last taken — unless the refusal says another wallet of the same phrase
 * used them (`already-signed`), which leaves them taken.
 */
export async function unusedCounters(
  tx: Tx,
  op: { readonly counters?: readonly CounterRange[] },
  error: NetCashError,
): Promise<void> {
  if (op.counters !== undefined && error.code !== 'already-signed') {
    await returnCounters(tx, op.counters);
  }
}

/** The coins of a buy or exchange result, finished and verified (throws if they don't check out). */
export async function receiveOutputs(
  core: Core,
  result: { readonly coins: readonly Coin[]; readonly blindSigs?: readonly string[] },
  planned: Pick<PlannedOutputs, 'want' | 'blind'>,
  cs: string,
  currency: string,
): Promise<AnyCoin[]> {
  const secrets = planned.blind ?? [];
  const blind = finishBlindCoins(core.trust, secrets, secrets.length === 0 ? [] : result.blindSigs);
  if (!blind.ok) {
    throw new NetCashError(
      blind.error.code,
      `The currency server ${cs} sent blind signatures that do not check out: ${blind.error.message}`,
    );
  }
  const coins: AnyCoin[] = [...result.coins, ...blind.value];
  await checkMinted(
    core,
    coins,
    [...planned.want.values, ...secrets.map((s) => s.body.value)],
    cs,
    currency,
  );
  return coins;
}

/**
 * Spendable rows for the coins of a buy or exchange result; a blind-rsa coin keeps r⁻¹ of its
 * withdrawal, its recoup proof should its key ever be revoked (docs/PROTOCOL.md §4.7).
 */
export function rowsOf(core: Core, coins: readonly AnyCoin[], planned: PlannedOutputs): CoinRow[] {
  const inv = new Map((planned.blind ?? []).map((s) => [s.body.serial, s.inv]));
  return coins.map((c) => coinRow(core, c, undefined, inv.get(c.body.serial)));
}
