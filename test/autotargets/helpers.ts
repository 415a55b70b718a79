/**
 * A small daemon for automatic-target tests: real FerretDB storage, a real Rib fed through the
 * real RoutePipeline, a real ProbeService (loopback targets only: every prefix used lies in
 * 127.0.0.0/8, which the test config's address policy allows), the real ping, a manual clock.
 */
import type { AnnounceEvent, RouteEvent } from '../../bgp/types.js';
import { AutoTargetService } from '../../src/autotargets/service.js';
import { parseConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/core/bus.js';
import { ManualClock, systemClock } from '../../src/core/clock.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { PeerRegistry } from '../../src/ingest/peers.js';
import { RoutePipeline } from '../../src/ingest/pipeline.js';
import { pingOnce } from '../../src/probe/ping.js';
import { ProbeService } from '../../src/probe/service.js';
import { Rib } from '../../src/rib/index.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { announce as ribAnnounce, withdraw as ribWithdraw } from '../rib/events.js';

export interface World {
  uri: string;
  clock: ManualClock;
  bus: EventBus<SmokeTraceEvents>;
  rib: Rib;
  store: MongoStore;
  prober: ProbeService;
  auto: AutoTargetService;
  telemetry: Telemetry;
  pings: string[];
  feed(events: RouteEvent[]): void;
  stop(): Promise<void>;
}

export const announce = (prefix: string, over: Partial<AnnounceEvent> = {}) => ribAnnounce(prefix, over);
export const withdraw = ribWithdraw;

export async function startWorld(uri: string, autoConfig: Record<string, unknown>, opts: { startProber?: boolean; storage?: Record<string, unknown> } = {}): Promise<World> {
  const log = silentLogger();
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const config = parseConfig(
    { storage: { uri, connectTimeoutMs: 5000, ...opts.storage }, probing: { scamper: { mode: 'process' }, addressPolicy: { allowPrivate: true } }, autoTargets: { minRefreshGapSec: 3600, refreshIntervalSec: 86_400, ...autoConfig } },
    'test',
    {},
  );
  const store = new MongoStore({ config: config.storage, log, clock: systemClock });
  await store.start();
  const bus = new EventBus<SmokeTraceEvents>(log);
  const rib = new Rib();
  const telemetry = new Telemetry({ defaultMetrics: false });
  const pipeline = new RoutePipeline({ rib, storage: store, queueCapacity: 100_000, bus, peers: new PeerRegistry(), telemetry, log, clock });
  const prober = new ProbeService({
    config: config.probing,
    vantage: 'test',
    storage: store,
    rib: { covering: (a) => rib.lookup(a), originAsn: (a) => rib.originAsn(a) },
    bus,
    telemetry,
    log,
    clock,
  });
  if (opts.startProber !== false) await prober.start();
  const pings: string[] = [];
  const auto = new AutoTargetService({
    config: config.autoTargets,
    addressPolicy: config.probing.addressPolicy,
    rib,
    bus,
    targets: prober,
    marks: store.autoTargetMarks,
    reach: async (address) => {
      pings.push(address);
      return (await pingOnce(address, { timeoutMs: 1000 })).alive;
    },
    telemetry,
    log,
    clock,
  });
  await auto.start();
  return {
    uri,
    clock,
    bus,
    rib,
    store,
    prober,
    auto,
    telemetry,
    pings,
    feed: (events) => pipeline.ingest(events),
    stop: async () => {
      await auto.stop();
      await prober.stop();
      pipeline.stop();
      await store.stop();
    },
  };
}

/** The prober's automatic targets: id -> [host, labels.auto]. */
export function autoTargets(w: World): Record<string, [string, string | undefined]> {
  return Object.fromEntries(
    w.prober
      .list()
      .filter((t) => t.source === 'auto')
      .map((t) => [t.id, [t.host, t.labels.auto]]),
  );
}

