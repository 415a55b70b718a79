import Hapi from '@hapi/hapi';
import { describe, expect, it } from 'vitest';
import { registerOpenApi } from '../../src/http/openapi.js';
import { registerBgpRoutes } from '../../src/http/routes/bgp.js';
import { registerTargetRoutes } from '../../src/http/routes/targets.js';
import { PeerRegistry } from '../../src/ingest/peers.js';

describe('OpenAPI description', () => {
  const server = Hapi.server();
  registerBgpRoutes(server, { peers: new PeerRegistry(), storage: {} as never, routeCount: () => 0 });
  registerTargetRoutes(server, { prober: {} as never, directory: {} as never, storage: {} as never });
  registerOpenApi(server, { title: 'SmokeTrace', version: '9.9.9' });

  it('describes every /api route with the parameters its zod schemas validate', async () => {
    const r = await server.inject('/api/openapi.json');
    expect(r.statusCode).toBe(200);
    const spec = JSON.parse(r.payload) as { openapi: string; paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string; schema: { pattern?: string; maximum?: number } }>; security?: unknown; requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/peers', '/api/prefixes/{prefix}/history', '/api/targets', '/api/targets/{id}', '/api/targets/{id}/probe', '/api/targets/{id}/observations', '/api/targets/{id}/latest']),
    );
    expect(Object.keys(spec.paths).some((p) => p.includes('*'))).toBe(false);
    const history = spec.paths['/api/prefixes/{prefix}/history']!.get!;
    expect(history.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(['path:prefix', 'query:since', 'query:until', 'query:limit']);
    expect(history.security).toBeUndefined();
    const post = spec.paths['/api/targets']!.post!;
    expect(post.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(post.requestBody!.content['application/json']!.schema.properties)).toEqual(expect.arrayContaining(['name', 'host', 'tool', 'intervalSec']));
  });

  it('serves a readable page', async () => {
    const r = await server.inject('/api/docs');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.payload).toContain('GET /api/peers');
  });
});
