/**
 * Per-key state read back from storage the first time a key is seen after a start (the
 * correlator's baselines and path MTU references). While a key's stored history is read, its
 * live items wait in order (bounded: the oldest go first, counted); once the read is done they
 * are handled in arrival order. Each key is read once per start; a failed read is the reader's
 * to report, and the live items are handled anyway.
 */
export class ResumeOnFirstSight<T> {
  private readonly held = new Map<string, T[]>();
  private readonly tried = new Set<string>();
  private readonly reads = new Set<Promise<void>>();
  private stopped = false;
  /** Live items dropped because too many waited for one key's read. */
  dropped = 0;

  constructor(
    private readonly maxHeld: number,
    private readonly handle: (item: T) => void,
  ) {}

  /**
   * Handles `item` now, or holds it: when its key is being read, or when `wanted` says this
   * key has no state yet and `read` is started for it here.
   */
  offer(key: string, item: T, wanted: () => boolean, read: () => Promise<void>): void {
    const waiting = this.held.get(key);
    if (waiting) {
      if (waiting.length >= this.maxHeld) {
        waiting.shift();
        this.dropped++;
      }
      waiting.push(item);
      return;
    }
    if (this.tried.has(key) || !wanted()) {
      this.handle(item);
      return;
    }
    this.tried.add(key);
    this.held.set(key, [item]);
    const done = read()
      .catch(() => {})
      .finally(() => {
        this.reads.delete(done);
        const queued = this.held.get(key) ?? [];
        this.held.delete(key);
        if (!this.stopped) for (const q of queued) this.handle(q);
      });
    this.reads.add(done);
  }

  /** Resolves once no key waits for its read (the items held meanwhile handled). */
  async idle(): Promise<void> {
    while (this.reads.size > 0) await Promise.all([...this.reads]);
  }

  /** Items still held are dropped when their read ends. */
  stop(): void {
    this.stopped = true;
  }
}

/**
 * Of `stored` (newest first, as the repositories answer), the items of `first`'s vantage before
 * it (not itself) that `usable` keeps, at most `max`, oldest first: what to replay before it.
 */
export function earlierOf<T extends { id?: string; vantage: string }>(
  stored: readonly T[],
  first: T,
  timeOf: (item: T) => string,
  usable: (item: T) => boolean,
  max: number,
): T[] {
  const firstTime = timeOf(first);
  return stored
    .filter((x) => x.id !== first.id && timeOf(x) < firstTime && x.vantage === first.vantage && usable(x))
    .slice(0, max)
    .reverse();
}
