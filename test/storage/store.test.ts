import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { COLLECTIONS, MongoStore, INDEXES } from '../../src/storage/mongo/store.js';
import { maskUri, StorageStartError } from '../../src/storage/mongo/connection.js';
import { RetentionJob } from '../../src/storage/retention.js';
import type { StoredRouteEvent } from '../../src/storage/repositories.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { until } from '../helpers/processes.js';
import { splitMongoUri, TcpProxy } from '../helpers/tcp-proxy.js';

function storageConfig(uri: string, extra: Record<string, unknown> = {}) {
  return parseConfig({ storage: { uri, connectTimeoutMs: 3000, ...extra } }, 'test', {}).storage;
}

function announce(prefix: string, time: string): StoredRouteEvent {
  return {
    type: 'announce',
    source: 'bmp',
    time,
    router: '192.0.2.1',
    peer: { address: '192.0.2.2', asn: 65001, bgpId: '192.0.2.2', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false },
    afi: 'ipv4',
    safi: 'unicast',
    prefix,
    pathId: null,
    nextHop: '192.0.2.2',
    origin: 'igp',
    asPath: [65001, [65003, 65004]],
    med: null,
    localPref: 100,
    communities: ['65001:1'],
    largeCommunities: [],
    extCommunities: [],
  };
}

