/**
 * Obtaining triplets (SPEC §6, paper figure 6 step 1): coins in, and for each value asked a pair
 * <C_B, C_A> — C_B locked to the payee's key K_B until `dateB`, C_A locked to a one-time key of
 * ours for [dateB, dateA) — plus change C_X. The request is journaled (with the one-time key's
 * secret) before it is sent; the reply is checked offline before anything is stored: each C_B
 * and C_A signed under a trusted certificate of the CS, for the value asked, locked as asked,
 * the two of a pair under one `tripletId`.
 *
 *   windows       dateB = now + the payee's lead + our margin (at most the payee's longest);
 *                 dateA = dateB + the claim window
 *   values        a protected payment: the price in the fewest coin values; a prepayment: a
 *                 spread that pays any price up to the sum exactly (so later payments need no CS)
 *
 * Triplet values are coin values of the CS (PROTOCOL §4.3): a triplet says no more about who
 * pays whom than an ordinary coin of that value.
 *
 * Recoverable (docs/PROTOCOL.md §4.8): the request id, its reply key and the one-time key are
 * derived from the recovery phrase (the n-th triplet request at that CS that day, n taken in the
 * journaling transaction), and the change and the claims' coins carry a restore tag of that
 * request alone — so a wallet restored from its phrase finds the triplets in the CS's stored
 * reply and claims what is still its own, and the tags link no two requests.
 */
import {
  type Coin,
  type CsResultOf,
  callCs,
  decompose,
  NetCashError,
  randomId,
  randomKey,
  restoreTag,
  type TripletRequest,
  type TripletTerms,
  toB64u,
  verifyCoin,
} from '@netcash/protocol';
import { checkMinted, instrumentFor } from '../coins.ts';
import type { Core } from '../context.ts';
import type { CoinRow } from '../db/schema.ts';
import type { Tx } from '../journal/journal.ts';
import type { CsTargetRow, HeldTriplet, Op, Triplets } from '../journal/types.ts';
import { sendWithFaults } from '../net.ts';
import {
  dayOf,
  MAX_TRIPLETS_PER_DAY,
  tripletCounterKey,
  tripletSecrets,
} from '../restore/derive.ts';
import { takeCounters } from '../restore/seed.ts';
import type { CurrencyServer } from '../trust.ts';

const DAY = 86_400;

/** Seconds a claim window stays open after C_B's (dateA − dateB). */
export const CLAIM_WINDOW = 3 * DAY;

/**
 * A triplet's C_A is claimable at most this long after the request (dateA − now): less than the
 * week a CS keeps a request's reply by default, so a restore finds every triplet still claimable
 * (docs/PROTOCOL.md §4.8), and how far back a restore looks.
 */
export const TRIPLET_REACH = 6 * DAY;

/** The one-time key C_A is locked to, from its Ed25519 seed: only this wallet can claim it. */
export function ownerKey(core: Core, seed: Uint8Array): { secret: string; publicKey: string } {
  const pair = core.p.ed25519.keygen(seed);
  return { secret: toB64u(pair.secretKey), publicKey: toB64u(pair.publicKey) };
}

/**
 * The windows of a triplet for a payee with `terms`, C_B valid for `hold` seconds (its lead plus
 * our margin for a protected payment; longer for a prepayment); null when the payee's terms leave
 * no room (its longest is not beyond its lead) or the CS's certificate ends too soon.
 */
export function tripletWindows(
  core: Core,
  terms: TripletTerms,
  hold: number,
  certificateExpires: number,
): { dateB: number; dateA: number } | null {
  const now = core.now();
  // At least a day of claim window inside the reach.
  const span = Math.min(Math.max(hold, terms.lead + 1), terms.longest, TRIPLET_REACH - DAY);
  if (span <= terms.lead) return null;
  const dateB = now + span;
  const dateA = Math.min(dateB + CLAIM_WINDOW, certificateExpires, now + TRIPLET_REACH);
  return dateA > dateB ? { dateB, dateA } : null;
}

/**
 * A spread of coin values summing to `amount` from which every smaller whole amount can be made:
 * each value is the largest coin value at most half of what is left (then the rest exactly).
 */
export function spreadValues(amount: number, denominations: readonly number[]): number[] | null {
  const denoms = [...new Set(denominations)].sort((a, b) => b - a);
  const out: number[] = [];
  let left = amount;
  while (left > 0) {
    const half = denoms.find((d) => d <= left / 2);
    if (half === undefined) {
      const rest = decompose(left, denoms);
      if (rest === null) return null;
      out.push(...rest);
      break;
    }
    out.push(half);
    left -= half;
  }
  return out.sort((a, b) => b - a);
}

/** Aborts the caller's transaction (nothing it wrote is kept), then throws `error`. */
async function refuse(tx: Tx, error: NetCashError): Promise<never> {
  tx.abort();
  await tx.done.catch(() => undefined);
  throw error;
}

/**
 * The request id, reply key and owner key of a new triplet request at `cs`: derived from the
 * phrase with the day's next counter, taken in `tx` (which must include `counters`); random for a
 * wallet without a phrase.
 */
