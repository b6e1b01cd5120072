/**
 * The shopper's settings, small named rows in the `settings` store: the spread of denominations
 * to keep, one-time payee keys (1a/1b), blind-rsa coins, and changes to the network policy (how
 * long the wallet waits for servers; tests shorten it), and from which price a payment is protected
 * by a triplet (SPEC §6).
 */
import type { Core, NetPolicy } from './context.ts';
import { DEFAULT_POLICY, type SpreadPolicy } from './policy.ts';
import { PROTECT_FROM, protectFromSetting } from './triplets/policy.ts';

export interface WalletSettings {
  readonly policy: SpreadPolicy;
  /** Ask the payee for per-session keys first (messages 1a/1b). */
  readonly sessionKeys: boolean;
  /**
   * Withdraw blind-rsa coins (SPEC §7) where a CS offers a denomination key for the value:
   * unlinkable by the CS. On unless the shopper turns it off.
   */
  readonly blindCoins: boolean;
  /** Changes to the network policy (tests shorten timeouts and backoff with it). */
  readonly network: Partial<NetPolicy>;
  /** Payments of at least this much (minor units) are protected by a triplet (SPEC §6). */
  readonly protectFrom: number;
}

export const DEFAULT_SETTINGS: WalletSettings = {
  policy: DEFAULT_POLICY,
  sessionKeys: false,
  blindCoins: true,
  network: {},
  protectFrom: PROTECT_FROM,
};

export async function readSettings(core: Core): Promise<WalletSettings> {
  const rows = await core.db.getAll('settings');
  const get = (name: string) => rows.find((r) => r.name === name)?.value;
  const policy = get('policy') as SpreadPolicy | undefined;
  const network = get('network') as Partial<NetPolicy> | undefined;
  return {
    policy: policy ?? DEFAULT_SETTINGS.policy,
    sessionKeys: get('sessionKeys') === true,
    blindCoins: get('blindCoins') !== false,
    network: network ?? DEFAULT_SETTINGS.network,
    protectFrom: protectFromSetting(get('protectFrom')),
  };
}

export async function writeSettings(
  core: Core,
  changes: Partial<WalletSettings>,
): Promise<WalletSettings> {
  const tx = core.db.transaction(['settings'], 'readwrite');
  for (const [name, value] of Object.entries(changes)) {
    await tx.objectStore('settings').put({ name, value });
  }
  await tx.done;
  return readSettings(core);
}
