/** ResumeOnFirstSight: items of a key wait, in order, for that key's one read after a start. */
import { describe, expect, it } from 'vitest';
import { earlierOf, ResumeOnFirstSight } from '../../src/correlate/resume.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('ResumeOnFirstSight', () => {
  it('holds a key\'s items while its read runs, then handles them in arrival order; other keys go on', async () => {
    const handled: string[] = [];
    const r = new ResumeOnFirstSight<string>(10, (x) => handled.push(x));
    const read = deferred();
    let reads = 0;
    const offer = (key: string, x: string, wanted = true) => r.offer(key, x, () => wanted, () => (reads++, read.promise));
    offer('a', 'a1');
    offer('a', 'a2');
    offer('b', 'b1', false); // nothing to resume for b: at once
    expect(handled).toEqual(['b1']);
    read.resolve();
    await r.idle();
    expect(handled).toEqual(['b1', 'a1', 'a2']);
    offer('a', 'a3'); // read once per key
    expect(handled).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(reads).toBe(1);
  });

  it('drops the oldest held items past its bound (counted), handles the rest after a failed read, and nothing after stop', async () => {
    const handled: number[] = [];
    const r = new ResumeOnFirstSight<number>(2, (x) => handled.push(x));
    const read = deferred();
    for (let i = 1; i <= 4; i++) r.offer('k', i, () => true, () => read.promise);
    expect(r.dropped).toBe(2);
    read.reject(new Error('database away'));
    await r.idle();
    expect(handled).toEqual([3, 4]);

    const late = deferred();
    r.offer('other', 9, () => true, () => late.promise);
    r.stop();
    late.resolve();
    await r.idle();
    expect(handled).toEqual([3, 4]);
  });

  it('earlierOf: the first item\'s vantage, before it and not itself, kept by the filter, at most max, oldest first', () => {
    const item = (id: string, t: string, vantage = 'fra', ok = true) => ({ id, t, vantage, ok });
    const first = item('f', '10');
    const stored = [item('f', '10'), item('late', '11'), item('e', '09'), item('x', '08', 'nyc'), item('d', '07', 'fra', false), item('c', '06'), item('b', '05'), item('a', '04')];
    expect(earlierOf(stored, first, (x) => x.t, (x) => x.ok, 10).map((x) => x.id)).toEqual(['a', 'b', 'c', 'e']);
    expect(earlierOf(stored, first, (x) => x.t, (x) => x.ok, 2).map((x) => x.id)).toEqual(['c', 'e']);
  });
});
