/**
 * Injectable fault points, so tests can interrupt the wallet exactly where a killed service
 * worker would stop: after the journal write, after a request was sent (the server acted but the
 * reply never arrived), after the reply arrived but before it was stored. A hook that throws
 * (e.g. a `SimulatedCrash`) stops the operation there: nothing after it runs, as in a crash.
 */
import type { OpKind } from './journal/types.ts';

export interface FaultContext {
  readonly kind: OpKind;
  readonly opId: string;
  /** The step: `buy`, `exchange`, `pay`, `reclaim`, `confirm`, `cashout`, `deposit`. */
  readonly step: string;
}

export interface Faults {
  /** The journal entry (and its coin reservation) is committed; nothing was sent yet. */
  afterJournal?(ctx: FaultContext): void | Promise<void>;
  /** The server received and answered the request; the wallet has not read the reply. */
  afterSend?(ctx: FaultContext): void | Promise<void>;
  /** The reply is opened and checked; it is not stored yet. */
  afterReply?(ctx: FaultContext): void | Promise<void>;
}

/** What a fault hook throws to stand for a crash. Never caught by the wallet core. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** A Faults that crashes once at `point` for operations of `kind` (any kind when omitted). */
export function crashOnce(
  point: keyof Faults,
  filter: { kind?: OpKind; step?: string } = {},
): Faults & { readonly fired: () => boolean } {
  let fired = false;
  const hook = (ctx: FaultContext): void => {
    if (fired) return;
    if (filter.kind !== undefined && ctx.kind !== filter.kind) return;
    if (filter.step !== undefined && ctx.step !== filter.step) return;
    fired = true;
    throw new SimulatedCrash(`simulated crash ${point} of ${ctx.kind}/${ctx.step}`);
  };
  return { [point]: hook, fired: () => fired };
}
