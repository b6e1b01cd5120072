/**
 * Value held in triplets, found again from the recovery phrase (docs/PROTOCOL.md §4.8): C_A of a
 * protected payment not settled yet, or of a prepayment not claimed back yet. A triplet request's
 * id, reply key and one-time owner key are derived from the phrase (the n-th request at a CS on a
 * day, derive.ts), and the CS keeps the reply of every request for its retention — so:
 *
 *   find     for each day since the CS's oldest certificate, a window of 64 request indices at a
 *            time: the coins under their tags (change, and the coins of claims made: these live
 *            as long as coins do), and for the days a C_A could still be claimable (TRIPLET_REACH
 *            back, to tomorrow) the stored replies of their ids, each opened with its derived
 *            key; the next window while this one held a request, up to MAX_TRIPLETS_PER_DAY
 *   check    each C_A: signed under a trusted certificate of the CS, locked to the derived key
 *   status   the CS says which C_A are still outstanding: neither its C_B redeemed by the payee
 *            nor itself claimed (a claim's coins, like the change, carry the request's own tag:
 *            `find` found them, also past the retention)
 *   keep     one journaled `prepay` op per request (`restored`, never paid from: its C_B may be
 *            with the payee already), woken at dateB to claim its C_A — the CS then answers with
 *            fresh coins, or with its receipt when the payee redeemed C_B meanwhile
 *
 * Safe to run again: a request already journaled here (by its id, or a C_A an op holds) is left
 * alone; counters move past the highest request found, so new requests never repeat an id.
 */
import {
  type Coin,
  type CsReplyEnvelope,
  type CsResultOf,
  type CsTarget,
  MAX_INSTRUMENTS,
  NetCashError,
  openCsReply,
  restoreTag,
  toB64u,
  verifyRedeemable,
} from '@netcash/protocol';
import type { Core } from '../context.ts';
import { addHistory } from '../journal/journal.ts';
import type { HeldTriplet, PrepayOp } from '../journal/types.ts';
import { tripletsOf } from '../triplets/claim.ts';
import { ownerKey, TRIPLET_REACH } from '../triplets/make.ts';
import type { CurrencyServer } from '../trust.ts';
import { outstanding, restoreCall } from './cs-calls.ts';
import {
  dayOf,
  MAX_TRIPLETS_PER_DAY,
  type TripletSecrets,
  tripletCounterKey,
  tripletSecrets,
} from './derive.ts';
import { counterAtLeast } from './seed.ts';

/**
 * Request indices probed at a time (one `restore` request's worth of secrets or ids). A day's scan
 * goes on to the next window while the last one held any request of this phrase (a stored reply,
 * or coins under a request's tag): it ends at a whole window of unused indices, as an HD wallet's
 * gap limit does.
 */
export const TRIPLET_WINDOW = MAX_INSTRUMENTS;

interface Probe {
  readonly day: number;
  readonly n: number;
  readonly secrets: TripletSecrets;
}

/** What a triplet request of this phrase holds, as its CS stored the reply. */
export interface Stored {
  readonly probe: Probe;
  readonly ownerSecret: string;
  readonly triplets: readonly HeldTriplet[];
}

/** The stored replies of `probes` (null where the CS keeps none), asking again where it stopped. */
async function replies(
  core: Core,
  target: CsTarget,
  probes: readonly Probe[],
): Promise<(CsReplyEnvelope | null)[]> {
  const out: (CsReplyEnvelope | null)[] = [];
  let rest = probes.map((p) => p.secrets.requestId);
  while (rest.length > 0) {
    const page = (await restoreCall(core, target, { requests: rest })).replies ?? [];
    if (page.length === 0) {
      throw new NetCashError('malformed', 'The currency server answered no stored reply.');
    }
    out.push(...page.slice(0, rest.length));
    rest = rest.slice(page.length);
  }
  return out;
}

/** The unlocked coins outstanding under the tags of `probes` (change and claims), every page. */
async function taggedCoins(
  core: Core,
  target: CsTarget,
  probes: readonly Probe[],
): Promise<Coin[]> {
  const secrets = probes.map((p) => toB64u(p.secrets.tagSecret));
  const coins: Coin[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await restoreCall(
      core,
      target,
      after === undefined ? { secrets } : { secrets, after },
    );
    coins.push(...page.coins);
    after = page.coins.at(-1)?.body.serial;
    if (!page.more || after === undefined) return coins;
  }
}

