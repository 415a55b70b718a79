/** bench/lib/measure.ts: alternated runs keep each function's own timings and item counts. */
import { describe as suite, expect, it } from 'vitest';
import { alternate, cpuTicks, describe, median, stealBetween, stealRange } from '../../bench/lib/measure.js';

suite('bench measure', () => {
  it('alternates the functions run by run and summarises each apart', () => {
    const order: string[] = [];
    const [a, b] = alternate(3, [
      () => (order.push('a'), 10),
      () => (order.push('b'), 20),
    ]);
    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(a!.items).toBe(10);
    expect(b!.items).toBe(20);
    expect(a!.runs).toHaveLength(3);
    expect(a!.perWallSecond).toBe(median(a!.runs.map((t) => 10 / t.wall)));
    expect(describe('3 runs', 'x', a!)).toMatch(/^3 runs: median [\d,]+ x\/s wall \(runs: [\d,]+, [\d,]+, [\d,]+; best [\d,]+\)/);
  });

  it('refuses runs that processed different amounts', () => {
    let n = 0;
    expect(() => alternate(2, [() => ++n])).toThrow(/run 2 processed 2 items, run 1 1/);
  });

  it('reports the hypervisor steal of the runs from /proc/stat tick counters', () => {
    expect(stealBetween({ total: 1000, steal: 10 }, { total: 1200, steal: 40 })).toBeCloseTo(0.15);
    expect(stealBetween(null, { total: 1, steal: 0 })).toBeNull();
    expect(stealBetween({ total: 5, steal: 0 }, { total: 5, steal: 0 })).toBeNull();
    const run = (steal: number | null) => ({ wall: 1, cpu: 1, steal });
    expect(stealRange([run(0.03), run(0.17), run(null)])).toBe('; steal 3-17 %');
    expect(stealRange([run(0.051), run(0.049)])).toBe('; steal 5 %');
    expect(stealRange([run(null)])).toBe('');
    // On Linux the counters are read; the steal share of a run is then a fraction.
    const ticks = cpuTicks();
    if (ticks !== null) {
      expect(ticks.total).toBeGreaterThan(0);
      expect(ticks.steal).toBeGreaterThanOrEqual(0);
      expect(ticks.steal).toBeLessThanOrEqual(ticks.total);
    }
  });
});
