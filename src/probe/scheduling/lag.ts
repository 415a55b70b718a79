/** Scheduling lag (a scheduled run's start minus its due time) over the last N runs, summarised on demand. */

export interface LagSummary {
  samples: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

export class LagWindow {
  private readonly buf: Float64Array;
  private n = 0;
  constructor(size: number) {
    this.buf = new Float64Array(Math.max(1, size));
  }
  add(ms: number): void {
    this.buf[this.n % this.buf.length] = ms;
    this.n++;
  }
  summary(): LagSummary {
    const count = Math.min(this.n, this.buf.length);
    if (count === 0) return { samples: 0, p50: null, p99: null, max: null };
    const sorted = this.buf.slice(0, count).sort();
    const at = (q: number): number => sorted[Math.min(count - 1, Math.ceil(q * count) - 1)] ?? 0;
    return { samples: count, p50: at(0.5), p99: at(0.99), max: sorted[count - 1] ?? 0 };
  }
}
