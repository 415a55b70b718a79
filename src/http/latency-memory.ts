import type { EventBus } from '../core/bus.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { LatencySample } from '../storage/repositories.js';

/**
 * The newest runs of every target, kept in memory from the bus, so the
 * overview's sparklines need no read of the observations (the largest
 * collection: on FerretDB every read of it scans it). After a restart a
 * target has fewer runs here than a sparkline shows; the overview then reads
 * that target once from storage and `backfill`s it.
 */
export class LatencyMemory {
  private readonly runs = new Map<string, LatencySample[]>();
  private readonly complete = new Set<string>();

  constructor(private readonly maxPerTarget = 200) {}

  /** Follows observations on the bus (stop with bus.off(owner)). */
  attach(bus: EventBus<SmokeTraceEvents>, owner = 'latency-memory'): void {
    bus.on('observation', owner, (o) => {
      if (o.targetId) this.add({ targetId: o.targetId, startedAt: o.startedAt, rtt: o.rtt, loss: o.loss });
    });
  }

  add(s: LatencySample): void {
    const list = this.runs.get(s.targetId) ?? [];
    list.push(s);
    // Runs arrive nearly in order; keep the list sorted oldest first, then bounded.
    if (list.length > 1 && list[list.length - 2]!.startedAt > s.startedAt) list.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    if (list.length > this.maxPerTarget) list.splice(0, list.length - this.maxPerTarget);
    this.runs.set(s.targetId, list);
  }

  /** The newest `n` runs, oldest first; null when memory may hold fewer than storage has (not backfilled yet). */
  newest(targetId: string, n: number): LatencySample[] | null {
    const list = this.runs.get(targetId) ?? [];
    if (list.length < n && !this.complete.has(targetId)) return null;
    return list.slice(-n);
  }

  /** Merges runs read from storage (any order) and marks the target complete: storage had no more. */
  backfill(targetId: string, samples: readonly LatencySample[]): void {
    const seen = new Set((this.runs.get(targetId) ?? []).map((s) => s.startedAt));
    for (const s of samples) if (!seen.has(s.startedAt)) this.add(s);
    this.complete.add(targetId);
  }

  forget(targetId: string): void {
    this.runs.delete(targetId);
    this.complete.delete(targetId);
  }
}
