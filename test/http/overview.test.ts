import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { LatencyMemory } from '../../src/http/latency-memory.js';
import { registerOverviewRoutes, sparkWindows, type OverviewTarget, type TargetTrouble } from '../../src/http/routes/overview.js';
import { TroubleMemory, overviewPreload } from '../../src/http/trouble-memory.js';
import { EventBus } from '../../src/core/bus.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { seedOverview, targetId } from './overview-seed.js';

const N = 12;
const NOW = Date.now();

/** GET /api/overview on the real store (FerretDB in CI): aggregates, not one read per target. */
describe('GET /api/overview', () => {
  let store: MongoStore;
  let server: Hapi.Server;
  /** The same routes counting from running aggregates (horizon 2 days: older periods go to storage). */
  let memServer: Hapi.Server;
  let bus: EventBus<SmokeTraceEvents>;
  let clock: ManualClock;
  const targets: OverviewTarget[] = [];

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    store = new MongoStore({ config: parseConfig({ storage: { uri: await uniqueDbUri('overview'), connectTimeoutMs: 5000 } }, 'test', {}).storage, log: silentLogger(), clock });
    await store.start();
    await seedOverview(store, { targets: N + 1, runs: 4, now: NOW });
    // t00012 has data but is no longer a target: not listed. "quiet" is a target with no data.
    for (let i = 0; i < N; i++) targets.push({ id: targetId(i), name: targetId(i), host: '192.0.2.1', intervalSec: i % 2 ? 60 : 3600 });
    targets.push({ id: 'quiet', name: 'quiet', host: '192.0.2.9' });
    server = Hapi.server();
    registerOverviewRoutes(server, { storage: store, targets: () => targets, clock, cacheMs: 0 });
    bus = new EventBus<SmokeTraceEvents>();
    const troubles = new TroubleMemory(store, clock, 2 * 24 * 3600_000);
    troubles.attach(bus);
    memServer = Hapi.server();
    registerOverviewRoutes(memServer, { storage: store, targets: () => targets, clock, troubles, cacheMs: 0 });
  }, 120_000);

  afterAll(async () => {
    await store?.stop();
  });

  const get = async (query = '', from: 'storage' | 'memory' = 'storage') => {
    const r = await (from === 'memory' ? memServer : server).inject(`/api/overview${query}`);
    expect(r.statusCode, r.payload).toBe(200);
    return JSON.parse(r.payload) as { since: string; targets: number; capped: number | null; rows: TargetTrouble[] };
  };
  const counts = (r: TargetTrouble) => [r.id, r.pathChanges, r.worse, r.alerts, r.openAlerts, r.minutesInAlert];

  it.each(['storage', 'memory'] as const)('counts path changes, worse verdicts, alerts and minutes in alert of the last 24 h, most troubled first (from %s)', async (from) => {
    const ov = await get('', from);
    expect(ov.targets).toBe(N + 1);
    expect(ov.capped).toBeNull();
    expect(ov.rows.map(counts).slice(0, 7)).toEqual([
      ['t00000', 2, 1, 2, 1, 60 + 1440],
      ['t00007', 0, 0, 1, 1, 1440],
      ['t00005', 0, 0, 1, 0, 60],
      ['t00010', 0, 0, 1, 0, 60],
      ['t00003', 2, 1, 0, 0, 0],
      ['t00006', 2, 1, 0, 0, 0],
      ['t00009', 2, 1, 0, 0, 0],
    ]);
    expect(ov.rows.find((r) => r.id === 'quiet')).toMatchObject({ pathChanges: 0, alerts: 0, latency: [], lastObservedAt: null });
    expect(ov.rows.some((r) => r.id === targetId(N))).toBe(false);
  });

  it.each(['storage', 'memory'] as const)('a longer period counts the older change and the alert resolved two days ago (%s; memory hands it to storage)', async (from) => {
    const since = new Date(NOW - 4 * 24 * 3600_000).toISOString();
    const ov = await get(`?since=${encodeURIComponent(since)}`, from);
    const t0 = ov.rows.find((r) => r.id === 't00000')!;
    // 4 days: the open alert since 2 days (2880 min), the 60-min one, the one open for a day three days ago.
    expect(counts(t0)).toEqual(['t00000', 3, 2, 3, 1, 2880 + 60 + 1440]);
  });

  it('gives the shown rows their newest runs as a sparkline, oldest first, whatever their interval', async () => {
    const ov = await get('?points=3&limit=5');
    expect(ov.rows.length).toBe(5);
    for (const r of ov.rows) {
      const i = Number(r.id.slice(1));
      expect(r.latency.map((p) => p.ms)).toEqual([i + 2, i + 1, i]);
      expect(r.lastObservedAt).toBe(new Date(NOW - 60_000).toISOString());
    }
  });

  it('takes sparklines from memory where it has enough runs, reads the rest once and keeps them', async () => {
    const latency = new LatencyMemory();
    // Memory has three runs of t00000 (not in storage: different RTTs), one of t00003 (too few).
    for (const [i, ms] of [[0, 500], [0, 501], [0, 502], [3, 900]] as const) {
      latency.add({ targetId: targetId(i), startedAt: new Date(NOW - 10_000 + ms).toISOString(), rtt: { min: ms, avg: ms, max: ms, stdev: 0, median: ms }, loss: 0 });
    }
    const s = Hapi.server();
    registerOverviewRoutes(s, { storage: store, targets: () => targets, clock, latency, cacheMs: 0 });
    const ov = JSON.parse((await s.inject('/api/overview?points=3&limit=5')).payload) as { rows: TargetTrouble[] };
    const ms = (id: string) => ov.rows.find((r) => r.id === id)!.latency.map((p) => p.ms);
    expect(ms('t00000')).toEqual([500, 501, 502]);
    // Backfilled from storage and merged by time: the newest three of the four runs.
    expect(ms('t00003')).toEqual([3 + 1, 3, 900]);
    expect(latency.newest('t00003', 3)).not.toBeNull();
    expect(latency.newest('t00005', 4)!.length).toBe(4);
  });

  it('reuses an answer for the same question within cacheMs', async () => {
    const s = Hapi.server();
    registerOverviewRoutes(s, { storage: store, targets: () => targets, clock, cacheMs: 10_000 });
    const changes = async () => (JSON.parse((await s.inject('/api/overview')).payload) as { rows: TargetTrouble[] }).rows.find((r) => r.id === 't00001')!.pathChanges;
    expect(await changes()).toBe(0);
    store.pathChanges.append({ id: 'late', targetId: 't00001', targetName: 't00001', vantage: 'x', time: new Date(NOW - 60_000).toISOString(), verdict: null, attribution: null, sentence: '', routeEvents: [], beforeObservationIds: [], afterObservationIds: [], cause: 'none' });
    await store.flush();
    expect(await changes()).toBe(0);
    clock.advance(10_001);
    try {
      expect(await changes()).toBe(1);
    } finally {
      clock.set(NOW);
    }
  });

  it('running aggregates follow the bus: a new path change and alert count at once, storage unread', async () => {
    const before = (await get('', 'memory')).rows.find((r) => r.id === 't00002')!;
    expect(counts(before)).toEqual(['t00002', 0, 0, 0, 0, 0]);
    const time = new Date(NOW - 5 * 60_000).toISOString();
    bus.emit('path.change', { id: 'bus-1', targetId: 't00002', targetName: 't00002', vantage: 'x', time, verdict: { verdict: 'worse' }, attribution: null, sentence: '', routeEvents: [], beforeObservationIds: [], afterObservationIds: [], cause: 'none' });
    bus.emit('alert', { action: 'open', alert: { id: 'bus-a', targetId: 't00002', kind: 'path_worse', state: 'open', severity: 'major', openedAt: time, updatedAt: time, resolvedAt: null, summary: '', flapping: false, vantage: 'x' } });
    expect(counts((await get('', 'memory')).rows.find((r) => r.id === 't00002')!)).toEqual(['t00002', 1, 1, 1, 1, 5]);
    // Storage never saw them.
    expect(counts((await get('', 'storage')).rows.find((r) => r.id === 't00002')!)).toEqual(['t00002', 0, 0, 0, 0, 0]);
  });

  it('a preloaded memory answers the first request without reading storage again; a failed preload leaves it to that request', async () => {
    let reads = 0;
    let fail = true;
    const counting = {
      alerts: store.alerts,
      pathChanges: Object.assign(Object.create(store.pathChanges) as typeof store.pathChanges, {
        briefs: (q: Parameters<typeof store.pathChanges.briefs>[0]) => {
          reads++;
          return fail ? Promise.reject(new Error('database away')) : store.pathChanges.briefs(q);
        },
      }),
    };
    const memory = new TroubleMemory(counting, clock, 2 * 24 * 3600_000);
    await expect(memory.preload()).rejects.toThrow('database away');
    fail = false;
    await memory.preload();
    expect(reads).toBe(2);
    const s = Hapi.server();
    registerOverviewRoutes(s, { storage: store, targets: () => targets, clock, troubles: memory, cacheMs: 0 });
    const r = await s.inject('/api/overview');
    expect(r.statusCode).toBe(200);
    expect((JSON.parse(r.payload) as { rows: TargetTrouble[] }).rows.map(counts)[0]).toEqual(['t00000', 2, 1, 2, 1, 60 + 1440]);
    expect(reads).toBe(2);
  });

  it('the preload service reads after its delay, not at start, and not at all once stopped', async () => {
    let reads = 0;
    const counting = { alerts: store.alerts, pathChanges: Object.assign(Object.create(store.pathChanges) as typeof store.pathChanges, { briefs: (q: Parameters<typeof store.pathChanges.briefs>[0]) => (reads++, store.pathChanges.briefs(q)) }) };
    const service = overviewPreload(new TroubleMemory(counting, clock, 2 * 24 * 3600_000), silentLogger(), 50);
    await service.start();
    expect(reads).toBe(0);
    await expect.poll(() => reads).toBe(1);
    const stopped = overviewPreload(new TroubleMemory(counting, clock, 2 * 24 * 3600_000), silentLogger(), 50);
    await stopped.start();
    await stopped.stop();
    await new Promise((r) => setTimeout(r, 120));
    expect(reads).toBe(1);
  });

  it('reads storage again: a change written without the bus counts then, one the bus brought stays until its grace ends', async () => {
    const localBus = new EventBus<SmokeTraceEvents>();
    const memory = new TroubleMemory(store, clock, 2 * 24 * 3600_000, 60_000);
    memory.attach(localBus);
    const s = Hapi.server();
    registerOverviewRoutes(s, { storage: store, targets: () => targets, clock, troubles: memory, cacheMs: 0 });
    const t11 = async () => counts((JSON.parse((await s.inject('/api/overview')).payload) as { rows: TargetTrouble[] }).rows.find((r) => r.id === 't00011')!);
    const record = (id: string, ago: number, verdict: string | null) => ({
      id,
      targetId: 't00011',
      targetName: 't00011',
      vantage: 'x',
      time: new Date(NOW - ago).toISOString(),
      verdict: verdict === null ? null : { verdict },
      attribution: null,
      sentence: '',
      routeEvents: [],
      beforeObservationIds: [],
      afterObservationIds: [],
      cause: 'none' as const,
    });
    const [, changes0, worse0] = await t11();
    // Written by something else (another instance with the relay off, a restore): memory has read already.
    store.pathChanges.append(record('direct-1', 120_000, 'worse'));
    await store.flush();
    expect((await t11()).slice(1, 3)).toEqual([changes0, worse0]);
    // Brought by the bus, its write not landed (never written here).
    localBus.emit('path.change', record('bus-only', 60_000, null));
    expect((await t11()).slice(1, 3)).toEqual([Number(changes0) + 1, worse0]);
    await memory.reread();
    expect((await t11()).slice(1, 3)).toEqual([Number(changes0) + 2, Number(worse0) + 1]);
    // Past its grace, storage still without it: storage is right.
    clock.advance(60_001);
    try {
      await memory.reread();
      expect((await t11()).slice(1, 3)).toEqual([Number(changes0) + 1, Number(worse0) + 1]);
    } finally {
      clock.set(NOW);
    }
  });

  it('the preload service reads again every period', async () => {
    let reads = 0;
    const counting = { alerts: store.alerts, pathChanges: Object.assign(Object.create(store.pathChanges) as typeof store.pathChanges, { briefs: (q: Parameters<typeof store.pathChanges.briefs>[0]) => (reads++, store.pathChanges.briefs(q)) }) };
    const service = overviewPreload(new TroubleMemory(counting, clock, 2 * 24 * 3600_000), silentLogger(), 20, 40);
    await service.start();
    try {
      await expect.poll(() => reads, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    } finally {
      await service.stop();
    }
    const after = reads;
    await new Promise((r) => setTimeout(r, 150));
    expect(reads).toBe(after);
  });

  it('refuses a bad period with the field named', async () => {
    const r = await server.inject('/api/overview?since=yesterday');
    expect(r.statusCode).toBe(400);
    expect((JSON.parse(r.payload) as { problems: Array<{ path: string }> }).problems[0]!.path).toBe('since');
  });
});

describe('sparkWindows', () => {
  it('reads once per distinct interval, over about two windows of runs, never under ten minutes', () => {
    const w = sparkWindows([{ id: 'a', intervalSec: 60 }, { id: 'b' }, { id: 'c', intervalSec: 3600 }, { id: 'd', intervalSec: 5 }], 30, 1_000_000_000);
    expect(w.map((x) => [x.ids, (1_000_000_000 - x.since.getTime()) / 1000, x.limit])).toEqual([
      [['a', 'b'], 3600, 180],
      [['c'], 216_000, 90],
      [['d'], 600, 90],
    ]);
  });
});
