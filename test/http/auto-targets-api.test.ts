/** /api/auto-targets through server.inject, on the real service (real Rib, ProbeService, FerretDB). */
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { ApiAuth } from '../../src/http/auth.js';
import { registerOpenApi } from '../../src/http/openapi.js';
import { registerAutoTargetRoutes } from '../../src/http/routes/auto-targets.js';
import { announce, startWorld, type World } from '../autotargets/helpers.js';
import { uniqueDbUri } from '../helpers/mongo.js';

const TOKEN = 'test-token-0123456789abcdef';

async function serverWith(autoTargets: World['auto'] | null): Promise<Hapi.Server> {
  const server = Hapi.server();
  const auth = new ApiAuth({ host: '127.0.0.1', port: 0, apiToken: TOKEN, openReads: 'localhost' }, silentLogger());
  await auth.init(null);
  auth.register(server);
  registerAutoTargetRoutes(server, { autoTargets });
  registerOpenApi(server, { title: 'SmokeTrace', version: '0.0.0' });
  return server;
}

describe('auto-targets API', () => {
  let w: World;
  let server: Hapi.Server;
  const call = async (method: string, url: string, token: string | null = TOKEN) => {
    const r = await server.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: r.statusCode, body: r.payload ? (JSON.parse(r.payload) as Record<string, unknown>) : null };
  };
  type View = { enabled: boolean; targets: Array<{ id: string; reason: string; pinned: boolean; prefix: string }>; excluded: Array<{ targetId: string }> };
  const view = async () => (await call('GET', '/api/auto-targets', null)).body as unknown as View;

  beforeAll(async () => {
    w = await startWorld(await uniqueDbUri('autoapi'), { enabled: true, minRefreshGapSec: 5, originAsns: [64600], communities: ['65000:1:*'], hints: { hostOffsets: [1] }, reachability: { method: 'none' }, target: { tool: 'traceroute', intervalSec: 3600 } }, { startProber: false });
    w.feed([announce('127.10.0.0/16', { asPath: [65001, 64600] }), announce('127.20.0.0/16', { largeCommunities: ['65000:1:9'] })]);
    server = await serverWith(w.auto);
  });

  afterAll(async () => {
    await w?.stop();
  });

  it('refreshes on request and lists the automatic targets with their reason and state', async () => {
    expect((await call('POST', '/api/auto-targets/refresh', null)).status).toBe(401);
    // The service started "now" on the test's clock: the first refresh comes minRefreshGapSec later.
    const early = await server.inject({ method: 'POST', url: '/api/auto-targets/refresh', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(early.statusCode).toBe(429);
    expect(early.headers['retry-after']).toBe('5');
    w.clock.advance(5_000);
    const r = await call('POST', '/api/auto-targets/refresh');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ refresh: { chosen: 2, probes: 0 } });
    const v = await view();
    expect(v.enabled).toBe(true);
    expect(v.targets.map((t) => [t.id, t.prefix, t.reason, t.pinned]).sort()).toEqual([
      ['auto4-127-10-0-0-16', '127.10.0.0/16', 'origin-as', false],
      ['auto4-127-20-0-0-16', '127.20.0.0/16', 'community', false],
    ]);
  });

  it('pin / unpin', async () => {
    expect((await call('POST', '/api/auto-targets/auto4-127-10-0-0-16/pin', null)).status).toBe(401);
    expect(await call('POST', '/api/auto-targets/auto4-127-10-0-0-16/pin')).toEqual({ status: 200, body: { id: 'auto4-127-10-0-0-16', prefix: '127.10.0.0/16', action: 'pin' } });
    expect((await view()).targets.find((t) => t.id === 'auto4-127-10-0-0-16')!.pinned).toBe(true);
    expect((await call('DELETE', '/api/auto-targets/auto4-127-10-0-0-16/pin')).status).toBe(200);
    expect((await call('DELETE', '/api/auto-targets/auto4-127-10-0-0-16/pin')).status).toBe(409);
    expect((await view()).targets.find((t) => t.id === 'auto4-127-10-0-0-16')!.pinned).toBe(false);
  });

  it('exclude / unexclude', async () => {
    expect((await call('POST', '/api/auto-targets/auto4-127-20-0-0-16/exclude')).status).toBe(200);
    let v = await view();
    expect(v.targets.map((t) => t.id)).toEqual(['auto4-127-10-0-0-16']);
    expect(v.excluded.map((e) => e.targetId)).toEqual(['auto4-127-20-0-0-16']);
    w.clock.advance(5_000);
    await call('POST', '/api/auto-targets/refresh');
    expect((await view()).targets.map((t) => t.id)).toEqual(['auto4-127-10-0-0-16']);
    expect((await call('DELETE', '/api/auto-targets/auto4-127-20-0-0-16/exclude')).status).toBe(200);
    expect((await call('DELETE', '/api/auto-targets/auto4-127-20-0-0-16/exclude')).status).toBe(404);
    w.clock.advance(5_000);
    await call('POST', '/api/auto-targets/refresh');
    v = await view();
    expect(v.excluded).toEqual([]);
    expect(v.targets.map((t) => t.id).sort()).toEqual(['auto4-127-10-0-0-16', 'auto4-127-20-0-0-16']);
  });

  it('delete: 204, then 404', async () => {
    expect((await call('DELETE', '/api/auto-targets/auto4-127-10-0-0-16', null)).status).toBe(401);
    expect((await call('DELETE', '/api/auto-targets/auto4-127-10-0-0-16')).status).toBe(204);
    expect((await call('DELETE', '/api/auto-targets/auto4-127-10-0-0-16')).status).toBe(404);
    expect((await view()).targets.map((t) => t.id)).toEqual(['auto4-127-20-0-0-16']);
  });

  it('refuses a malformed id with 400 and the problem', async () => {
    const r = await call('POST', '/api/auto-targets/shop-example/pin');
    expect(r.status).toBe(400);
    expect(r.body!.problems).toEqual([expect.objectContaining({ path: 'id' })]);
  });

  it('is described in the OpenAPI document, writes with the bearer token', async () => {
    const spec = (await call('GET', '/api/openapi.json', null)).body as { paths: Record<string, Record<string, { security?: unknown; parameters: Array<{ name: string }> }>> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/auto-targets', '/api/auto-targets/refresh', '/api/auto-targets/{id}', '/api/auto-targets/{id}/pin', '/api/auto-targets/{id}/exclude']));
    expect(Object.keys(spec.paths['/api/auto-targets/{id}/pin']!).sort()).toEqual(['delete', 'post']);
    expect(spec.paths['/api/auto-targets/{id}/pin']!.post!.security).toEqual([{ bearer: [] }]);
    expect(spec.paths['/api/auto-targets/{id}/pin']!.post!.parameters.map((p) => p.name)).toEqual(['id']);
    expect(spec.paths['/api/auto-targets']!.get!.security).toBeUndefined();
  });

  it('when disabled: an empty list saying so, and 409 for changes', async () => {
    const off = await serverWith(null);
    const r = await off.inject('/api/auto-targets');
    expect(JSON.parse(r.payload)).toEqual({ enabled: false, targets: [], excluded: [], lastRefresh: null });
    const pin = await off.inject({ method: 'POST', url: '/api/auto-targets/auto4-127-10-0-0-16/pin', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(pin.statusCode).toBe(409);
  });
});
