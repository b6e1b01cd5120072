/**
 * The flags with which an operator drives time (docs/PROTOCOL.md §4.7, §10): coin lifetime,
 * redemption window (the insurer's policy), pruning grace and maintenance interval. Durations are
 * seconds, or a number with `s`, `m`, `h` or `d` (`30d`, `12h`).
 */
import type { Flag, Parsed } from './args.ts';
import { UsageError } from './args.ts';

export const COIN_LIFETIME: Flag = {
  name: 'coin-lifetime',
  help: 'how long a new coin pays (e.g. 30d); blind-rsa keys take withdrawals 7d before that',
  env: 'NETCASH_COIN_LIFETIME',
};
export const REDEMPTION_WINDOW: Flag = {
  name: 'redemption-window',
  help: "insurer policy: how long after a coin's expiry its CS still exchanges or cashes it out (e.g. 365d)",
  env: 'NETCASH_REDEMPTION_WINDOW',
};
export const PRUNE_GRACE: Flag = {
  name: 'prune-grace',
  help: 'how long after the redemption window a serial is kept before it is pruned (e.g. 7d)',
  env: 'NETCASH_PRUNE_GRACE',
};
export const MAINTENANCE_INTERVAL: Flag = {
  name: 'maintenance-interval',
  help: 'time between maintenance runs: pruning, renewals, replacing revoked keys (e.g. 1h; 0 = off)',
  env: 'NETCASH_MAINTENANCE_INTERVAL',
};

/** Every time flag of a currency server. */
export const CS_TIME_FLAGS: Flag[] = [COIN_LIFETIME, PRUNE_GRACE, MAINTENANCE_INTERVAL];

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** A duration flag in seconds, or undefined when not given. */
export function duration(args: Parsed, name: string): number | undefined {
  const text = args.get(name);
  if (text === undefined) return undefined;
  const m = /^(\d{1,10})([smhd]?)$/.exec(text.trim());
  if (m === null) throw new UsageError(`--${name} wants seconds or a number with s, m, h or d`);
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

/** A currency server's time settings from its flags (absent ones keep their defaults). */
export function csTime(args: Parsed): {
  coinLifetime?: number;
  pruneGrace?: number;
  maintenanceIntervalMs?: number;
} {
  const lifetime = duration(args, 'coin-lifetime');
  const grace = duration(args, 'prune-grace');
  const interval = duration(args, 'maintenance-interval');
  if (lifetime === 0) throw new UsageError('--coin-lifetime must be more than 0');
  return {
    ...(lifetime === undefined ? {} : { coinLifetime: lifetime }),
    ...(grace === undefined ? {} : { pruneGrace: grace }),
    ...(interval === undefined ? {} : { maintenanceIntervalMs: interval * 1000 }),
  };
}
