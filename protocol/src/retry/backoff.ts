/**
 * When to try again: exponential backoff with full jitter, inside a time budget.
 *
 *   delay(n) = random() × min(maxMs, baseMs × factor^n)        n = attempts made so far − 1
 *
 * Full jitter spreads the retries of many clients that failed together (a server came back)
 * over the whole window instead of sending them in one burst. A retry is never scheduled past
 * the policy's deadline or attempt limit: then the caller stops and says so.
 *
 * Pure: the clock and the random source are arguments, so tests choose them.
 */

export interface RetryPolicy {
  /** Upper bound of the first delay, in ms. */
  readonly baseMs: number;
  /** Upper bound of any one delay, in ms. */
  readonly maxMs: number;
  /** Growth of the upper bound per attempt (default 2). */
  readonly factor?: number;
  /** Time budget from the first attempt, in ms: no retry starts after it. */
  readonly budgetMs?: number;
  /** Most attempts in all (first one included). */
  readonly maxAttempts?: number;
}

/** Where a retried operation stands. */
export interface RetryState {
  /** Attempts made so far (≥ 1 once the first one failed). */
  readonly attempts: number;
  /** When the first attempt started (ms on the same clock as `now`). */
  readonly startedMs: number;
}

/** What to do after a transient failure. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number; readonly atMs: number }
  | { readonly retry: false; readonly reason: 'budget' | 'attempts' };

/** A random number in [0, 1). */
export type Random = () => number;

/** The upper bound of the delay after `attempts` failed attempts (no jitter). */
export function backoffCeiling(policy: RetryPolicy, attempts: number): number {
  const factor = policy.factor ?? 2;
  const n = Math.max(0, attempts - 1);
  // factor^n overflows to Infinity long before n reaches a double's range: clamp first.
  const grown = policy.baseMs * factor ** Math.min(n, 64);
  return Math.min(policy.maxMs, Number.isFinite(grown) ? grown : policy.maxMs);
}

/** A full-jitter delay after `attempts` failed attempts. */
export function backoffDelay(policy: RetryPolicy, attempts: number, random: Random): number {
  return Math.floor(random() * backoffCeiling(policy, attempts));
}

/** After a transient failure: retry (when), or stop (why). */
export function nextRetry(
  policy: RetryPolicy,
  state: RetryState,
  nowMs: number,
  random: Random,
): RetryDecision {
  if (policy.maxAttempts !== undefined && state.attempts >= policy.maxAttempts) {
    return { retry: false, reason: 'attempts' };
  }
  const delayMs = backoffDelay(policy, state.attempts, random);
  const atMs = nowMs + delayMs;
  if (policy.budgetMs !== undefined && atMs >= state.startedMs + policy.budgetMs) {
    return { retry: false, reason: 'budget' };
  }
  return { retry: true, delayMs, atMs };
}
