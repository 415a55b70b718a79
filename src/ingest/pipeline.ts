import type { Logger } from 'pino';
import type { FeedSource, RouteEvent } from '../../bgp/types.js';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Rib, RibChange } from '../rib/index.js';
import type { Storage, StoredRouteEvent } from '../storage/repositories.js';
import type { PeerRegistry } from './peers.js';

/** Something that can stop reading when storage falls behind (TCP then holds the rest). */
export interface Pausable {
  setPaused(paused: boolean): void;
}

export interface PipelineDeps {
  rib: Rib;
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
        const c = this.deps.rib.apply(e)[0];
        const stored = c ? classified(e, c) : null;
        if (!stored) {
          this.counters.unchanged++;
          continue;
        }
        toStore.push(stored);
        this.deps.bus.emit('route.event', e);
        this.deps.bus.emit('route.change', {
          event: e,
          change: stored.change as 'new' | 'replace' | 'withdraw',
          previous: c!.kind === 'replaced' || c!.kind === 'removed' ? { asPath: c!.old.asPath, nextHop: c!.old.nextHop } : null,
        });
        continue;
      }
      if (e.type === 'peer_down' || e.type === 'termination') this.implicit(this.deps.rib.apply(e), toStore);
      if (STORED_TYPES.has(e.type)) toStore.push(e);
      this.deps.bus.emit('route.event', e);
    }
    this.store(toStore);
  }

  /** A router's feed session ended: its routes are gone (as if it had sent a Termination). */
  routerDown(router: string, source: FeedSource): void {
    const now = this.deps.clock.now().toISOString();
    this.deps.peers.disconnected(router, now);
    const toStore: StoredRouteEvent[] = [];
    this.implicit(this.deps.rib.apply({ type: 'termination', source, router, time: now, info: [] }), toStore);
    this.store(toStore);
    if (toStore.length) this.deps.log.info({ router, withdrawn: toStore.length }, 'router session ended: its routes withdrawn');
  }

  /** The withdraws a peer-down or a router's end implies (RFC 7854 4.9: its routes are gone). */
  private implicit(changes: RibChange[], toStore: StoredRouteEvent[]): void {
    for (const c of changes) {
      if (c.kind !== 'removed') continue;
      this.counters.implicitWithdraws++;
      toStore.push({ ...c.withdraw, change: 'withdraw' });
      this.deps.bus.emit('route.event', c.withdraw);
      this.deps.bus.emit('route.change', { event: c.withdraw, change: 'withdraw', previous: { asPath: c.old.asPath, nextHop: c.old.nextHop } });
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

/** What to store for an announce/withdraw, given how it changed the RIB; null when nothing changed. */
function classified(e: RouteEvent, c: RibChange): StoredRouteEvent | null {
  switch (c.kind) {
    case 'added':
      return { ...e, change: 'new' };
    case 'replaced': {
      const changed = [c.changed.asPath && 'as_path', c.changed.nextHop && 'next_hop', c.changed.other && 'attributes'].filter(
        (x): x is string => typeof x === 'string',
      );
      return { ...e, change: 'replace', changed, previousAsPath: c.old.asPath };
    }
    case 'removed':
      return { ...e, change: 'withdraw' };
    case 'noop':
      return null;
  }
}
