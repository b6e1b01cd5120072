/**
 * Currency servers the shopper stopped using (the popup's "Stop using"), and used again. A
 * stopped server stays trusted — its insurer still vouches for it, so the coins the wallet holds
 * of it keep their value — but the wallet takes no new coins from it: it buys none there, pays
 * with its coins only where they make the price exactly (no change minted there), moves no other
 * coins to it and does not reshuffle its coins there. What the wallet holds of it stays the
 * shopper's: it pays sites that take it as it is, can be moved to another server for a payment,
 * and can be cashed out to the bank; coins it can no longer pay with are still taken back
 * (redeem.ts), since that is money the shopper already has.
 */
import { NetCashError } from '@netcash/protocol';
import type { Core } from './context.ts';

/** The `settings` row holding the names, sorted. */
const SETTING = 'stoppedServers';

/** Reads the stopped servers into `core.stopped` (at open). */
export async function loadStopped(core: Core): Promise<void> {
  const value = (await core.db.get('settings', SETTING))?.value;
  const names = Array.isArray(value) ? value.filter((n): n is string => typeof n === 'string') : [];
  core.stopped = new Set(names);
}

export function isStopped(core: Core, csName: string): boolean {
  return core.stopped?.has(csName) === true;
}

/** Stops (`use` false) or resumes using the currency server `csName`. */
export async function useServer(core: Core, csName: string, use: boolean): Promise<void> {
  if (!core.csNames.includes(csName)) {
    throw new NetCashError('unknown-cert', `The wallet knows no currency server ${csName}.`);
  }
  const names = new Set(core.stopped);
  if (use) names.delete(csName);
  else names.add(csName);
  await core.db.put('settings', { name: SETTING, value: [...names].sort() });
  core.stopped = names;
}

/** The refusal of a buy the shopper asked for from a stopped server. */
export function stoppedRefusal(csName: string): NetCashError {
  return new NetCashError(
    'cs-stopped',
    `You stopped using ${csName}, so the wallet buys no coins from it. Use it again under ` +
      '"Insurers, servers and bank" to buy there.',
  );
}
