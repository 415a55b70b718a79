import type { Logger } from 'pino';
import type { StorageConfig } from '../config/schema.js';
import type { FeedSource, RouteEvent } from '../../bgp/types.js';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Rib, RibChange, RibFlush } from '../rib/index.js';
import type { Storage, StoredRouteEvent } from '../storage/repositories.js';
import type { PeerRegistry } from './peers.js';
import { RouteBacklog, type RouteBacklogStats } from './route-backlog.js';

export interface PipelineDeps {
  rib: Rib;
  storage: Storage & { queue: { depth(): number } };
  /** The write queue's capacity (storage.writeQueue.maxDocuments): the backlog keeps it at most half full. */
  queueCapacity: number;
  /** The write queue's batch size (storage.writeQueue.batchSize); default 1000. */
  batchSize?: number;
  /** Route events waiting for storage at most (storage.routeBacklog.maxEvents); default 2,000,000. */
  backlogMaxEvents?: number;
  bus: EventBus<SmokeTraceEvents>;
  peers: PeerRegistry;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
}

/** The pipeline's bounds from the storage settings (writeQueue, routeBacklog), as PipelineDeps takes them. */
export function pipelineLimits(storage: Pick<StorageConfig, 'writeQueue' | 'routeBacklog'>): Pick<PipelineDeps, 'queueCapacity' | 'batchSize' | 'backlogMaxEvents'> {
  return { queueCapacity: storage.writeQueue.maxDocuments, batchSize: storage.writeQueue.batchSize, backlogMaxEvents: storage.routeBacklog.maxEvents };
}

const STORED_TYPES = new Set(['announce', 'withdraw', 'eor', 'peer_up', 'peer_down', 'initiation', 'termination']);

/**
 * Implicit withdraws (a peer down, a router's session ended) handled per turn of the event
 * loop: a full table's 1.2M withdraws in one go held the daemon (its API, every other feed,
 * the probes) for about 12 s; in slices of this many it answers between them. An API request
 * waits a few turns, so the slice sets its latency: during a full table's flush /api/health
 * answered in a median 29-35 ms (worst 533-943) with 1,000, against 134-185 ms (worst
 * 1,504-2,811) with 5,000, the flush taking no longer (12.8-14.3 s against 14.4-22.7 s).
 */
export const FLUSH_SLICE_ROUTES = 1000;

/**
 * Feeds → RIB → bus, and → storage through a bounded backlog. Synchronous and cheap per
 * event: the RIB is in memory and bus listeners queue their own work (only the withdraws a
 * peer down or an ended session implies go a slice per turn, FLUSH_SLICE_ROUTES). The RIB never waits
 * for storage: a slow or absent database makes the backlog (./route-backlog.ts) grow, then
 * coalesce and drop, all counted, while ingestion and the RIB stay at socket speed.
 */
export class RoutePipeline {
  private readonly backlog: RouteBacklog;
  readonly counters = { events: 0, stored: 0, unchanged: 0, errors: 0, implicitWithdraws: 0 };
  /** Flushes with routes left to remove, oldest first (one slice per turn, from flushTimer). */
  private readonly flushes: Array<{ flush: RibFlush; router: string; log: boolean; withdrawn: number }> = [];
  private flushTimer: NodeJS.Immediate | null = null;

  constructor(private readonly deps: PipelineDeps) {
    const batch = deps.batchSize ?? 1000;
    this.backlog = new RouteBacklog(
      deps.storage,
      { maxEvents: deps.backlogMaxEvents ?? 2_000_000, window: Math.max(1, Math.min(4 * batch, Math.floor(deps.queueCapacity / 2))) },
      deps.telemetry,
      deps.log,
      deps.clock,
    );
    deps.telemetry.gauge('smoketrace_route_backlog_events', 'Route events waiting for storage (the RIB is already current)', [], (g) =>
      g.set(this.backlog.depth),
    );
  }

  /** The storage backlog: depth, peak, handed to the write queue, coalesced, dropped. */
  get backlogStats(): RouteBacklogStats {
    return { ...this.backlog.stats, depth: this.backlog.depth };
  }

