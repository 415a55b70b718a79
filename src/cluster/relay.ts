import type { Logger } from 'pino';
import type { ClusterConfig } from '../config/schema.js';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Service } from '../core/lifecycle.js';
import type { ComponentHealth } from '../core/telemetry.js';
import { newId } from '../correlate/service.js';
import { decodeRelayDoc, RateBound, RELAYED_TYPES, SeenSet, type RelayDoc, type RelayedEvent, type RelayedType } from './relay-codec.js';
import type { RelayStore } from './relay-store.js';
import type { RolePlan } from './roles.js';

export interface RelayDeps {
  config: ClusterConfig['relay'];
  store: RelayStore;
  bus: EventBus<SmokeTraceEvents>;
  vantage: string;
  plan: RolePlan;
  clock: Clock;
  log: Logger;
  /** Fixed in tests; random per process otherwise. */
  instanceId?: string;
}

/** Where a relayed payload came from. */
export interface RelayOrigin {
  instance: string;
  vantage: string;
  roles: RolePlan['roles'];
  atMs: number;
}

/** Published events waiting for their insert; beyond this the newest are dropped and counted. */
const MAX_OUTBOX = 10_000;
/** Back-to-back reads when each comes back full, before waiting for the next tick. */
const MAX_ROUNDS = 10;

/**
 * The cross-instance event relay over one MongoDB collection, without change
 * streams: each instance inserts selected bus events (batched, one insertMany
 * per turn of the event loop), reads the others' every pollIntervalMs (ids and
 * times on at >= newest seen - overlapMs, oldest first; then the whole documents
 * of the time span of the ids not in a bounded seen-set) and re-emits them on its local bus. Relayed events are
 * never published again (no loops); route changes only cross at
 * routeChangesPerSec and are shown (as live route events) only where no local feed
 * makes them.
 * Old documents are deleted periodically (no TTL index on FerretDB).
 */
export class Relay implements Service {
  readonly name = 'relay';
  readonly instance: string;
  private readonly origins = new WeakMap<object, RelayOrigin>();
  private readonly seen: SeenSet;
  private readonly routeBound: RateBound;
  private outbox: RelayDoc[] = [];
  private flushing: Promise<void> | null = null;
  private flushQueued = false;
  private polling: Promise<void> | null = null;
  private lastSeenMs = 0;
  private timers: NodeJS.Timeout[] = [];
  private pollHealthy = true;
  readonly counters = {
    published: 0,
    publishFailed: 0,
    outboxDropped: 0,
    routeChangesDropped: 0,
    received: 0,
    duplicates: 0,
    decodeFailed: 0,
    routeChangesIgnored: 0,
    pollFailed: 0,
    deleted: 0,
    lastDelayMs: null as number | null,
    maxDelayMs: 0,
  };

  constructor(private readonly deps: RelayDeps) {
    this.instance = deps.instanceId ?? newId();
    this.seen = new SeenSet(Math.max(10_000, deps.config.maxPerPoll * 4));
    this.routeBound = new RateBound(deps.config.routeChangesPerSec);
  }

  async start(): Promise<void> {
    const { bus, config, clock } = this.deps;
    await this.deps.store.start();
    this.lastSeenMs = clock.nowMs();
    for (const type of RELAYED_TYPES) bus.on(type, 'relay', (payload) => this.publish(type, payload as object));
    const poll = setInterval(() => void this.poll(), config.pollIntervalMs);
    const retention = setInterval(() => void this.expire(), Math.min(60_000, (config.retentionMinutes * 60_000) / 4));
    poll.unref();
    retention.unref();
    this.timers = [poll, retention];
  }

  async stop(): Promise<void> {
    this.deps.bus.off('relay');
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.polling;
    await this.flush();
    await this.deps.store.stop();
  }

  /** Where a payload seen on the bus came from; undefined when it was made in this process. */
  originOf(payload: object): RelayOrigin | undefined {
    return this.origins.get(payload);
  }

  /** Made in this process (not relayed from another instance). */
  isLocal(payload: object): boolean {
    return !this.origins.has(payload);
  }

  health(): ComponentHealth {
    return {
      status: this.pollHealthy ? 'up' : 'degraded',
      details: { instance: this.instance, outbox: this.outbox.length, seen: this.seen.size, ...this.counters },
    };
  }

