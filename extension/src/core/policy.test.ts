import { selectExact } from '@netcash/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coverage, MAX_COINS, refreshPlan, refreshWindow, spread } from './policy.ts';

const DENOMS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];

describe('spread of denominations', () => {
  it('covers every amount up to the goal so payments are exact without change', () => {
    const values = spread(1000, DENOMS, 1000)!;
    expect(values.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(coverage(values)).toBe(1000);
    for (let price = 1; price <= 1000; price++) {
      expect(
        selectExact(
          values.map((value) => ({ value })),
          price,
        ),
      ).not.toBeNull();
    }
  });

  it('pays the part above the goal in the fewest coins', () => {
    const values = spread(20_000, DENOMS, 2000)!;
    expect(values.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(coverage(values)).toBeGreaterThanOrEqual(2000);
    expect(values.length).toBeLessThanOrEqual(MAX_COINS);
  });

  it('sums to the total, stays within 64 coins, for any total and goal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30_000 }),
        fc.integer({ min: 0, max: 5000 }),
        (t, g) => {
          const values = spread(t, DENOMS, g);
          expect(values).not.toBeNull();
          expect(values!.reduce((a, b) => a + b, 0)).toBe(t);
          expect(values!.length).toBeLessThanOrEqual(MAX_COINS);
          expect(values!.every((v) => DENOMS.includes(v))).toBe(true);
        },
      ),
    );
  });

  it('refuses totals the denominations cannot make, or only in over 64 coins', () => {
    expect(spread(3, [5, 10], 100)).toBeNull();
    expect(spread(100_000, DENOMS, 100)).toBeNull();
  });
});

describe('refresh plan', () => {
  const coin = (id: string, value: number, expires = 10_000) => ({ id, value, expires });

  it('breaks a large coin into a spread', () => {
    const plan = refreshPlan([coin('a', 1000)], DENOMS, { coverUpTo: 1000, refreshBefore: 100 }, 0);
    expect(plan?.coins.map((c) => c.id)).toEqual(['a']);
    expect(coverage(plan!.values)).toBe(1000);
  });

  it('leaves a good spread alone', () => {
    const coins = spread(500, DENOMS, 500)!.map((v, i) => coin(String(i), v));
    expect(refreshPlan(coins, DENOMS, { coverUpTo: 500, refreshBefore: 100 }, 0)).toBeNull();
  });

  it('replaces coins near expiry', () => {
    const coins = [coin('old', 1, 150), coin('new', 2)];
    const plan = refreshPlan(coins, DENOMS, { coverUpTo: 3, refreshBefore: 100 }, 100);
    expect(plan?.coins.map((c) => c.id)).toContain('old');
  });

  it("fits the refresh window to the coins' lifetime: 1-hour coins are not re-exchanged at every upkeep", () => {
    const policy = { coverUpTo: 3, refreshBefore: 3 * 86_400 };
    const fresh = [
      { id: 'a', value: 1, expires: 3_600, added: 0 },
      { id: 'b', value: 2, expires: 3_600, added: 0 },
    ];
    // The 3-day window would take every coin of an hour's lifetime, at every call.
    expect(refreshWindow(fresh[0]!, policy)).toBe(900);
    for (const now of [0, 300, 1_800, 2_699]) {
      expect([now, refreshPlan(fresh, DENOMS, policy, now)]).toEqual([now, null]);
    }
    expect(refreshPlan(fresh, DENOMS, policy, 2_701)?.coins.map((c) => c.id)).toEqual(['a', 'b']);
    // Coins of 30 days keep the policy's 3 days.
    expect(refreshWindow({ id: 'c', value: 1, expires: 30 * 86_400, added: 0 }, policy)).toBe(
      3 * 86_400,
    );
  });
});
