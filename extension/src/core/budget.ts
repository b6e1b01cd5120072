/**
 * Allowances as budgets: a site may take up to `limit` per day, week or month without asking
 * (SPEC §8 "per-site allowances"). A budget renews when its period ends: what was used goes back
 * to zero and the period steps forward by whole periods (a wallet closed for three days renews
 * once, into the current day). Months are calendar months in UTC from the day the budget began.
 * A row without a period is an older cumulative allowance and never renews.
 */
import { NetCashError } from '@netcash/protocol';
import type { AllowanceRow } from './db/schema.ts';
import type { Tx } from './journal/journal.ts';

export type BudgetPeriod = 'day' | 'week' | 'month';
export const BUDGET_PERIODS: readonly BudgetPeriod[] = ['day', 'week', 'month'];

const DAY = 86_400;

/** When the period that began at `start` (seconds) ends. */
export function periodEnd(start: number, period: BudgetPeriod): number {
  if (period === 'day') return start + DAY;
  if (period === 'week') return start + 7 * DAY;
  const d = new Date(start * 1000);
  const next = Date.UTC(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
  );
  return Math.floor(next / 1000);
}

/** The row as it stands at `now`: renewed (nothing used, current period) once its period ended. */
export function renewed(row: AllowanceRow, now: number): AllowanceRow {
  if (row.period === undefined || row.periodStart === undefined) return row;
  let start = row.periodStart;
  let end = periodEnd(start, row.period);
  if (now < end) return row;
  while (now >= end) {
    start = end;
    end = periodEnd(start, row.period);
  }
  return { ...row, spent: 0, periodStart: start };
}

/** What the site may still take at `now`. */
export function budgetLeft(row: AllowanceRow | undefined, now: number): number {
  if (row === undefined) return 0;
  const r = renewed(row, now);
  return Math.max(0, r.limit - r.spent);
}

/**
 * The row for a site's allowance set to `limit` (per `period`, else in total) at `now`, given
 * the row `held` so far: changing the limit of a budget keeps what was used in its current
 * period; a new budget, or a change of period, starts afresh.
 */
export function budgetRow(
  held: AllowanceRow | undefined,
  set: { origin: string; currency: string; limit: number; period?: BudgetPeriod | undefined },
  now: number,
): AllowanceRow {
  const { origin, currency, limit, period } = set;
  const current = held === undefined ? undefined : renewed(held, now);
  const keep = period !== undefined && current !== undefined && current.period === period;
  return {
    origin,
    currency,
    limit,
    spent: keep ? current.spent : 0,
    updated: now,
    ...(period === undefined
      ? {}
      : { period, periodStart: keep ? (current.periodStart ?? now) : now }),
  };
}

/**
 * Inside the payment's journaling transaction: takes `amount` from the site's allowance, or
 * aborts the transaction and throws `unauthorized` when it does not cover it.
 */
export async function chargeAllowance(
  tx: Tx,
  origin: string,
  currency: string,
  amount: number,
  now: number,
): Promise<void> {
  const stored = await tx.objectStore('allowances').get([origin, currency]);
  const row = stored === undefined ? undefined : renewed(stored, now);
  if (row === undefined || row.limit - row.spent < amount) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new NetCashError('unauthorized', 'The allowance for this site is used up.');
  }
  await tx.objectStore('allowances').put({ ...row, spent: row.spent + amount, updated: now });
}
