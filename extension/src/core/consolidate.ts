/**
 * Consolidation: when no single currency server's coins can pay a price but the wallet's coins
 * of that currency together can, another CS's coins are exchanged at one the offer accepts.
 * That CS converts them at their issuer (SPEC §4 `exchange` of foreign coins, `convert`) and
 * mints its own, so the payment then comes from one CS and a reclaim stays one exchange.
 * One issuer per request (a CS refuses foreign coins of two issuers together).
 *
 * And across schemes (`unifySchemes`): with blind coins on, a payment takes one scheme's coins
 * (schemes.ts); when a CS's blind-rsa and nc1 coins pay only together, its nc1 coins are
 * exchanged alone for blind-rsa ones. That exchange shows the CS which nc1 coins came back, not
 * what the blind coins it signs will be: nothing ties the payment to them.
 */
import { NetCashError, type Offer, splitBlindable, totalValue } from '@netcash/protocol';
import { spendableOf } from './coins.ts';
import type { Core } from './context.ts';
import { driveExchange, startExchange } from './exchange.ts';
import type { ExchangeOp } from './journal/types.ts';
import { acceptedServers } from './pay.ts';
import { MAX_COINS, type SpreadPolicy, spread } from './policy.ts';
import { currencyServers } from './trust.ts';

/** Moves enough coins of other CSs to an accepted CS to pay `offer`; the exchanges it ran. */
export async function consolidate(
  core: Core,
  offer: Offer,
  policy: SpreadPolicy,
): Promise<ExchangeOp[]> {
  const { amount, currency } = offer.body;
  const accepted = acceptedServers(core, offer);
  const holdings = await Promise.all(
    currencyServers(core)
      .filter((s) => s.currency === currency)
      .map(async (s) => ({ server: s, value: totalValue(await spendableOf(core, s.csName)) })),
  );
  const total = holdings.reduce((sum, h) => sum + h.value, 0);
  // Coins are moved to a server the shopper still uses (the exchange mints coins there).
  const target = holdings
    .filter((h) => !h.server.stopped && accepted.some((a) => a.csName === h.server.csName))
    .sort((a, b) => b.value - a.value)[0];
  const stopped = accepted.filter((a) => a.stopped).map((a) => a.csName);
  if (target === undefined && stopped.length > 0 && total >= amount) {
    throw new NetCashError(
      'cs-stopped',
      `This site takes coins of ${stopped.join(', ')} only, which you stopped using: paying would ` +
        'need change from it. Use it again, or pay with coins that make the price exactly.',
    );
  }
  if (target === undefined || total < amount) {
    throw new NetCashError(
      'insufficient-funds',
      'Your wallet does not hold enough coins for this.',
    );
  }
  const ops: ExchangeOp[] = [];
  let held = target.value;
  const others = holdings
    .filter((h) => h.server.csName !== target.server.csName && h.value > 0)
    .sort((a, b) => b.value - a.value);
  for (const other of others) {
    if (held >= amount) break;
    const denominations = target.server.denominations;
    const op = await startExchange(
      core,
      target.server.csName,
      'consolidate',
      (coins) => {
        const moving = coins.slice(0, MAX_COINS);
        const values = spread(totalValue(moving), denominations, policy.coverUpTo);
        return values === null ? null : { coins: moving, values };
      },
      other.server.csName,
    );
    if (op === null) continue;
    const settled = await driveExchange(core, op);
    ops.push(settled);
    if (settled.status !== 'done') {
      throw new NetCashError(
        settled.lastError?.code ?? 'upstream-unavailable',
        `Could not move coins from ${other.server.csName} to ${target.server.csName}.`,
      );
    }
    held += totalValue(op.request.instruments.map((i) => i.coin.body));
  }
  return ops;
}

/**
 * Exchanges the nc1 coins of the accepted CS holding the most for blind-rsa coins (blinded where
 * the CS has a key for the value, outputs.ts), so that one scheme's coins can pay `offer`. False
 * when there is nothing to do (blind coins off, or no nc1 coins there).
 */
export async function unifySchemes(
  core: Core,
  offer: Offer,
  policy: SpreadPolicy,
): Promise<boolean> {
  if (core.blindCoins === false) return false;
  const { currency } = offer.body;
  const held = await Promise.all(
    acceptedServers(core, offer)
      // Renewing mints coins there: not at a server the shopper stopped using.
      .filter((s) => s.currency === currency && !s.stopped)
      .map(async (s) => ({ server: s, value: totalValue(await spendableOf(core, s.csName)) })),
  );
  const target = held.sort((a, b) => b.value - a.value)[0];
  if (target === undefined) return false;
  const cs = target.server.csName;
  // The nc1 coins held now: renewed once (a value with no key would come back as nc1 again).
  const renewing = new Set(
    (await spendableOf(core, cs)).filter((c) => c.coin.body.scheme === 'nc1').map((c) => c.id),
  );
  let ran = false;
  for (;;) {
    const op = await startExchange(core, cs, 'consolidate', (coins) => {
      const moving = coins.filter((c) => renewing.has(c.id)).slice(0, MAX_COINS);
      if (moving.length === 0) return null;
      const values = spread(totalValue(moving), target.server.denominations, policy.coverUpTo);
      // Only where the CS makes blind-rsa coins of them: nc1 for nc1 would change nothing.
      if (
        values === null ||
        splitBlindable(core.trust, cs, values, core.now()).blind.length === 0
      ) {
        return null;
      }
      return { coins: moving, values };
    });
    if (op === null) return ran;
    for (const id of op.reserved) renewing.delete(id);
    const settled = await driveExchange(core, op);
    if (settled.status !== 'done') {
      throw new NetCashError(
        settled.lastError?.code ?? 'upstream-unavailable',
        `Could not renew coins at ${cs} for this payment.`,
      );
    }
    ran = true;
  }
}
