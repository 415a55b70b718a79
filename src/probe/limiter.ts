/**
 * Concurrency limiter for probe runs: a global limit and one per key (tool),
 * with a bounded wait queue. Pure bookkeeping: no timers, no I/O.
 *
 * Queue order: urgent requests (on-demand runs) before normal ones, FIFO
 * within each lane. When a slot frees, the first waiting request whose key
 * has room is granted, so a saturated tool does not block the others
 * (FIFO is kept among requests of the same key).
 */

export interface Slot {
  readonly key: string;
  /** Gives the slot back; idempotent. */
  release(): void;
}

export interface LimiterOptions {
  global: number;
  /** Per-key limits; a key without an entry is bounded by `global` only. */
  perKey: Readonly<Record<string, number>>;
  /** Maximum number of waiting requests; beyond it requests are rejected and counted. */
  maxQueue: number;
}

export type Admission =
  | { status: 'granted' }
  | { status: 'queued'; /** Removes the request from the queue; false if it was already granted or cancelled. */ cancel(): boolean; promote(): void }
  | { status: 'rejected' };

interface Waiter {
  key: string;
  urgent: boolean;
  grant: (slot: Slot) => void;
}

export interface LimiterStats {
  running: number;
  runningPerKey: Record<string, number>;
  queued: number;
  rejected: number;
}

export class ConcurrencyLimiter {
  private runningTotal = 0;
  private readonly runningPerKey = new Map<string, number>();
  private readonly urgentQueue: Waiter[] = [];
  private readonly normalQueue: Waiter[] = [];
  private rejectedCount = 0;

  constructor(private readonly opts: LimiterOptions) {
    if (!(opts.global >= 1)) throw new RangeError('global concurrency must be at least 1');
    for (const [k, v] of Object.entries(opts.perKey)) {
      if (!(v >= 1)) throw new RangeError(`concurrency for ${k} must be at least 1`);
    }
  }

  /**
   * Asks for a slot for `key`. `grant` is called (synchronously when there is
   * room right now, else later from a release()) exactly once unless the
   * request is rejected or cancelled.
   */
  acquire(key: string, grant: (slot: Slot) => void, urgent = false): Admission {
    // Invariant (kept by drain): no queued request could be granted, so a
    // request that fits now overtakes nobody of its own key.
    if (this.hasRoom(key)) {
      grant(this.take(key));
      return { status: 'granted' };
    }
    if (this.queued >= this.opts.maxQueue) {
      this.rejectedCount++;
      return { status: 'rejected' };
    }
    const waiter: Waiter = { key, urgent, grant };
    (urgent ? this.urgentQueue : this.normalQueue).push(waiter);
    return {
      status: 'queued',
      cancel: () => this.removeWaiter(waiter),
      promote: () => {
        if (!waiter.urgent && this.removeWaiter(waiter)) {
          waiter.urgent = true;
          this.urgentQueue.push(waiter);
          this.drain();
        }
      },
    };
  }

  get queued(): number {
    return this.urgentQueue.length + this.normalQueue.length;
  }

  stats(): LimiterStats {
    return {
      running: this.runningTotal,
      runningPerKey: Object.fromEntries(this.runningPerKey),
      queued: this.queued,
      rejected: this.rejectedCount,
    };
  }

  private hasRoom(key: string): boolean {
    if (this.runningTotal >= this.opts.global) return false;
    const limit = this.opts.perKey[key];
    return limit === undefined || (this.runningPerKey.get(key) ?? 0) < limit;
  }

  private take(key: string): Slot {
    this.runningTotal++;
    this.runningPerKey.set(key, (this.runningPerKey.get(key) ?? 0) + 1);
    let released = false;
    return {
      key,
      release: () => {
        if (released) return;
        released = true;
        this.runningTotal--;
        this.runningPerKey.set(key, (this.runningPerKey.get(key) ?? 1) - 1);
        this.drain();
      },
    };
  }

  /** Grants waiting requests while there is room, urgent lane first. */
  private drain(): void {
    while (this.runningTotal < this.opts.global) {
      const next = this.pickGrantable(this.urgentQueue) ?? this.pickGrantable(this.normalQueue);
      if (!next) return;
      next.grant(this.take(next.key));
    }
  }

  private pickGrantable(queue: Waiter[]): Waiter | undefined {
    const i = queue.findIndex((w) => this.hasRoom(w.key));
    if (i < 0) return undefined;
    return queue.splice(i, 1)[0];
  }

  private removeWaiter(w: Waiter): boolean {
    const queue = w.urgent ? this.urgentQueue : this.normalQueue;
    const i = queue.indexOf(w);
    if (i < 0) return false;
    queue.splice(i, 1);
    return true;
  }
}
