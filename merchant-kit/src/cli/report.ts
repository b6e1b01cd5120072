/** `netcash-merchant report` as text: the admin page's tables for a terminal. */
import type { PublisherBooks } from '../admin/books.ts';

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '  (none)';
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`;
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatReport(b: PublisherBooks): string {
  const cur = b.currency ?? '';
  const n = (x: number) => String(x);
  return [
    `sold ${b.sold.amount} ${cur} in ${b.sold.count} sales; held ${b.held.value}; ` +
      `cash-outs under way ${b.inFlight}; deposited ${b.deposited}; refused checks ${b.refusedChecks}; ` +
      `written off ${b.writtenOff}; unaccounted ${b.unaccounted}`,
    '',
    'sales by resource',
    table(
      ['resource', 'sales', 'amount'],
      b.byResource.map((r) => [r.path ?? r.sid, n(r.count), n(r.amount)]),
    ),
    '',
    'sales by day (UTC)',
    table(
      ['day', 'sales', 'amount'],
      b.byDay.map((d) => [d.day, n(d.count), n(d.amount)]),
    ),
    '',
    'coins held by currency server',
    table(
      ['cs', 'coins', 'value'],
      b.held.byCs.map((c) => [c.cs, n(c.count), n(c.amount)]),
    ),
    '',
    'cash-outs',
    table(
      ['created', 'amount', 'state', 'check', 'drawn by', 'bank'],
      b.cashouts.map((c) => [
        c.created,
        n(c.amount),
        c.state,
        c.check?.checkNo ?? '',
        c.check?.drawer ?? '',
        c.check?.bank ?? '',
      ]),
    ),
  ].join('\n');
}
