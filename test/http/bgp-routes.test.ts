import Hapi from '@hapi/hapi';
import { describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../bgp/types.js';
import { registerBgpRoutes } from '../../src/http/routes/bgp.js';
import { PeerRegistry } from '../../src/ingest/peers.js';
import type { StoredRouteEvent, TimeRange } from '../../src/storage/repositories.js';

const peer = { address: '192.0.2.2', asn: 64500, bgpId: '192.0.2.2', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false } as const;

function announce(time: string, asPath: number[]): StoredRouteEvent {
  return { type: 'announce', source: 'bmp', time, router: 'r1', peer, afi: 'ipv4', safi: 'unicast', prefix: '203.0.113.0/24', pathId: null, nextHop: '192.0.2.2', origin: 'igp', asPath, med: null, localPref: null, communities: [], largeCommunities: [], extCommunities: [], change: 'new' };
}

function server(events: StoredRouteEvent[], calls: Array<[string, TimeRange]> = []) {
  const s = Hapi.server();
  const peers = new PeerRegistry();
  peers.observe({ type: 'peer_up', source: 'bmp', router: 'r1', time: '2026-11-21T10:00:00Z', peer } as RouteEvent, '2026-11-21T10:00:00Z');
  registerBgpRoutes(s, {
    peers,
    storage: {
      routeEvents: {
        forPrefix: async (prefix: string, range: TimeRange) => {
          calls.push([prefix, range]);
          return events.filter((e) => 'prefix' in e && e.prefix === prefix);
        },
      },
    } as never,
    routeCount: () => 7,
  });
  return s;
}

describe('BGP API routes', () => {
  it('gives a prefix history per peer, with every AS path seen and the current state', async () => {
    const calls: Array<[string, TimeRange]> = [];
    const s = server(
      [
        announce('2026-11-21T10:00:00.000Z', [64500, 1299, 64501]),
        announce('2026-11-21T11:00:00.000Z', [64500, 3356, 64501]),
        { ...announce('2026-11-21T12:00:00.000Z', []), type: 'withdraw', change: 'withdraw' } as StoredRouteEvent,
      ],
      calls,
    );
    for (const url of ['/api/prefixes/203.0.113.0/24/history?since=2026-11-01T00:00:00Z', '/api/prefixes/203.0.113.0%2F24/history?since=2026-11-01T00:00:00Z']) {
      const r = await s.inject(url);
      expect(r.statusCode).toBe(200);
      const body = JSON.parse(r.payload) as { peers: Array<{ current: { state: string }; asPaths: Array<{ asPath: number[] }>; events: unknown[] }> };
      expect(body.peers).toHaveLength(1);
      expect(body.peers[0]!.asPaths.map((p) => p.asPath)).toEqual([[64500, 1299, 64501], [64500, 3356, 64501]]);
      expect(body.peers[0]!.current.state).toBe('withdrawn');
      expect(body.peers[0]!.events).toHaveLength(3);
    }
    expect(calls[0]![0]).toBe('203.0.113.0/24');
    expect(calls[0]![1]).toMatchObject({ since: new Date('2026-11-01T00:00:00Z'), limit: 2000 });
  });

  it('refuses a bad prefix or query with 400 and every problem listed', async () => {
    const s = server([]);
    const r = await s.inject('/api/prefixes/203.0.113.0/33/history');
    expect(r.statusCode).toBe(400);
    expect(JSON.parse(r.payload).problems).toEqual([expect.objectContaining({ path: 'prefix' })]);
    const q = await s.inject('/api/prefixes/203.0.113.0/24/history?limit=0&bogus=1');
    expect(q.statusCode).toBe(400);
    expect(JSON.parse(q.payload).problems.map((p: { path: string }) => p.path).sort()).toEqual(['', 'limit']);
  });

  it('lists routers and peers with route counts', async () => {
    const r = await server([]).inject('/api/peers');
    const body = JSON.parse(r.payload) as { routers: Array<{ router: string; peers: Array<{ state: string; routes: number }> }> };
    expect(body.routers).toEqual([expect.objectContaining({ router: 'r1', peers: [expect.objectContaining({ state: 'up', routes: 7 })] })]);
  });
});
