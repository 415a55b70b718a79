/**
 * AutoTargetService end to end: route events through the real pipeline into a real Rib,
 * traffic snapshots on the bus, targets through the real ProbeService into FerretDB, pins and
 * exclusions stored and read back after a restart. All prefixes lie in 127.0.0.0/8, so the
 * real ping and the real traceroute the scheduler runs stay on loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PathObservation } from '../../src/probe/types.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { requireTool, until } from '../helpers/processes.js';
import { splitMongoUri, TcpProxy } from '../helpers/tcp-proxy.js';
import { announce, autoTargets, startWorld, withdraw, type World } from './helpers.js';

const P2 = { address: '192.0.2.2', asn: 65002, bgpId: '0.0.0.0', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false } as const;

let worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds) await w.stop();
  worlds = [];
});

async function world(config: Record<string, unknown>, uri?: string, opts: { startProber?: boolean; storage?: Record<string, unknown> } = {}): Promise<World> {
  const w = await startWorld(uri ?? (await uniqueDbUri('autot')), config, opts);
  worlds.push(w);
  return w;
}

const BASE = {
  enabled: true,
  maxTargets: 10,
  perOriginAsMax: 5,
  originAsns: [64600],
  communities: ['65000:666', '65000:1:*'],
  churn: { minChanges: 3, windowMinutes: 60 },
  hints: { hostOffsets: [1] },
  target: { tool: 'traceroute', method: 'icmp', intervalSec: 3600 },
};

/** One prefix per reason, and one that qualifies for none. */
function table(w: World): void {
  w.feed([
    announce('127.10.0.0/16', { asPath: [65001, 64600] }),
    announce('127.20.1.0/24', { communities: ['65000:666'] }),
    announce('127.20.2.0/24', { largeCommunities: ['65000:1:7'] }),
    announce('127.40.0.0/16', { asPath: [65001, 64700] }),
    announce('127.50.0.0/16', { asPath: [65001, 64800] }),
  ]);
  // One new route and three replaces: three changes. The four peers' new routes of 127.80/16 are none.
  for (let med = 1; med <= 4; med++) w.feed([announce('127.30.0.0/24', { med })]);
  for (const address of ['192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14']) w.feed([announce('127.80.0.0/16', { peer: { ...P2, address } })]);
  w.bus.emit('flow.talkers', { source: 'test', time: '2026-01-01T00:00:00Z', talkers: [{ address: '127.40.3.3', bytes: 5000, packets: 9 }, { address: '10.99.0.1', bytes: 9000, packets: 9 }] });
}

