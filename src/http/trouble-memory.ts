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
 *
 * What reaches the database without passing this daemon's bus (another instance
 * writing with the relay off, a restore, the retention job's deletes) is picked
 * up by `reread()`, which the preload service calls every `rereadMs`: the
 * stored copy then replaces memory, except for what the bus brought in the last
 * `graceMs` before the read (its write may not have landed yet) or during it.
 */
export class TroubleMemory {
  private changes = new Map<string, PathChangeBrief>();
  private alerts = new Map<string, AlertSpan>();
  /** The first read (requests wait for it); null until asked, or after it failed. */
  private loading: Promise<void> | null = null;
  /** A later read in progress (requests go on with memory meanwhile). */
  private rereading: Promise<void> | null = null;
  /** When the bus last brought each path change and alert (clock ms), for `graceMs`. */
  private readonly heardChanges = new Map<string, number>();
  private readonly heardAlerts = new Map<string, number>();

  constructor(
    private readonly storage: Pick<Storage, 'pathChanges' | 'alerts'>,
    private readonly clock: Clock,
    readonly horizonMs = 31 * DAY_MS,
    readonly graceMs = 15 * 60_000,
  ) {}

  /** Follows path changes and alerts on the bus (stop with bus.off(owner)). */
  attach(bus: EventBus<SmokeTraceEvents>, owner = 'trouble-memory'): void {
    bus.on('path.change', owner, (c) => {
      this.changes.set(c.id, { id: c.id, targetId: c.targetId, time: c.time, verdict: verdictOf(c.verdict) });
      this.heardChanges.set(c.id, this.clock.nowMs());
    });
    bus.on('alert', owner, ({ alert: a }) => {
      this.alerts.set(a.id, { id: a.id, targetId: a.targetId, state: a.state, openedAt: a.openedAt, resolvedAt: a.resolvedAt });
      this.heardAlerts.set(a.id, this.clock.nowMs());
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

  /**
   * Reads the horizon again and replaces memory with it (see the class comment); one such read
   * at a time, after the first. Before the first read has been asked for, this is that read.
   * A failure leaves memory as it was and is the caller's to log.
   */
  reread(): Promise<void> {
    if (this.loading === null) return this.preload();
    this.rereading ??= this.loading
      .then(() => this.load())
      .finally(() => {
        this.rereading = null;
      });
    return this.rereading;
  }

  private async load(): Promise<void> {
    const now = this.clock.nowMs();
    const since = new Date(now - this.horizonMs);
    const [changes, spans] = await Promise.all([this.storage.pathChanges.briefs({ since }), this.storage.alerts.spans({ since })]);
    const recent = now - this.graceMs;
    this.changes = merged(changes, this.changes, this.heardChanges, recent);
    this.alerts = merged(spans, this.alerts, this.heardAlerts, recent);
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

/**
 * The stored rows, with what the bus brought since `recent` (clock ms) in place of or beside
 * them: that is newer than the stored copy, or not written yet. The rest of memory goes:
 * storage no longer has it. Forgets the older bus times.
 */
function merged<T extends { id: string }>(stored: T[], memory: Map<string, T>, heard: Map<string, number>, recent: number): Map<string, T> {
  const out = new Map<string, T>();
  for (const row of stored) out.set(row.id, row);
  for (const [id, at] of heard) {
    if (at < recent) {
      heard.delete(id);
      continue;
    }
    const row = memory.get(id);
    if (row !== undefined) out.set(id, row);
  }
  return out;
}

function verdictOf(v: unknown): string | null {
  const name = (v as { verdict?: unknown } | null)?.verdict;
  return typeof name === 'string' ? name : null;
}

/**
 * A service that reads the memory's horizon in the background a while after the start
 * (`delayMs`: the start's own work, BMP table dumps and the first probe rounds, goes first),
 * unless an overview request made it read already, and then again every `rereadMs` (what
 * reached the database without this daemon's bus). It logs how long each read took, or why it
 * failed (the next overview request then reads again, or the next period).
 */
export function overviewPreload(memory: TroubleMemory, log: Logger, delayMs = 60_000, rereadMs = 15 * 60_000): Service {
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const read = (first: boolean): void => {
    const t0 = Date.now();
    (first ? memory.preload() : memory.reread())
      .then(
        () => log.info({ ms: Date.now() - t0 }, first ? 'overview aggregates read' : 'overview aggregates read again'),
        (err: unknown) => log.warn({ err }, 'overview aggregates not read; the next overview request or period reads them'),
      )
      .finally(() => schedule(rereadMs, false));
  };
  const schedule = (ms: number, first: boolean): void => {
    if (!running) return;
    timer = setTimeout(() => {
      timer = null;
      read(first);
    }, ms);
    timer.unref();
  };
  return serviceOf(
    'overview-preload',
    () => {
      running = true;
      schedule(delayMs, true);
    },
    () => {
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  );
}
