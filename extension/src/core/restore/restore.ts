/**
 * Restore from the recovery phrase (SPEC §13, docs/PROTOCOL.md §4.8): find every coin of this
 * phrase still outstanding at every trusted currency server and put it back in the purse.
 *
 *   nc1        the tag secrets of every day since the CS's oldest known certificate, 64 to a
 *              `restore` request, following pages; the CS rebuilds the unspent coins under them;
 *              and each day's triplet requests, scanned while found (triplets.ts): their change
 *              and claims by their own tags, and the stored replies holding C_A
 *   blind-rsa  per denomination key, counter 0 first (all keys in few requests), then batches of
 *              64 counters for each key that answered, until two batches bring nothing; the blind
 *              signatures kept by the CS finish the coins, `status` tells the spent ones apart
 *   purse      the outstanding coins not already held go in — valid ones, and late or revoked
 *              ones that the refresh after the restore renews or recoups — with one history row per CS;
 *              counters move past the highest found, so new coins never repeat a secret
 *   spent      coins held before that the restore did not find are asked `status`; those spent
 *              (by another copy of this wallet) are written off
 *   triplets   C_A of triplet requests still claimable, from the CS's stored replies (kept while
 *              C_A can be claimed, whatever the CS's request retention): journaled to be claimed
 *              at dateB — the coins come back, or the CS's receipt says the payee took them; a C_A
 *              whose window closed unclaimed is told as lost (`closed`)
 *
 * Safe to run again: a coin already held is left as it is, and only coins still outstanding are
 * added. It moves no value, so it needs no journal entry.
 */
import {
  type BlindedOutput,
  type BlindRsaCoin,
  type BlindSecret,
  type Coin,
  type CsTarget,
  type DenominationKeyBody,
  finishBlindCoins,
  MAX_INSTRUMENTS,
  randomId,
  toB64u,
  verifyRedeemable,
} from '@netcash/protocol';
import { coinId, coinRow } from '../coins.ts';
import type { Core } from '../context.ts';
import type { CoinRow } from '../db/schema.ts';
import { addHistory, deleteCoins, putCoins } from '../journal/journal.ts';
import { type CurrencyServer, currencyServers } from '../trust.ts';
import { chunks, type Found, outstanding, restoreCall } from './cs-calls.ts';
import { dayOf, derivedBlindCoin, tagSecret } from './derive.ts';
import { counterAtLeast } from './seed.ts';
import {
  type ClosedTriplets,
  type RestoredTriplets,
  restoreTriplets,
  scanTriplets,
  type TripletScan,
} from './triplets.ts';

export type RestorePhase = 'nc1' | 'blind-rsa' | 'status' | 'triplets' | 'done';

export interface RestoreProgress {
  readonly cs: string;
  readonly phase: RestorePhase;
  /** Currency servers looked at so far, of `servers`. */
  readonly done: number;
  readonly servers: number;
  /** Outstanding coins found so far, and their value (all servers). */
  readonly coins: number;
  readonly value: number;
}

export interface RestoreReport {
  /** Coins found outstanding and their value, per CS. */
  readonly byCs: Readonly<Record<string, { coins: number; value: number }>>;
  /** Of those, coins added to the purse (the rest were held already). */
  readonly added: number;
  /** Coins of this phrase the CSs had signed that are spent (blind-rsa). */
  readonly spent: number;
  /**
   * Coins this wallet held that their CS says are spent (another copy of the wallet spent them):
   * taken out of the purse, with a history row.
   */
  readonly writtenOff: number;
  /**
   * Value of a lost wallet's triplets still claimable (a protected payment not settled, a
   * prepayment not claimed back): journaled, claimed from `from` on — it comes back then, unless
   * the payee had redeemed C_B.
   */
  readonly triplets: RestoredTriplets;
  /**
   * Value in triplets whose claim window closed before the restore, neither redeemed by the
   * payee nor claimed: lost, and said so (a `lost` history row each), not silently left out.
   */
  readonly closed: readonly ClosedTriplets[];
}

/**
 * The nc1 coins outstanding at `server` under this phrase's tags: each day's, and those of the
 * day's triplet requests (with what those requests left in stored replies).
 */
