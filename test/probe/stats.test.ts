import { describe, expect, it } from 'vitest';
import { max, mean, median, min, percentile, rttStats, stdev } from '../../src/probe/stats.js';

describe('stats', () => {
  it.each([
    { xs: [1, 2, 3, 4], min: 1, max: 4, mean: 2.5, median: 2.5, sd: Math.sqrt(1.25) },
    { xs: [5], min: 5, max: 5, mean: 5, median: 5, sd: 0 },
    { xs: [10.394, 9.222, 11.276], min: 9.222, max: 11.276, mean: 10.297333, median: 10.394, sd: 0.841 },
  ])('$xs', ({ xs, ...want }) => {
    expect(min(xs)).toBe(want.min);
    expect(max(xs)).toBe(want.max);
    expect(mean(xs)).toBeCloseTo(want.mean, 5);
    expect(median(xs)).toBeCloseTo(want.median, 9);
    expect(stdev(xs)).toBeCloseTo(want.sd, 3);
  });

  it('percentile interpolates between ranks and clamps p', () => {
    expect(percentile([1, 2, 3, 4, 5], 90)).toBeCloseTo(4.6, 9);
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([3, 1, 2], 150)).toBe(3);
  });

  it('empty input: NaN figures and no RttStats', () => {
    expect(mean([])).toBeNaN();
    expect(stdev([])).toBeNaN();
    expect(rttStats([])).toBeUndefined();
  });

  it('rttStats keeps the last sample in measurement order', () => {
    expect(rttStats([3, 1, 2])).toEqual({ min: 1, avg: 2, max: 3, stdev: Math.sqrt(2 / 3), last: 2, median: 2 });
  });
});
