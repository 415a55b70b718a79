import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Service } from '../core/lifecycle.js';
import { Telemetry } from '../core/telemetry.js';
import { CorrelatorService, type RibView } from '../correlate/service.js';
import type { PathObservation } from '../probe/types.js';
import type { Storage } from '../storage/repositories.js';
import { QuorumGate } from './quorum-gate.js';
import type { Relay } from './relay.js';

export interface RemoteCorrelatorsDeps {
  config: Readonly<Config>;
  bus: EventBus<SmokeTraceEvents>;
  relay: Relay;
  storage: Storage;
  /** This instance's RIB (empty without the collector role: no target prefix, no route_withdrawn). */
  rib: RibView;
  clock: Clock;
  log: Logger;
}

/** Vantages judged here at most; observations of more are counted and skipped. */
const MAX_VANTAGES = 64;
/** Observations held per vantage while its correlator starts. */
const MAX_WAITING = 10_000;

interface Remote {
  bus: EventBus<SmokeTraceEvents>;
  correlator: CorrelatorService;
  gate: QuorumGate | null;
  telemetry: Telemetry;
  /** Observations that came while it was starting (delivered in order once it runs). */
  waiting: PathObservation[] | null;
}

/**
 * Correlation for prober-only instances. Their observations arrive through the
 * relay; each such vantage gets its own CorrelatorService (its own change and
 * alert state, alerts stored under that vantage) on a private bus fed with its
 * observations and with this instance's route changes. Their alerts and path
 * changes go out on the main bus (so to sockets, the relay and notifiers).
 * Vantages whose own instance runs a correlator are left to it.
 */
export class RemoteCorrelators implements Service {
  readonly name = 'remote-correlators';
  private readonly remotes = new Map<string, Remote>();
  private started = false;
  readonly counters = { observations: 0, overflow: 0 };

  constructor(private readonly deps: RemoteCorrelatorsDeps) {}

  async start(): Promise<void> {
    this.started = true;
    const { bus, relay } = this.deps;
    bus.on('observation', this.name, (o) => {
      const origin = relay.originOf(o);
      if (!origin || origin.roles.includes('correlator')) return;
      const remote = this.remoteFor(o.vantage);
      if (!remote) return;
      this.counters.observations++;
      if (remote.waiting && remote.waiting.length >= MAX_WAITING) this.counters.overflow++;
      else if (remote.waiting) remote.waiting.push(o);
      else remote.bus.emit('observation', o);
    });
    bus.on('route.change', this.name, (c) => {
      for (const r of this.remotes.values()) r.bus.emit('route.change', c);
    });
  }

  async stop(): Promise<void> {
    this.started = false;
    this.deps.bus.off(this.name);
    for (const r of this.remotes.values()) {
      await r.correlator.stop();
      await r.gate?.stop();
    }
    this.remotes.clear();
  }

  details(): Record<string, unknown> {
    return {
      ...this.counters,
      vantages: Object.fromEntries([...this.remotes].map(([v, r]) => [v, { ...r.correlator.counters, quorum: r.gate?.health().details ?? null }])),
    };
  }

  private remoteFor(vantage: string): Remote | null {
    const known = this.remotes.get(vantage);
    if (known) return known;
    if (this.remotes.size >= MAX_VANTAGES || !this.started) {
      this.counters.overflow++;
      return null;
    }
    const { config, storage, clock, log } = this.deps;
    const bus = new EventBus<SmokeTraceEvents>(log);
    const quorum = config.cluster.quorum.pathWorse;
    const gate = quorum > 1 ? new QuorumGate({ vantage, quorum, bus: this.deps.bus, storage, log }) : null;
    // Its own telemetry: the correlator registers health under a fixed name; /api/health shows these under "cluster".
    const telemetry = new Telemetry({ defaultMetrics: false });
    const correlator = new CorrelatorService({
      config: config.correlation,
      vantage,
      storage,
      rib: this.deps.rib,
      bus,
      telemetry,
      log: log.child({ vantage }),
      clock,
      ...(gate ? { gate } : {}),
    });
    const remote: Remote = { bus, correlator, gate, telemetry, waiting: [] };
    this.remotes.set(vantage, remote);
    // Out: what the correlator says goes to the main bus. Not probe.request: the prober is elsewhere.
    bus.on('alert', 'out', (a) => this.deps.bus.emit('alert', a));
    bus.on('path.change', 'out', (c) => this.deps.bus.emit('path.change', c));
    if (!gate) bus.on('alert.notify', 'out', (a) => this.deps.bus.emit('alert.notify', a));
    void (async () => {
      await gate?.start();
      await correlator.start();
      const waiting = remote.waiting ?? [];
      remote.waiting = null;
      for (const o of waiting) bus.emit('observation', o);
      log.info({ vantage }, 'correlating a prober-only vantage');
    })().catch((err: unknown) => log.error({ vantage, err }, 'remote vantage correlator failed to start'));
    return remote;
  }
}
