import type { DestinationStream } from 'pino';
import type { Config } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import { EventBus } from './core/bus.js';
import type { SmokeTraceEvents } from './core/events.js';
import { join } from 'node:path';
import { BmpSession } from '../bgp/bmp-normalize.js';
import { ExabgpParser } from '../bgp/exabgp/parser.js';
import { ServiceManager, serviceOf, type Service } from './core/lifecycle.js';
import { componentLogger, createRootLogger, type Logger } from './core/logger.js';
import { Telemetry } from './core/telemetry.js';
import { packageVersion } from './core/version.js';
import { ApiAuth } from './http/auth.js';
import { LatencyMemory } from './http/latency-memory.js';
import { TroubleMemory, overviewPreload } from './http/trouble-memory.js';
import { LiveChannel } from './http/live.js';
import { registerBgpRoutes } from './http/routes/bgp.js';
import { HttpService } from './http/server.js';
import { BmpStation } from './ingest/bmp-station.js';
import { ExabgpFeed } from './ingest/exabgp-feed.js';
import { peerKey, PeerRegistry } from './ingest/peers.js';
import { pipelineLimits, RoutePipeline } from './ingest/pipeline.js';
import { Rib } from './rib/index.js';
import { ProbeService } from './probe/service.js';
import { registerTargetRoutes } from './http/routes/targets.js';
import { registerOpenApi } from './http/openapi.js';
import { registerStatic } from './http/static.js';
import { registerOverviewRoutes } from './http/routes/overview.js';
import { registerAlertRoutes } from './http/routes/alerts.js';
import { CorrelatorService } from './correlate/service.js';
import { MongoStore } from './storage/mongo/store.js';
import { RetentionJob } from './storage/retention.js';
import { Cluster } from './cluster/wiring.js';
import { createNotifierSet, toNotifiable } from './notify/index.js';
import { registerClusterRoutes } from './cluster/routes.js';
import { TargetCatalog } from './cluster/target-catalog.js';
import { AutoTargetService } from './autotargets/service.js';
import { pingOnce } from './probe/ping.js';
import { registerAutoTargetRoutes } from './http/routes/auto-targets.js';
import { FlowService } from './flows/service.js';
import { registerFlowRoutes } from './http/routes/flows.js';

export interface AppOptions {
  config: Readonly<Config>;
  clock?: Clock;
  logDestination?: DestinationStream;
}

/**
 * The composition root: builds every service from the frozen config, starts
 * them in order (storage first, HTTP last, so /api/health answers only when
 * the rest is up) and stops them in reverse.
 */
export class App {
  readonly log: Logger;
  readonly telemetry = new Telemetry();
  readonly bus: EventBus<SmokeTraceEvents>;
  readonly storage: MongoStore;
  readonly http: HttpService;
  readonly rib = new Rib();
  readonly peers = new PeerRegistry();
  readonly pipeline: RoutePipeline;
  readonly bmp: BmpStation | null;
  readonly exabgp: ExabgpFeed | null;
  readonly prober: ProbeService | null;
  /** Every vantage's targets (this prober's published, the others' read) for the API and the overview. */
  readonly targetCatalog: TargetCatalog;
  readonly correlator: CorrelatorService | null;
  /** Targets chosen from BGP and traffic data (needs a local prober). */
  readonly autoTargets: AutoTargetService | null;
  /** Top destination hosts from flow data: API, CLI and watched files (src/flows). */
  readonly flows: FlowService | null;
  /** Roles, cross-instance relay and vantage quorum (src/cluster). */
  readonly cluster: Cluster;
  readonly version = packageVersion();
  private readonly manager: ServiceManager;