describe('AutoTargetService', () => {
  it('chooses prefixes by churn, origin AS, community (standard and large) and traffic; labels them; stores them; the scheduler probes them', async () => {
    requireTool('traceroute', 'traceroute');
    const w = await world(BASE);
    const observed: PathObservation[] = [];
    w.bus.on('observation', 'test', (o) => void observed.push(o));
    table(w);
    const report = await w.auto.refresh();
    expect(autoTargets(w)).toEqual({
      'auto4-127-30-0-0-24': ['127.30.0.1', 'churn'],
      'auto4-127-40-0-0-16': ['127.40.3.3', 'traffic'],
      'auto4-127-10-0-0-16': ['127.10.0.1', 'origin-as'],
      'auto4-127-20-1-0-24': ['127.20.1.1', 'community'],
      'auto4-127-20-2-0-24': ['127.20.2.1', 'community'],
    });
    expect(report).toMatchObject({ candidates: { churn: 1, traffic: 1, 'origin-as': 1, community: 2 }, chosen: 5, removed: [], probes: 5 });
    expect(report.added.sort()).toEqual(Object.keys(autoTargets(w)).sort());
    // The talker address was tried first (and answered), the other prefixes' .1.
    expect(w.pings.sort()).toEqual(['127.10.0.1', '127.20.1.1', '127.20.2.1', '127.30.0.1', '127.40.3.3']);

    const stored = await w.store.targets.list();
    expect(stored.map((t) => [t.id, t.source, t.tool, t.method, t.labels])).toContainEqual([
      'auto4-127-10-0-0-16',
      'auto',
      'traceroute',
      'icmp',
      { auto: 'origin-as', reasons: 'origin-as', prefix: '127.10.0.0/16', originAs: '64600' },
    ]);
    const view = w.auto.view();
    expect(view.targets.find((t) => t.id === 'auto4-127-30-0-0-24')).toMatchObject({ prefix: '127.30.0.0/24', reason: 'churn', churn: 3, pinned: false, inRib: true });
    expect(view.targets.find((t) => t.id === 'auto4-127-40-0-0-16')).toMatchObject({ reason: 'traffic', trafficBytes: 5000, originAs: 64700 });
    expect(view.targets.find((t) => t.id === 'auto4-127-20-2-0-24')).toMatchObject({ communities: ['65000:1:*'] });

    await until(() => observed.some((o) => o.targetId === 'auto4-127-40-0-0-16'));
    const obs = observed.find((o) => o.targetId === 'auto4-127-40-0-0-16')!;
    expect(obs).toMatchObject({ reached: true, labels: { auto: 'traffic', prefix: '127.40.0.0/16' } });

    expect(await w.telemetry.registry.getSingleMetricAsString('smoketrace_auto_targets')).toContain('smoketrace_auto_targets 5');
    expect(w.telemetry.health().components.autotargets).toMatchObject({ status: 'up', details: { marksLoaded: true, interestingPrefixes: 3, trafficSources: 1 } });

    // A second refresh with nothing new changes nothing and sends no probes.
    const again = await w.auto.refresh();
    expect(again).toMatchObject({ added: [], removed: [], probes: 0, chosen: 5 });
  });

  it('a withdrawn prefix loses its target at once; re-ranking drops churn once the window has passed', async () => {
    const w = await world(BASE, undefined, { startProber: false });
    table(w);
    await w.auto.refresh();
    // Two peers carry the community prefix: only the last withdraw removes it from the RIB.
    w.feed([announce('127.20.1.0/24', { peer: P2, communities: ['65000:666'] })]);
    w.feed([withdraw('127.20.1.0/24')]);
    await w.auto.refresh();
    expect(w.prober.get('auto4-127-20-1-0-24')).toBeDefined();
    w.feed([withdraw('127.20.1.0/24', { peer: P2 })]);
    await until(() => w.prober.get('auto4-127-20-1-0-24') === undefined);
    expect((await w.store.targets.get('auto4-127-20-1-0-24'))).toBeNull();

    w.clock.advance(61 * 60_000);
    // A fresh traffic snapshot (the first one is now older than traffic.maxAgeMinutes).
    w.bus.emit('flow.talkers', { source: 'test', time: '2026-01-01T01:01:00Z', talkers: [{ address: '127.40.3.3', bytes: 10, packets: 1 }] });
    const r = await w.auto.refresh();
    expect(r.removed).toEqual(['auto4-127-30-0-0-24']);
    expect(Object.keys(autoTargets(w)).sort()).toEqual(['auto4-127-10-0-0-16', 'auto4-127-20-2-0-24', 'auto4-127-40-0-0-16']);
  });

  it('a snapshot read back from storage at a start ages from its own time; a new import from its arrival', async () => {
    const w = await world({ ...BASE, originAsns: [], communities: [], churn: { enabled: false } }, undefined, { startProber: false });
    w.feed([announce('127.40.0.0/16', { asPath: [65001, 64700] })]);
    const old = new Date(w.clock.nowMs() - 2 * 3600_000).toISOString();
    const talkers = [{ address: '127.40.3.3', bytes: 5000, packets: 9 }];
    w.bus.emit('flow.talkers', { source: 'api', time: old, talkers, replayed: true });
    expect((await w.auto.refresh()).candidates).toMatchObject({ traffic: 0 });
    w.bus.emit('flow.talkers', { source: 'api', time: old, talkers });
    expect((await w.auto.refresh()).candidates).toMatchObject({ traffic: 1 });
  });

  it('bounds: maxTargets and the per-origin-AS cap', async () => {
    const w = await world({ ...BASE, maxTargets: 3, perOriginAsMax: 2, communities: ['65000:666'], churn: { enabled: false } }, undefined, { startProber: false });
    w.feed([1, 2, 3, 4].map((i) => announce(`127.60.${i}.0/24`, { asPath: [65001, 64600] })));
    w.feed([announce('127.70.0.0/16', { asPath: [65001, 64900], communities: ['65000:666'] })]);
    w.feed([announce('127.71.0.0/16', { asPath: [65001, 64901], communities: ['65000:666'] })]);
    const r = await w.auto.refresh();
    expect(Object.keys(autoTargets(w)).sort()).toEqual(['auto4-127-60-1-0-24', 'auto4-127-60-2-0-24', 'auto4-127-70-0-0-16']);
    expect(r.chosen).toBe(3);
  });

  it('pin keeps, exclude removes for good (across a restart), delete lets the prefix come back', async () => {
    const uri = await uniqueDbUri('autot');
    let w = await world(BASE, uri, { startProber: false });
    table(w);
    await w.auto.refresh();
    expect(await w.auto.mark('auto4-127-20-1-0-24', 'pin')).toMatchObject({ ok: true, prefix: '127.20.1.0/24' });
    expect(await w.auto.mark('auto4-127-10-0-0-16', 'exclude')).toMatchObject({ ok: true });
    expect(await w.auto.mark('auto4-127-20-2-0-24', 'delete')).toMatchObject({ ok: true });
    expect(Object.keys(autoTargets(w)).sort()).toEqual(['auto4-127-20-1-0-24', 'auto4-127-30-0-0-24', 'auto4-127-40-0-0-16']);

    // The pinned prefix no longer carries the community, and even leaves the RIB: still kept.
    w.feed([announce('127.20.1.0/24', { communities: [] })]);
    w.feed([withdraw('127.20.1.0/24')]);
    const r = await w.auto.refresh();
    expect(r.added).toEqual(['auto4-127-20-2-0-24']);
    expect(Object.keys(autoTargets(w)).sort()).toEqual(['auto4-127-20-1-0-24', 'auto4-127-20-2-0-24', 'auto4-127-30-0-0-24', 'auto4-127-40-0-0-16']);
    expect(w.auto.view().targets.find((t) => t.id === 'auto4-127-20-1-0-24')).toMatchObject({ pinned: true, inRib: false, reason: 'community' });

    // Restart on the same database: the prober loads its stored targets, the service its marks.
    await w.stop();
    worlds = [];
    w = await world(BASE, uri);
    table(w);
    w.feed([withdraw('127.20.1.0/24')]);
    const view = w.auto.view();
    expect(view.excluded).toEqual([expect.objectContaining({ prefix: '127.10.0.0/16', targetId: 'auto4-127-10-0-0-16', mark: 'excluded' })]);
    expect(view.targets.find((t) => t.id === 'auto4-127-20-1-0-24')).toMatchObject({ pinned: true });
    await w.auto.refresh();
    expect(Object.keys(autoTargets(w)).sort()).toEqual(['auto4-127-20-1-0-24', 'auto4-127-20-2-0-24', 'auto4-127-30-0-0-24', 'auto4-127-40-0-0-16']);

    expect(await w.auto.mark('auto4-127-10-0-0-16', 'unexclude')).toMatchObject({ ok: true });
    expect(await w.auto.mark('auto4-127-20-1-0-24', 'unpin')).toMatchObject({ ok: true });
    const after = await w.auto.refresh();
    expect(after.added).toEqual(['auto4-127-10-0-0-16']);
    expect(after.removed).toEqual(['auto4-127-20-1-0-24']);
    expect(await w.store.autoTargetMarks.list()).toEqual([]);
  });

  it('a target stays while its prefix qualifies; a busier newcomer takes the place once it is free', async () => {
    const w = await world({ ...BASE, maxTargets: 1, originAsns: [], communities: [], traffic: { enabled: false } }, undefined, { startProber: false });
    const flap = (prefix: string, n: number) => {
      for (let med = 0; med <= n; med++) w.feed([announce(prefix, { med })]);
    };
    flap('127.90.1.0/24', 3);
    await w.auto.refresh();
    w.clock.advance(30 * 60_000);
    flap('127.90.2.0/24', 10);
    await w.auto.refresh();
    expect(Object.keys(autoTargets(w))).toEqual(['auto4-127-90-1-0-24']);
    w.clock.advance(31 * 60_000);
    const r = await w.auto.refresh();
    expect(r).toMatchObject({ added: ['auto4-127-90-2-0-24'], removed: ['auto4-127-90-1-0-24'] });
  });

  it('IPv6 prefixes too: id from the nibbles, address from the prefix, checked with ping -6', async () => {
    const w = await world({ ...BASE, communities: [], churn: { enabled: false } }, undefined, { startProber: false });
    w.feed([announce('::1/128', { asPath: [65001, 64600] })]);
    const r = await w.auto.refresh();
    expect(r).toMatchObject({ added: ['auto6-00000000000000000000000000000001-128'], probes: 1 });
    expect(autoTargets(w)).toEqual({ 'auto6-00000000000000000000000000000001-128': ['::1', 'origin-as'] });
    expect(w.pings).toEqual(['::1']);
  });

  it('with storage away, a refresh changes nothing (exclusions unknown); once it is back, they apply', async () => {
    const uri = await uniqueDbUri('autot');
    const first = await world(BASE, uri, { startProber: false });
    table(first);
    await first.auto.refresh();
    expect(await first.auto.mark('auto4-127-10-0-0-16', 'exclude')).toMatchObject({ ok: true });
    await first.stop();
    worlds = [];

    const { host, port, path } = splitMongoUri(uri);
    const proxy = new TcpProxy(host, port);
    await proxy.start();
    try {
      proxy.cut();
      const w = await world(BASE, `mongodb://127.0.0.1:${proxy.port}${path}`, { startProber: false, storage: { waitForDatabase: true } });
      table(w);
      expect(await w.auto.refresh()).toMatchObject({ skipped: 'marks-unavailable', added: [] });
      expect(autoTargets(w)).toEqual({});
      expect(await w.auto.mark('auto4-127-30-0-0-24', 'pin')).toMatchObject({ ok: false, status: 503 });
      proxy.restore();
      await until(() => w.store.isAvailable(), 30_000);
      const r = await w.auto.refresh();
      expect(r.skipped).toBeUndefined();
      expect(Object.keys(autoTargets(w)).sort()).toEqual(['auto4-127-20-1-0-24', 'auto4-127-20-2-0-24', 'auto4-127-30-0-0-24', 'auto4-127-40-0-0-16']);
      expect(w.auto.view().excluded.map((m) => m.prefix)).toEqual(['127.10.0.0/16']);
    } finally {
      for (const w of worlds) await w.stop();
      worlds = [];
      await proxy.stop();
    }
  });

  it('refuses marks it cannot apply', async () => {
    const w = await world(BASE, undefined, { startProber: false });
    table(w);
    await w.auto.refresh();
    expect(await w.auto.mark('auto4-127-99-0-0-16', 'pin')).toMatchObject({ ok: false, status: 404 });
    expect(await w.auto.mark('auto4-127-30-0-0-24', 'unpin')).toMatchObject({ ok: false, status: 409 });
    expect(await w.auto.mark('auto4-127-30-0-0-24', 'unexclude')).toMatchObject({ ok: false, status: 404 });
    expect(await w.auto.mark('auto4-127-30-0-1-24', 'exclude')).toMatchObject({ ok: false, status: 404 });
    // Excluding a prefix that is not (yet) a target works: it is never chosen.
    expect(await w.auto.mark('auto4-127-50-0-0-16', 'exclude')).toMatchObject({ ok: true, prefix: '127.50.0.0/16' });
  });
});
