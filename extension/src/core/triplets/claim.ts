/**
 * Claiming C_A (SPEC §6, paper figure 6 step 3): once C_B's window has passed, the one-time key
 * that owns C_A asks the CS for it. Exactly one of C_B and C_A is ever redeemed, so the answer is
 * one of two: C_B was spent by K_B — the CS's signed receipt proves the payee took the value — or
 * it was not, and the value comes back as fresh coins. The claims are journaled (request ids,
 * reply keys, the owner's `coin-spend`s) before the first is sent; each answer is stored in one
 * transaction with the coins it brings, so a crash between two claims loses nothing.
 */
import {
  type CsReceipt,
  callCs,
  decompose,
  fromB64u,
  isTransient,
  NetCashError,
  randomId,
  randomKey,
  sign,
  verify,
} from '@netcash/protocol';
import { checkMinted, coinRow } from '../coins.ts';
import type { Core } from '../context.ts';
import { addCoins, addHistory } from '../journal/journal.ts';
import type { ClaimEntry, CsTargetRow, Op, Triplets } from '../journal/types.ts';
import { sendWithFaults } from '../net.ts';
import { todayTag } from '../outputs.ts';

/** Claims journaled for the triplets at `indexes`: C_A each, spent by the one-time key. */
export function claimEntries(
  core: Core,
  triplets: Triplets,
  indexes: readonly number[],
  denominations: readonly number[],
): ClaimEntry[] {
  const secret = fromB64u(triplets.ownerSecret);
  if (secret === null) throw new NetCashError('internal', 'a journaled key is not base64url');
  return indexes.map((i) => {
    const a = triplets.held?.[i]?.a;
    const values = a === undefined ? null : decompose(a.body.value, denominations);
    if (a === undefined || values === null) {
      throw new NetCashError('internal', 'no C_A to claim');
    }
    const requestId = randomId(core.p);
    // The triplet's own tag (older journal entries: the day's), so the coins link to nothing else.
    const tag = triplets.tag ?? todayTag(core, a.body.cs);
    return {
      request: {
        requestId,
        op: 'claim',
        instruments: [
          {
            kind: 'coin',
            coin: a,
            spend: sign(core.p, secret, {
              type: 'coin-spend',
              serial: a.body.serial,
              requestId,
            }),
          },
        ],
        // The fresh coins carry the restore tag of their triplet request (§4.8).
        want: { values, ...(tag === undefined ? {} : { tag }) },
        replyKey: randomKey(core.p),
      },
    };
  });
}

/** The triplets an op holds: a protected payment's or a prepayment's. */
export function tripletsOf(op: Op): Triplets | undefined {
  if (op.kind === 'prepay') return op.triplets;
  return op.kind === 'pay' ? op.protection : undefined;
}

function withClaims<O extends Op>(op: O, claims: readonly ClaimEntry[]): O {
  if (op.kind === 'prepay') return { ...op, triplets: { ...op.triplets, claims } };
  if (op.kind === 'pay' && op.protection !== undefined) {
    return { ...op, protection: { ...op.protection, claims } };
  }
  return op;
}

/** Whether the CS's receipt proves that C_B of this claim's triplet was spent by the payee. */
function provesPayment(core: Core, receipt: CsReceipt, entry: ClaimEntry, payee: string): boolean {
  const a = entry.request.instruments[0].coin;
  const { body } = receipt;
  const lock = a.body.scheme === 'nc1' ? a.body.lock : undefined;
  const signedByCs = core.trust
    .certificatesOf(a.body.cs)
    .some((cert) => verify(core.p, cert.signKey, receipt));
  return (
    signedByCs &&
    body.cs === a.body.cs &&
    body.tripletId === lock?.tripletId &&
    body.owner === payee &&
    body.value === a.body.value
  );
}

/** Records one claim's answer (and its coins) in one transaction, unless already recorded. */
async function recordClaim(
  core: Core,
  op: Op,
  index: number,
  outcome: NonNullable<ClaimEntry['outcome']>,
  coins: Parameters<typeof coinRow>[1][],
): Promise<Op> {
  const tx = core.db.transaction(['ops', 'coins', 'tallies', 'history'], 'readwrite');
  const current = await tx.objectStore('ops').get(op.id);
  const held = current === undefined ? undefined : tripletsOf(current)?.claims;
  let next = current ?? op;
  if (current?.status === 'pending' && held !== undefined && held[index]?.outcome === undefined) {
    const claims = held.map((c, i) => (i === index ? { ...c, outcome } : c));
    next = withClaims({ ...current, updated: core.now() }, claims);
    await addCoins(
      tx,
      coins.map((c) => coinRow(core, c)),
    );
    if ('returned' in outcome) {
      await addHistory(tx, {
        date: core.now(),
        kind: 'refund',
        amount: outcome.returned,
        currency: op.currency,
        cs: op.cs,
        opId: op.id,
        ...((op.kind === 'pay' || op.kind === 'prepay') && op.origin !== ''
          ? { origin: op.origin }
          : {}),
        description:
          op.kind !== 'prepay'
            ? 'Not received by the seller: claimed back from the currency server'
            : op.restored === true
              ? 'Restored from the recovery phrase: a payment that did not reach its seller, claimed back from the currency server'
              : 'Unused prepayment, claimed back from the currency server',
      });
    }
    await tx.objectStore('ops').put(next);
  }
  await tx.done;
  return next;
}

/**
 * Sends every journaled claim of `op` not answered yet and records each answer. Returns the op as
 * it then stands and the error that stopped it (the CS unreachable, or C_A not claimable yet by
 * the CS's clock), or null when every claim is answered.
 */
export async function sendClaims(
  core: Core,
  start: Op,
  target: CsTargetRow,
): Promise<{ op: Op; waiting: NetCashError | null }> {
  let op = start;
  const triplets = tripletsOf(op);
  const claims = triplets?.claims ?? [];
  for (let i = 0; i < claims.length; i++) {
    const entry = claims[i]!;
    if (entry.outcome !== undefined || triplets === undefined) continue;
    const ctx = { kind: op.kind, opId: op.id, step: 'claim' } as const;
    const reply = await sendWithFaults(core, ctx, (fetchFn) =>
      callCs(core.p, target, entry.request, { fetch: fetchFn, timeoutMs: core.net.timeoutMs }),
    );
    if (!reply.ok) {
      // Too early by the CS's clock, or the CS away: the same claim again later.
      if (isTransient(reply.error) || reply.error.code === 'not-yet-valid') {
        return { op, waiting: reply.error };
      }
      op = await recordClaim(core, op, i, { lost: reply.error.toBody() }, []);
      continue;
    }
    const { receipt, coins } = reply.value;
    if (receipt !== undefined) {
      if (!provesPayment(core, receipt, entry, triplets.payee)) {
        throw new NetCashError(
          'bad-signature',
          'The currency server sent a receipt that does not check out.',
        );
      }
      await core.faults.afterReply?.(ctx);
      op = await recordClaim(core, op, i, { receipt }, []);
      continue;
    }
    const a = entry.request.instruments[0].coin;
    await checkMinted(core, coins, entry.request.want.values, a.body.cs, a.body.currency);
    await core.faults.afterReply?.(ctx);
    op = await recordClaim(core, op, i, { returned: a.body.value }, coins);
  }
  return { op, waiting: null };
}