describe('MongoStore on a real MongoDB-wire server', () => {
  let uri: string;
  let store: MongoStore;
  let direct: MongoClient;

  beforeAll(async () => {
    uri = await uniqueDbUri('store');
    store = new MongoStore({ config: storageConfig(uri), log: silentLogger(), clock: systemClock });
    await store.start();
    direct = new MongoClient(uri);
    await direct.connect();
  });

  afterAll(async () => {
    await store?.stop();
    await direct?.db().dropDatabase().catch(() => {});
    await direct?.close();
  });

  it('creates its indexes, idempotently', async () => {
    await store.ensureIndexes();
    await store.ensureIndexes();
    const names = (await direct.db().collection('route_events').indexes()).map((i) => i.name);
    for (const spec of INDEXES.route_events!) expect(names).toContain(spec.name);
  });

  it('appends route events in batches and reads them back per prefix, newest first', async () => {
    store.routeEvents.append([
      announce('203.0.113.0/24', '2026-11-01T10:00:00.000Z'),
      announce('203.0.113.0/24', '2026-11-01T11:00:00.000Z'),
      announce('198.51.100.0/24', '2026-11-01T10:30:00.000Z'),
    ]);
    await store.flush();
    const got = await store.routeEvents.forPrefix('203.0.113.0/24', {});
    expect(got.map((e) => e.time)).toEqual(['2026-11-01T11:00:00.000Z', '2026-11-01T10:00:00.000Z']);
    expect(got[0]).toMatchObject({ type: 'announce', asPath: [65001, [65003, 65004]], communities: ['65001:1'] });
    expect(got[0]).not.toHaveProperty('_id');
    const since = await store.routeEvents.forPrefix('203.0.113.0/24', { since: new Date('2026-11-01T10:30:00Z') });
    expect(since).toHaveLength(1);
  });

  it('keeps meta values', async () => {
    expect(await store.meta.get('nothing')).toBeNull();
    await store.meta.set('apiToken', { hash: 'abc' });
    await store.meta.set('apiToken', { hash: 'def' });
    expect(await store.meta.get('apiToken')).toEqual({ hash: 'def' });
  });

  it('retention deletes only what is older than the configured days', async () => {
    const now = Date.parse('2026-11-21T00:00:00Z');
    store.routeEvents.append([announce('192.0.2.0/24', '2026-10-01T00:00:00.000Z'), announce('192.0.2.0/24', '2026-11-20T00:00:00.000Z')]);
    await store.flush();
    const job = new RetentionJob(store, storageConfig(uri).retention, { now: () => new Date(now), nowMs: () => now }, silentLogger());
    const r = await job.runOnce();
    expect(r?.routeEvents).toBeGreaterThanOrEqual(1);
    const left = await store.routeEvents.forPrefix('192.0.2.0/24', {});
    expect(left.map((e) => e.time)).toEqual(['2026-11-20T00:00:00.000Z']);
  });

  it('retention deletes 40,000 old route events in one pass (FerretDB on SQLite refuses more than 32,766 in one deleteMany)', async () => {
    const now = Date.parse('2026-11-21T00:00:00Z');
    const coll = direct.db().collection(COLLECTIONS.routeEvents);
    const old = Date.parse('2026-09-01T00:00:00Z');
    for (let i = 0; i < 40_000; i += 10_000) {
      await coll.insertMany(Array.from({ length: 10_000 }, (_, k) => ({ type: 'withdraw', prefix: '203.0.113.128/25', bulk: true, at: new Date(old + i + k) })));
    }
    await coll.insertOne({ type: 'withdraw', prefix: '203.0.113.128/25', bulk: false, at: new Date(now - 1000) });
    const job = new RetentionJob(store, storageConfig(uri).retention, { now: () => new Date(now), nowMs: () => now }, silentLogger());
    const r = await job.runOnce();
    expect(r?.routeEvents).toBe(40_000);
    expect(await coll.countDocuments({ bulk: true })).toBe(0);
    expect(await coll.countDocuments({ bulk: false })).toBe(1);
    // Rounds of 20,000 on FerretDB each read the whole collection: seconds each on this VM.
  }, 120_000);

  it('stores API targets: put, list, get, replace, remove', async () => {
    const t = { id: 'shop', name: 'shop', host: 'shop.example', tool: 'mtr', method: 'icmp', intervalSec: 60, timeoutSec: 30, probesPerHop: 3, maxHops: 30, firstTtl: 1, ipVersion: 'auto', labels: { customer: 'acme' }, enabled: true, source: 'api' } as const;
    await store.targets.put(t);
    await store.targets.put({ ...t, id: 'b', name: 'b' });
    await store.targets.put({ ...t, intervalSec: 120 });
    expect((await store.targets.list()).map((x) => [x.id, x.intervalSec])).toEqual([['b', 60], ['shop', 120]]);
    expect(await store.targets.get('shop')).toEqual({ ...t, intervalSec: 120 });
    expect(await store.targets.remove('shop')).toBe(true);
    expect(await store.targets.remove('shop')).toBe(false);
    expect(await store.targets.get('shop')).toBeNull();
  });

  it('stores observations and returns a target\'s newest first, and its latest', async () => {
    const obs = (startedAt: string, sig: string) => ({
      targetId: 'tgt', target: { name: 'tgt', address: '192.0.2.1' }, tool: 'traceroute' as const, method: 'udp' as const, vantage: 'v1', startedAt, durationMs: 10,
      hops: [{ ttl: 1, probes: [{ ip: '10.0.0.1', rttMs: 1.5 }, { ip: null, rttMs: null }], sent: 2, received: 1, loss: 0.5 }],
      reached: true, rtt: { min: 1, avg: 1, max: 1, stdev: 0 }, loss: 0, signature: sig, status: 'ok' as const,
    });
    store.observations.append(obs('2026-11-21T10:00:00.000Z', 'a'));
    store.observations.append(obs('2026-11-21T10:01:00.000Z', 'b'));
    store.observations.append({ ...obs('2026-11-21T10:02:00.000Z', 'c'), targetId: 'other' });
    await store.flush();
    const list = await store.observations.forTarget('tgt', { since: new Date('2026-11-21T09:00:00Z') });
    expect(list.map((o) => o.signature)).toEqual(['b', 'a']);
    expect(list[0]!.hops[0]!.probes[1]).toEqual({ ip: null, rttMs: null });
    expect((await store.observations.latest('tgt'))?.signature).toBe('b');
    expect(await store.observations.latest('nothing')).toBeNull();
  });

  it('reports healthy with its masked URI', () => {
    const h = store.health();
    expect(h.status).toBe('up');
    expect(h.details).toMatchObject({ state: 'connected', queueDepth: 0 });
  });
});

