/** Small order statistics. Inputs are not modified. */

export interface SampleSummary {
  count: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/**
 * Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none.
 * Nearest rank never invents a value between two samples, so a median of
 * 9 samples with one outlier is still one of the 8 ordinary samples.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return percentileSorted(sorted, p);
}

function percentileSorted(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

/** Median: the mean of the two middle samples for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return medianSorted(sorted);
}

function medianSorted(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[mid - 1] ?? upper) + upper) / 2;
}

export function summarize(samples: readonly number[]): SampleSummary | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: medianSorted(sorted),
    p95: percentileSorted(sorted, 95),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Relative change in percent of `before`; Infinity when before is 0 and after is not. */
export function pctChange(before: number, after: number): number {
  if (before === 0) return after === 0 ? 0 : Number.POSITIVE_INFINITY * Math.sign(after);
  return ((after - before) / before) * 100;
}

/** Rounds for display and for numbers stored in verdicts (3 decimals). */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
