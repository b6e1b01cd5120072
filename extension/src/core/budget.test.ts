import { describe, expect, it } from 'vitest';
import { budgetLeft, budgetRow, periodEnd, renewed } from './budget.ts';
import type { AllowanceRow } from './db/schema.ts';

const start = Date.UTC(2026, 0, 31, 12) / 1000; // 31 January 2026, 12:00 UTC
const row = (over: Partial<AllowanceRow> = {}): AllowanceRow => ({
  origin: 'https://news.example',
  currency: 'NCD',
  limit: 50,
  spent: 30,
  updated: start,
  period: 'day',
  periodStart: start,
  ...over,
});

describe('allowance budgets', () => {
  it('end after a day, a week, or a calendar month', () => {
    expect(periodEnd(start, 'day') - start).toBe(86_400);
    expect(periodEnd(start, 'week') - start).toBe(7 * 86_400);
    // 31 January + one month is 3 March in a non-leap February (Date.UTC rolls over).
    expect(new Date(periodEnd(start, 'month') * 1000).toISOString()).toBe(
      '2026-03-03T12:00:00.000Z',
    );
    const mid = Date.UTC(2026, 4, 15) / 1000;
    expect(new Date(periodEnd(mid, 'month') * 1000).toISOString()).toBe('2026-06-15T00:00:00.000Z');
  });

  it('keep what was used within the period and renew after it', () => {
    expect(budgetLeft(row(), start + 86_399)).toBe(20);
    expect(renewed(row(), start + 86_399).spent).toBe(30);
    const next = renewed(row(), start + 86_400);
    expect(next).toMatchObject({ spent: 0, periodStart: start + 86_400 });
    expect(budgetLeft(row(), start + 86_400)).toBe(50);
  });

  it('renew into the current period after a long absence', () => {
    const later = renewed(row({ period: 'week' }), start + 20 * 86_400);
    expect(later.periodStart).toBe(start + 14 * 86_400);
    expect(later.spent).toBe(0);
  });

  it('never renew an allowance without a period, nor give more than the limit', () => {
    const cumulative = row({ period: undefined, periodStart: undefined });
    expect(renewed(cumulative, start + 400 * 86_400)).toBe(cumulative);
    expect(budgetLeft(row({ spent: 80 }), start)).toBe(0);
    expect(budgetLeft(undefined, start)).toBe(0);
  });
});

describe('setting a budget', () => {
  const set = { origin: 'https://news.example', currency: 'NCD' };
  it('keeps what was used this period when only the limit changes', () => {
    expect(budgetRow(row(), { ...set, limit: 80, period: 'day' }, start + 100)).toMatchObject({
      limit: 80,
      spent: 30,
      periodStart: start,
    });
  });

  it('starts afresh for a new budget, a new period length, or after renewal', () => {
    expect(budgetRow(undefined, { ...set, limit: 80, period: 'week' }, start)).toMatchObject({
      spent: 0,
      periodStart: start,
    });
    expect(budgetRow(row(), { ...set, limit: 80, period: 'week' }, start + 100)).toMatchObject({
      spent: 0,
      period: 'week',
      periodStart: start + 100,
    });
    expect(budgetRow(row(), { ...set, limit: 80, period: 'day' }, start + 86_500)).toMatchObject({
      spent: 0,
      periodStart: start + 86_400,
    });
    const total = budgetRow(row(), { ...set, limit: 80 }, start);
    expect(total.period).toBeUndefined();
    expect(total.spent).toBe(0);
  });
});
