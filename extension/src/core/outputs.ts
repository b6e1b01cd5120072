/**
 * What the wallet asks a currency server to mint in a buy or an exchange (SPEC §7): blind-rsa
 * coins for the values the CS has a denomination key for — when the shopper's setting allows,
 * which it does by default — and nc1 coins for the rest.
 *
 *   planOutputs     values → `want` ({values, blinded}) and the blinding secrets (coin bodies
 *                   with their serials, and inverses). The caller journals both with the request,
 *                   before sending it, so a crash after the CS answered can still finish the coins.
 *   receiveOutputs  the CS's result → coins: blind signatures finalized (RFC 9474 §4.4) with the
 *                   journaled secrets, then every coin verified offline and the values checked.
 *
 * Blind-rsa coins are unlinkable: the CS signs blinded messages and never sees a serial before
 * the coin is spent, so it cannot tell which withdrawal a coin it redeems came from.
 */
import {
  type AnyCoin,
  type BlindSecret,
  type Coin,
  finishBlindCoins,
  NetCashError,
  type Outputs,
  prepareBlindCoins,
  splitBlindable,
} from '@netcash/protocol';
import { checkMinted, coinRow } from './coins.ts';
import type { Core } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import { currencyServers } from './trust.ts';

export interface PlannedOutputs {
  readonly want: Outputs;
  /** Secrets of `want.blinded`, in its order; absent when nothing is blinded. */
  readonly blind?: readonly BlindSecret[];
}

/** The outputs for `values` at CS `cs`, blinded where the CS offers a key (and allowed). */
export function planOutputs(core: Core, cs: string, values: readonly number[]): PlannedOutputs {
  const now = core.now();
  // Every wallet puts the same address in its coins: the first of the CS's newest certificate.
  const addr = currencyServers(core).find((s) => s.csName === cs)?.target.addresses[0];
  const split =
    core.blindCoins !== false && addr !== undefined
      ? splitBlindable(core.trust, cs, values, now)
      : { blind: [], plain: [...values] };
  if (split.blind.length === 0 || addr === undefined) return { want: { values: [...values] } };
  const prepared = prepareBlindCoins(core.p, core.trust, { cs, addr }, split.blind, now);
  if (!prepared.ok) return { want: { values: [...values] } };
  return {
    want: { values: split.plain, blinded: prepared.value.blinded },
    blind: prepared.value.secrets,
  };
}

/** The coins of a buy or exchange result, finished and verified (throws if they don't check out). */
export async function receiveOutputs(
  core: Core,
  result: { readonly coins: readonly Coin[]; readonly blindSigs?: readonly string[] },
  planned: PlannedOutputs,
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
