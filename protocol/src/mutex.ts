/**
 * A FIFO mutex over promises: `run(fn)` starts `fn` once every earlier caller's `fn` has settled,
 * so async work that awaits in the middle (a SQLite transaction, a wallet operation that journals
 * then sends) never interleaves with another. One mechanism for every such queue in the product:
 * the SQLite engine's one connection (server-kit) and the wallet core's value-moving operations.
 * A caller's failure is its own: the next one still runs.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after everything queued before it; resolves or rejects with `fn`'s outcome. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
