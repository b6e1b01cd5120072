/**
 * The sealed request/reply of paper figure 3 at `POST /v1/requests` (docs/PROTOCOL.md §4.2–4.4):
 * open the envelope with the key of the certificate it names, answer a repeated request id from
 * the stored reply (same request → same bytes; another request → `request-id-reused`), run the
 * operation, and commit its changes together with the sealed reply in one transaction.
 *
 * An exchange of the CS's own coins — the hot path — does not look the id up first: it does
 * nothing outside the database before its commit, and the commit claims the id before anything
 * else (a repeat is `duplicate` there and answered from the store). Only if it is refused before
 * the commit (its coins expired since, say) is the id looked up, so a repeat still gets its
 * stored reply. Every other operation looks first: a buy deposits a check, a convert or foreign
 * exchange calls another server, before their commit — and looks again when refused.
 */
import {
  type CsRequest,
  type CsRequestEnvelope,
  type CsResult,
  NetCashError,
  openCsRequest,
  sealCsReply,
  unwrap,
} from '@netcash/protocol';
import { buy } from './buy.ts';
import { cashout, convert } from './cashout.ts';
import type { CsContext } from './context.ts';
import { exchange } from './exchange.ts';
import { restore, status } from './restore.ts';
import type { Changes, Commit, CsStore } from './store.ts';
import { claim, triplet } from './triplet.ts';

/** An operation's reply text, or null when the settler answered the requester (see Settler). */
export type Reply = string | null;

/** One operation in progress: its context, its request, and how to finish it. */
export interface OpRun<R extends CsRequest> {
  readonly ctx: CsContext;
  readonly request: R;
  /**
   * Seals `result` and commits it with `changes` in one transaction; the reply text. A
   * concurrent duplicate that committed first yields its stored reply instead. Null when the
   * settler answered the requester itself (an exchange of own coins on a worker thread).
   */
  finish(result: CsResult, changes: Changes): Promise<Reply>;
}

function repeat(held: { hash: string; reply: string }, hash: string): string {
  if (held.hash !== hash) {
    throw new NetCashError('request-id-reused', 'this request id was used for another request');
  }
  return held.reply;
}

/**
 * The store's half of finishing an operation: commits `commit` (its request id, hash, sealed
 * reply and changes) and says what the outcome means to the requester — the reply, the stored
 * reply of a concurrent duplicate, or a refusal. Runs where the store is: inline, or on the main
 * thread for an operation run by a worker (workers/pool.ts).
 */
export async function settle(store: CsStore, commit: Commit): Promise<string> {
  const outcome = await store.commit(commit);
  if (outcome.ok) return commit.reply;
  if ((commit.minted ?? 0) > 0) await store.release(commit.requestId);
  switch (outcome.reason) {
    case 'duplicate': {
      const again = await store.stored(commit.requestId);
      if (again === null) throw new NetCashError('internal', 'stored request vanished');
      return repeat(again, commit.requestHash);
    }
    case 'double-spent':
      throw new NetCashError('double-spent', 'a coin is not outstanding', {
        serials: outcome.serials,
      });
    case 'check-cleared':
      throw new NetCashError('check-cleared', 'this check was already deposited here');
    case 'not-backed':
      throw new NetCashError('limit-exceeded', 'outstanding value would exceed the backing');
    case 'already-signed':
      throw new NetCashError('already-signed', 'a blinded message was signed before', {
        hashes: outcome.hashes,
      });
  }
}

/**
 * Where a finished operation's commit goes: `settle` on this thread's store, or to the thread
 * that owns the store. `final`: nothing of the operation runs after its commit, so the settler
 * may answer the requester itself and resolve with null (a worker then has nothing left to do).
 */
export type Settler = (commit: Commit, final: boolean) => Promise<Reply>;

/**
 * Handles one envelope; the reply as JSON text (stored byte for byte), or null when `settler`
 * answered it (see Settler).
 */
export async function handleRequest(
  ctx: CsContext,
  envelope: CsRequestEnvelope,
  settler: Settler = (commit) => settle(ctx.store, commit),
): Promise<Reply> {
  const entry = ctx.keys.byCertId(envelope.certId);
  if (entry === undefined) {
    throw new NetCashError('unknown-cert', `${ctx.name} holds no certificate ${envelope.certId}`);
  }
  const { request, hash } = unwrap(openCsRequest(ctx.p, entry.enc.secretKey, envelope));
  // Read-only (§4.8): answered afresh, never stored.
  if (request.op === 'restore') return restore(ctx, request);
  if (request.op === 'status') return status(ctx, request);
  const lookFirst =
    request.op !== 'exchange' || request.instruments.some((i) => i.coin.body.cs !== ctx.name);
  if (lookFirst) {
    const held = await ctx.store.stored(request.requestId);
    if (held !== null) return repeat(held, hash);
  }

  const finish = async (result: CsResult, changes: Changes): Promise<Reply> => {
    const reply = JSON.stringify(sealCsReply(ctx.p, request.replyKey, result));
    const commit = { requestId: request.requestId, requestHash: hash, reply, date: ctx.now() };
    return settler({ ...commit, ...changes }, !lookFirst);
  };

  // Refused: a copy of this very request may have committed meanwhile (on another worker, after
  // the look above — its check then reads as deposited), so a repeat still gets its stored reply.
  try {
    return await run(ctx, request, finish);
  } catch (error) {
    const held = await ctx.store.stored(request.requestId);
    if (held !== null) return repeat(held, hash);
    throw error;
  }
}

/** The operations that move value (restore and status are answered before, never stored). */
type ValueOp = Exclude<CsRequest, { op: 'restore' | 'status' }>;

function run(ctx: CsContext, request: ValueOp, finish: OpRun<CsRequest>['finish']): Promise<Reply> {
  switch (request.op) {
    case 'buy':
      return buy({ ctx, request, finish });
    case 'exchange':
      return exchange({ ctx, request, finish });
    case 'cashout':
      return cashout({ ctx, request, finish });
    case 'convert':
      return convert({ ctx, request, finish });
    case 'triplet':
      return triplet({ ctx, request, finish });
    case 'claim':
      return claim({ ctx, request, finish });
  }
}