describe('MongoStore when the database goes away', () => {
  it('holds writes while MongoDB is lost, reports degraded, and writes them all when it returns', async () => {
    const uri = await uniqueDbUri('outage');
    const { host, port, path } = splitMongoUri(uri);
    const proxy = new TcpProxy(host, port);
    await proxy.start();
    const proxied = `mongodb://127.0.0.1:${proxy.port}${path}`;
    const store = new MongoStore({
      config: storageConfig(proxied, { writeQueue: { flushIntervalMs: 50, batchSize: 100, maxDocuments: 10_000 } }),
      log: silentLogger(),
      clock: systemClock,
    });
    const direct = new MongoClient(uri);
    try {
      await store.start();
      await direct.connect();
      store.routeEvents.append([announce('10.0.0.0/8', '2026-11-01T00:00:00.000Z')]);
      await store.flush();

      proxy.cut();
      for (let i = 0; i < 300; i++) store.routeEvents.append([announce(`10.${i >> 8}.${i & 255}.0/24`, '2026-11-01T00:01:00.000Z')]);
      await until(() => store.health().status === 'degraded');
      expect(store.queue.depth()).toBe(300);
      await expect(store.routeEvents.recent({})).rejects.toThrow(/storage/);

      proxy.restore();
      await until(() => store.queue.depth() === 0 && store.health().status === 'up', 30_000);
      expect(await direct.db().collection('route_events').countDocuments()).toBe(301);
      expect(store.queue.stats.dropped).toBe(0);
    } finally {
      await store.stop();
      await direct.db().dropDatabase().catch(() => {});
      await direct.close();
      await proxy.stop();
    }
  });

  it('drops the oldest writes past the bound, and counts them', async () => {
    const uri = await uniqueDbUri('bound');
    const { host, port, path } = splitMongoUri(uri);
    const proxy = new TcpProxy(host, port);
    await proxy.start();
    const dropped: Array<[number, string]> = [];
    const store = new MongoStore({
      config: storageConfig(`mongodb://127.0.0.1:${proxy.port}${path}`, { writeQueue: { maxDocuments: 50, batchSize: 10, flushIntervalMs: 50 } }),
      log: silentLogger(),
      clock: systemClock,
      onRejected: (n, reason) => dropped.push([n, reason]),
    });
    try {
      await store.start();
      proxy.cut();
      for (let i = 0; i < 80; i++) store.routeEvents.append([announce(`10.0.${i}.0/24`, '2026-11-01T00:00:00.000Z')]);
      expect(store.queue.depth()).toBe(50);
      expect(store.queue.stats.dropped).toBe(30);
      expect(dropped.reduce((a, [n]) => a + n, 0)).toBe(30);
      expect(new Set(dropped.map(([, r]) => r))).toEqual(new Set(['write_queue_full']));
    } finally {
      await store.stop();
      await proxy.stop();
    }
  });

  it('fails start-up with a clear error naming the URI, password masked', async () => {
    const store = new MongoStore({
      config: storageConfig('mongodb://admin:s3cret@127.0.0.1:1/smoketrace', { connectTimeoutMs: 1000 }),
      log: silentLogger(),
      clock: systemClock,
    });
    const err = await store.start().catch((e: unknown) => e);
    await store.stop();
    expect(err).toBeInstanceOf(StorageStartError);
    expect((err as Error).message).toContain('mongodb://admin:****@127.0.0.1:1/smoketrace');
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('masks passwords in URIs', () => {
    expect(maskUri('mongodb+srv://u:p@x.example/db')).toBe('mongodb+srv://u:****@x.example/db');
    expect(maskUri('mongodb://x.example/db')).toBe('mongodb://x.example/db');
  });
});
