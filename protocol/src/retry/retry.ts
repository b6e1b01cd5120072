/**
 * Running a request under the retry policy: send, and while the failure is transient and the
 * policy allows, wait a jittered backoff and send the *same* request again. Every NetCash request
 * that moves value is idempotent by request id, so a repeat is always safe; the caller passes a
 * function that re-sends the same request, never a new one.
 *
 * The clock, the random source and the sleep are injectable (tests run with a fake clock and no
 * real waiting); the defaults are the platform's.
 */
import type { NetCashError, Result } from '../errors.ts';
import { nextRetry, type Random, type RetryPolicy } from './backoff.ts';
import { isTransient } from './classify.ts';

export interface RetryEnv {
  /** Milliseconds on a monotonic-enough clock (default Date.now). */
  readonly nowMs?: () => number;
  readonly random?: Random;
  /** Waits `ms` (default setTimeout). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each wait: what failed, the attempts so far, the delay. */
  readonly onRetry?: (info: { error: NetCashError; attempts: number; delayMs: number }) => void;
}

/** The wait a refusal asks for (`detail.retryAfter`, seconds, from a 429's Retry-After). */
export function retryAfterMs(error: NetCashError): number {
  const seconds = error.detail?.['retryAfter'];
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
    ? seconds * 1000
    : 0;
}

export const platformSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends with `send(attempt)` (counting from 1) until it succeeds, is refused for good, or the
 * policy says stop; the last result either way.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  send: (attempt: number) => Promise<Result<T>>,
  env: RetryEnv = {},
): Promise<Result<T>> {
  const nowMs = env.nowMs ?? Date.now;
  const random = env.random ?? Math.random;
  const sleep = env.sleep ?? platformSleep;
  const startedMs = nowMs();
  for (let attempts = 1; ; attempts++) {
    const result = await send(attempts);
    if (result.ok || !isTransient(result.error)) return result;
    const decision = nextRetry(policy, { attempts, startedMs }, nowMs(), random);
    if (!decision.retry) return result;
    // A server that said when to come back (429 + Retry-After) is not asked sooner, and not
    // at all if that is past the budget.
    const delayMs = Math.max(decision.delayMs, retryAfterMs(result.error));
    if (policy.budgetMs !== undefined && nowMs() + delayMs >= startedMs + policy.budgetMs) {
      return result;
    }
    env.onRetry?.({ error: result.error, attempts, delayMs });
    await sleep(delayMs);
  }
}
