import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decompose, planPayment, selectCover, selectExact } from './select.ts';

const DEMO = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const coins = (...values: number[]) => values.map((value, id) => ({ id, value }));
const sum = (cs: readonly { value: number }[]) => cs.reduce((n, c) => n + c.value, 0);

describe('selectExact', () => {
  it('pays an exact amount with the fewest coins', () => {
    const picked = selectExact(coins(50, 20, 20, 10, 5, 2, 1), 32);
    expect(sum(picked!)).toBe(32);
    expect(picked!.map((c) => c.value).sort((a, b) => b - a)).toEqual([20, 10, 2]);
  });

  it('finds a subset where greedy fails (6 from 5,2,2,2)', () => {
    const picked = selectExact(coins(5, 2, 2, 2), 6);
    expect(picked!.map((c) => c.value)).toEqual([2, 2, 2]);
  });

  it('returns null when no subset sums to the amount', () => {
    expect(selectExact(coins(5, 5, 5), 7)).toBeNull();
    expect(selectExact(coins(1, 2), 4)).toBeNull();
  });

  it('never uses a coin twice and always sums exactly (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...DEMO.slice(0, 8)), { maxLength: 40 }),
        fc.integer({ min: 1, max: 400 }),
        (values, amount) => {
          const held = coins(...values);
          const picked = selectExact(held, amount);
          if (picked === null) {
            // Cross-check with brute force over value counts: no subset sums to amount.
            const reachable = new Set([0]);
            for (const v of values) for (const s of [...reachable]) reachable.add(s + v);
            expect(reachable.has(amount)).toBe(false);
          } else {
            expect(sum(picked)).toBe(amount);
            expect(new Set(picked.map((c) => c.id)).size).toBe(picked.length);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('handles a wallet of 10,000 coins', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => DEMO[i % DEMO.length]!);
    const picked = selectExact(coins(...values), 1234);
    expect(sum(picked!)).toBe(1234);
  });
});

describe('selectCover', () => {
  it('covers the amount with the smallest overshoot', () => {
    const picked = selectCover(coins(100, 50, 20), 60);
    expect(sum(picked!)).toBe(70);
  });

  it('returns null when the coins do not reach the amount', () => {
    expect(selectCover(coins(1, 2), 4)).toBeNull();
  });
});

describe('decompose', () => {
  it('splits an amount into the fewest demo denominations', () => {
    expect(decompose(388, DEMO)).toEqual([200, 100, 50, 20, 10, 5, 2, 1]);
    expect(decompose(0, DEMO)).toEqual([]);
  });

  it('is optimal for non-canonical systems (6 from 4,3,1 is 3+3)', () => {
    expect(decompose(6, [1, 3, 4])).toEqual([3, 3]);
  });

  it('returns null when the amount cannot be made', () => {
    expect(decompose(3, [2, 4])).toBeNull();
  });

  it('always sums to the amount using only given values (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), (amount) => {
        const parts = decompose(amount, DEMO)!;
        expect(parts.reduce((a, b) => a + b, 0)).toBe(amount);
        expect(parts.every((p) => DEMO.includes(p))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('planPayment', () => {
  it('pays exactly when it can', () => {
    const plan = planPayment(coins(10, 5, 2), 7, DEMO);
    expect(plan?.kind).toBe('exact');
  });

  it('plans one exchange for change when exact coins are missing', () => {
    const plan = planPayment(coins(100), 37, DEMO);
    expect(plan).toEqual({
      kind: 'change',
      spend: [{ id: 0, value: 100 }],
      pay: [20, 10, 5, 2],
      change: [50, 10, 2, 1],
    });
  });

  it('returns null when the wallet cannot afford it', () => {
    expect(planPayment(coins(10), 37, DEMO)).toBeNull();
  });
});
