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
 * at the top anyway), and at most maxPrefixes prefixes are tracked, the least recently
 * changed forgotten first (a Map keeps insertion order; a change moves its prefix to the end).
 * Pure: the caller gives the time.
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
    let list = this.times.get(prefix);
    if (list === undefined) list = [];
    else this.times.delete(prefix);
    list.push(atMs);
    if (list.length > this.maxPerPrefix) list.splice(0, list.length - this.maxPerPrefix);
    this.times.set(prefix, list);
    while (this.times.size > this.maxPrefixes) {
      const oldest = this.times.keys().next().value as string;
      this.times.delete(oldest);
      this.forgotten++;
    }
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

  /** Prefixes dropped because more than maxPrefixes were changing. */
  get forgottenPrefixes(): number {
    return this.forgotten;
  }
}
