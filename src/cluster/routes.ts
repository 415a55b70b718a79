import type { Server } from '@hapi/hapi';
import { z } from 'zod';
import { failAction, zod } from '../http/validate.js';
import type { Storage } from '../storage/repositories.js';
import { compareVantages } from './compare.js';

const params = z.object({ id: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a target id') });
const query = z.strictObject({
  /** Newest runs read (all vantages together) to find each vantage's newest. */
  sample: z.coerce.number().int().min(1).max(5000).default(500),
});

/** GET /api/targets/{id}/vantages: the target's path from every vantage writing to this store. */
export function registerClusterRoutes(server: Server, deps: { storage: Storage }): void {
  server.route({
    method: 'GET',
    path: '/api/targets/{id}/vantages',
    options: {
      description: "A target's newest path from each vantage (AS path, hops, RTT, loss, open alerts), to compare them",
      tags: ['api', 'targets'],
      validate: { params: zod(params), query: zod(query), failAction },
    },
    handler: async (req) => {
      const id = req.params.id as string;
      const { sample } = req.query as z.infer<typeof query>;
      const [observations, alerts] = await Promise.all([
        deps.storage.observations.forTarget(id, { limit: sample }),
        deps.storage.alerts.list({ state: 'open', targetId: id }),
      ]);
      return compareVantages(id, observations, alerts);
    },
  });
}
