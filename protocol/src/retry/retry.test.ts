import { describe, expect, it } from 'vitest';
import { fail, ok, type Result } from '../errors.ts';
import {
  BACKGROUND,
  backoffCeiling,
  backoffDelay,
  classify,
  codeOfStatus,
  isTransient,
  nextRetry,
  withRetry,
} from './index.ts';

/** A fake clock whose sleep advances it: no real waiting. */
function fakeTime(start = 1_000) {
  let now = start;
  const slept: number[] = [];
  return {
    nowMs: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

describe('classification', () => {
  it('leaves the outcome open for unreachable, timeout, internal, rate-limited and busy', () => {
    for (const code of [
      'upstream-unavailable',
      'timeout',
      'internal',
      'rate-limited',
      'busy',
    ] as const) {
      expect(isTransient(code), code).toBe(true);
    }
  });

  it('treats a refusal that changed nothing as final', () => {
    for (const code of [
      'double-spent',
      'expired',
      'malformed',
      'check-cleared',
      'request-id-reused',
    ] as const) {
      expect(classify(code), code).toBe('permanent');
    }
  });

  it('maps bare HTTP statuses to registry codes', () => {
    expect(codeOfStatus(408)).toBe('timeout');
    expect(codeOfStatus(429)).toBe('rate-limited');
    expect(codeOfStatus(500)).toBe('upstream-unavailable');
    expect(codeOfStatus(503)).toBe('upstream-unavailable');
    expect(codeOfStatus(404)).toBe('malformed');
    expect(isTransient(codeOfStatus(502))).toBe(true);
    expect(isTransient(codeOfStatus(400))).toBe(false);
  });
});

describe('backoff', () => {
  const policy = { baseMs: 100, maxMs: 1_000 };

  it('grows the ceiling exponentially up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(policy, n))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(backoffCeiling({ ...policy, factor: 3 }, 3)).toBe(900);
    expect(backoffCeiling(policy, 10_000)).toBe(1_000);
  });

  it('jitters over the whole window (full jitter)', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 3, () => 0.999_999)).toBe(399);
  });

  it('stops at the attempt limit and before the budget runs out', () => {
    expect(
      nextRetry({ ...policy, maxAttempts: 3 }, { attempts: 3, startedMs: 0 }, 0, () => 0.5),
    ).toEqual({
      retry: false,
      reason: 'attempts',
    });
    expect(
      nextRetry({ ...policy, budgetMs: 500 }, { attempts: 4, startedMs: 0 }, 300, () => 0.5),
    ).toEqual({
      retry: false,
      reason: 'budget',
    });
    expect(
      nextRetry({ ...policy, budgetMs: 500 }, { attempts: 1, startedMs: 0 }, 300, () => 0.5),
    ).toEqual({
      retry: true,
      delayMs: 50,
      atMs: 350,
    });
  });

  it('spaces background retries from seconds to at most 15 minutes', () => {
    expect(backoffCeiling(BACKGROUND, 1)).toBe(5_000);
    expect(backoffCeiling(BACKGROUND, 30)).toBe(15 * 60_000);
  });
});

describe('withRetry', () => {
  it('re-sends the same request after transient failures until it succeeds', async () => {
    const time = fakeTime();
    const answers: Result<string>[] = [fail('upstream-unavailable'), fail('timeout'), ok('coins')];
    const attempts: number[] = [];
    const result = await withRetry(
      { baseMs: 100, maxMs: 1_000 },
      async (n) => {
        attempts.push(n);
        return answers.shift()!;
      },
      { ...time, random: () => 0.5 },
    );
    expect(result).toEqual(ok('coins'));
    expect(attempts).toEqual([1, 2, 3]);
    expect(time.slept).toEqual([50, 100]);
  });

  it('returns a permanent refusal at once', async () => {
    const time = fakeTime();
    let sends = 0;
    const result = await withRetry(
      { baseMs: 100, maxMs: 1_000 },
      async () => {
        sends++;
        return fail('double-spent');
      },
      time,
    );
    expect(result.ok ? null : result.error.code).toBe('double-spent');
    expect(sends).toBe(1);
    expect(time.slept).toEqual([]);
  });

  it('gives up with the last transient failure when the budget is spent', async () => {
    const time = fakeTime();
    const seen: number[] = [];
    const result = await withRetry(
      { baseMs: 400, maxMs: 400, budgetMs: 1_000 },
      async () => fail('upstream-unavailable', 'down'),
      { ...time, random: () => 0.99, onRetry: ({ attempts }) => seen.push(attempts) },
    );
    expect(result.ok ? null : result.error.message).toBe('down');
    // 396 + 396 = 792 ms waited; a third wait would end past the 1 s budget.
    expect(time.slept).toEqual([396, 396]);
    expect(seen).toEqual([1, 2]);
  });

  it('waits at least what a 429 asked for (Retry-After), and gives up if that is past the budget', async () => {
    const time = fakeTime();
    const answers: Result<string>[] = [
      fail('rate-limited', 'slow down', { retryAfter: 3 }),
      ok('served'),
    ];
    const result = await withRetry(
      { baseMs: 100, maxMs: 1_000, budgetMs: 10_000 },
      async () => answers.shift()!,
      { ...time, random: () => 0.5 },
    );
    expect(result).toEqual(ok('served'));
    expect(time.slept).toEqual([3_000]);

    const later = fakeTime();
    let sends = 0;
    const refused = await withRetry(
      { baseMs: 100, maxMs: 1_000, budgetMs: 2_000 },
      async () => {
        sends++;
        return fail('rate-limited', 'slow down', { retryAfter: 60 });
      },
      { ...later, random: () => 0.5 },
    );
    expect(refused.ok ? null : refused.error.code).toBe('rate-limited');
    expect(sends).toBe(1);
    expect(later.slept).toEqual([]);
  });
});