async function nc1Coins(
  core: Core,
  seed: Uint8Array,
  server: CurrencyServer,
): Promise<{ coins: Coin[]; triplets: TripletScan }> {
  const certs = core.trust.certificatesOf(server.csName);
  const first = dayOf(Math.min(core.now(), ...certs.map((c) => c.issued)));
  const days: number[] = [];
  for (let d = first; d <= dayOf(core.now()) + 1; d++) days.push(d);
  const coins: Coin[] = [];
  for (const batch of chunks(days.map((d) => tagSecret(seed, server.csName, d)))) {
    const secrets = batch.map(toB64u);
    let after: string | undefined;
    for (;;) {
      const page = await restoreCall(
        core,
        server.target,
        after === undefined ? { secrets } : { secrets, after },
      );
      coins.push(...page.coins);
      after = page.coins.at(-1)?.body.serial;
      if (!page.more || after === undefined) break;
    }
  }
  const triplets = await scanTriplets(core, seed, server, first);
  return { coins: [...coins, ...triplets.coins], triplets };
}

interface Probe {
  readonly key: DenominationKeyBody;
  readonly addr: string;
  readonly counter: number;
  readonly output: BlindedOutput;
  readonly secret: BlindSecret;
}

/** Asks the CS for the blind signatures of `probes`; those it signed, with their signatures. */
async function signed(
  core: Core,
  target: CsTarget,
  probes: readonly Probe[],
): Promise<{ probe: Probe; sig: string }[]> {
  const out: { probe: Probe; sig: string }[] = [];
  for (const batch of chunks(probes)) {
    const page = await restoreCall(core, target, { blinded: batch.map((p) => p.output) });
    batch.forEach((probe, i) => {
      const sig = page.blindSigs?.[i];
      if (typeof sig === 'string') out.push({ probe, sig });
    });
  }
  return out;
}

/** The blind-rsa coins this phrase withdrew at `server`, finished (spent or not). */
async function blindCoins(
  core: Core,
  seed: Uint8Array,
  server: CurrencyServer,
): Promise<Found<BlindRsaCoin>[]> {
  const keys = core.trust.denominationKeysOf(server.csName);
  if (keys.length === 0) return [];
  // Wallets write the first address of the CS's newest certificate: every one it had.
  const addrs = [...new Set(core.trust.certificatesOf(server.csName).map((c) => c.addresses[0]!))];
  const probe = (key: DenominationKeyBody, addr: string, counter: number): Probe | null => {
    const rsa = core.trust.rsaKey(key.keyId);
    if (rsa === undefined) return null;
    return { key, addr, counter, ...derivedBlindCoin(seed, rsa, key, addr, counter) };
  };
  const found = await signed(
    core,
    server.target,
    keys.flatMap((key) => addrs.flatMap((addr) => probe(key, addr, 0) ?? [])),
  );
  // Each (key, address) that answered at 0: further batches until two in a row bring nothing
  // (a request refused while a later one had taken counters leaves a gap of at most 64).
  for (const first of [...found]) {
    for (let from = 1, empty = 0; empty < 2; from += MAX_INSTRUMENTS) {
      const batch = Array.from({ length: MAX_INSTRUMENTS }, (_, i) =>
        probe(first.probe.key, first.probe.addr, from + i),
      ).flatMap((p) => p ?? []);
      const more = await signed(core, server.target, batch);
      found.push(...more);
      empty = more.length === 0 ? empty + 1 : 0;
    }
  }
  const coins: Found<BlindRsaCoin>[] = [];
  const highest = new Map<string, number>();
  for (const { probe: p, sig } of found) {
    highest.set(p.key.keyId, Math.max(highest.get(p.key.keyId) ?? 0, p.counter + 1));
    const finished = finishBlindCoins(core.trust, [p.secret], [sig]);
    if (finished.ok) coins.push(...finished.value.map((coin) => ({ coin, inv: p.secret.inv })));
  }
  for (const [keyId, next] of highest) await counterAtLeast(core.db, keyId, server.csName, next);
  return coins;
}

/** Puts the coins not held yet into the purse, with a history row; how many went in. */
async function keep(core: Core, server: CurrencyServer, coins: readonly Found[]): Promise<number> {
  const tx = core.db.transaction(['coins', 'tallies', 'history'], 'readwrite');
  const fresh = [];
  for (const { coin, inv } of coins) {
    if ((await tx.objectStore('coins').get(coinId(coin.body))) === undefined) {
      fresh.push(coinRow(core, coin, undefined, inv));
    }
  }
  await putCoins(tx, fresh);
  const value = fresh.reduce((s, r) => s + r.value, 0);
  if (value > 0) {
    await addHistory(tx, {
      date: core.now(),
      kind: 'restored',
      amount: value,
      currency: server.currency,
      cs: server.csName,
      opId: `restore-${randomId(core.p)}`,
      description: `Coins restored from the recovery phrase at ${server.csName}`,
    });
  }
  await tx.done;
  return fresh.length;
}