  private publish(type: RelayedType, payload: object): void {
    // Only the relayed payload itself is skipped: events that listeners derive from it while it is
    // being re-emitted (the quorum gate re-storing an alert) are this instance's news and cross.
    if (this.origins.has(payload)) return;
    const nowMs = this.deps.clock.nowMs();
    if (type === 'route.change' && !this.routeBound.take(nowMs)) {
      this.counters.routeChangesDropped++;
      return;
    }
    if (this.outbox.length >= MAX_OUTBOX) {
      this.counters.outboxDropped++;
      return;
    }
    this.outbox.push({
      id: newId(),
      instance: this.instance,
      vantage: this.deps.vantage,
      roles: [...this.deps.plan.roles],
      type,
      payload: JSON.stringify(payload),
      atMs: nowMs,
    });
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Inserts what is waiting, one batch at a time. A failed batch is counted and dropped: storage holds the truth, the relay is live news. */
  flush(): Promise<void> {
    this.flushQueued = false;
    if (this.flushing) return this.flushing.then(() => (this.outbox.length ? this.flush() : undefined));
    if (!this.outbox.length) return Promise.resolve();
    const batch = this.outbox;
    this.outbox = [];
    this.flushing = this.deps.store
      .insert(batch)
      .then(
        () => void (this.counters.published += batch.length),
        (err: unknown) => {
          this.counters.publishFailed += batch.length;
          this.deps.log.warn({ err: (err as Error).message, events: batch.length }, 'relay: publish failed');
        },
      )
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  /** One read (or a few, while they come back full). Never overlaps itself. */
  poll(): Promise<void> {
    this.polling ??= this.readRounds().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async readRounds(): Promise<void> {
    const { store, config } = this.deps;
    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const heads = await store.heads(this.lastSeenMs - config.overlapMs, this.instance, config.maxPerPoll);
        const nowMs = this.deps.clock.nowMs();
        let from = Number.POSITIVE_INFINITY;
        let to = Number.NEGATIVE_INFINITY;
        for (const h of heads) {
          // A publisher whose clock runs ahead must not make this reader skip the others' events.
          this.lastSeenMs = Math.max(this.lastSeenMs, Math.min(h.atMs, nowMs));
          if (this.seen.has(h.id)) {
            this.counters.duplicates++;
            continue;
          }
          from = Math.min(from, h.atMs);
          to = Math.max(to, h.atMs);
        }
        // The unseen ones lie between from and to; the seen ones in between are skipped by id.
        if (from <= to) for (const d of await store.range(from, to, this.instance, config.maxPerPoll)) this.deliver(d);
        if (heads.length < config.maxPerPoll) break;
      }
      if (!this.pollHealthy) this.deps.log.info({}, 'relay: reading again');
      this.pollHealthy = true;
    } catch (err) {
      this.counters.pollFailed++;
      if (this.pollHealthy) this.deps.log.warn({ err: (err as Error).message }, 'relay: read failed');
      this.pollHealthy = false;
    }
  }

  private deliver(d: RelayDoc): void {
    const nowMs = this.deps.clock.nowMs();
    if (!this.seen.add(d.id)) {
      this.counters.duplicates++;
      return;
    }
    let ev: RelayedEvent;
    try {
      ev = decodeRelayDoc(d);
    } catch {
      this.counters.decodeFailed++;
      return;
    }
    this.counters.received++;
    const delay = Math.max(0, nowMs - d.atMs);
    this.counters.lastDelayMs = delay;
    this.counters.maxDelayMs = Math.max(this.counters.maxDelayMs, delay);
    if (ev.type === 'route.change' && !this.deps.plan.acceptRelayedRouteChanges) {
      this.counters.routeChangesIgnored++;
      return;
    }
    this.origins.set(ev.payload, { instance: d.instance, vantage: d.vantage, roles: d.roles, atMs: d.atMs });
    emitRelayed(this.deps.bus, ev);
  }

  private async expire(): Promise<void> {
    try {
      this.counters.deleted += await this.deps.store.deleteOlderThan(this.deps.clock.nowMs() - this.deps.config.retentionMinutes * 60_000);
    } catch (err) {
      this.deps.log.debug({ err: (err as Error).message }, 'relay: retention delete failed');
    }
  }
}

/**
 * Re-emits one relayed event on the local bus. A route change is re-emitted as a live route event
 * only, never as a route.change: a correlator here judges with this daemon's RIB, and another
 * region's changes against an empty or different RIB would read as lost routes (route_withdrawn).
 */
function emitRelayed(bus: EventBus<SmokeTraceEvents>, ev: RelayedEvent): void {
  switch (ev.type) {
    case 'observation':
      return bus.emit('observation', ev.payload);
    case 'alert':
      return bus.emit('alert', ev.payload);
    case 'path.change':
      return bus.emit('path.change', ev.payload);
    case 'path.mtu':
      return bus.emit('path.mtu', ev.payload);
    case 'route.change':
      return bus.emit('route.event', ev.payload.event);
  }
}
