import type { Logger } from 'pino';
import type { RouteEvent } from '../../bgp/types.js';
import type { EventBus } from '../core/bus.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Telemetry } from '../core/telemetry.js';
import type { PmtuMeasurement } from '../probe/pmtu/types.js';
import type { PathObservation } from '../probe/types.js';
import type { LiveFilter, LiveMtu, LiveObservation } from './live-events.js';
import type { LiveServer } from './server.js';

export interface LiveOptions {
  /** How often queued route events and probe runs go out, as one batch per client. */
  intervalMs: number;
  /** At most this many of each per batch; the rest are summarised as "dropped" (counted). */
  maxBatch: number;
}

/** Last path signature per target and vantage; cleared when it grows past this (a restart of the memory, not of the daemon). */
const MAX_SIGNATURES = 200_000;

export function matchesRoute(e: RouteEvent, f: LiveFilter | undefined): boolean {
  if (!f) return true;
  if (f.kinds?.length && !f.kinds.includes(e.type)) return false;
  if (f.prefixes?.length && !('prefix' in e && f.prefixes.includes(e.prefix))) return false;
  if (f.peers?.length && !('peer' in e && f.peers.includes(e.peer.address))) return false;
  return true;
}

export function matchesTarget(targetId: string, f: LiveFilter | undefined): boolean {
  return !f?.targets?.length || f.targets.includes(targetId);
}

function stringList(v: unknown, max = 100): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string => typeof x === 'string' && x.length <= 100).slice(0, max);
}

/** The light form of a run for the live channel. Pure. */
export function liveObservation(o: PathObservation, pathChanged: boolean): LiveObservation {
  const rtt = o.rtt ? (o.rtt.median ?? o.rtt.avg) : null;
  return {
    targetId: o.targetId ?? o.target.name,
    targetName: o.target.name,
    vantage: o.vantage,
    startedAt: o.startedAt,
    status: o.status,
    reached: o.reached,
    hops: o.hops.length,
    rttMs: rtt === null ? null : Math.round(rtt * 1000) / 1000,
    loss: o.loss,
    pathChanged,
    error: o.error?.message ?? null,
  };
}

/**
 * Bus → Socket.IO. Route events and probe runs are batched (a burst of
 * thousands per second becomes a few messages a second); what exceeds a batch
 * is counted and the batch says how many it stands for, so the browser can say so.
 */
export class LiveChannel {
  private pending: RouteEvent[] = [];
  private overflow = 0;
  private runs: LiveObservation[] = [];
  private runsOverflow = 0;
  private readonly signatures = new Map<string, string>();
  /** The last path MTU per target and vantage (for LiveMtu.changed). */
  private readonly mtus = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly io: LiveServer,
    private readonly bus: EventBus<SmokeTraceEvents>,
    private readonly opts: LiveOptions,
    private readonly telemetry: Telemetry,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.bus.on('route.event', 'live', (e) => {
      if (this.pending.length < this.opts.maxBatch) this.pending.push(e);
      else this.overflow++;
    });
    this.bus.on('observation', 'live', (o) => this.onObservation(o));
    this.bus.on('alert', 'live', (a) => {
      for (const s of this.socketsFor(a.alert.targetId)) s.emit('alert', a);
    });
    this.bus.on('path.change', 'live', (c) => {
      for (const s of this.socketsFor(c.targetId)) s.emit('path.change', c);
    });
    this.bus.on('path.mtu', 'live', (m) => {
      const live = this.liveMtu(m);
      for (const s of this.socketsFor(m.targetId)) s.emit('path.mtu', live);
    });
    this.io.on('connection', (socket) => {
      socket.on('subscribe', (raw, done) => {
        // Untrusted input: keep only well-formed string lists.
        const f = (raw ?? {}) as Record<string, unknown>;
        socket.data.filter = { prefixes: stringList(f.prefixes), peers: stringList(f.peers), kinds: stringList(f.kinds, 20), targets: stringList(f.targets) } satisfies LiveFilter;
        if (typeof done === 'function') done();
      });
    });
    this.timer = setInterval(() => this.flush(), this.opts.intervalMs);
    this.timer.unref();
  }

  private onObservation(o: PathObservation): void {
    const key = `${o.targetId ?? o.target.name}|${o.vantage}`;
    const prev = this.signatures.get(key);
    // A failed run says nothing about the path: it neither changes nor replaces the signature.
    const changed = o.status === 'ok' && prev !== undefined && prev !== o.signature;
    if (o.status === 'ok') {
      if (this.signatures.size >= MAX_SIGNATURES && prev === undefined) this.signatures.clear();
      this.signatures.set(key, o.signature);
    }
    if (this.runs.length < this.opts.maxBatch) this.runs.push(liveObservation(o, changed));
    else this.runsOverflow++;
  }

  private liveMtu(m: PmtuMeasurement): LiveMtu {
    const key = `${m.targetId}|${m.vantage}`;
    const previous = this.mtus.get(key) ?? null;
    if (m.pathMtu !== null) {
      if (this.mtus.size >= MAX_SIGNATURES && !this.mtus.has(key)) this.mtus.clear();
      this.mtus.set(key, m.pathMtu);
    }
    const l = m.limit;
    return {
      targetId: m.targetId,
      targetName: m.target.name,
      vantage: m.vantage,
      measuredAt: m.measuredAt,
      tool: m.tool,
      status: m.status,
      pathMtu: m.pathMtu,
      previousMtu: previous,
      changed: m.pathMtu !== null && previous !== null && previous !== m.pathMtu,
      limit: l ? { ttl: l.ttl, ip: l.ip, mtu: l.mtu, asn: l.asn ?? null } : null,
      error: m.error?.message ?? null,
    };
  }

  private socketsFor(targetId: string) {
    return [...this.io.sockets.sockets.values()].filter((s) => matchesTarget(targetId, s.data.filter as LiveFilter | undefined));
  }

  private flush(): void {
    const events = this.pending;
    const dropped = this.overflow;
    const runs = this.runs;
    const runsDropped = this.runsOverflow;
    if (!events.length && !dropped && !runs.length && !runsDropped) return;
    this.pending = [];
    this.overflow = 0;
    this.runs = [];
    this.runsOverflow = 0;
    if (dropped + runsDropped) {
      this.telemetry.rejected('live', 'batch_overflow', dropped + runsDropped);
      this.log.debug({ dropped, runsDropped }, 'live batch overflow');
    }
    for (const socket of this.io.sockets.sockets.values()) {
      const filter = socket.data.filter as LiveFilter | undefined;
      if (events.length || dropped) {
        const mine = filter ? events.filter((e) => matchesRoute(e, filter)) : events;
        if (mine.length || dropped) socket.emit('route.events', { events: mine, dropped });
      }
      if (runs.length || runsDropped) {
        const mine = filter ? runs.filter((r) => matchesTarget(r.targetId, filter)) : runs;
        if (mine.length || runsDropped) socket.emit('observations', { items: mine, dropped: runsDropped });
      }
    }
  }

  stop(): void {
    this.bus.off('live');
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