  constructor(readonly opts: AppOptions) {
    const { config } = opts;
    const clock = opts.clock ?? systemClock;
    this.log = createRootLogger({ level: config.log.level, ...(opts.logDestination ? { destination: opts.logDestination } : {}) }).child({
      vantage: config.instance.name,
    });
    this.bus = new EventBus<SmokeTraceEvents>(componentLogger(this.log, 'bus'));
    this.storage = new MongoStore({
      config: config.storage,
      log: componentLogger(this.log, 'storage'),
      clock,
      onRejected: (n, reason) => this.telemetry.rejected('storage', reason, n),
      onAvailability: (ok, error) => this.bus.emit('storage.state', { state: ok ? 'connected' : 'disconnected', ...(error ? { error } : {}) }),
    });
    this.telemetry.registerHealth('storage', () => this.storage.health());
    this.cluster = new Cluster({ config, bus: this.bus, storage: this.storage, clock, log: componentLogger(this.log, 'cluster'), telemetry: this.telemetry, rib: this.rib });
    const roles = this.cluster.plan;
    this.telemetry.gauge('smoketrace_storage_queue_depth', 'Writes held in memory, waiting for MongoDB', [], (g) =>
      g.set(this.storage.queue.depth()),
    );
    this.http = new HttpService({
      config: config.http,
      telemetry: this.telemetry,
      log: componentLogger(this.log, 'http'),
      version: this.version,
      instance: config.instance.name,
    });
    const auth = new ApiAuth(config.http, componentLogger(this.log, 'http'));
    auth.register(this.http.server);

    this.pipeline = new RoutePipeline({
      rib: this.rib,
      storage: this.storage,
      ...pipelineLimits(config.storage),
      bus: this.bus,
      peers: this.peers,
      telemetry: this.telemetry,
      log: componentLogger(this.log, 'ingest'),
      clock,
    });
    const ingest = (events: Parameters<RoutePipeline['ingest']>[0]) => this.pipeline.ingest(events);
    this.bmp = config.bmp.enabled && roles.collector
      ? new BmpStation({
          config: config.bmp,
          decoder: (router) => new BmpSession(router, { attributeCacheBlocks: config.bmp.attributeCacheBlocks }),
          sink: ingest,
          telemetry: this.telemetry,
          log: componentLogger(this.log, 'bmp'),
          clock,
          recordDir: join(config.storage.dataDir, 'bmp-recordings'),
          onSessionEnd: (router) => this.pipeline.routerDown(router, 'bmp'),
        })
      : null;
    // An ExaBGP feed disconnect is not a router going away: ExaBGP keeps its BGP sessions and
    // says so with "state" lines; its routes stay until it reports the peer down.
    this.exabgp = config.exabgp.enabled && roles.collector
      ? new ExabgpFeed({
          config: config.exabgp,
          parser: (router) => new ExabgpParser(router),
          sink: ingest,
          telemetry: this.telemetry,
          log: componentLogger(this.log, 'exabgp'),
          clock,
        })
      : null;
    if (!this.bmp) this.telemetry.registerHealth('bmp', () => ({ status: 'disabled' }));
    if (!this.exabgp) this.telemetry.registerHealth('exabgp', () => ({ status: 'disabled' }));
    this.telemetry.registerHealth('rib', () => ({
      status: 'up',
      details: { routes: this.rib.size, prefixes: this.rib.prefixCount, attributeSets: this.rib.attributeSets, pipeline: { ...this.pipeline.counters }, storageBacklog: this.pipeline.backlogStats },
    }));
    this.telemetry.gauge('smoketrace_rib_routes', 'Routes in the live RIB', [], (g) => g.set(this.rib.size));

    // The ui role: API routes, pages and the live channel (health and metrics are served in every role).
    if (roles.ui) registerBgpRoutes(this.http.server, {
      peers: this.peers,
      storage: this.storage,
      routeCount: (router, key) =>
        this.rib
          .peerCounts()
          .filter((p) => p.router === router && peerKey(p.peer) === key)
          .reduce((n, p) => n + p.ipv4 + p.ipv6, 0),
    });

    this.prober = config.probing.enabled && roles.prober
      ? new ProbeService({
          config: config.probing,
          vantage: config.instance.name,
          storage: this.storage,
          // Without the collector role the RIB stays empty: hops keep asn/prefix null (docs/deployment.md).
          rib: { covering: (address) => this.rib.lookup(address), originAsn: (address) => this.rib.originAsn(address) },
          bus: this.bus,
          telemetry: this.telemetry,
          log: componentLogger(this.log, 'prober'),
          clock,
        })
      : null;
    const prober = this.prober;
    this.targetCatalog = new TargetCatalog({
      vantage: config.instance.name,
      repo: this.storage.targetCatalog,
      local: prober ? () => prober.list() : null,
      clock,
      log: componentLogger(this.log, 'targets'),
    });
    this.telemetry.registerHealth('targetCatalog', () => this.targetCatalog.health());
    if (roles.ui) registerTargetRoutes(this.http.server, { prober, directory: this.targetCatalog, storage: this.storage });
    if (!this.prober) this.telemetry.registerHealth('prober', () => ({ status: 'disabled' }));

    const auto = config.autoTargets;
    this.autoTargets = auto.enabled && this.prober
      ? new AutoTargetService({
          config: auto,
          addressPolicy: config.probing.addressPolicy,
          rib: this.rib,
          bus: this.bus,
          targets: this.prober,
          marks: this.storage.autoTargetMarks,
          reach: async (address) => (await pingOnce(address, { timeoutMs: auto.reachability.timeoutMs })).alive,
          telemetry: this.telemetry,
          log: componentLogger(this.log, 'autotargets'),
          clock,
        })
      : null;
    if (!this.autoTargets) this.telemetry.registerHealth('autotargets', () => ({ status: 'disabled' }));
    if (roles.ui) registerAutoTargetRoutes(this.http.server, { autoTargets: this.autoTargets });

    // Flow import: the API in the ui role, watched files (nfacctd's print output) in the collector role.
    this.flows = config.flows.enabled
      ? new FlowService({
          config: config.flows,
          watchFiles: roles.collector,
          bus: this.bus,
          snapshots: this.storage.flowSnapshots,
          telemetry: this.telemetry,
          log: componentLogger(this.log, 'flows'),
          clock,
        })
      : null;
    if (!this.flows) this.telemetry.registerHealth('flows', () => ({ status: 'disabled' }));
    if (this.flows && roles.ui) registerFlowRoutes(this.http.server, { flows: this.flows, storage: this.storage });

    this.correlator = config.correlation.enabled && roles.correlator
      ? new CorrelatorService({
          config: config.correlation,
          vantage: config.instance.name,
          storage: this.storage,
          rib: { lookup: (address) => this.rib.lookup(address) },
          bus: this.bus,
          telemetry: this.telemetry,
          log: componentLogger(this.log, 'correlator'),
          clock,
          ...this.cluster.correlatorHooks(),
        })
      : null;
    if (!this.correlator) this.telemetry.registerHealth('correlator', () => ({ status: 'disabled' }));
    if (roles.ui) registerAlertRoutes(this.http.server, { storage: this.storage, clock });
    if (roles.ui) registerClusterRoutes(this.http.server, { storage: this.storage });

    let troubles: TroubleMemory | null = null;
    if (roles.ui) {
      // Sparklines and counts from what the bus brings (relayed too), not from scans of storage per request.
      const latency = new LatencyMemory();
      latency.attach(this.bus, 'overview');
      troubles = new TroubleMemory(this.storage, clock);
      troubles.attach(this.bus, 'overview');
      registerOverviewRoutes(this.http.server, { storage: this.storage, targets: () => this.targetCatalog.list(), clock, latency, troubles });
    }
    if (roles.ui) registerStatic(this.http.server, { log: componentLogger(this.log, 'http') });
    if (roles.ui) registerOpenApi(this.http.server, { title: 'SmokeTrace', version: this.version });

    // Notifications: the correlator (or the cluster's quorum gate) says when; each sender is isolated.
    const notifier = createNotifierSet(config.notify, { userAgent: `smoketrace/${this.version}` });
    this.telemetry.registerHealth('notify', () => notifier.health());
    this.bus.on('alert.notify', 'notify', (a) => void notifier.notify(toNotifiable(a, { targetName: a.targetId, vantage: config.instance.name })));

    let live: LiveChannel | null = null;
    const services: Service[] = [
      this.storage,
      new RetentionJob(this.storage, config.storage.retention, clock, componentLogger(this.log, 'retention'), this.telemetry),
      serviceOf('auth', () => auth.init(this.storage.isAvailable() ? this.storage.meta : null)),
      notifier,
      ...(this.bmp ? [this.bmp] : []),
      ...(this.exabgp ? [this.exabgp] : []),
      serviceOf('ingest', () => {}, () => this.pipeline.stop()),
      ...(this.correlator ? [...this.cluster.gateServices(), this.correlator] : []),
      ...(this.prober ? [this.prober] : []),
      // After the prober, whose loaded targets it publishes.
      this.targetCatalog,
      ...(this.autoTargets ? [this.autoTargets] : []),
      // After automatic targets, so they hear a watched file's first snapshot.
      ...(this.flows ? [this.flows] : []),
      ...this.cluster.relayServices(),
      this.http,
      // In the background, a minute after the start: the overview's month of path changes and alerts, read before anyone asks.
      ...(troubles ? [overviewPreload(troubles, componentLogger(this.log, 'overview'))] : []),
      serviceOf(
        'live',
        () => {
          if (!roles.ui) return;
          live = new LiveChannel(this.http.io!, this.bus, { intervalMs: 250, maxBatch: 2000 }, this.telemetry, componentLogger(this.log, 'live'));
          live.start();
        },
        () => live?.stop(),
      ),
    ];
    this.manager = new ServiceManager(services, componentLogger(this.log, 'app'));
  }

  async start(): Promise<void> {
    this.log.info({ version: this.version, component: 'app' }, 'smoketrace starting');
    await this.manager.start();
    this.log.info({ component: 'app', url: this.http.url() }, 'smoketrace started');
  }

  async stop(deadlineMs = 9_000): Promise<void> {
    this.log.info({ component: 'app' }, 'smoketrace stopping');
    await this.manager.stop(deadlineMs);
    this.log.info({ component: 'app' }, 'smoketrace stopped');
    this.log.flush();
  }
}
