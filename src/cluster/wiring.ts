import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import type { CorrelatorDeps, RibView } from '../correlate/service.js';
import type { Storage } from '../storage/repositories.js';
import { MongoRelayStore } from './mongo-relay-store.js';
import { QuorumGate } from './quorum-gate.js';
import { Relay } from './relay.js';
import { RemoteCorrelators } from './remote-correlators.js';
import type { RelayStore } from './relay-store.js';
import { planRoles, type RolePlan } from './roles.js';

export interface ClusterDeps {
  config: Readonly<Config>;
  bus: EventBus<SmokeTraceEvents>;
  storage: Storage;
  clock: Clock;
  log: Logger;
  telemetry: Telemetry;
  /** This instance's RIB, for the correlators of prober-only vantages. */
  rib: RibView;
  /** Tests may give another store; default: the relay collection of storage.uri. */
  relayStore?: RelayStore;
}

/**
 * The cluster part of the composition root: the role plan, the relay (when
 * enabled and there is a shared database to relay through) and the quorum
 * gate (when the correlator runs with a quorum above 1).
 */
export class Cluster {
  readonly plan: RolePlan;
  readonly relay: Relay | null;
  readonly gate: QuorumGate | null;
  /** Correlators for vantages whose instance has no correlator (prober-only), fed by the relay. */
  readonly remote: RemoteCorrelators | null;

  constructor(deps: ClusterDeps) {
    const { config, log } = deps;
    this.plan = planRoles(config.cluster.roles);
    const uri = config.storage.uri;
    const relayWanted = config.cluster.relay.enabled;
    const store = deps.relayStore ?? (uri ? new MongoRelayStore(uri, config.storage) : null);
    this.relay =
      relayWanted && store
        ? new Relay({ config: config.cluster.relay, store, bus: deps.bus, vantage: config.instance.name, plan: this.plan, clock: deps.clock, log })
        : null;
    if (relayWanted && !store) log.warn({}, 'cluster.relay needs storage.uri (a shared MongoDB): relay off');
    this.gate =
      this.plan.correlator && config.cluster.quorum.pathWorse > 1
        ? new QuorumGate({ vantage: config.instance.name, quorum: config.cluster.quorum.pathWorse, bus: deps.bus, storage: deps.storage, log })
        : null;
    this.remote =
      this.plan.correlator && config.correlation.enabled && this.relay
        ? new RemoteCorrelators({ config, bus: deps.bus, relay: this.relay, storage: deps.storage, rib: deps.rib, clock: deps.clock, log })
        : null;
    deps.telemetry.registerHealth('cluster', () => ({
      status: this.relay ? this.relay.health().status : 'up',
      details: {
        vantage: config.instance.name,
        roles: this.plan.roles,
        relay: this.relay ? this.relay.health().details : 'off',
        quorum: this.gate ? this.gate.health().details : { quorum: 1 },
        remoteVantages: this.remote ? this.remote.details() : 'off',
      },
    }));
  }

  /** The correlator judges what was measured in this process; the gate (if any) rules on notifications. */
  correlatorHooks(): Pick<CorrelatorDeps, 'accept' | 'gate'> {
    const relay = this.relay;
    return { ...(relay ? { accept: (o) => relay.isLocal(o) } : {}), ...(this.gate ? { gate: this.gate } : {}) };
  }

  /** Started with the correlator (before it and before the relay), stopped in reverse. */
  gateServices(): Service[] {
    return [...(this.gate ? [this.gate] : []), ...(this.remote ? [this.remote] : [])];
  }

  relayServices(): Service[] {
    return this.relay ? [this.relay] : [];
  }
}
