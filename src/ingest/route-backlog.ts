import type { Logger } from 'pino';
import type { RouteEvent } from '../../bgp/types.js';
import type { Clock } from '../core/clock.js';
import type { Telemetry } from '../core/telemetry.js';
import type { StoredRouteEvent } from '../storage/repositories.js';

/** What the backlog needs of storage: the route-event repository and the write queue's depth. */
export interface BacklogStorage {
  routeEvents: { append(events: StoredRouteEvent[]): void };
  queue: { depth(): number };
}

export interface RouteBacklogOptions {
  /** Events held at most; above half of it, pending changes of one route are coalesced; beyond it the oldest are dropped. */
  maxEvents: number;
  /** Documents kept in the write queue (a few of its batches, so it never starves). */
  window: number;
  /** How often the write queue is topped up while events wait. */
  pumpMs?: number;
}

export interface RouteBacklogStats {
  /** Events waiting for the write queue. */
  depth: number;
  peak: number;
  /** Handed to the write queue. */
  handed: number;
  /** Older pending changes replaced by a newer change of the same route (not stored on their own). */
  coalesced: number;
  /** Dropped, oldest first, with the backlog full. */
  dropped: number;
}

const COMPONENT = 'ingest';
/** Change codes kept beside each pending event (no copy of the event until it is handed over). */
const AS_IS = 0;
const NEW = 1;
const WITHDRAW = 2;
const PROGRESS_LOG_MS = 10_000;

/**
 * The route events on their way to storage, between the pipeline (which updates the RIB at
 * socket speed and never waits) and the write queue (which writes as fast as the database
 * takes). Bounded: past half of maxEvents, a newer change of a route replaces its pending
 * older one (coalesced); past maxEvents the oldest are dropped. Both are counted (stats,
 * /api/health, `smoketrace_rejected_input_total{component="ingest"}`), and the progress of a
 * large backlog, such as an initial full-table dump, is logged every 10 s.
 *
 * Pending events are the decoder's own objects plus a change code: a stored document is only
 * built when the write queue has room for it.
 */
export class RouteBacklog {
  private items: Array<RouteEvent | StoredRouteEvent> = [];
  private codes: number[] = [];
  private head = 0;
  private readonly byRoute = new Map<string, number>();
  private coalescing = false;
  private timer: NodeJS.Timeout | null = null;
  private lastLog = 0;
  private lastDropLog = 0;
  private startedAt = 0;
  private handedAtStart = 0;
  readonly stats: RouteBacklogStats = { depth: 0, peak: 0, handed: 0, coalesced: 0, dropped: 0 };

