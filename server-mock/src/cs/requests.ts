/**
 * The sealed request/reply of paper figure 3 at `POST /v1/requests` (docs/PROTOCOL.md §4.2–4.4):
 * open the envelope with the key of the certificate it names, answer a repeated request id from
 * the stored reply (same request → same bytes; another request → `request-id-reused`), run the
 * operation, and commit its changes together with the sealed reply in one transaction.
 */
import {
  type CsRequest,
  type CsRequestEnvelope,
  type CsResult,
  digest,
  NetCashError,
  openCsRequest,
  sealCsReply,
  unwrap,
} from '@netcash/protocol';
import { buy } from './buy.ts';
import { cashout, convert } from './cashout.ts';
import type { CsContext } from './context.ts';
import { exchange } from './exchange.ts';
import type { Changes } from './store.ts';
import { claim, triplet } from './triplet.ts';

/** One operation in progress: its context, its request, and how to finish it. */
export interface OpRun<R extends CsRequest> {
  readonly ctx: CsContext;
  readonly request: R;
  /**
   * Seals `result` and commits it with `changes` in one transaction; the reply text. A
   * concurrent duplicate that committed first yields its stored reply instead.
   */
  finish(result: CsResult, changes: Changes): Promise<string>;
}

function repeat(held: { hash: string; reply: string }, hash: string): string {
  if (held.hash !== hash) {
    throw new NetCashError('request-id-reused', 'this request id was used for another request');
  }
  return held.reply;
}

/** Handles one envelope; the reply as JSON text (stored byte for byte). */
export async function handleRequest(ctx: CsContext, envelope: CsRequestEnvelope): Promise<string> {
  const entry = ctx.keys.byCertId(envelope.certId);
  if (entry === undefined) {
    throw new NetCashError('unknown-cert', `${ctx.name} holds no certificate ${envelope.certId}`);
  }
  const request = unwrap(openCsRequest(ctx.p, entry.enc.secretKey, envelope));
  const hash = digest(ctx.p, request);
  const held = await ctx.store.stored(request.requestId);
  if (held !== null) return repeat(held, hash);

  const finish = async (result: CsResult, changes: Changes): Promise<string> => {
    const reply = JSON.stringify(sealCsReply(ctx.p, request.replyKey, result));
    const outcome = await ctx.store.commit({
      requestId: request.requestId,
      requestHash: hash,
      reply,
      date: ctx.now(),
      ...changes,
    });
    if (outcome.ok) return reply;
    if ((changes.minted ?? 0) > 0) await ctx.store.release(request.requestId);
    switch (outcome.reason) {
      case 'duplicate': {
        const again = await ctx.store.stored(request.requestId);
        if (again === null) throw new NetCashError('internal', 'stored request vanished');
        return repeat(again, hash);
      }
      case 'double-spent':
        throw new NetCashError('double-spent', 'a coin is not outstanding', {
          serials: outcome.serials,
        });
      case 'check-cleared':
        throw new NetCashError('check-cleared', 'this check was already deposited here');
      case 'not-backed':
        throw new NetCashError('limit-exceeded', 'outstanding value would exceed the backing');
    }
  };

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
