/**
 * Re-driving the journal while the browser runs (SPEC §12): every pending entry at start
 * (`all`), those whose backoff is over when the service worker's alarm fires (`due`), one or all
 * on "Retry now" (`now`), and at once those waiting for a server that just answered
 * (`serverAnswered`). After each value-moving run the worker is told when the earliest pending
 * entry is next due (`reschedule` → `onSchedule`), to set its alarm (schedule.ts: backoff and
 * jitter by the one retry policy).
 */
import type { Core } from './context.ts';
import { pendingOps } from './journal/journal.ts';
import { type RecoverReport, recover } from './recover.ts';
import { earliest, isDue, waitsOn } from './schedule.ts';

/** Runs value-moving work one at a time (the wallet's queue). */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export class Redrive {
  /** Origins that answered lately (ms): their waiting ops are re-driven at once, once a second. */
  private readonly answered = new Map<string, number>();
  private scheduled: number | null | undefined;

  constructor(
    private readonly core: Core,
    private readonly exclusive: Exclusive,
    private readonly onSchedule?: (atMs: number | null) => void,
  ) {}

  /** Tells the worker when pending work is next due, when that changed. */
  async reschedule(): Promise<void> {
    if (this.onSchedule === undefined) return;
    const at = earliest(await pendingOps(this.core).catch(() => []));
    if (at === this.scheduled) return;
    this.scheduled = at;
    this.onSchedule(at);
  }

  all(): Promise<RecoverReport> {
    return this.exclusive(() => recover(this.core));
  }

  due(): Promise<RecoverReport> {
    return this.exclusive(() => recover(this.core, (op) => isDue(this.core, op)));
  }

  now(id?: string): Promise<RecoverReport> {
    return this.exclusive(() => recover(this.core, (op) => id === undefined || op.id === id));
  }

  async nextWake(): Promise<number | null> {
    return earliest(await pendingOps(this.core));
  }

  /**
   * A server at `url` answered: entries waiting for it (a currency server, a payee, the bank)
   * are re-driven now rather than at their backoff (SPEC §12: "as soon as a server answers").
   */
  serverAnswered(url: string): void {
    const origin = new URL(url).origin;
    const nowMs = this.core.nowMs();
    if (nowMs - (this.answered.get(origin) ?? 0) < 1_000) return;
    this.answered.set(origin, nowMs);
    void (async () => {
      const waiting = (await pendingOps(this.core)).filter(
        (op) => !isDue(this.core, op) && waitsOn(op, origin),
      );
      if (waiting.length === 0) return;
      const ids = new Set(waiting.map((op) => op.id));
      await this.exclusive(() => recover(this.core, (op) => ids.has(op.id)));
    })().catch(() => undefined);
  }
}
