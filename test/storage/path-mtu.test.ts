import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { PmtuMeasurement } from '../../src/probe/pmtu/types.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { PATH_MTU } from '../../src/storage/mongo/path-mtu.js';
import { uniqueDbUri } from '../helpers/mongo.js';

function measurement(targetId: string, minute: number, pathMtu: number | null, extra: Partial<PmtuMeasurement> = {}): PmtuMeasurement {
  return {
    targetId,
    target: { name: `${targetId}.example`, address: '192.0.2.10' },
    vantage: 'v1',
    measuredAt: new Date(Date.UTC(2026, 0, 1, 14, minute)).toISOString(),
    durationMs: 120,
    tool: 'tracepath',
    pathMtu,
    limit: pathMtu === 1400 ? { ttl: 1, ip: '192.0.2.1', mtu: 1400, asn: 65001 } : null,
    reached: pathMtu !== null,
    hopCount: 2,
    status: 'ok',
    ...extra,
  };
}

describe('path MTU measurements on FerretDB (MongoStore.pathMtu)', () => {
  let uri: string;
  let store: MongoStore;

  beforeAll(async () => {
    uri = await uniqueDbUri('pmtu');
    store = new MongoStore({ config: parseConfig({ storage: { uri, connectTimeoutMs: 3000 } }, 'test', {}).storage, log: silentLogger(), clock: systemClock });
    await store.start();
  });

  afterAll(async () => {
    await store.stop();
    const c = new MongoClient(uri);
    await c.connect();
    await c.db().dropDatabase();
    await c.close();
  });

  it('appends through the queue; history newest first with a range; latest skips runs without an MTU', async () => {
    store.pathMtu.append(measurement('shop', 0, 1500, { id: 'aaaaaaaaaaaaaaaaaaaaaaaa' }));
    store.pathMtu.append(measurement('shop', 10, 1400));
    store.pathMtu.append(measurement('shop', 20, null, { status: 'failed', error: { code: 'TIMEOUT', message: 'killed' } }));
    store.pathMtu.append(measurement('other', 5, 9000));
    await store.flush();

    const all = await store.pathMtu.forTarget('shop', {});
    expect(all.map((m) => m.pathMtu)).toEqual([null, 1400, 1500]);
    expect(all[2]).toEqual({ ...measurement('shop', 0, 1500), id: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(all[1]?.limit).toEqual({ ttl: 1, ip: '192.0.2.1', mtu: 1400, asn: 65001 });
    expect(all[0]?.error).toEqual({ code: 'TIMEOUT', message: 'killed' });

    const ranged = await store.pathMtu.forTarget('shop', { since: new Date(Date.UTC(2026, 0, 1, 14, 5)), limit: 1 });
    expect(ranged.map((m) => m.measuredAt)).toEqual(['2026-01-01T14:20:00.000Z']);

    expect((await store.pathMtu.latest('shop'))?.pathMtu).toBe(1400);
    expect((await store.pathMtu.latest('other'))?.pathMtu).toBe(9000);
    expect(await store.pathMtu.latest('nobody')).toBeNull();
  });

  it('has its indexes and deletes by age', async () => {
    const c = new MongoClient(uri);
    await c.connect();
    try {
      const names = (await c.db().collection(PATH_MTU).indexes()).map((i) => i.name);
      expect(names).toEqual(expect.arrayContaining(['target_at', 'at']));
    } finally {
      await c.close();
    }
    const deleted = await store.pathMtu.deleteOlderThan(new Date(Date.UTC(2026, 0, 1, 14, 6)));
    expect(deleted).toBe(2);
    expect((await store.pathMtu.forTarget('shop', {})).map((m) => m.pathMtu)).toEqual([null, 1400]);
  });
});
