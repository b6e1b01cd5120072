/** The admin page: the books of books.ts as plain HTML tables (no script). */
import { formatPrice } from '../price.ts';
import type { PublisherBooks, SalesLine } from './books.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(head: readonly string[], rows: readonly (readonly string[])[], id: string): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const body =
    rows.length === 0
      ? `<tr><td colspan="${head.length}">none yet</td></tr>`
      : rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

export function booksPage(b: PublisherBooks): string {
  const cur = b.currency ?? 'NCD';
  const money = (n: number) => formatPrice(n, cur);
  const line = (l: SalesLine) => [String(l.count), money(l.amount)];
  const summary: [string, number][] = [
    ['Sold', b.sold.amount],
    ['Held in coins', b.held.value],
    ['Cash-outs under way', b.inFlight],
    ['Deposited at the bank', b.deposited],
    ['Checks refused by the bank', b.refusedChecks],
    ['Written off (coins refused by the CS)', b.writtenOff],
    ['Unaccounted', b.unaccounted],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>NetCash — publisher books</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #ddd;padding:.25rem .75rem;text-align:left}
.bad{color:#a22;font-weight:bold}</style></head><body>
<h1>Publisher books</h1>
${table(
  ['', cur],
  summary.map(([k, v]) => [k, money(v)]),
  'summary',
)}
${b.unaccounted === 0 ? '<p id="balanced">The books balance.</p>' : `<p id="balanced" class="bad">${esc(money(b.unaccounted))} of sales are not in coins, checks or deposits.</p>`}
<h2>Sales by resource</h2>
${table(
  ['resource', 'description', 'sales', 'amount'],
  b.byResource.map((r) => [r.path ?? r.sid, r.description ?? '', ...line(r)]),
  'by-resource',
)}
<h2>Sales by day (UTC)</h2>
${table(
  ['day', 'sales', 'amount'],
  b.byDay.map((d) => [d.day, ...line(d)]),
  'by-day',
)}
<h2>Coins held, by currency server</h2>
${table(
  ['currency server', 'coins', 'value'],
  b.held.byCs.map((c) => [c.cs, ...line(c)]),
  'held',
)}
<h2>Cash-outs</h2>
${table(
  ['created', 'amount', 'state', 'check', 'drawn by', 'bank', 'completed'],
  b.cashouts.map((c) => [
    c.created,
    money(c.amount),
    c.error === null ? c.state : `${c.state}: ${c.error}`,
    c.check?.checkNo ?? '',
    c.check?.drawer ?? '',
    c.check?.bank ?? '',
    c.completed ?? '',
  ]),
  'cashouts',
)}
</body></html>`;
}
