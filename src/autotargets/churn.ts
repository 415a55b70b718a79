import type { RouteChange } from '../core/events.js';

/**
 * Whether a route change is churn: a replace (new attributes) or a withdraw by an UPDATE. A new
 * route is not (a table dump after a session comes up would make every prefix "churn"), nor is
 * the flush of a session that went down (every prefix of that peer at once, not the prefix's own
 * instability); a flap still counts once, by its withdraw.
 */
export function countsAsChurn(c: RouteChange): boolean {
  if (c.change === 'replace') return true;
  return c.change === 'withdraw' && c.event.type === 'withdraw' && c.event.cause !== 'peer-down';
}

/**
 * Route changes per prefix over a sliding window, bounded in memory: each prefix keeps the
 * times of its last changes (at most maxPerPrefix: a prefix flapping harder than that ranks
 * at the top anyway), and at most maxPrefixes prefixes are tracked. Past that, one pass drops
 * the expired prefixes and then the least recently changed ones down to 90% of the bound, so
 * the cost is amortized (a Map re-ordered on every change, evicting its head one at a time,
 * degrades badly in V8 as deleted entries pile up at the head). Pure: the caller gives the time.
 */
export class ChurnWindow {
  private readonly times = new Map<string, number[]>();
  private forgotten = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxPrefixes: number,
    private readonly maxPerPrefix = 1_000,
  ) {}

  record(prefix: string, atMs: number): void {
    const list = this.times.get(prefix);
    if (list === undefined) {
      this.times.set(prefix, [atMs]);
      if (this.times.size > this.maxPrefixes) this.prune(atMs);
      return;
    }
    list.push(atMs);
    if (list.length > this.maxPerPrefix) list.splice(0, list.length - this.maxPerPrefix);
  }

  /** Changes per prefix within the window ending at nowMs; prefixes with none left are dropped. */
  counts(nowMs: number): Map<string, number> {
    const from = nowMs - this.windowMs;
    const out = new Map<string, number>();
    for (const [prefix, list] of this.times) {
      let i = 0;
      while (i < list.length && (list[i] as number) < from) i++;
      if (i > 0) list.splice(0, i);
      if (list.length === 0) this.times.delete(prefix);
      else out.set(prefix, list.length);
    }
    return out;
  }

  get size(): number {
    return this.times.size;
  }

  /** Prefixes dropped while still in the window because more than maxPrefixes were changing. */
  get forgottenPrefixes(): number {
    return this.forgotten;
  }

  private prune(nowMs: number): void {
    this.counts(nowMs);
    const keep = Math.floor(this.maxPrefixes * 0.9);
    if (this.times.size <= keep) return;
    const byLast = [...this.times].map(([prefix, list]) => [prefix, list[list.length - 1] as number] as const).sort((a, b) => a[1] - b[1]);
    for (const [prefix] of byLast.slice(0, this.times.size - keep)) {
      this.times.delete(prefix);
      this.forgotten++;
    }
  }
}
