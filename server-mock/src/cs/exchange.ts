/**
 * `exchange` (paper §4.1): own coins in, fresh coins out, same total, the values the requester
 * asks for. The coins' serials are deleted from the outstanding list and the new ones inserted
 * in one transaction; a serial that is not outstanding is a double spend and the whole request
 * is refused with nothing changed. Coins of another certified CS go through foreign.ts.
 */
import { type CoinBody, type ExchangeRequest, NetCashError, totalValue } from '@netcash/protocol';
import { checkLock, checkValues, consumed, mint, total, verifyPresented } from './coins.ts';
import { exchangeForeign } from './foreign.ts';
import type { OpRun } from './requests.ts';

/** Triplet C_B coins among `coins`: their redemption is remembered for the payor's claim. */
export function tripletSpends(coins: readonly CoinBody[]) {
  return coins.flatMap((c) =>
    c.lock?.role === 'B'
      ? [{ tripletId: c.lock.tripletId, serial: c.serial, owner: c.lock.owner, value: c.value }]
      : [],
  );
}

export async function exchange(run: OpRun<ExchangeRequest>): Promise<string> {
  const { ctx, request } = run;
  const foreign = request.instruments.filter((i) => i.coin.body.cs !== ctx.name).length;
  if (foreign === request.instruments.length) return exchangeForeign(run);
  if (foreign > 0) {
    throw new NetCashError('malformed', 'exchange own coins and foreign coins separately');
  }
  const coins = await verifyPresented(ctx, request.instruments, true);
  for (const instrument of request.instruments) checkLock(ctx, instrument, request.requestId);
  const values = request.want.values;
  checkValues(ctx, values);
  if (total(values) !== totalValue(coins)) {
    throw new NetCashError('wrong-amount', `the coins are worth ${totalValue(coins)}`);
  }
  const minted = mint(ctx, values);
  return run.finish(
    { requestId: request.requestId, op: 'exchange', coins: minted.coins },
    { consume: consumed(coins), mint: minted.rows, tripletSpends: tripletSpends(coins) },
  );
}
