/**
 * Messages from one thread of a currency server to another, posted together (pool.ts ↔
 * worker.ts): whatever one side sends in one turn of its event loop goes as ONE `postMessage`
 * of an array, in order. Each message wakes the other thread's event loop and is dispatched to
 * its handler as an event of its own; at 64 connections a worker answered a request per message
 * and the main thread committed what had arrived at each wake-up — groups of 3–5 exchanges,
 * each paying a COMMIT and an fsync, where the inline server committed groups of ~40.
 *
 * A batch goes when the turn ends (`setImmediate`: after the I/O callbacks that produced it),
 * when it reaches MAX_MESSAGES, or when `flush` is called — a worker flushes before it takes the
 * next incoming batch, so that what it finished is not held while it works on more.
 */

/** Most messages in one batch (a request or a settle each: a group commit's worth). */
export const MAX_MESSAGES = 128;

export class Outbox<M> {
  private queue: M[] = [];
  private scheduled = false;

  /** `post` sends one batch (and may move what the messages carry into a transfer list). */
  constructor(private readonly post: (batch: M[]) => void) {}

  send(message: M): void {
    this.queue.push(message);
    if (this.queue.length >= MAX_MESSAGES) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.atTurnEnd);
    }
  }

  /** Posts what is waiting now. */
  flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.post(batch);
  }

  private readonly atTurnEnd = () => {
    this.scheduled = false;
    this.flush();
  };
}
