/**
 * The wallet's operations that must cope with time (docs/PROTOCOL.md §4.7), as the wallet runs
 * them: a refresh first brings back what can no longer pay but is still owed (redeem.ts), and a
 * buy or cash-out that trips on a key replaced since the insurer's lists were read reads them
 * again and goes on under the successor — nothing was charged or spent by the first attempt.
 */
import { NetCashError } from '@netcash/protocol';
import { startBuy } from './buy.ts';
import { driveCashout, startCashout } from './cashout.ts';
import type { Core } from './context.ts';
import { driveExchange, startExchange } from './exchange.ts';
import { driveWatched } from './interactive.ts';
import { pendingOps } from './journal/journal.ts';
import type { BuyOp, CashoutOp, Op } from './journal/types.ts';
import { refreshPlan, type SpreadPolicy } from './policy.ts';
import { recoverCoins, sweepRevoked } from './redeem.ts';
import { currencyServers, endedServer, refreshTrust } from './trust.ts';

/** Reads the insurer's lists again and sets coins under newly revoked keys apart. */
async function relearn(core: Core): Promise<void> {
  await refreshTrust(core).catch(() => undefined);
  await sweepRevoked(core);
}

/**
 * Renews coins that expired while the wallet was closed and recoups coins under revoked keys,
 * then keeps a spread of denominations and replaces coins near expiry at every CS (or one). A CS
 * with a refresh still pending is left to it: one refresh at a time.
 */
export async function refreshCoins(core: Core, policy: SpreadPolicy, cs?: string): Promise<Op[]> {
  const out: Op[] = await recoverCoins(core, policy, cs);
  out.push(...(await cashOutEnded(core, cs)));
  const busy = new Set(
    (await pendingOps(core)).flatMap((op) =>
      op.kind === 'exchange' && op.purpose === 'refresh' ? [op.cs] : [],
    ),
  );
  for (const server of currencyServers(core)) {
    if ((cs !== undefined && server.csName !== cs) || busy.has(server.csName)) continue;
    // No reshuffle at a server the shopper stopped using: its coins are kept as they are.
    if (server.stopped) continue;
    const now = core.now();
    const op = await startExchange(core, server.csName, 'refresh', (coins) =>
      refreshPlan(coins, server.denominations, policy, now),
    );
    if (op !== null) out.push(await driveExchange(core, op));
  }
  return out;
}

/**
 * Coins of currency servers whose insurance ended (PROTOCOL §4.7, a CS withdrawn) can be neither
 * paid nor renewed: they are cashed out to the shopper's bank account while their issuer still
 * owes them — when it is at that CS's bank (else they wait, shown as recovering).
 */
async function cashOutEnded(core: Core, cs?: string): Promise<CashoutOp[]> {
  const out: CashoutOp[] = [];
  const waits = (error: unknown) =>
    error instanceof NetCashError &&
    (error.code === 'wrong-payee' || error.code === 'wallet-not-ready');
  for (const name of core.csNames) {
    if ((cs !== undefined && name !== cs) || endedServer(core, name) === undefined) continue;
    for (;;) {
      const op = await startCashout(core, name).catch((error: unknown) => {
        if (waits(error)) return null;
        throw error;
      });
      if (op === null) break;
      const driven = await driveCashout(core, op);
      out.push(driven);
      if (driven.status !== 'done') break;
    }
  }
  return out;
}

/**
 * A buy, driven while the shopper waits. The CS refuses to sign under a denomination key the
 * insurer revoked (a refusal charges nothing): the wallet then takes the key's successor from
 * the insurer's lists and buys once more.
 */
export async function buyCoins(
  core: Core,
  amount: number,
  cs: string | undefined,
  policy: SpreadPolicy,
): Promise<BuyOp> {
  const op = await driveWatched(core, await startBuy(core, amount, cs, policy));
  if (op.status !== 'failed' || op.lastError?.code !== 'revoked') return op;
  await relearn(core);
  return driveWatched(core, await startBuy(core, amount, cs, policy));
}

/**
 * A cash-out of what `cs` owes (all, or exactly `amount`). No valid certificate known for `cs` (its key was revoked
 * and replaced since the lists were read): read them again, then cash out under the new one.
 */
export async function startCashoutNow(
  core: Core,
  cs: string,
  amount?: number,
): Promise<CashoutOp | null> {
  return startCashout(core, cs, amount).catch(async (error: unknown) => {
    if (!(error instanceof NetCashError) || error.code !== 'unknown-cert') throw error;
    await relearn(core);
    return startCashout(core, cs, amount);
  });
}
