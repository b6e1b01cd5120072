/**
 * What bench:exchange computes from its runs: the CPU time per exchange of the currency server
 * (its processes' CPU counters over the measured window ÷ the exchanges answered meanwhile), the
 * two ratios to the crypto-only limit, and their spread over repeated runs.
 *
 *   CPU-time ratio    CS CPU µs per exchange ÷ crypto-only CPU µs per exchange (median of the
 *                     interleaved rounds) — the stable measure: ≤ 1.67 means ≥ 60% of the limit
 *   throughput ratio  exchanges/s ÷ crypto-only exchanges/s on as many cores (median of rounds)
 */
import type { ExchangeShape } from '../crypto-limit.ts';
import { median } from '../lib/stats.ts';
import type { LimitRound } from './limit.ts';
import type { RunReport } from './load-types.ts';

export interface Level {
  readonly config: string;
  readonly shape: ExchangeShape;
  /** `64 conn` or `open 500/s`. */
  readonly mode: string;
  readonly connections: number;
  readonly report: RunReport;
  /** Exchanges per second answered inside the measured window. */
  readonly rate: number;
  readonly windowMs: number;
  /** The crypto-only round run right after this one. */
  readonly limit: LimitRound;
  /** The load average when the run ended. */
  readonly load: number;
}

/** CPU µs the CS processes spent per exchange in this run (NaN without a meter). */
export function csCpuUs(level: Level): number {
  const cs = level.report.cpuMs['cs'];
  if (cs === undefined || level.report.cpuCounted === 0) return Number.NaN;
  return (cs * 1000) / level.report.cpuCounted;
}

/** A sample's median and range. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    n: finite.length,
  };
}

export interface ShapeSummary {
  readonly config: string;
  readonly workers: string;
  readonly shape: ExchangeShape;
  /** Crypto-only exchanges/s on the meter's cores, over every round of this shape. */
  readonly limitRate: Spread;
  /** Crypto-only CPU µs per exchange, over every round of this shape. */
  readonly limitCpuUs: Spread;
  /** The best closed-loop level, and every run made at it (the first one and the repeats). */
  readonly peak: Level;
  readonly peakRuns: readonly Level[];
  readonly rate: Spread;
  readonly cpuUs: Spread;
  /** Per run at the peak: rate ÷ median limit, CS CPU per exchange ÷ median crypto CPU. */
  readonly throughputRatio: Spread;
  readonly cpuRatio: Spread;
  readonly half: Level | undefined;
  /** CPU cores the CS processes used at the peak (median). */
  readonly cores: number;
}

export function summarize(
  config: string,
  workers: string,
  shape: ExchangeShape,
  levels: readonly Level[],
  peakRuns: readonly Level[],
  half: Level | undefined,
): ShapeSummary {
  const rounds = [...levels, ...peakRuns.slice(1), ...(half === undefined ? [] : [half])].map(
    (l) => l.limit,
  );
  const limitRate = spread(rounds.map((r) => r.rate));
  const limitCpuUs = spread(rounds.map((r) => r.cpuUs));
  const peak = peakRuns[0]!;
  return {
    config,
    workers,
    shape,
    limitRate,
    limitCpuUs,
    peak,
    peakRuns,
    rate: spread(peakRuns.map((l) => l.rate)),
    cpuUs: spread(peakRuns.map(csCpuUs)),
    throughputRatio: spread(peakRuns.map((l) => l.rate / limitRate.median)),
    cpuRatio: spread(peakRuns.map((l) => csCpuUs(l) / limitCpuUs.median)),
    half,
    cores: median(peakRuns.map((l) => (l.report.cpuMs['cs'] ?? Number.NaN) / l.report.cpuWindowMs)),
  };
}
