/** bench/lib/measure.ts: alternated runs keep each function's own timings and item counts. */
import { describe as suite, expect, it } from 'vitest';
import { alternate, describe, median } from '../../bench/lib/measure.js';

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
});
