import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { RouteChangeBuffer } from '../../src/correlate/route-buffer.js';
import { CorrelatorService } from '../../src/correlate/service.js';
import { EventBus } from '../../src/core/bus.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ProbeRequest, SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { registerAlertRoutes } from '../../src/http/routes/alerts.js';
import { PeerRegistry } from '../../src/ingest/peers.js';
import { RoutePipeline } from '../../src/ingest/pipeline.js';
import type { PmtuMeasurement } from '../../src/probe/pmtu/types.js';
import type { PathObservation } from '../../src/probe/types.js';
import { Rib } from '../../src/rib/index.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { announce, LONG, MIN, observation, peer, SHORT, T0, withdraw, type HopSpec } from './builders.js';

/**
 * The correlator as the daemon runs it: route changes through the real
 * pipeline and RIB onto the bus, observations (lab shapes) onto the bus,
 * alerts and path changes into real MongoDB-wire storage, the evidence pack
 * through the API. A manual clock drives time.
 */
describe('CorrelatorService on real storage', () => {
  const clock = new ManualClock(T0);
  const bus = new EventBus<SmokeTraceEvents>(silentLogger());
  const telemetry = new Telemetry({ defaultMetrics: false });
  const rib = new Rib();
  const r1 = peer('10.99.1.1', 65001);
  let store: MongoStore;
  let pipeline: RoutePipeline;
  let correlator: CorrelatorService;
  const probeRequests: ProbeRequest[] = [];
  const alertsSeen: Array<{ action: string; kind: string; summary: string }> = [];
  let n = 0;

  const at = (minute: number) => clock.set(T0 + minute * MIN);
  const observe = (hops: HopSpec[], minute: number) => {
    at(minute);
    const id = (++n).toString(16).padStart(24, '0');
    const obs: PathObservation = observation(hops, { minute, id, targetId: 'shop' });
    // Hops annotated as the prober does (prefix of each hop's address from the RIB).
    for (const h of obs.hops) h.prefix = h.probes[0]?.ip ? (rib.lookup(h.probes[0].ip)?.prefix ?? null) : null;
    store.observations.append(obs);
    bus.emit('observation', obs);
  };

  beforeAll(async () => {
    // resumeBaselines off: these tests feed observations and look at once (the resume, which
    // makes a target's first observation wait for a storage read, has its own test below).
    const config = parseConfig({ storage: { uri: await uniqueDbUri('correlator') }, correlation: { burst: { probes: 1 }, resumeBaselines: false } }, 'test', {});
    store = new MongoStore({ config: config.storage, log: silentLogger(), clock });
    await store.start();
    pipeline = new RoutePipeline({ rib, storage: store, queueCapacity: 200_000, bus, peers: new PeerRegistry(), telemetry, log: silentLogger(), clock });
    correlator = new CorrelatorService({ config: config.correlation, vantage: 'lab', storage: store, rib, bus, telemetry, log: silentLogger(), clock });
    await correlator.start();
    bus.on('probe.request', 'test', (r) => void probeRequests.push(r));
    bus.on('alert', 'test', (a) => void alertsSeen.push({ action: a.action, kind: a.alert.kind, summary: a.alert.summary }));
  });

  afterAll(async () => {
    await correlator?.stop();
    await store?.stop();
  });

  it('learns the short path, then the route flips to the long path: a path-worse alert citing the BGP change and an AS', async () => {
    at(0);
    pipeline.ingest([announce(r1, '10.99.100.0/24', [65001, 65002], 0)]);
    // A table's worth of other routes in the correlator's buffer: observations without a path
    // change never read it, and a confirmed change takes only the changes of its prefixes.
    pipeline.ingest(Array.from({ length: 2000 }, (_, i) => announce(r1, `198.18.${i >> 8}.${i & 255}/32`, [65001, 65009], 0)));
    const reads = vi.spyOn(RouteChangeBuffer.prototype, 'forEachOverlapping');
    for (let m = 1; m <= 5; m++) observe(SHORT, m);
    expect(alertsSeen).toEqual([]);
    expect(reads).not.toHaveBeenCalled();

    // BGP moves the target prefix onto the long path via AS 65003 / AS 65004.
    at(6);
    pipeline.ingest([announce(r1, '10.99.100.0/24', [65001, 65003, 65004, 65002], 6)]);
    expect(probeRequests).toEqual([expect.objectContaining({ targetId: 'shop', reason: 'bgp-trigger', cause: expect.objectContaining({ prefix: '10.99.100.0/24' }) })]);

    // Slower by 40 ms, as the lab's long path with delay.
    const slowLong = LONG.map((h, i) => (i >= 1 ? { ...h, rtt: h.rtt + 40 } : h));
    observe(slowLong, 6.1);
    observe(slowLong, 7);
    const worse = alertsSeen.find((a) => a.kind === 'path_worse' && a.action === 'open');
    expect(worse, JSON.stringify(alertsSeen)).toBeDefined();
    expect(worse!.summary).toMatch(/shop\.example/);
    expect(worse!.summary).toMatch(/AS 6500[234]/);
    expect(worse!.summary).toMatch(/Likely responsible: AS \d+/);

    await store.flush();
    const stored = await store.alerts.list({ state: 'open', targetId: 'shop' });
    expect(stored.map((a) => a.kind)).toContain('path_worse');
    const changes = await store.pathChanges.forTarget('shop', {});
    expect(changes).toHaveLength(1);
    expect(changes[0]!.cause).toBe('bgp');
    expect(changes[0]!.routeEvents.some((e) => e.type === 'announce' && JSON.stringify(e.asPath) === '[65001,65003,65004,65002]')).toBe(true);
    expect(changes[0]!.routeEvents.filter((e) => 'prefix' in e && e.prefix.startsWith('198.18.'))).toEqual([]);
    expect(reads).toHaveBeenCalled();
    reads.mockRestore();
  });

  it('serves an evidence pack with the route events and the paths before and after', async () => {
    const server = Hapi.server();
    registerAlertRoutes(server, { storage: store, clock });
    const worse = (await store.alerts.list({ state: 'open', targetId: 'shop' })).find((a) => a.kind === 'path_worse')!;
    const r = await server.inject(`/api/alerts/${worse.id}/evidence`);
    expect(r.statusCode).toBe(200);
    const pack = JSON.parse(r.payload) as { routeEvents: unknown[]; observations: { before: PathObservation[]; after: PathObservation[] }; timeline: unknown[]; pathChange: { verdict: { verdict: string } } };
    expect(pack.pathChange.verdict.verdict).toBe('worse');
    expect(pack.routeEvents.length).toBeGreaterThan(0);
    expect(pack.observations.before.length).toBeGreaterThan(0);
    expect(pack.observations.after.map((o) => o.hops.length)).toEqual([5, 5]);
    const text = await server.inject(`/api/alerts/${worse.id}/evidence?format=text`);
    expect(text.headers['content-type']).toMatch(/text\/plain/);
    expect(text.payload).toContain('Summary: ');
    expect(text.payload).toContain('announce 10.99.100.0/24');
  });

  it('the route flips back: a path-better alert, and the worse one resolves after the clear time', async () => {
    at(20);
    pipeline.ingest([announce(r1, '10.99.100.0/24', [65001, 65002], 20)]);
    for (let m = 20.1; m <= 32; m += 1) observe(SHORT, m);
    expect(alertsSeen.some((a) => a.kind === 'path_better' && a.action === 'open')).toBe(true);
    expect(alertsSeen.some((a) => a.kind === 'path_worse' && a.action === 'resolve')).toBe(true);
    // The one-shot notices clear once the path has been stable for the clear time (5 min by default).
    expect(alertsSeen.some((a) => a.kind === 'hop_count_change' && a.action === 'resolve')).toBe(true);
    expect(correlator.openAlerts().map((a) => a.kind)).not.toContain('path_worse');
  });

  it('the target prefix withdrawn everywhere: a route-withdrawn alert naming the prefix', () => {
    at(40);
    pipeline.ingest([withdraw(r1, '10.99.100.0/24', 40)]);
    const w = alertsSeen.find((a) => a.kind === 'route_withdrawn' && a.action === 'open');
    expect(w?.summary).toMatch(/withdrew 10\.99\.100\.0\/24, the route to shop\.example; no other peer announces it/);
  });

  it('a restarted correlator resumes its vantage\'s open alerts: the same alert resolves, none is opened twice', async () => {
    await store.flush();
    const stored = (await store.alerts.list({ state: 'open' })).filter((a) => a.vantage === 'lab');
    const withdrawn = stored.find((a) => a.kind === 'route_withdrawn');
    expect(withdrawn).toBeDefined();
    await correlator.stop();
    const config = parseConfig({ correlation: { burst: { probes: 1 }, resumeBaselines: false } }, 'test', {});
    // Another vantage's correlator on the same store leaves them alone.
    const other = new CorrelatorService({ config: config.correlation, vantage: 'elsewhere', storage: store, rib, bus: new EventBus<SmokeTraceEvents>(silentLogger()), telemetry: new Telemetry({ defaultMetrics: false }), log: silentLogger(), clock });
    await other.start();
    expect(other.counters.alertsResumed).toBe(0);
    await other.stop();

    correlator = new CorrelatorService({ config: config.correlation, vantage: 'lab', storage: store, rib, bus, telemetry: new Telemetry({ defaultMetrics: false }), log: silentLogger(), clock });
    await correlator.start();
    expect(correlator.counters.alertsResumed).toBe(stored.length);
    expect(correlator.openAlerts().map((a) => a.id)).toContain(withdrawn!.id);

    // The target is measured again (the new correlator learns it), the route comes back: the
    // resumed alert resolves under its own id after the clear time.
    const seen = alertsSeen.length;
    observe(SHORT, 50);
    at(50.5);
    pipeline.ingest([announce(r1, '10.99.100.0/24', [65001, 65002], 50.5)]);
    for (let m = 51; m <= 62; m += 1) observe(SHORT, m);
    const after = alertsSeen.slice(seen);
    expect(after).toContainEqual(expect.objectContaining({ kind: 'route_withdrawn', action: 'resolve' }));
    expect(after.filter((a) => a.kind === 'route_withdrawn' && a.action === 'open')).toEqual([]);
    await store.flush();
    expect(await store.alerts.get(withdrawn!.id)).toMatchObject({ state: 'resolved', vantage: 'lab' });
  });

  it('a restarted correlator replays its stored runs: a path that changed while it was down is judged against the path before', async () => {
    const withResume = parseConfig({ correlation: { burst: { probes: 1 } } }, 'test', {}).correlation;
    const withoutResume = parseConfig({ correlation: { burst: { probes: 1 }, resumeBaselines: false } }, 'test', {}).correlation;
    const ownBus = new EventBus<SmokeTraceEvents>(silentLogger());
    const changes: Array<{ targetId: string; beforeObservationIds: string[] }> = [];
    ownBus.on('path.change', 'test', (c) => void changes.push(c));
    const make = (config: typeof withResume) =>
      new CorrelatorService({ config, vantage: 'lab', storage: store, rib: new Rib(), bus: ownBus, telemetry: new Telemetry({ defaultMetrics: false }), log: silentLogger(), clock });
    let c = make(withResume);
    await c.start();
    const feed = async (hops: HopSpec[], minute: number, targetId: string, store_ = true) => {
      at(minute);
      const obs = observation(hops, { minute, id: (0xbeef00 + minute * 16 + targetId.length).toString(16).padStart(24, '0'), targetId });
      if (store_) store.observations.append(obs);
      ownBus.emit('observation', obs);
      await c.idle();
    };
    for (let m = 100; m <= 105; m++) await feed(SHORT, m, 'resume');
    expect(c.counters.baselinesResumed).toBe(0); // nothing stored before its first run
    await store.flush();
    await c.stop();

    // Down for a few minutes; the route moved meanwhile. The new correlator replays the six
    // stored short-path runs before its first observation: the long path is a change.
    c = make(withResume);
    await c.start();
    for (const m of [110, 111, 112]) await feed(LONG, m, 'resume');
    expect(c.counters).toMatchObject({ baselinesResumed: 1, runsReplayed: 6, resumeFailures: 0 });
    const resumed = changes.filter((x) => x.targetId === 'resume');
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.beforeObservationIds).toHaveLength(6);
    await c.stop();

    // The same story without the resume: the long path is learned as the normal one.
    for (let m = 100; m <= 105; m++) await feed(SHORT, m, 'plain');
    await store.flush();
    c = make(withoutResume);
    await c.start();
    for (const m of [110, 111, 112]) await feed(LONG, m, 'plain');
    expect(changes.filter((x) => x.targetId === 'plain')).toEqual([]);
    await c.stop();
  });

  it('a restarted correlator replays its stored path MTU measurements: a lower MTU found after the restart is a change', async () => {
    const ownBus = new EventBus<SmokeTraceEvents>(silentLogger());
    const opened: string[] = [];
    ownBus.on('alert', 'test', (a) => void (a.action === 'open' && opened.push(`${a.alert.targetId}:${a.alert.kind}`)));
    const make = (resumeBaselines: boolean) =>
      new CorrelatorService({ config: parseConfig({ correlation: { resumeBaselines } }, 'test', {}).correlation, vantage: 'lab', storage: store, rib: new Rib(), bus: ownBus, telemetry: new Telemetry({ defaultMetrics: false }), log: silentLogger(), clock });
    let c = make(true);
    let n = 0;
    const measure = async (targetId: string, minute: number, pathMtu: number) => {
      at(minute);
      const m: PmtuMeasurement = {
        id: (0xfeed00 + ++n).toString(16).padStart(24, '0'),
        targetId,
        target: { name: `${targetId}.example`, address: '10.99.100.10' },
        vantage: 'lab',
        measuredAt: new Date(T0 + minute * MIN).toISOString(),
        durationMs: 100,
        tool: 'tracepath',
        pathMtu,
        limit: pathMtu < 1500 ? { ttl: 2, ip: '10.99.12.2', mtu: pathMtu, asn: 65002 } : null,
        reached: true,
        hopCount: 3,
        status: 'ok',
      };
      store.pathMtu.append(m);
      ownBus.emit('path.mtu', m);
      await c.idle();
    };
    await c.start();
    for (const minute of [200, 210, 220]) await measure('mtu-resume', minute, 1500);
    await store.flush();
    await c.stop();
    c = make(true);
    await c.start();
    for (const minute of [230, 240, 250]) await measure('mtu-resume', minute, 1400);
    expect(c.counters.mtuResumed).toBe(1);
    expect(opened).toContain('mtu-resume:mtu_change');
    await c.stop();

    // Without the replay the first 1400 after the restart is taken as the usual MTU.
    for (const minute of [200, 210, 220]) await measure('mtu-plain', minute, 1500); // stored only: c is stopped
    await store.flush();
    c = make(false);
    await c.start();
    for (const minute of [230, 240, 250]) await measure('mtu-plain', minute, 1400);
    expect(opened).not.toContain('mtu-plain:mtu_change');
    await c.stop();
  });
});