/** The triplets of one stored reply whose C_A check out and are locked to the derived key. */
function ownTriplets(
  core: Core,
  server: CurrencyServer,
  probe: Probe,
  result: CsResultOf<'triplet'>,
): Stored | null {
  const owner = ownerKey(core, probe.secrets.ownerSeed);
  const check = { now: core.now(), cs: server.csName, currency: server.currency };
  const triplets = result.triplets.filter(({ a, b }: { a: Coin; b: Coin }) => {
    const lock = a.body.lock;
    return (
      // A C_A past dateA is still shown (late): the restore tells the shopper of it.
      verifyRedeemable(core.p, core.trust, a, check).ok &&
      lock?.role === 'A' &&
      lock.owner === owner.publicKey &&
      b.body.lock?.role === 'B' &&
      b.body.lock.tripletId === lock.tripletId &&
      b.body.value === a.body.value
    );
  });
  return triplets.length === 0 ? null : { probe, ownerSecret: owner.secret, triplets };
}

/** What the triplet requests of this phrase at a CS left there. */
export interface TripletScan {
  /** The unlocked coins under their tags: change, and the coins of claims made. */
  readonly coins: Coin[];
  /** The requests whose replies the CS still keeps and that hold C_A of this phrase. */
  readonly stored: Stored[];
}

/**
 * Every triplet request of this phrase at `server`, day by day from `firstDay` to tomorrow: the
 * coins under their tags (for as long as coins live), and for the days a C_A could still be
 * claimable (TRIPLET_REACH back) their stored replies. Each day is scanned a window of request
 * indices at a time while the last window held one of them, up to MAX_TRIPLETS_PER_DAY; the day's
 * counter moves past what was found, so new requests never repeat an id.
 */
export async function scanTriplets(
  core: Core,
  seed: Uint8Array,
  server: CurrencyServer,
  firstDay: number,
): Promise<TripletScan> {
  const now = core.now();
  const reach = dayOf(now - TRIPLET_REACH);
  const coins: Coin[] = [];
  const stored: Stored[] = [];
  for (let day = firstDay; day <= dayOf(now) + 1; day++) {
    let next = 0;
    for (let from = 0; from < MAX_TRIPLETS_PER_DAY; from += TRIPLET_WINDOW) {
      const window: Probe[] = Array.from({ length: TRIPLET_WINDOW }, (_, i) => ({
        day,
        n: from + i,
        secrets: tripletSecrets(seed, server.csName, day, from + i),
      }));
      const tagged = await taggedCoins(core, server.target, window);
      coins.push(...tagged);
      // Coins under a tag say some request of the window was made, not which: past the window.
      if (tagged.length > 0) next = from + TRIPLET_WINDOW;
      if (day >= reach) {
        const answers = await replies(core, server.target, window);
        window.forEach((p, i) => {
          const envelope = answers[i];
          if (envelope === null || envelope === undefined) return;
          next = Math.max(next, p.n + 1);
          const opened = openCsReply(core.p, p.secrets.replyKey, p.secrets.requestId, envelope);
          if (!opened.ok || opened.value.op !== 'triplet') return;
          const own = ownTriplets(core, server, p, opened.value);
          if (own !== null) stored.push(own);
        });
      }
      if (next <= from) break;
    }
    if (next > 0) {
      await counterAtLeast(core.db, tripletCounterKey(server.csName, day), server.csName, next);
    }
  }
  return { coins, stored };
}

/** Serials of the C_A the wallet's ops hold already (a restore of a wallet still in use). */
async function heldSerials(core: Core): Promise<Set<string>> {
  const ops = await core.db.getAllFromIndex('ops', 'byStatus', 'pending');
  return new Set(ops.flatMap((op) => (tripletsOf(op)?.held ?? []).map((t) => t.a.body.serial)));
}

/** The site whose key C_B is locked to, when a receipt of it is held (e.g. from a backup). */
async function originOf(core: Core, payee: string): Promise<string> {
  const receipts = await core.db.getAll('receipts');
  return receipts.find((r) => r.offer.body.triplets?.key === payee)?.origin ?? '';
}

export interface RestoredTriplets {
  /** Triplets journaled to be claimed, and their value. */
  readonly count: number;
  readonly value: number;
  /** The earliest time one of them can be claimed (seconds; 0 when none). */
  readonly from: number;
}

/**
 * Value of a triplet request whose claim window closed before the restore, with C_A still
 * outstanding: the payee never redeemed C_B and the lost wallet never claimed C_A, so nobody can
 * any more — the CS books it as expired when it prunes the rows. Told, never silently left out.
 */
