import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import { z } from 'zod';
import { buildEvidence, renderEvidenceText } from '../../correlate/evidence.js';
import type { Clock } from '../../core/clock.js';
import type { Storage } from '../../storage/repositories.js';
import { failAction, zod } from '../validate.js';

const listQuery = z.strictObject({
  state: z.enum(['open', 'resolved']).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  target: z.string().max(63).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
});
const idParams = z.object({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'an alert id') });
const evidenceQuery = z.strictObject({ format: z.enum(['json', 'text']).default('json') });
const changesParams = z.object({ id: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a target id') });
const changesQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
});

/** /api/alerts, the evidence pack, and a target's path changes. */
export function registerAlertRoutes(server: Server, deps: { storage: Storage; clock: Clock }): void {
  const { storage } = deps;
  const range = (q: { since?: string; until?: string; limit: number }) => ({
    ...(q.since ? { since: new Date(q.since) } : {}),
    ...(q.until ? { until: new Date(q.until) } : {}),
    limit: q.limit,
  });
  server.route([
    {
      method: 'GET',
      path: '/api/alerts',
      options: { description: 'Alerts, newest first (state=open|resolved, since, until, target)', tags: ['api', 'alerts'], validate: { query: zod(listQuery), failAction } },
      handler: async (req) => {
        const q = req.query as z.infer<typeof listQuery>;
        return { alerts: await storage.alerts.list({ ...range(q), ...(q.state ? { state: q.state } : {}), ...(q.target ? { targetId: q.target } : {}) }) };
      },
    },
    {
      method: 'GET',
      path: '/api/alerts/{id}',
      options: { description: 'One alert', tags: ['api', 'alerts'], validate: { params: zod(idParams), failAction } },
      handler: async (req) => {
        const a = await storage.alerts.get(req.params.id as string);
        if (!a) throw Boom.notFound(`no alert "${req.params.id as string}"`);
        return a;
      },
    },
    {
      method: 'GET',
      path: '/api/alerts/{id}/evidence',
      options: {
        description: 'The evidence pack of an alert: timeline, route events with raw attributes, observations before and after, the verdict (format=json|text)',
        tags: ['api', 'alerts'],
        validate: { params: zod(idParams), query: zod(evidenceQuery), failAction },
      },
      handler: async (req, h) => {
        const a = await storage.alerts.get(req.params.id as string);
        if (!a) throw Boom.notFound(`no alert "${req.params.id as string}"`);
        const pc = typeof a.pathChangeId === 'string' ? await storage.pathChanges.get(a.pathChangeId) : null;
        const before = pc ? await storage.observations.byIds(pc.beforeObservationIds) : [];
        const after = pc ? await storage.observations.byIds(pc.afterObservationIds) : await storage.observations.forTarget(a.targetId, { until: new Date(a.updatedAt), limit: 5 });
        const pack = buildEvidence(a, pc, before, after, deps.clock.now().toISOString());
        const file = `smoketrace-evidence-${a.id}`;
        if ((req.query as z.infer<typeof evidenceQuery>).format === 'text') {
          return h.response(renderEvidenceText(pack)).type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${file}.txt"`);
        }
        return h.response(pack).header('content-disposition', `inline; filename="${file}.json"`);
      },
    },
    {
      method: 'GET',
      path: '/api/targets/{id}/changes',
      options: { description: 'Confirmed path changes of a target with their verdicts, newest first', tags: ['api', 'targets'], validate: { params: zod(changesParams), query: zod(changesQuery), failAction } },
      handler: async (req) => ({ changes: await storage.pathChanges.forTarget(req.params.id as string, range(req.query as z.infer<typeof changesQuery>)) }),
    },
  ]);
}
