import { describe, expect, it } from 'vitest';
import { formatAmount, parseAmount } from './money.ts';

describe('amounts as people read them', () => {
  it('prints minor units with two decimals and the currency code', () => {
    expect(formatAmount(3, 'NCD')).toBe('0.03 NCD');
    expect(formatAmount(100, 'NCD')).toBe('1.00 NCD');
    expect(formatAmount(1234, 'EUR')).toBe('12.34 EUR');
    expect(formatAmount(123_456_789, 'NCD')).toBe('1,234,567.89 NCD');
    expect(formatAmount(-250, 'NCD')).toBe('−2.50 NCD');
    expect(formatAmount(0, 'NCD')).toBe('0.00 NCD');
  });

  it('reads what a person types, and refuses what is not an amount', () => {
    expect(parseAmount('12')).toBe(1200);
    expect(parseAmount(' 12.5 ')).toBe(1250);
    expect(parseAmount('12,50')).toBe(1250);
    expect(parseAmount('0.03 NCD', 'NCD')).toBe(3);
    expect(parseAmount('1,234.56')).toBe(123_456);
    for (const bad of ['', '-1', '1e3', '1.234', 'abc', '1.2.3', '12 EUR', '∞']) {
      expect(parseAmount(bad, 'NCD'), bad).toBeNull();
    }
  });

  it('reads back what it prints', () => {
    for (const n of [0, 1, 99, 100, 12_345, 99_999_999]) {
      expect(parseAmount(formatAmount(n, 'NCD'), 'NCD')).toBe(n);
    }
  });
});