export interface ClosedTriplets {
  readonly cs: string;
  readonly currency: string;
  readonly value: number;
  /** When the claim window closed (dateA, seconds). */
  readonly closed: number;
  /** The site paid or prepaid, when a receipt of it is held ('' when not known). */
  readonly origin: string;
}

/** The restore's journal entry for the unclaimed C_A of one request: claimed from dateB. */
function claimLater(
  core: Core,
  server: CurrencyServer,
  s: Stored,
  triplets: readonly HeldTriplet[],
  origin: string,
): PrepayOp {
  const first = triplets[0]!;
  const lockA = first.a.body.lock!;
  const now = core.now();
  return {
    kind: 'prepay',
    id: s.probe.secrets.requestId,
    status: 'pending',
    phase: 'ready',
    restored: true,
    created: now,
    updated: now,
    attempts: 0,
    nextAttempt: (lockA.notBefore + 1) * 1000,
    reserved: [],
    cs: server.csName,
    currency: server.currency,
    origin,
    description: origin === '' ? 'a payment made before the restore' : new URL(origin).host,
    amount: triplets.reduce((sum, t) => sum + t.a.body.value, 0),
    target: server.target,
    triplets: {
      ownerSecret: s.ownerSecret,
      tag: restoreTag(core.p, s.probe.secrets.tagSecret),
      payee: first.b.body.lock!.owner,
      dateB: lockA.notBefore,
      dateA: lockA.notAfter,
      held: [...triplets],
    },
    lead: 0,
    used: [],
  };
}

/** Writes the loss of a request's C_A whose window closed, once (by its request id). */
async function tellClosed(
  core: Core,
  id: string,
  closed: ClosedTriplets,
): Promise<ClosedTriplets | null> {
  const tx = core.db.transaction(['history'], 'readwrite');
  const told = (await tx.objectStore('history').index('byOp').count(id)) > 0;
  if (!told) {
    const site = closed.origin === '' ? 'a payment' : `a payment to ${new URL(closed.origin).host}`;
    await addHistory(tx, {
      date: core.now(),
      kind: 'lost',
      amount: -closed.value,
      currency: closed.currency,
      cs: closed.cs,
      ...(closed.origin === '' ? {} : { origin: closed.origin }),
      opId: id,
      description: `Found by the restore, too late: ${site} made before the restore, protected at ${closed.cs}, could be claimed back until ${new Date(closed.closed * 1000).toISOString()} — the payee never took it and nobody claimed it, so ${closed.cs} keeps it as expired`,
    });
  }
  await tx.done;
  return told ? null : closed;
}

/**
 * Finds the triplets of this phrase at `server` whose C_A are still outstanding and journals a
 * claim-later op for each request not held yet; those whose claim window has closed are told
 * (a `lost` history row and the report), not journaled.
 */
export async function restoreTriplets(
  core: Core,
  server: CurrencyServer,
  stored: readonly Stored[],
): Promise<{ triplets: RestoredTriplets; closed: ClosedTriplets[] }> {
  const live = new Set(
    (
      await outstanding(
        core,
        server.target,
        stored.flatMap((s) => s.triplets.map((t) => ({ coin: t.a }))),
      )
    ).map((f) => f.coin.body.serial),
  );
  const held = await heldSerials(core);
  let count = 0;
  let value = 0;
  let from = 0;
  const closed: ClosedTriplets[] = [];
  for (const s of stored) {
    const triplets = s.triplets.filter(
      (t) => live.has(t.a.body.serial) && !held.has(t.a.body.serial),
    );
    const first = triplets[0];
    if (first === undefined) continue;
    const id = s.probe.secrets.requestId;
    const origin = await originOf(core, first.b.body.lock!.owner);
    const dateA = first.a.body.lock!.notAfter;
    if (dateA <= core.now()) {
      const told = await tellClosed(core, id, {
        cs: server.csName,
        currency: server.currency,
        value: triplets.reduce((sum, t) => sum + t.a.body.value, 0),
        closed: dateA,
        origin,
      });
      if (told !== null) closed.push(told);
      continue;
    }
    const op = claimLater(core, server, s, triplets, origin);
    const tx = core.db.transaction(['ops'], 'readwrite');
    if ((await tx.objectStore('ops').get(id)) === undefined) {
      await tx.objectStore('ops').put(op);
      count += triplets.length;
      value += op.amount;
      from = from === 0 ? op.triplets.dateB : Math.min(from, op.triplets.dateB);
    }
    await tx.done;
  }
  return { triplets: { count, value, from }, closed };
}
