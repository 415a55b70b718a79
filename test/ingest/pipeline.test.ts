/**
 * The route pipeline's implicit withdraws: a router's session ending (or a peer down) removes
 * its routes a slice at a time, so a full table does not hold the event loop (12.5 s for 1.2M
 * routes in one go, measured on the daemon), while a peer's few routes go at once, in order
 * with the events around them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/core/bus.js';
import { systemClock } from '../../src/core/clock.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { PeerRegistry } from '../../src/ingest/peers.js';
import { FLUSH_SLICE_ROUTES, pipelineLimits, RoutePipeline } from '../../src/ingest/pipeline.js';
import { Rib } from '../../src/rib/index.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { announce, P1, peerDown } from '../rib/events.js';

describe('RoutePipeline: implicit withdraws', () => {
  let store: MongoStore;
  const log = silentLogger();

  beforeAll(async () => {
    const config = parseConfig({ storage: { uri: await uniqueDbUri('pipeline') } }, 'test', {});
    store = new MongoStore({ config: config.storage, log, clock: systemClock });
    await store.start();
  });

  afterAll(async () => {
    await store?.stop();
  });

  function world() {
    const config = parseConfig({}, 'test', {});
    const bus = new EventBus<SmokeTraceEvents>(log);
    const rib = new Rib();
    const pipeline = new RoutePipeline({ rib, storage: store, ...pipelineLimits(config.storage), bus, peers: new PeerRegistry(), telemetry: new Telemetry({ defaultMetrics: false }), log, clock: systemClock });
    const withdrawn: string[] = [];
    bus.on('route.change', 'test', (c) => {
      if (c.change === 'withdraw') withdrawn.push(c.event.prefix);
    });
    return { rib, pipeline, withdrawn };
  }

  const table = (n: number) => Array.from({ length: n }, (_, i) => announce(`10.${i >> 8}.${i & 255}.0/24`));

  it('a router with a large table: its routes go a slice per turn of the event loop, each once', async () => {
    const { rib, pipeline, withdrawn } = world();
    const n = 3 * FLUSH_SLICE_ROUTES + 123;
    pipeline.ingest(table(n));
    expect(rib.size).toBe(n);
    pipeline.routerDown('r1', 'bmp');
    // The first slice at once, the rest later: an immediate queued now runs before the end.
    expect(withdrawn.length).toBeGreaterThanOrEqual(FLUSH_SLICE_ROUTES);
    expect(withdrawn.length).toBeLessThan(n);
    const seenBetween = await new Promise<number>((r) => setImmediate(() => r(withdrawn.length)));
    expect(seenBetween).toBeLessThan(n);
    expect(pipeline.flushing).toBe(1);
    await pipeline.flushed();
    expect(rib.size).toBe(0);
    expect(new Set(withdrawn).size).toBe(n);
    expect(withdrawn.length).toBe(n);
    expect(pipeline.counters.implicitWithdraws).toBe(n);
    expect(pipeline.flushing).toBe(0);
    pipeline.stop();
  });

  it('a peer down with few routes withdraws them at once, before the events after it', () => {
    const { rib, pipeline, withdrawn } = world();
    pipeline.ingest([...table(10), peerDown(P1), announce('192.0.2.0/24')]);
    expect(withdrawn.length).toBe(10);
    expect(rib.size).toBe(1);
    expect(pipeline.flushing).toBe(0);
    pipeline.stop();
  });
});
