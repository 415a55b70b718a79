import type { Logger } from 'pino';
import type { RouteEvent } from '../../bgp/types.js';
import type { EventBus } from '../core/bus.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Telemetry } from '../core/telemetry.js';
import type { LiveServer } from './server.js';

export interface LiveOptions {
  /** How often queued route events go out, as one batch per client. */
  intervalMs: number;
  /** At most this many events per batch; the rest are summarised as "dropped" (counted). */
  maxBatch: number;
}

interface ClientFilter {
  prefixes?: string[];
  peers?: string[];
  kinds?: string[];
}

function matches(e: RouteEvent, f: ClientFilter | undefined): boolean {
  if (!f) return true;
  if (f.kinds?.length && !f.kinds.includes(e.type)) return false;
  if (f.prefixes?.length && !('prefix' in e && f.prefixes.includes(e.prefix))) return false;
  if (f.peers?.length && !('peer' in e && f.peers.includes(e.peer.address))) return false;
  return true;
}

function stringList(v: unknown, max = 100): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string => typeof x === 'string' && x.length <= 100).slice(0, max);
}

/**
 * Bus → Socket.IO. Route events are batched (a burst of thousands per second
 * becomes a few messages a second); what exceeds a batch is counted and the
 * batch says how many it stands for, so the browser can say so.
 */
export class LiveChannel {
  private pending: RouteEvent[] = [];
  private overflow = 0;
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
    this.bus.on('observation', 'live', (o) => void this.io.emit('observation', o));
    this.bus.on('alert', 'live', (a) => void this.io.emit('alert', a));
    this.bus.on('path.change', 'live', (c) => void this.io.emit('path.change', c));
    this.io.on('connection', (socket) => {
      socket.on('subscribe', (raw) => {
        // Untrusted input: keep only well-formed string lists.
        const f = (raw ?? {}) as Record<string, unknown>;
        socket.data.filter = { prefixes: stringList(f.prefixes), peers: stringList(f.peers), kinds: stringList(f.kinds, 20) };
      });
    });
    this.timer = setInterval(() => this.flush(), this.opts.intervalMs);
    this.timer.unref();
  }

  private flush(): void {
    if (!this.pending.length && !this.overflow) return;
    const events = this.pending;
    const dropped = this.overflow;
    this.pending = [];
    this.overflow = 0;
    if (dropped) this.telemetry.rejected('live', 'batch_overflow', dropped);
    for (const socket of this.io.sockets.sockets.values()) {
      const filter = socket.data.filter as ClientFilter | undefined;
      const mine = filter ? events.filter((e) => matches(e, filter)) : events;
      if (mine.length || dropped) socket.emit('route.events', { events: mine, dropped });
    }
    if (dropped) this.log.debug({ dropped }, 'live batch overflow');
  }

  stop(): void {
    this.bus.off('live');
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
