/**
 * The anonymity set of the blind-rsa coins the wallet holds (docs/PRIVACY.md "Anonymity sets"):
 * when such a coin is spent its currency server learns only that it came from one of the
 * withdrawals under its key — so how many coins were withdrawn under that key is how many
 * purchases the spend could be any of. Each CS publishes the counts in its info (`withdrawn`);
 * the wallet reads them with its trusted lists (`readCrowds`) and shows them per key it holds
 * coins of, marking a small crowd.
 *
 * The counts are the CS's word, shown and never relied on: the key a coin is withdrawn under
 * follows from the insurer's public lists alone — the oldest key still taking withdrawals, the
 * one with the largest crowd (protocol TrustStore.withdrawalKey) — so a CS can't steer wallets
 * onto keys of their own by what it reports.
 */
import { CsInfo, endpoint, getJson, PATHS } from '@netcash/protocol';
import { type Core, http } from './context.ts';
import { currencyServers } from './trust.ts';

/** Fewer withdrawals than this under a key: its coins are marked as easy to single out. */
export const SMALL_CROWD = 50;

const SETTING = 'crowds';

interface Counts {
  /** When they were read (seconds). */
  readonly counted: number;
  /** Coins withdrawn per denomination key id, as each CS said. */
  readonly withdrawn: Readonly<Record<string, number>>;
}

/** One key the wallet holds blind-rsa coins of. */
export interface Crowd {
  readonly cs: string;
  readonly currency: string;
  readonly value: number;
  readonly keyId: string;
  /** Coins of it the wallet holds (spendable). */
  readonly held: number;
  /** Coins withdrawn under it so far, by everyone, as its CS last said; null when not known. */
  readonly withdrawn: number | null;
  /** When the count was read (seconds); null when not known. */
  readonly counted: number | null;
  /** Fewer than SMALL_CROWD withdrawals: a payment with these coins is easier to single out. */
  readonly small: boolean;
}

/** Reads the counts from every trusted CS that has blind-rsa keys (a CS that fails is skipped). */
export async function readCrowds(core: Core): Promise<void> {
  const withdrawn: Record<string, number> = {};
  for (const server of currencyServers(core)) {
    if (core.trust.denominationKeysOf(server.csName).length === 0) continue;
    const address = server.target.addresses[0];
    if (address === undefined) continue;
    const info = await getJson(endpoint(address, PATHS.cs.info), CsInfo, http(core));
    if (!info.ok) continue;
    for (const w of info.value.withdrawn ?? []) withdrawn[w.keyId] = w.count;
  }
  const counts: Counts = { counted: core.now(), withdrawn };
  await core.db.put('settings', { name: SETTING, value: counts });
}

function storedCounts(value: unknown): Counts | null {
  if (typeof value !== 'object' || value === null) return null;
  if (!('counted' in value) || typeof value.counted !== 'number') return null;
  if (!('withdrawn' in value) || typeof value.withdrawn !== 'object' || value.withdrawn === null) {
    return null;
  }
  const withdrawn: Record<string, number> = {};
  for (const [k, v] of Object.entries(value.withdrawn)) if (typeof v === 'number') withdrawn[k] = v;
  return { counted: value.counted, withdrawn };
}

/**
 * The keys of the blind-rsa coins held, with their crowds. Read from the tallies: a blind-rsa
 * coin expires at its key's `depositUntil`, which with the CS and value names the key.
 */
export async function crowds(core: Core): Promise<Crowd[]> {
  const tx = core.db.transaction(['tallies', 'settings'], 'readonly');
  const tallies = await tx.objectStore('tallies').getAll();
  const counts = storedCounts((await tx.objectStore('settings').get(SETTING))?.value);
  await tx.done;
  const byKey = new Map<string, Crowd>();
  for (const t of tallies) {
    if (t.scheme !== 'blind-rsa') continue;
    const key = core.trust
      .denominationKeysOf(t.cs)
      .find((k) => k.value === t.value && k.depositUntil === t.expires);
    if (key === undefined) continue;
    const held = (byKey.get(key.keyId)?.held ?? 0) + t.coins;
    const withdrawn = counts?.withdrawn[key.keyId] ?? null;
    byKey.set(key.keyId, {
      cs: t.cs,
      currency: t.currency,
      value: t.value,
      keyId: key.keyId,
      held,
      withdrawn,
      counted: withdrawn === null ? null : (counts?.counted ?? null),
      small: withdrawn !== null && withdrawn < SMALL_CROWD,
    });
  }
  return [...byKey.values()].sort(
    (a, b) => a.cs.localeCompare(b.cs) || a.value - b.value || a.keyId.localeCompare(b.keyId),
  );
}
