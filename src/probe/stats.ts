/**
 * Small numeric helpers for RTT samples. Pure, no I/O.
 * Standard deviation is the population one (divide by n), as mtr and most
 * traceroute post-processors report it; a single sample gives 0.
 */
import type { RttStats } from './types.js';

export function min(values: readonly number[]): number {
  return values.reduce((a, b) => (b < a ? b : a), Number.POSITIVE_INFINITY);
}

export function max(values: readonly number[]): number {
  return values.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY);
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation. */
export function stdev(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = mean(values);
  const sq = values.reduce((acc, v) => acc + (v - m) * (v - m), 0);
  return Math.sqrt(sq / values.length);
}

/** Percentile with linear interpolation between closest ranks (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const clamped = Math.min(100, Math.max(0, p));
  const rank = (clamped / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** RTT statistics of samples in order of measurement, or undefined when there are none. */
export function rttStats(samples: readonly number[]): RttStats | undefined {
  if (samples.length === 0) return undefined;
  return {
    min: min(samples),
    avg: mean(samples),
    max: max(samples),
    stdev: stdev(samples),
    last: samples[samples.length - 1] as number,
    median: median(samples),
  };
}
