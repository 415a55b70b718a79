import Boom from '@hapi/boom';
import type { Request, ResponseToolkit, Server, ServerRoute } from '@hapi/hapi';
import { z } from 'zod';
import type { AutoTargetService, MarkAction } from '../../autotargets/service.js';
import { failAction, zod } from '../validate.js';

const idParams = z.object({ id: z.string().regex(/^auto[46]-[0-9a-f-]{1,48}-\d{1,3}$/, 'an automatic target id such as auto4-203-0-113-0-24') });

const ACTIONS: Array<{ method: 'POST' | 'DELETE'; suffix: string; action: MarkAction; description: string }> = [
  { method: 'POST', suffix: '/pin', action: 'pin', description: 'Pin an automatic target: kept whatever the ranking, across refreshes' },
  { method: 'DELETE', suffix: '/pin', action: 'unpin', description: 'Unpin an automatic target (the ranking decides again)' },
  { method: 'POST', suffix: '/exclude', action: 'exclude', description: 'Exclude the prefix: its target is removed and the prefix never chosen again until unexcluded (stored)' },
  { method: 'DELETE', suffix: '/exclude', action: 'unexclude', description: 'Undo an exclusion (the prefix may be chosen again)' },
  { method: 'DELETE', suffix: '', action: 'delete', description: 'Delete an automatic target (a later refresh may choose the prefix again)' },
];

/** /api/auto-targets: the automatic targets with why they were chosen; pin, exclude, delete; refresh now. */
export function registerAutoTargetRoutes(server: Server, deps: { autoTargets: AutoTargetService | null }): void {
  const { autoTargets } = deps;
  const withId = { params: zod(idParams), failAction };
  const service = (): AutoTargetService => {
    if (!autoTargets) throw Boom.conflict('automatic targets are disabled (autoTargets.enabled, and this daemon needs the prober role)');
    return autoTargets;
  };
  server.route([
    {
      method: 'GET',
      path: '/api/auto-targets',
      options: { description: 'Automatic targets with their reason, pin state and the excluded prefixes', tags: ['api', 'auto-targets'] },
      handler: () => (autoTargets ? { enabled: true, ...autoTargets.view() } : { enabled: false, targets: [], excluded: [], lastRefresh: null }),
    },
    {
      method: 'POST',
      path: '/api/auto-targets/refresh',
      options: { description: 'Re-rank and reconcile the automatic targets now; answers with what the refresh did (429 within autoTargets.minRefreshGapSec of the last)', tags: ['api', 'auto-targets'] },
      handler: async (_req, h) => {
        const r = await service().tryRefresh();
        if (r.ok) return { refresh: r.report };
        return h.response({ statusCode: 429, error: 'Too Many Requests', message: `the last refresh was too recent: try again in ${r.retryAfterSec} s` }).code(429).header('retry-after', String(r.retryAfterSec));
      },
    },
    ...ACTIONS.map(({ method, suffix, action, description }): ServerRoute => ({
      method,
      path: `/api/auto-targets/{id}${suffix}`,
      options: { description, tags: ['api', 'auto-targets'], validate: withId },
      handler: async (req: Request, h: ResponseToolkit) => {
        const r = await service().mark(req.params.id as string, action);
        if (!r.ok) throw r.status === 404 ? Boom.notFound(r.message) : r.status === 409 ? Boom.conflict(r.message) : Boom.serverUnavailable(r.message);
        return action === 'delete' ? h.response().code(204) : { id: r.id, prefix: r.prefix, action };
      },
    })),
  ]);
}
