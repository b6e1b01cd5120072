/**
 * Small statistics and printing helpers shared by the benchmarks: percentiles of a sample,
 * number formatting, aligned text tables, and a one-line description of the machine and its load
 * (the figures of a shared 2-core machine mean little without the load average beside them).
 */
import { cpus, loadavg } from 'node:os';

/** The p-th percentile (0–100) of `values` by nearest rank; NaN for an empty sample. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sorted[rank]!;
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

/** `1,234` / `1,234.5`: thousands separators, fixed digits. */
export function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Milliseconds with a precision that suits their size. */
export function ms(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

/** `62%` */
export function pct(ratio: number): string {
  return Number.isFinite(ratio) ? `${Math.round(ratio * 100)}%` : '–';
}

/** Prints a table: the first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** `load 1.23 0.98 0.70` */
export function load(): string {
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** Node version, CPU model and count, and the load average now. */
export function machine(): string {
  const list = cpus();
  return `node ${process.version}, ${list.length} × ${list[0]?.model.trim() ?? 'cpu'}, ${load()}`;
}
