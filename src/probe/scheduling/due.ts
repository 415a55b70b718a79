/**
 * Per-target due times of the probe scheduler: when each enabled target runs
 * next, with intervalSec × (1 ± jitter) between two runs. Pure bookkeeping on
 * millisecond numbers (the caller passes `now`); the run in progress of each
 * target is kept beside its due time so "one run per target" is one lookup.
 */
import type { Target } from '../target.js';

export interface DueEntry<Run> {
  target: Target;
  /** Next due time; null when disabled. */
  nextDueMs: number | null;
  lastDueMs: number | null;
  /** The queued or running run of this target, if any. */
  active: Run | null;
}

export class DueTable<Run> {
  private readonly entries = new Map<string, DueEntry<Run>>();

  /** jitterPct 0..50; random is uniform [0, 1). */
  constructor(
    private readonly jitterPct: number,
    private readonly random: () => number,
  ) {
    if (!(jitterPct >= 0 && jitterPct <= 50)) throw new RangeError('jitterPct must be within 0..50');
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): DueEntry<Run> | undefined {
    return this.entries.get(id);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  values(): IterableIterator<DueEntry<Run>> {
    return this.entries.values();
  }

  /** Targets with a next due time (enabled ones). */
  scheduledCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.nextDueMs !== null) n++;
    return n;
  }

  /** A first delay spread uniformly over the target's interval. */
  spreadMs(intervalSec: number): number {
    return this.random() * intervalSec * 1000;
  }

  /**
   * Adds a target (due at now + firstDelayMs when enabled) or updates one:
   * disabling clears its due time, enabling sets it to now + firstDelayMs, a
   * new interval counts from the last due time, other changes keep the schedule.
   */
  upsert(target: Target, nowMs: number, firstDelayMs: number): void {
    const e = this.entries.get(target.id);
    if (!e) {
      this.entries.set(target.id, { target, nextDueMs: target.enabled ? nowMs + firstDelayMs : null, lastDueMs: null, active: null });
      return;
    }
    const before = e.target;
    e.target = target;
    if (!target.enabled) e.nextDueMs = null;
    else if (!before.enabled || e.nextDueMs === null) e.nextDueMs = nowMs + firstDelayMs;
    else if (before.intervalSec !== target.intervalSec) {
      e.nextDueMs = Math.max(nowMs, (e.lastDueMs ?? nowMs) + this.gapMs(target.intervalSec));
    }
  }

  delete(id: string): DueEntry<Run> | undefined {
    const e = this.entries.get(id);
    if (e) this.entries.delete(id);
    return e;
  }

  isDue(e: DueEntry<Run>, nowMs: number): boolean {
    return e.nextDueMs !== null && e.nextDueMs <= nowMs;
  }

  /** Moves a due entry to its next due time; returns the due time it had. */
  advance(e: DueEntry<Run>, nowMs: number): number {
    const due = e.nextDueMs as number;
    e.lastDueMs = due;
    const next = due + this.gapMs(e.target.intervalSec);
    // Far behind (process suspended, clock jump): restart the rhythm from now rather than bursting.
    e.nextDueMs = next > nowMs ? next : nowMs + this.gapMs(e.target.intervalSec);
    return due;
  }

  /** intervalSec × (1 ± jitter), in ms. */
  private gapMs(intervalSec: number): number {
    const j = (this.jitterPct / 100) * (2 * this.random() - 1);
    return intervalSec * 1000 * (1 + j);
  }
}
