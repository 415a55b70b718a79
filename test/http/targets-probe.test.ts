/**
 * POST /api/targets/{id}/probe answers with the observation as stored and
 * published: its id and the hop annotation (origin AS, covering prefix) from
 * the live RIB. Real traceroute on 127.0.0.1, real store (FerretDB in CI), a
 * real Rib holding a route that covers 127.0.0.1.
 */
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/core/bus.js';
import { systemClock } from '../../src/core/clock.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { registerTargetRoutes } from '../../src/http/routes/targets.js';
import { ProbeService } from '../../src/probe/service.js';
import type { PathObservation } from '../../src/probe/types.js';
import { Rib } from '../../src/rib/index.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { requireTool } from '../helpers/processes.js';
import { announce } from '../rib/events.js';

describe('POST /api/targets/{id}/probe returns the annotated observation', () => {
  let store: MongoStore;
  let prober: ProbeService;
  let server: Hapi.Server;
  const published: PathObservation[] = [];

  beforeAll(async () => {
    requireTool('traceroute', 'traceroute');
    const config = parseConfig(
      {
        storage: { uri: await uniqueDbUri('probe_annot'), connectTimeoutMs: 5000 },
        probing: {
          addressPolicy: { allowPrivate: true },
          targets: [{ id: 'lo', name: 'lo', host: '127.0.0.1', tool: 'traceroute', method: 'icmp', probesPerHop: 2, maxHops: 3, timeoutSec: 10, intervalSec: 86400, labels: { env: 'test' } }],
        },
      },
      'test',
      {},
    );
    store = new MongoStore({ config: config.storage, log: silentLogger(), clock: systemClock });
    await store.start();
    const rib = new Rib();
    rib.apply(announce('127.0.0.0/8', { asPath: [65001, 64512] }));
    const bus = new EventBus<SmokeTraceEvents>();
    bus.on('observation', 'test', (o) => {
      published.push(o);
    });
    prober = new ProbeService({
      config: config.probing,
      vantage: 'probe-test',
      storage: store,
      // The composition root's adapter (src/app.ts): longest-prefix match of an address.
      rib: { covering: (address) => rib.lookup(address), originAsn: (address) => rib.originAsn(address) },
      bus,
      telemetry: new Telemetry(),
      log: silentLogger(),
      clock: systemClock,
    });
    await prober.start();
    server = Hapi.server();
    registerTargetRoutes(server, { prober, storage: store });
  }, 60_000);

  afterAll(async () => {
    await prober?.stop();
    await store?.stop();
  });

  it('answers with the id, labels and ASN/prefix of the stored and published copy', async () => {
    const r = await server.inject({ method: 'POST', url: '/api/targets/lo/probe' });
    expect(r.statusCode, r.payload).toBe(200);
    const { observation, joined } = JSON.parse(r.payload) as { observation: PathObservation; joined: boolean };
    expect(joined).toBe(false);
    expect(observation).toMatchObject({ status: 'ok', reached: true, targetId: 'lo', vantage: 'probe-test', labels: { env: 'test' } });
    expect(observation.id).toMatch(/^[0-9a-f]{24}$/);
    expect(observation.hops.map((h) => [h.probes[0]?.ip, h.asn, h.prefix])).toEqual([['127.0.0.1', 64512, '127.0.0.0/8']]);

    // The bus got the very same observation (one run, one publication).
    expect(published).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(published[0]))).toEqual(observation);

    // The stored copy (read back through the API) is the same run with the same annotation.
    const latest = await server.inject('/api/targets/lo/latest');
    expect(latest.statusCode).toBe(200);
    const stored = JSON.parse(latest.payload) as PathObservation;
    expect(stored.id).toBe(observation.id);
    expect(stored.hops).toEqual(observation.hops);
    expect(stored.signature).toBe(observation.signature);
  });
});
