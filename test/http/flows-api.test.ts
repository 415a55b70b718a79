/** POST/GET /api/flows through server.inject, on the real FlowService, bus and MongoStore (FerretDB). */
import { readFileSync } from 'node:fs';
import Hapi from '@hapi/hapi';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/core/bus.js';
import { ManualClock } from '../../src/core/clock.js';
import type { FlowTalkers, SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { FlowService } from '../../src/flows/service.js';
import { ApiAuth } from '../../src/http/auth.js';
import { buildOpenApi } from '../../src/http/openapi.js';
import { registerFlowRoutes } from '../../src/http/routes/flows.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { uniqueDbUri } from '../helpers/mongo.js';

const TOKEN = 'test-token-0123456789abcdef';
const FIXTURE = readFileSync(new URL('../fixtures/flows/nfacctd-print-ipfix.json', import.meta.url), 'utf8');

describe('flows API', () => {
  let uri: string;
  let store: MongoStore;
  let server: Hapi.Server;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0, 0));
  const telemetry = new Telemetry({ defaultMetrics: false });
  const heard: FlowTalkers[] = [];

  const call = async (method: string, url: string, payload?: unknown, token: string | null = TOKEN) => {
    const r = await server.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: r.statusCode, body: r.payload ? (JSON.parse(r.payload) as Record<string, any>) : null };
  };

  beforeAll(async () => {
    uri = await uniqueDbUri('flowsapi');
    const config = parseConfig({ storage: { uri, connectTimeoutMs: 3000 }, flows: { maxFileBytes: 4096, maxRows: 50, topN: 20 } }, 'test', {});
    store = new MongoStore({ config: config.storage, log: silentLogger(), clock });
    await store.start();
    const bus = new EventBus<SmokeTraceEvents>(silentLogger());
    bus.on('flow.talkers', 'test', (s) => void heard.push(s));
    const flows = new FlowService({ config: config.flows, watchFiles: true, bus, snapshots: store.flowSnapshots, telemetry, log: silentLogger(), clock });
    await flows.start();
    server = Hapi.server();
    const auth = new ApiAuth({ host: '127.0.0.1', port: 0, apiToken: TOKEN, openReads: 'localhost' }, silentLogger());
    await auth.init(null);
    auth.register(server);
    registerFlowRoutes(server, { flows, storage: store });
  });

  afterAll(async () => {
    await store?.stop();
    const c = new MongoClient(uri);
    await c.db().dropDatabase().catch(() => {});
    await c.close();
  });

  it('needs the token to import', async () => {
    const body = { talkers: [{ address: '192.0.2.1', bytes: 1, packets: 1 }] };
    expect((await call('POST', '/api/flows', body, null)).status).toBe(401);
    expect((await call('POST', '/api/flows', body, 'wrong-token-wrong-token')).status).toBe(401);
    expect(heard).toHaveLength(0);
  });

  it('imports typed talkers: sorted, summed, bad addresses skipped with item numbers, published and stored', async () => {
    const r = await call('POST', '/api/flows', {
      source: 'edge-1',
      time: '2026-06-01T11:55:00Z',
      talkers: [
        { address: '192.0.2.1', bytes: 100, packets: 2 },
        { address: 'shop.example', bytes: 900, packets: 9 },
        { address: '2001:DB8::1', bytes: 500, packets: 5, flows: 1 },
        { address: '192.0.2.1', bytes: 450, packets: 3 },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ source: 'api:edge-1', time: '2026-06-01T11:55:00.000Z', talkers: 2, rows: 4, skipped: 1, stored: true, problems: [{ item: 2, message: expect.stringContaining('shop.example') }] });
    const expected = {
      source: 'api:edge-1',
      time: '2026-06-01T11:55:00.000Z',
      talkers: [
        { address: '192.0.2.1', bytes: 550, packets: 5 },
        { address: '2001:db8::1', bytes: 500, packets: 5, flows: 1 },
      ],
    };
    expect(heard.at(-1)).toEqual(expected);
    expect(await store.flowSnapshots.get('api:edge-1')).toEqual(expected);
  });

  it('imports the text of an nfacctd print file (data + format), time defaulting to now', async () => {
    const r = await call('POST', '/api/flows', { data: FIXTURE, format: 'nfacctd', topN: 2 });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ source: 'api', time: clock.now().toISOString(), talkers: 2, hosts: 5, rows: 6, skipped: 0 });
    expect(heard.at(-1)!.talkers.map((t) => t.address)).toEqual(['10.250.1.20', '10.250.1.21']);
    const csv = await call('POST', '/api/flows', { source: 'csv-list', data: 'ip,bytes,packets\n198.51.100.4,10,1\nbad,1,1\n' });
    expect(csv.body).toMatchObject({ source: 'api:csv-list', talkers: 1, skipped: 1, problems: [{ line: 3 }] });
  });

  it('GET /api/flows: the latest snapshot per source, newest first, limit talkers each', async () => {
    clock.advance(60_000);
    await call('POST', '/api/flows', { source: 'edge-1', talkers: [{ address: '203.0.113.7', bytes: 7, packets: 1 }] });
    const all = await call('GET', '/api/flows?limit=1', undefined, null);
    expect(all.status).toBe(200);
    const snaps = all.body!.snapshots as Array<{ source: string; time: string; talkerCount: number; talkers: unknown[] }>;
    // api and api:csv-list were imported at the same (clock) time: by name.
    expect(snaps.map((s) => s.source)).toEqual(['api:edge-1', 'api', 'api:csv-list']);
    expect(snaps[0]).toEqual({ source: 'api:edge-1', time: clock.now().toISOString(), talkerCount: 1, talkers: [{ address: '203.0.113.7', bytes: 7, packets: 1 }] });
    expect(snaps[1]!.talkerCount).toBe(2);
    expect(snaps[1]!.talkers).toHaveLength(1);
    const one = await call('GET', '/api/flows?source=api', undefined, null);
    expect((one.body!.snapshots as unknown[]).length).toBe(1);
    expect((await call('GET', '/api/flows?source=nope', undefined, null)).body).toEqual({ snapshots: [] });
  });

  it('an explicit empty list clears a source; a list without one valid talker is refused', async () => {
    expect((await call('POST', '/api/flows', { source: 'edge-1', talkers: [] })).status).toBe(201);
    expect((await store.flowSnapshots.get('api:edge-1'))!.talkers).toEqual([]);
    const none = await call('POST', '/api/flows', { source: 'edge-1', talkers: [{ address: 'nope', bytes: 1, packets: 1 }] });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'NO_VALID_ROWS', problems: [{ item: 1 }] });
  });

  it('refuses malformed bodies with 400 and every problem; oversized data with 413', async () => {
    const bad = await call('POST', '/api/flows', { source: '../etc', talkers: [{ address: '192.0.2.1', bytes: -1, packets: 1.5 }], extra: 1 });
    expect(bad.status).toBe(400);
    expect((bad.body!.problems as Array<{ path: string }>).map((p) => p.path).sort()).toEqual(['', 'source', 'talkers.0.bytes', 'talkers.0.packets']);
    expect((await call('POST', '/api/flows', { data: 'x', talkers: [] })).status).toBe(400);
    expect((await call('POST', '/api/flows', { format: 'csv', talkers: [] })).status).toBe(400);
    const many = Array.from({ length: 51 }, (_, i) => ({ address: `10.0.0.${i + 1}`, bytes: 1, packets: 1 }));
    expect((await call('POST', '/api/flows', { talkers: many })).status).toBe(400);
    const big = await call('POST', '/api/flows', { data: 'not json at all\n', format: 'json' });
    expect(big).toMatchObject({ status: 400, body: { code: 'BAD_JSON' } });
    expect((await call('POST', '/api/flows', { data: '192.0.2.1,1,1\n'.repeat(400), format: 'csv' })).status).toBe(400);
    const tooLarge = await call('POST', '/api/flows', { data: '1'.repeat(5000) });
    expect(tooLarge.status).toBe(400);
  });

  it('is in the OpenAPI description, POST with its body schema and the token', () => {
    const spec = buildOpenApi(server, { title: 'x', version: '0' }) as { paths: Record<string, Record<string, any>> };
    expect(Object.keys(spec.paths['/api/flows']!).sort()).toEqual(['get', 'post']);
    expect(spec.paths['/api/flows']!.post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(spec.paths['/api/flows']!.post.requestBody.content['application/json'].schema.properties).sort()).toEqual(['data', 'format', 'source', 'talkers', 'time', 'topN']);
    expect(spec.paths['/api/flows']!.get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['limit', 'source']);
  });

  it('a restarted flow service publishes each stored snapshot again, marked replayed, before watching files', async () => {
    const stored = await store.flowSnapshots.latest();
    expect(stored.length).toBeGreaterThan(0);
    const bus = new EventBus<SmokeTraceEvents>(silentLogger());
    const again: FlowTalkers[] = [];
    bus.on('flow.talkers', 'test', (s) => void again.push(s));
    const config = parseConfig({ flows: { maxFileBytes: 4096 } }, 'test', {});
    const restarted = new FlowService({ config: config.flows, watchFiles: true, bus, snapshots: store.flowSnapshots, telemetry: new Telemetry({ defaultMetrics: false }), log: silentLogger(), clock });
    await restarted.start();
    expect(again).toEqual([...stored].reverse().map((s) => ({ ...s, replayed: true })));
    expect(restarted.replayed).toBe(stored.length);
    await restarted.stop();
  });

  it('counts the rows skipped by imports on the health page', () => {
    const h = telemetry.health();
    // shop.example (typed talkers) and "bad" (the CSV text); refused requests import nothing.
    expect(h.rejected.flows).toMatchObject({ bad_row: 2 });
    expect(h.components.flows!.details).toMatchObject({ imports: 5, storeFailures: 0, watch: [] });
  });
});
