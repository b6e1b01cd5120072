/** Why the approval window asks, in words, from the quote and the site's budget. */
import { describe, expect, it } from 'vitest';
import type { Quote } from '../core/index.ts';
import { approvalReason } from './state-view.ts';

describe('why the approval window asks', () => {
  const quote = (over: Partial<Quote> = {}): Quote => ({
    origin: 'https://news.example',
    description: 'An article',
    resource: 'https://news.example/a',
    amount: 7,
    currency: 'NCD',
    balance: 100,
    balanceAfter: 93,
    foreignOrigins: [],
    allowanceLeft: 0,
    withinAllowance: false,
    ...over,
  });
  const budget = { origin: 'https://news.example', currency: 'NCD', limit: 5 } as const;

  it('names the missing budget, the budget left, the used-up budget or the other site', () => {
    expect(approvalReason(quote(), undefined)).toBe(
      'You have not given news.example a budget, so the wallet asks before each payment.',
    );
    expect(approvalReason(quote(), { ...budget, spent: 2, period: 'week' })).toBe(
      "This site's budget has 0.03 NCD left this week, less than the price.",
    );
    expect(approvalReason(quote(), { ...budget, spent: 5, period: 'day' })).toBe(
      "This site's budget of 0.05 NCD is used up today.",
    );
    expect(approvalReason(quote({ foreignOrigins: ['https://pay.example'] }), undefined)).toBe(
      'This payment goes to another site than the page you are on, so the wallet always asks.',
    );
  });
});
