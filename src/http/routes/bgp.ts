import type { Server } from '@hapi/hapi';
import { Validator } from 'ip-num';
import { z } from 'zod';
import { peerKey, type PeerRegistry } from '../../ingest/peers.js';
import { prefixHistory } from '../../ingest/prefix-history.js';
import type { Storage } from '../../storage/repositories.js';
import { failAction, zod } from '../validate.js';

export interface BgpRoutesDeps {
  peers: PeerRegistry;
  storage: Storage;
  /** Current routes per router and peer key, from the RIB. */
  routeCount: (router: string, peerKey: string) => number;
}

const prefixParam = z
  .string()
  .max(64)
  .refine((p) => Validator.isValidIPv4CidrNotation(p)[0] || Validator.isValidIPv6CidrNotation(p)[0], {
    message: 'must be a prefix such as 203.0.113.0/24 or 2001:db8::/32',
  });

const historyQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(2_000),
});

/** GET /api/peers and GET /api/prefixes/{prefix}/history. */
export function registerBgpRoutes(server: Server, deps: BgpRoutesDeps): void {
  server.route({
    method: 'GET',
    path: '/api/peers',
    options: { description: 'BMP routers and ExaBGP feeds, their peers, session state and route counts', tags: ['api', 'bgp'] },
    handler: () => ({
      routers: deps.peers.list().map((r) => ({
        router: r.router,
        source: r.source,
        connected: r.connected,
        since: r.since,
        lastMessageAt: r.lastMessageAt,
        sysName: r.sysName,
        sysDescr: r.sysDescr,
        peers: [...r.peers.values()].map((p) => ({
          ...p,
          routes: deps.routeCount(r.router, peerKey(p.peer)),
          initialDump: p.eor.length ? 'done' : p.state === 'up' ? 'in progress' : 'unknown',
        })),
      })),
    }),
  });

  const history = {
    method: 'GET' as const,
    options: {
      description: 'Every AS path seen for a prefix, per router and peer, with times, and its announce/withdraw timeline',
      tags: ['api', 'bgp'],
      validate: { params: zod(z.object({ prefix: prefixParam })), query: zod(historyQuery), failAction },
    },
    handler: async (req: { params: { prefix: string }; query: z.infer<typeof historyQuery> }) => {
      const q = req.query;
      const events = await deps.storage.routeEvents.forPrefix(req.params.prefix, {
        ...(q.since ? { since: new Date(q.since) } : {}),
        ...(q.until ? { until: new Date(q.until) } : {}),
        limit: q.limit,
      });
      return { prefix: req.params.prefix, events: events.length, truncated: events.length >= q.limit, peers: prefixHistory(events) };
    },
  };
  // "/api/prefixes/203.0.113.0/24/history" (two path segments) and "/api/prefixes/203.0.113.0%2F24/history".
  server.route({ ...history, path: '/api/prefixes/{prefix*2}/history' } as never);
  server.route({ ...history, path: '/api/prefixes/{prefix}/history' } as never);
}