/**
 * The spendable coins this wallet held at `server` before the restore that the CS says are spent
 * (a copy of the wallet restored elsewhere spent them): deleted, with one `lost` history row. A
 * coin an operation reserved since is left to that operation.
 */
async function writeOffSpent(
  core: Core,
  server: CurrencyServer,
  held: readonly CoinRow[],
): Promise<number> {
  const live = new Set(
    (await outstanding(core, server.target, held)).map((f) => coinId(f.coin.body)),
  );
  const gone = held.filter((row) => !live.has(row.id));
  if (gone.length === 0) return 0;
  const tx = core.db.transaction(['coins', 'tallies', 'history'], 'readwrite');
  const still: CoinRow[] = [];
  for (const row of gone) {
    const now = await tx.objectStore('coins').get(row.id);
    if (now?.state === 'spendable') still.push(now);
  }
  await deleteCoins(
    tx,
    still.map((r) => r.id),
  );
  if (still.length > 0) {
    await addHistory(tx, {
      date: core.now(),
      kind: 'lost',
      amount: -still.reduce((sum, r) => sum + r.value, 0),
      currency: server.currency,
      cs: server.csName,
      opId: `restore-${randomId(core.p)}`,
      description: `Coins at ${server.csName} already spent by another copy of this wallet (same recovery phrase)`,
    });
  }
  await tx.done;
  return still.length;
}

/** Restores every coin of the wallet's phrase outstanding at every trusted CS. */
export async function restoreCoins(
  core: Core,
  onProgress: (progress: RestoreProgress) => void = () => {},
): Promise<RestoreReport> {
  const seed = core.seed;
  const none = { count: 0, value: 0, from: 0 };
  if (seed === undefined) {
    return { byCs: {}, added: 0, spent: 0, writtenOff: 0, triplets: none, closed: [] };
  }
  const servers = currencyServers(core);
  const byCs: Record<string, { coins: number; value: number }> = {};
  let total = { coins: 0, value: 0 };
  let added = 0;
  let spent = 0;
  let writtenOff = 0;
  let triplets: RestoredTriplets = none;
  const closed: ClosedTriplets[] = [];
  const tell = (cs: string, phase: RestorePhase, done: number) =>
    onProgress({ cs, phase, done, servers: servers.length, ...total });
  for (const [i, server] of servers.entries()) {
    const now = core.now();
    // The coins held before: those the restore does not find outstanding are asked about.
    const before = (await core.db.getAllFromIndex('coins', 'byCs', server.csName)).filter(
      (row) => row.state === 'spendable',
    );
    tell(server.csName, 'nc1', i);
    // Coins the CS still owes go in: valid ones, and late or revoked ones (PROTOCOL §4.7), which
    // the refresh after the restore renews or recoups (redeem.ts).
    const usable = ({ coin }: Found) =>
      verifyRedeemable(core.p, core.trust, coin, {
        now,
        cs: server.csName,
        currency: server.currency,
      }).ok;
    const tagged = await nc1Coins(core, seed, server);
    const plain = tagged.coins.map((coin) => ({ coin })).filter(usable);
    tell(server.csName, 'blind-rsa', i);
    const blind = (await blindCoins(core, seed, server)).filter(usable);
    tell(server.csName, 'status', i);
    const live = await outstanding(core, server.target, blind);
    spent += blind.length - live.length;
    const coins: Found[] = [...plain, ...live];
    const value = coins.reduce((s, c) => s + c.coin.body.value, 0);
    byCs[server.csName] = { coins: coins.length, value };
    total = { coins: total.coins + coins.length, value: total.value + value };
    added += await keep(core, server, coins);
    const found = new Set(coins.map((c) => coinId(c.coin.body)));
    const unsure = before.filter((row) => !found.has(row.id) && usable({ coin: row.coin }));
    writtenOff += await writeOffSpent(core, server, unsure);
    tell(server.csName, 'triplets', i);
    const { triplets: locked, closed: late } = await restoreTriplets(
      core,
      server,
      tagged.triplets.stored,
    );
    closed.push(...late);
    triplets = {
      count: triplets.count + locked.count,
      value: triplets.value + locked.value,
      from: Math.min(triplets.from || locked.from, locked.from || triplets.from),
    };
  }
  tell('', 'done', servers.length);
  return { byCs, added, spent, writtenOff, triplets, closed };
}