  constructor(
    private readonly storage: BacklogStorage,
    private readonly opts: RouteBacklogOptions,
    private readonly telemetry: Telemetry,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  get depth(): number {
    return this.items.length - this.head;
  }

  /** An event stored as it is (peer up/down, End-of-RIB...) or already classified (replace). */
  push(e: StoredRouteEvent): void {
    this.add(e, AS_IS);
  }

  /** An announce the RIB took as a new route ("new") or a withdraw that removed one ("withdraw"). */
  pushChange(e: RouteEvent, change: 'new' | 'withdraw'): void {
    this.add(e, change === 'new' ? NEW : WITHDRAW);
  }

  private add(e: RouteEvent | StoredRouteEvent, code: number): void {
    if (this.coalescing && (e.type === 'announce' || e.type === 'withdraw')) {
      const key = routeKey(e);
      const at = this.byRoute.get(key);
      if (at !== undefined && at >= this.head) {
        this.items[at] = e;
        this.codes[at] = code;
        this.stats.coalesced++;
        this.telemetry.rejected(COMPONENT, 'backlog_coalesced');
        return;
      }
      this.byRoute.set(key, this.items.length);
    }
    if (this.depth === 0) {
      this.startedAt = this.clock.nowMs();
      this.handedAtStart = this.stats.handed;
    }
    this.items.push(e);
    this.codes.push(code);
    const depth = this.depth;
    if (depth > this.stats.peak) this.stats.peak = depth;
    if (!this.coalescing && depth > this.opts.maxEvents / 2) {
      this.coalescing = true;
      this.log.warn({ backlog: depth, maxEvents: this.opts.maxEvents }, 'route backlog above half its bound: coalescing pending changes of the same route');
    }
    if (depth > this.opts.maxEvents) this.dropOldest(depth - this.opts.maxEvents);
  }

  private dropOldest(n: number): void {
    this.head += n;
    this.stats.dropped += n;
    this.telemetry.rejected(COMPONENT, 'backlog_full', n);
    const now = this.clock.nowMs();
    if (now - this.lastDropLog > PROGRESS_LOG_MS) {
      this.lastDropLog = now;
      this.log.error({ dropped: this.stats.dropped, maxEvents: this.opts.maxEvents }, 'route backlog full: oldest route events dropped (not stored)');
    }
  }

  /** Tops the write queue up to the window; keeps a timer going while events wait. */
  pump(): void {
    const room = this.opts.window - this.storage.queue.depth();
    const n = Math.min(room, this.depth);
    if (n > 0) {
      const docs: StoredRouteEvent[] = new Array<StoredRouteEvent>(n);
      for (let i = 0; i < n; i++) {
        const k = this.head + i;
        const e = this.items[k]!;
        const code = this.codes[k]!;
        docs[i] = code === AS_IS ? e : { ...e, change: code === NEW ? 'new' : 'withdraw' };
      }
      this.head += n;
      this.stats.handed += n;
      this.storage.routeEvents.append(docs);
      this.compact();
    }
    this.stats.depth = this.depth;
    this.progress();
    if (this.depth > 0 && this.timer === null) {
      this.timer = setInterval(() => this.pump(), this.opts.pumpMs ?? 20);
      this.timer.unref();
    } else if (this.depth === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private compact(): void {
    if (this.depth === 0) {
      this.items = [];
      this.codes = [];
      this.head = 0;
      if (this.coalescing) this.stopCoalescing();
      return;
    }
    if (this.head > 65_536 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.codes = this.codes.slice(this.head);
      if (this.coalescing) this.stopCoalescing();
      this.head = 0;
    }
  }

  /** Indexes are positions: after a compaction (or once drained) coalescing starts over. */
  private stopCoalescing(): void {
    this.byRoute.clear();
    this.coalescing = this.depth > this.opts.maxEvents / 2;
  }

  /** Logs a large backlog's progress every 10 s, and when it is drained. */
  private progress(): void {
    const now = this.clock.nowMs();
    const depth = this.depth;
    if (depth > this.opts.window && now - this.lastLog >= PROGRESS_LOG_MS) {
      const secs = Math.max(0.001, (now - this.startedAt) / 1000);
      const rate = (this.stats.handed - this.handedAtStart) / secs;
      this.log.info(
        {
          backlog: depth,
          stored: this.stats.handed - this.handedAtStart,
          perSecond: Math.round(rate),
          etaSeconds: rate > 0 ? Math.round(depth / rate) : null,
          coalesced: this.stats.coalesced,
          dropped: this.stats.dropped,
        },
        'route backlog: storage catching up (the RIB is current)',
      );
      this.lastLog = now;
    } else if (depth === 0 && this.lastLog !== 0) {
      this.log.info({ stored: this.stats.handed - this.handedAtStart, seconds: (now - this.startedAt) / 1000 }, 'route backlog drained');
      this.lastLog = 0;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** The route a change is about: router, peer view, family, prefix, path id. */
function routeKey(e: RouteEvent & { type: 'announce' | 'withdraw' }): string {
  const p = e.peer;
  return `${e.router}|${p.type}|${p.distinguisher}|${p.address}|${p.postPolicy ? 1 : 0}${p.adjRibOut ? 1 : 0}|${e.prefix}|${e.pathId ?? ''}`;
}
