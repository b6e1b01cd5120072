/**
 * What the shopper reads back: history (newest first, by page), receipts, and the per-site
 * allowances — budgets renewed to the current period (budget.ts) — with setting one.
 */

import { type BudgetPeriod, budgetRow, renewed } from './budget.ts';
import type { Core } from './context.ts';
import type { AllowanceRow, HistoryRow, ReceiptRow } from './db/schema.ts';

/** A page of history, newest first: `limit` rows older than `before` (a `seq`), if given. */
export async function historyPage(
  core: Core,
  before: number | undefined,
  limit: number,
): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  const range = before === undefined ? null : IDBKeyRange.upperBound(before, true);
  const tx = core.db.transaction(['history'], 'readonly');
  // A reverse cursor: history only grows, the newest are read first and the rest never.
  let cursor = await tx.objectStore('history').openCursor(range, 'prev');
  while (cursor !== null && rows.length < limit) {
    rows.push(cursor.value);
    cursor = await cursor.continue();
  }
  await tx.done;
  return rows;
}

export async function receipts(core: Core, limit: number): Promise<ReceiptRow[]> {
  const rows = await core.db.getAll('receipts');
  return rows.sort((a, b) => b.date - a.date).slice(0, limit);
}

/** Every site's allowance as it stands now (budgets renewed). */
export async function allowances(core: Core): Promise<AllowanceRow[]> {
  const now = core.now();
  return (await core.db.getAll('allowances')).map((row) => renewed(row, now));
}

/**
 * Lets `origin` take up to `limit` (minor units of `currency`) without a prompt — per `period`
 * when given (a budget, budget.ts `budgetRow`), else in total from now. A limit of 0 removes it.
 */
export async function setAllowance(
  core: Core,
  origin: string,
  currency: string,
  limit: number,
  period?: BudgetPeriod,
): Promise<AllowanceRow> {
  const held = await core.db.get('allowances', [origin, currency]);
  const row = budgetRow(held, { origin, currency, limit, period }, core.now());
  if (limit <= 0) {
    await core.db.delete('allowances', [origin, currency]);
  } else {
    await core.db.put('allowances', row);
  }
  return row;
}
