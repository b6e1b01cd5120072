/**
 * When the merchant re-drives what a fault left open — journaled payments and unfinished
 * cash-outs — by the one retry policy (@netcash/protocol, default `BACKGROUND`: exponential
 * backoff with full jitter), not a fixed timer:
 *
 *   at start, and on `recover()`            → now
 *   something was just left open (`kick`)   → after the policy's first delay
 *   a re-drive left something open          → after the next, longer delay
 *   a re-drive left nothing                 → one look within the policy's longest delay, for
 *                                             what another process on the same store left (the
 *                                             `netcash-merchant cashout` command)
 *   the CS answered another request         → now, if something waits (`answered`)
 *
 * The jitter keeps many merchants whose CS came back from calling it in the same second.
 */
import { backoffDelay, type Random, type RetryPolicy } from '@netcash/protocol';

/** Sets a one-shot timer; returns its cancel. Tests pass one that records the delays. */
export type SetTimer = (run: () => void, ms: number) => () => void;

const realTimer: SetTimer = (run, ms) => {
  const timer = setTimeout(run, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
};

/** Attempts that put any policy at its longest delay (the idle look). */
const IDLE = 64;

export interface RedriveOptions {
  /** Backoff between re-drives; `false`: only at start and on `recover()`. */
  readonly policy: RetryPolicy | false;
  readonly random?: Random;
  readonly setTimer?: SetTimer;
  /** A re-drive started by a timer threw (the store is gone…); it is tried again later. */
  readonly onError: (error: unknown) => void;
}

export class Redriver {
  private running: Promise<void> | null = null;
  private timer: { readonly cancel: () => void; readonly idle: boolean } | null = null;
  /** Re-drives in a row that left something open. */
  private attempts = 0;
  private kicked = false;
  private closed = false;

  /** `work` re-drives everything open and says whether anything is still open. */
  constructor(
    private readonly work: () => Promise<boolean>,
    private readonly options: RedriveOptions,
  ) {}

  /** Re-drives now (joining a run in progress); schedules the next one. */
  run(): Promise<void> {
    this.unschedule();
    this.running ??= (async () => {
      let left = true;
      try {
        left = await this.work();
      } finally {
        this.attempts = left || this.kicked ? Math.max(this.attempts + 1, 1) : 0;
        this.kicked = false;
        this.schedule();
      }
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Something was just left open: re-drive it after the first delay, not the idle one. */
  kick(): void {
    if (this.running !== null) {
      this.kicked = true;
      return;
    }
    if (this.timer !== null && !this.timer.idle) return;
    this.unschedule();
    this.attempts = Math.max(this.attempts, 1);
    this.schedule();
  }

  /** The CS answered a request: what waits for it goes now, not at the end of its backoff. */
  answered(): void {
    if (this.timer === null || this.timer.idle) return;
    this.attempts = 0;
    this.run().catch(this.options.onError);
  }

  /** When the next re-drive is set: 'backoff' (something is open), 'idle', or none. */
  get scheduled(): 'backoff' | 'idle' | null {
    if (this.timer === null) return null;
    return this.timer.idle ? 'idle' : 'backoff';
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unschedule();
    await this.running?.catch(() => undefined);
  }

  private schedule(): void {
    const { policy } = this.options;
    if (policy === false || this.closed || this.timer !== null) return;
    const idle = this.attempts === 0;
    const delay = backoffDelay(
      policy,
      idle ? IDLE : this.attempts,
      this.options.random ?? Math.random,
    );
    const cancel = (this.options.setTimer ?? realTimer)(() => {
      this.timer = null;
      this.run().catch(this.options.onError);
    }, delay);
    this.timer = { cancel, idle };
  }

  private unschedule(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}