  ingest(events: RouteEvent[]): void {
    const now = this.deps.clock.now().toISOString();
    const backlog = this.backlog;
    for (const e of events) {
      this.counters.events++;
      this.deps.peers.observe(e, now);
      if (e.type === 'error') {
        this.counters.errors++;
        continue;
      }
      if (e.type === 'announce' || e.type === 'withdraw') {
        const c = this.deps.rib.applyRoute(e);
        const change = this.store(e, c);
        if (change === null) {
          this.counters.unchanged++;
          continue;
        }
        this.deps.bus.emit('route.event', e);
        this.deps.bus.emit('route.change', {
          event: e,
          change,
          previous: c.kind === 'replaced' || c.kind === 'removed' ? { asPath: c.old.asPath, nextHop: c.old.nextHop } : null,
        });
        continue;
      }
      if (e.type === 'peer_down' || e.type === 'termination') this.startFlush(e.router, this.deps.rib.beginFlush(e), false);
      if (STORED_TYPES.has(e.type)) {
        backlog.push(e);
        this.counters.stored++;
      }
      this.deps.bus.emit('route.event', e);
    }
    backlog.pump();
  }

  /** A router's feed session ended: its routes are gone (as if it had sent a Termination). */
  routerDown(router: string, source: FeedSource): void {
    const now = this.deps.clock.now().toISOString();
    this.deps.peers.disconnected(router, now);
    this.startFlush(router, this.deps.rib.beginFlush({ type: 'termination', source, router, time: now, info: [] }), true);
    this.backlog.pump();
  }

  /** Flushes in progress (peer downs and ended sessions whose routes are still being withdrawn). */
  get flushing(): number {
    return this.flushes.length;
  }

  /** Resolves once every flush in progress is done (for tests and benches). */
  async flushed(): Promise<void> {
    for (let i = 0; i < 100_000 && this.flushes.length > 0; i++) await new Promise((r) => setImmediate(r));
  }

  /**
   * The first slice of a flush now (a peer's few routes are withdrawn at once, in order with
   * the events around them), the rest a slice per turn of the event loop, flushes in order.
   */
  private startFlush(router: string, flush: RibFlush, log: boolean): void {
    const job = { flush, router, log, withdrawn: 0 };
    if (this.flushes.length === 0) {
      job.withdrawn += this.implicit(flush.next(FLUSH_SLICE_ROUTES));
      if (flush.done) return this.flushDone(job);
    }
    this.flushes.push(job);
    this.flushTimer ??= setImmediate(() => this.flushSlice());
  }

  private flushSlice(): void {
    this.flushTimer = null;
    const job = this.flushes[0];
    if (job === undefined) return;
    job.withdrawn += this.implicit(job.flush.next(FLUSH_SLICE_ROUTES));
    this.backlog.pump();
    if (job.flush.done) {
      this.flushes.shift();
      this.flushDone(job);
    }
    if (this.flushes.length > 0) this.flushTimer = setImmediate(() => this.flushSlice());
  }

  private flushDone(job: { router: string; log: boolean; withdrawn: number }): void {
    if (job.log && job.withdrawn > 0) this.deps.log.info({ router: job.router, withdrawn: job.withdrawn }, 'router session ended: its routes withdrawn');
  }

  /** The withdraws a peer-down or a router's end implies (RFC 7854 4.9: its routes are gone); returns how many. */
  private implicit(changes: RibChange[]): number {
    let n = 0;
    for (const c of changes) {
      if (c.kind !== 'removed') continue;
      n++;
      this.counters.implicitWithdraws++;
      this.counters.stored++;
      this.backlog.pushChange(c.withdraw, 'withdraw');
      this.deps.bus.emit('route.event', c.withdraw);
      this.deps.bus.emit('route.change', { event: c.withdraw, change: 'withdraw', previous: { asPath: c.old.asPath, nextHop: c.old.nextHop } });
    }
    return n;
  }

  /** Queues what to store for an announce/withdraw given how it changed the RIB; its change, or null when nothing changed. */
  private store(e: RouteEvent, c: RibChange): 'new' | 'replace' | 'withdraw' | null {
    switch (c.kind) {
      case 'added':
        this.backlog.pushChange(e, 'new');
        break;
      case 'removed':
        this.backlog.pushChange(e, 'withdraw');
        break;
      case 'replaced':
        this.backlog.push(replaced(e, c));
        break;
      case 'noop':
        return null;
    }
    this.counters.stored++;
    return c.kind === 'added' ? 'new' : c.kind === 'removed' ? 'withdraw' : 'replace';
  }

  stop(): void {
    if (this.flushTimer !== null) clearImmediate(this.flushTimer);
    this.flushTimer = null;
    this.flushes.length = 0;
    this.backlog.stop();
  }
}

/** The stored form of an announce that replaced a route: what changed and the previous AS path. */
function replaced(e: RouteEvent, c: Extract<RibChange, { kind: 'replaced' }>): StoredRouteEvent {
  const changed = [c.changed.asPath && 'as_path', c.changed.nextHop && 'next_hop', c.changed.other && 'attributes'].filter(
    (x): x is string => typeof x === 'string',
  );
  return { ...e, change: 'replace', changed, previousAsPath: c.old.asPath };
}
