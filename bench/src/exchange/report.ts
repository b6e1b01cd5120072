/**
 * bench:exchange's printed tables: one row per run (rate, latency, CPU of each process, the CS's
 * CPU µs per exchange beside the crypto-only round that followed it), a line per shape with the
 * limit, and the summary with both ratios and their spread over the runs at the peak.
 */
import { load, ms, num, pct, percentile, table } from '../lib/stats.ts';
import { csCpuUs, type Level, type ShapeSummary, type Spread } from './stats.ts';

export const shapeName = (s: { coinsIn: number; coinsOut: number }) => `${s.coinsIn}→${s.coinsOut}`;

const cores = (cpuMs: number | undefined, windowMs: number) =>
  cpuMs === undefined ? '–' : pct(cpuMs / windowMs);

export function printLevels(levels: readonly Level[], processes: number): void {
  table(
    [
      'run',
      'load',
      'exch/s',
      'coins/s',
      'p50 ms',
      'p99 ms',
      'CS CPU',
      'CS µs/exch',
      'crypto µs',
      'CPU ratio',
      'PG CPU',
      'gen CPU',
      'err',
      '',
    ],
    levels.map((l) => {
      const cs = csCpuUs(l);
      return [
        `${l.config} ${shapeName(l.shape)}`,
        l.mode,
        num(l.rate),
        num(l.rate * l.shape.coinsIn),
        ms(percentile(l.report.latenciesMs, 50)),
        ms(percentile(l.report.latenciesMs, 99)),
        `${cores(l.report.cpuMs['cs'], l.report.cpuWindowMs)}${processes > 1 ? ` (${processes} proc)` : ''}`,
        num(cs),
        num(l.limit.cpuUs),
        (cs / l.limit.cpuUs).toFixed(2),
        cores(l.report.cpuMs['postgres'], l.report.cpuWindowMs),
        cores(l.report.cpuMs['load'], l.report.cpuWindowMs),
        String(l.report.errors),
        l.report.exhausted ? `ran out at ${(l.windowMs / 1000).toFixed(1)} s` : '',
      ];
    }),
  );
}

/** `1.62 (1.58–1.70, n=4)` */
export function spreadText(s: Spread, format: (n: number) => string): string {
  if (s.n === 0) return '–';
  if (s.n === 1) return format(s.median);
  return `${format(s.median)} (${format(s.min)}–${format(s.max)}, n=${s.n})`;
}

const ratio = (n: number) => n.toFixed(2);

export function printShapeLine(s: ShapeSummary, meterCores: number): void {
  console.log(
    `  crypto-only on ${meterCores} core(s): ${spreadText(s.limitRate, num)} exch/s, ` +
      `${spreadText(s.limitCpuUs, (n) => num(n, 1))} CPU µs/exch (${s.limitRate.n} interleaved rounds)\n` +
      `  at the peak (${s.peak.mode}, ${s.peakRuns.length} runs): ${spreadText(s.rate, num)} exch/s, ` +
      `CS ${spreadText(s.cpuUs, (n) => num(n, 1))} CPU µs/exch → CPU-time ratio ${spreadText(s.cpuRatio, ratio)}, ` +
      `throughput ratio ${spreadText(s.throughputRatio, pct)}; ${load()}\n`,
  );
}

export function printSummary(summaries: readonly ShapeSummary[]): void {
  console.log(
    'Summary — at the best level, median (min–max) over the runs there:\n' +
      '  CPU-time ratio   = CS CPU µs per exchange ÷ crypto-only CPU µs per exchange (interleaved rounds)\n' +
      '  throughput ratio = exchanges/s ÷ crypto-only exchanges/s on as many cores as the CS has crypto threads',
  );
  table(
    [
      'configuration',
      'workers',
      'peak exch/s',
      'at',
      'CS cores',
      'exch/CPU-s',
      'CS µs/exch',
      'crypto µs/exch',
      'CPU-time ratio',
      'limit exch/s',
      'throughput ratio',
      'half-peak p50/p99 ms',
    ],
    summaries.map((s) => [
      `${s.config} ${shapeName(s.shape)}`,
      s.workers,
      spreadText(s.rate, num),
      s.peak.mode,
      s.cores.toFixed(2),
      num(1e6 / s.cpuUs.median),
      spreadText(s.cpuUs, (n) => num(n, 0)),
      spreadText(s.limitCpuUs, (n) => num(n, 0)),
      spreadText(s.cpuRatio, ratio),
      spreadText(s.limitRate, num),
      spreadText(s.throughputRatio, pct),
      s.half === undefined
        ? '–'
        : `${ms(percentile(s.half.report.latenciesMs, 50))} / ${ms(percentile(s.half.report.latenciesMs, 99))}`,
    ]),
  );
  console.log(
    'targets (1→1 SQLite): CPU-time ratio ≤ 1.67 and throughput ratio ≥ 60%; 8→8 ≥ 80%; ' +
      `p99 < 25 ms at half of peak; PostgreSQL 1→1 ≥ 45%. ${load()}`,
  );
}
