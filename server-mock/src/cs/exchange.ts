/**
 * `exchange` (paper §4.1): own coins in, fresh coins out, same total, the outputs the requester
 * asks for (nc1 values and blinded blind-rsa coins, SPEC §7). In one transaction the nc1 serials
 * are deleted from the outstanding list, the blind-rsa serials inserted into the spent list, and
 * the new nc1 serials and blind-rsa withdrawals recorded; a coin already spent is a double spend
 * and the whole request is refused with nothing changed. Coins of another certified CS go
 * through foreign.ts.
 */
import {
  type AnyCoinBody,
  type ExchangeRequest,
  NetCashError,
  totalValue,
} from '@netcash/protocol';
import { outputs, refuseSignedBefore } from './coins.ts';
import { exchangeForeign } from './foreign.ts';
import { takeOwnCoins } from './redeem.ts';
import type { OpRun, Reply } from './requests.ts';

/** Triplet C_B coins among `coins`: their redemption is remembered for the payor's claim. */
export function tripletSpends(coins: readonly AnyCoinBody[]) {
  return coins.flatMap((c) =>
    c.scheme === 'nc1' && c.lock?.role === 'B'
      ? [{ tripletId: c.lock.tripletId, serial: c.serial, owner: c.lock.owner, value: c.value }]
      : [],
  );
}

export async function exchange(run: OpRun<ExchangeRequest>): Promise<Reply> {
  const { ctx, request } = run;
  await refuseSignedBefore(ctx, request.want);
  const foreign = request.instruments.filter((i) => i.coin.body.cs !== ctx.name).length;
  if (foreign === request.instruments.length) return exchangeForeign(run);
  if (foreign > 0) {
    throw new NetCashError('malformed', 'exchange own coins and foreign coins separately');
  }
  const { coins, taken } = await takeOwnCoins(ctx, request.instruments, request.requestId);
  const out = outputs(ctx, request.want);
  if (out.total !== totalValue(coins)) {
    throw new NetCashError('wrong-amount', `the coins are worth ${totalValue(coins)}`);
  }
  return run.finish(
    {
      requestId: request.requestId,
      op: 'exchange',
      coins: out.coins,
      ...(out.blindSigs === undefined ? {} : { blindSigs: out.blindSigs }),
    },
    { ...taken, ...out.changes, tripletSpends: tripletSpends(coins) },
  );
}
