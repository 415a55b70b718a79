import type { Logger } from 'pino';
import type { RouteEvent, WithdrawEvent } from '../../bgp/types.js';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Storage, StoredRouteEvent } from '../storage/repositories.js';
import type { PeerRegistry } from './peers.js';

/** How the RIB classified one announce or withdraw. */
export interface RouteClassification {
  /** new: first route for this key; replace: implicit withdraw + announce; withdraw; noop: nothing changed. */
  change: 'new' | 'replace' | 'withdraw' | 'noop';
  /** For a replace: "as_path", "next_hop", "attributes". */
  changed?: string[];
  previousAsPath?: StoredRouteEvent['previousAsPath'];
}

/** What the pipeline needs of the RIB. */
export interface RibPort {
  /** Applies an announce/withdraw; returns how it changed the RIB. */
  classify(e: RouteEvent): RouteClassification | null;
  /** A peer went down: its routes are removed; returns the implied withdraws. */
  peerDown(e: RouteEvent): WithdrawEvent[];
  /** A router's session ended: all its routes are removed; returns the implied withdraws. */
  routerDown(router: string, time: string): WithdrawEvent[];
}

/** Something that can stop reading when storage falls behind (TCP then holds the rest). */
export interface Pausable {
  setPaused(paused: boolean): void;
}

export interface PipelineDeps {
  rib: RibPort;
  storage: Storage & { queue: { depth(): number } };
  queueCapacity: number;
  bus: EventBus<SmokeTraceEvents>;
  peers: PeerRegistry;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
}

const STORED_TYPES = new Set(['announce', 'withdraw', 'eor', 'peer_up', 'peer_down', 'initiation', 'termination']);

/**
 * Feeds → RIB → storage → bus. Synchronous and cheap per event: the RIB is in
 * memory, storage appends are buffered, bus listeners queue their own work.
 * When storage is slow (reachable but behind), the feeds are paused; when it
 * is away, the feeds keep going and the write queue sheds (counted), so the
 * live RIB stays right either way.
 */
export class RoutePipeline {
  private readonly feeds: Pausable[] = [];
  private paused = false;
  private resumeTimer: NodeJS.Timeout | null = null;
  readonly counters = { events: 0, stored: 0, unchanged: 0, errors: 0, implicitWithdraws: 0 };

  constructor(private readonly deps: PipelineDeps) {}

  addFeed(f: Pausable): void {
    this.feeds.push(f);
  }

  ingest(events: RouteEvent[]): void {
    const now = this.deps.clock.now().toISOString();
    const toStore: StoredRouteEvent[] = [];
    for (const e of events) {
      this.counters.events++;
      this.deps.peers.observe(e, now);
      if (e.type === 'error') {
        this.counters.errors++;
        continue;
      }
      if (e.type === 'announce' || e.type === 'withdraw') {
        const c = this.deps.rib.classify(e);
        if (!c || c.change === 'noop') {
          this.counters.unchanged++;
          continue;
        }
        toStore.push({ ...e, change: c.change, ...(c.changed ? { changed: c.changed } : {}), ...(c.previousAsPath ? { previousAsPath: c.previousAsPath } : {}) });
        this.deps.bus.emit('route.event', e);
        continue;
      }
      if (e.type === 'peer_down') {
        const withdraws = this.deps.rib.peerDown(e);
        this.implicit(withdraws, toStore);
      }
      if (STORED_TYPES.has(e.type)) toStore.push(e);
      this.deps.bus.emit('route.event', e);
    }
    this.store(toStore);
  }

  /** A router's feed session ended: its routes are gone. */
  routerDown(router: string): void {
    const now = this.deps.clock.now().toISOString();
    this.deps.peers.disconnected(router, now);
    const toStore: StoredRouteEvent[] = [];
    this.implicit(this.deps.rib.routerDown(router, now), toStore);
    this.store(toStore);
    if (toStore.length) this.deps.log.info({ router, withdrawn: toStore.length }, 'router session ended: its routes withdrawn');
  }

  private implicit(withdraws: WithdrawEvent[], toStore: StoredRouteEvent[]): void {
    for (const w of withdraws) {
      this.counters.implicitWithdraws++;
      toStore.push({ ...w, change: 'withdraw' });
      this.deps.bus.emit('route.event', w);
    }
  }

  private store(docs: StoredRouteEvent[]): void {
    if (!docs.length) return;
    this.deps.storage.routeEvents.append(docs);
    this.counters.stored += docs.length;
    this.checkBackpressure();
  }

  /** Pause above 80% of the write queue while the database is up but behind; resume below 50%. */
  private checkBackpressure(): void {
    const depth = this.deps.storage.queue.depth();
    const cap = this.deps.queueCapacity;
    const shouldPause = this.deps.storage.isAvailable() && depth > cap * 0.8;
    if (shouldPause && !this.paused) this.setPaused(true);
    else if (this.paused && (depth < cap * 0.5 || !this.deps.storage.isAvailable())) this.setPaused(false);
  }

  private setPaused(p: boolean): void {
    this.paused = p;
    for (const f of this.feeds) f.setPaused(p);
    if (p && !this.resumeTimer) {
      this.resumeTimer = setInterval(() => this.checkBackpressure(), 100);
      this.resumeTimer.unref();
    } else if (!p && this.resumeTimer) {
      clearInterval(this.resumeTimer);
      this.resumeTimer = null;
    }
  }

  stop(): void {
    if (this.resumeTimer) clearInterval(this.resumeTimer);
    this.resumeTimer = null;
  }
}