async function tripletKeys(
  core: Core,
  tx: Tx,
  cs: string,
): Promise<{ requestId: string; replyKey: string; ownerSeed: Uint8Array; tag?: string }> {
  if (core.seed === undefined) {
    return {
      requestId: randomId(core.p),
      replyKey: randomKey(core.p),
      ownerSeed: core.p.randomBytes(32),
    };
  }
  const day = dayOf(core.now());
  const key = tripletCounterKey(cs, day);
  // Past the cap a restore would not look (restore/triplets.ts): refused before anything is kept.
  if (((await tx.objectStore('counters').get(key))?.next ?? 0) >= MAX_TRIPLETS_PER_DAY) {
    return refuse(
      tx,
      new NetCashError(
        'limit-exceeded',
        `This wallet made ${MAX_TRIPLETS_PER_DAY} protected payments and prepayments at ${cs} today, as many as a restore from the recovery phrase looks for; try again tomorrow (UTC).`,
      ),
    );
  }
  const n = await takeCounters(tx, key, cs, 1);
  const secrets = tripletSecrets(core.seed, cs, day, n);
  return { ...secrets, tag: restoreTag(core.p, secrets.tagSecret) };
}

/**
 * The triplet request for `coins` (reserved by the caller), journaled before it is sent, in `tx`
 * (with `counters`). Refused (`tx` aborted): no change for these coins, or `limit-exceeded` when
 * the wallet made MAX_TRIPLETS_PER_DAY triplet requests at this CS today.
 */
export async function tripletRequest(
  core: Core,
  tx: Tx,
  server: CurrencyServer,
  coins: readonly CoinRow[],
  amounts: readonly number[],
  payee: string,
  windows: { dateB: number; dateA: number },
): Promise<{ request: TripletRequest; triplets: Triplets }> {
  const paid = coins.reduce((s, c) => s + c.value, 0);
  const asked = amounts.reduce((s, v) => s + v, 0);
  const change = decompose(paid - asked, server.denominations);
  if (change === null || paid < asked) {
    return refuse(tx, new NetCashError('wrong-amount', 'No change can be made for these coins.'));
  }
  const keys = await tripletKeys(core, tx, server.csName);
  const owner = ownerKey(core, keys.ownerSeed);
  const tag = change.length === 0 ? undefined : keys.tag;
  const request: TripletRequest = {
    requestId: keys.requestId,
    op: 'triplet',
    instruments: coins.map((c) => instrumentFor(core, c)),
    want: {
      payee,
      owner: owner.publicKey,
      ...windows,
      amounts: [...amounts],
      change,
      ...(tag === undefined ? {} : { tag }),
    },
    replyKey: keys.replyKey,
  };
  const triplets: Triplets = {
    ownerSecret: owner.secret,
    payee,
    ...windows,
    request,
    ...(keys.tag === undefined ? {} : { tag: keys.tag }),
  };
  return { request, triplets };
}

/** Checks one locked coin of a triplet reply: trusted signature, value, lock as asked. */
function checkLocked(
  core: Core,
  coin: Coin,
  expect: {
    value: number;
    role: 'A' | 'B';
    owner: string;
    notBefore?: number;
    notAfter: number;
  },
  cs: string,
  currency: string,
): string {
  const verified = verifyCoin(core.p, core.trust, coin, { now: core.now(), cs, currency });
  const lock = coin.body.lock;
  const fits =
    verified.ok &&
    coin.body.value === expect.value &&
    lock?.role === expect.role &&
    lock.owner === expect.owner &&
    lock.notAfter === expect.notAfter &&
    (expect.notBefore === undefined || lock.notBefore === expect.notBefore);
  if (!fits || lock === undefined) {
    throw new NetCashError(
      verified.ok ? 'wrong-amount' : verified.error.code,
      `The currency server ${cs} sent a triplet that does not check out.`,
    );
  }
  return lock.tripletId;
}

/** The triplets and change of a `triplet` reply, checked against what was asked (throws if not). */
export async function receiveTriplets(
  core: Core,
  result: CsResultOf<'triplet'>,
  request: TripletRequest,
  cs: string,
  currency: string,
): Promise<{ held: HeldTriplet[]; change: Coin[] }> {
  const { want } = request;
  if (result.triplets.length !== want.amounts.length) {
    throw new NetCashError('wrong-amount', `The currency server ${cs} sent too few triplets.`);
  }
  const held = result.triplets.map((t, i) => {
    const value = want.amounts[i]!;
    const idB = checkLocked(
      core,
      t.b,
      { value, role: 'B', owner: want.payee, notAfter: want.dateB },
      cs,
      currency,
    );
    const idA = checkLocked(
      core,
      t.a,
      { value, role: 'A', owner: want.owner, notBefore: want.dateB, notAfter: want.dateA },
      cs,
      currency,
    );
    if (idA !== idB) {
      throw new NetCashError(
        'malformed',
        `The currency server ${cs} paired coins of two triplets.`,
      );
    }
    return { b: t.b, a: t.a };
  });
  await checkMinted(core, result.change, want.change, cs, currency);
  return { held, change: result.change };
}

/**
 * Sends (or re-sends) a journaled triplet request of `op` and checks the reply: the triplets and
 * change, or the CS's refusal (transient or for good: the caller decides).
 */
export async function sendTriplet(
  core: Core,
  op: { readonly kind: 'pay' | 'prepay'; readonly id: string } & Pick<Op, 'cs' | 'currency'> & {
      readonly target: CsTargetRow;
    },
  request: TripletRequest,
): Promise<{ made: { held: HeldTriplet[]; change: Coin[] } } | { error: NetCashError }> {
  const ctx = { kind: op.kind, opId: op.id, step: 'triplet' } as const;
  const reply = await sendWithFaults(core, ctx, (fetchFn) =>
    callCs(core.p, op.target, request, { fetch: fetchFn, timeoutMs: core.net.timeoutMs }),
  );
  if (!reply.ok) return { error: reply.error };
  const made = await receiveTriplets(core, reply.value, request, op.cs, op.currency);
  await core.faults.afterReply?.(ctx);
  return { made };
}
