import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/bus.js';
import type { SmokeTraceEvents } from '../core/events.js';
import { serviceOf, type Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { AlertSpan, PathChangeBrief, Storage } from '../storage/repositories.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Running aggregates for the overview: the path changes (id, target, time,
 * verdict) and alert spans of the last `horizonMs`, read from storage once and
 * kept current from the bus. FerretDB runs `$group` by target in time that
 * grows faster than the number of targets (24 s for 10,000 path changes of
 * 3,334 targets here, bench/overview.ts), so the overview counts in memory and
 * asks storage only for periods older than the horizon.
 */
export class TroubleMemory {
  private readonly changes = new Map<string, PathChangeBrief>();
  private readonly alerts = new Map<string, AlertSpan>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly storage: Pick<Storage, 'pathChanges' | 'alerts'>,
    private readonly clock: Clock,
    readonly horizonMs = 31 * DAY_MS,
  ) {}

  /** Follows path changes and alerts on the bus (stop with bus.off(owner)). */
  attach(bus: EventBus<SmokeTraceEvents>, owner = 'trouble-memory'): void {
    bus.on('path.change', owner, (c) => {
      this.changes.set(c.id, { id: c.id, targetId: c.targetId, time: c.time, verdict: verdictOf(c.verdict) });
    });
    bus.on('alert', owner, ({ alert: a }) => {
      this.alerts.set(a.id, { id: a.id, targetId: a.targetId, state: a.state, openedAt: a.openedAt, resolvedAt: a.resolvedAt });
    });
  }

  /**
   * Reads the horizon from storage now, unless a request made it read already (the daemon
   * calls this a minute after its start, so that the first overview request does not wait for
   * a month of path changes: 11 s at 10,000 targets on FerretDB). A failure is the caller's
   * to log; the next request then reads again.
   */
  preload(): Promise<void> {
    return this.covers(new Date(this.clock.nowMs())).then(() => {});
  }

  /** True when memory can answer for `since` (loading it first if needed); false = ask storage. */
  async covers(since: Date): Promise<boolean> {
    if (since.getTime() < this.clock.nowMs() - this.horizonMs) return false;
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    await this.loading;
    return true;
  }

  private async load(): Promise<void> {
    const since = new Date(this.clock.nowMs() - this.horizonMs);
    const [changes, spans] = await Promise.all([this.storage.pathChanges.briefs({ since }), this.storage.alerts.spans({ since })]);
    // What the bus brought while reading is newer than the stored copy: keep it.
    for (const c of changes) if (!this.changes.has(c.id)) this.changes.set(c.id, c);
    for (const a of spans) if (!this.alerts.has(a.id)) this.alerts.set(a.id, a);
  }

  /** Path changes and "worse" verdicts per target since a time; entries past the horizon are dropped. */
  counts(since: Date): { changes: Map<string, number>; worse: Map<string, number> } {
    const cutoff = this.clock.nowMs() - this.horizonMs;
    const from = since.getTime();
    const changes = new Map<string, number>();
    const worse = new Map<string, number>();
    for (const [id, c] of this.changes) {
      const t = Date.parse(c.time);
      if (t < cutoff) this.changes.delete(id);
      if (t < from) continue;
      changes.set(c.targetId, (changes.get(c.targetId) ?? 0) + 1);
      if (c.verdict === 'worse') worse.set(c.targetId, (worse.get(c.targetId) ?? 0) + 1);
    }
    return { changes, worse };
  }

  /** Alerts open at some moment since `since`, as AlertRepository.spans answers. */
  spans(since: Date): AlertSpan[] {
    const cutoff = this.clock.nowMs() - this.horizonMs;
    const from = since.getTime();
    const out: AlertSpan[] = [];
    for (const [id, a] of this.alerts) {
      const end = a.resolvedAt ? Date.parse(a.resolvedAt) : Number.POSITIVE_INFINITY;
      if (end < cutoff) this.alerts.delete(id);
      if (end >= from || Date.parse(a.openedAt) >= from) out.push(a);
    }
    return out;
  }
}

function verdictOf(v: unknown): string | null {
  const name = (v as { verdict?: unknown } | null)?.verdict;
  return typeof name === 'string' ? name : null;
}

/**
 * A service that reads the memory's horizon in the background a while after the start
 * (`delayMs`: the start's own work, BMP table dumps and the first probe rounds, goes first),
 * unless an overview request made it read already; it logs how long the read took, or why it
 * failed (the next overview request then reads again).
 */
export function overviewPreload(memory: TroubleMemory, log: Logger, delayMs = 60_000): Service {
  let timer: NodeJS.Timeout | null = null;
  return serviceOf(
    'overview-preload',
    () => {
      timer = setTimeout(() => {
        timer = null;
        const t0 = Date.now();
        memory.preload().then(
          () => log.info({ ms: Date.now() - t0 }, 'overview aggregates read'),
          (err: unknown) => log.warn({ err }, 'overview aggregates not read; the next overview request reads them'),
        );
      }, delayMs);
      timer.unref();
    },
    () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  );
}
