import Boom from '@hapi/boom';
import type { ResponseToolkit, Server } from '@hapi/hapi';
import { z } from 'zod';
import type { TargetDirectory } from '../../cluster/target-catalog.js';
import { mtuSteps } from '../../correlate/mtu.js';
import type { ProbeService, TargetChange } from '../../probe/service.js';
import { targetSchema } from '../../probe/target.js';
import type { Storage } from '../../storage/repositories.js';
import { failAction, zod } from '../validate.js';

const idParams = z.object({ id: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a target id (slug)') });
const rangeQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});
const probeQuery = z.strictObject({ wait: z.enum(['true', 'false']).default('true') });

function changeResponse(h: ResponseToolkit, r: TargetChange, okStatus: number) {
  if (r.ok) return h.response(r.target).code(okStatus);
  const boom = r.status === 404 ? Boom.notFound(r.problems[0]?.message) : r.status === 409 ? Boom.conflict(r.problems[0]?.message) : Boom.badRequest(r.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  (boom.output.payload as unknown as Record<string, unknown>).problems = r.problems;
  throw boom;
}

/**
 * /api/targets: list, add, change, remove, probe now, observations and the latest path.
 * The list is every vantage's (the target catalog); changes and probes go to this daemon's
 * prober, for its own targets: a target probed only elsewhere is changed on its vantage.
 */
export function registerTargetRoutes(
  server: Server,
  deps: { prober: ProbeService | null; directory: TargetDirectory & { elsewhere(id: string): string[] }; storage: Storage },
): void {
  const { prober, directory, storage } = deps;
  const withId = { params: zod(idParams), failAction };
  const target = (id: string) => {
    const t = directory.get(id);
    if (!t) throw Boom.notFound(`no target "${id}"`);
    return t;
  };
  /** The local prober, for a change or a probe of `id` (absent: a new target); 409 when this daemon cannot. */
  const proberFor = (id?: string): ProbeService => {
    if (!prober) throw Boom.conflict('this daemon has no prober role (cluster.roles): add, change and probe targets on a daemon that probes');
    if (id !== undefined && !prober.get(id)) {
      const where = directory.elsewhere(id);
      if (where.length > 0) throw Boom.conflict(`"${id}" is probed by vantage ${where.join(', ')}: change or probe it there`);
    }
    return prober;
  };

  server.route([
    {
      method: 'GET',
      path: '/api/targets',
      options: { description: 'All targets (configuration, API and automatic) of every vantage, each with the vantages that probe it', tags: ['api', 'targets'] },
      handler: () => ({ targets: directory.list() }),
    },
    {
      method: 'POST',
      path: '/api/targets',
      options: {
        description: 'Add a target (validated; every problem reported)',
        tags: ['api', 'targets'],
        payload: { allow: 'application/json', maxBytes: 64 * 1024 },
        plugins: { openapi: { body: () => targetSchema } },
      },
      handler: async (req, h) => changeResponse(h, await proberFor().put(req.payload), 201),
    },
    {
      method: 'GET',
      path: '/api/targets/{id}',
      options: { description: 'One target', tags: ['api', 'targets'], validate: withId },
      handler: (req) => target(req.params.id as string),
    },
    {
      method: 'PUT',
      path: '/api/targets/{id}',
      options: {
        description: 'Replace an API target',
        tags: ['api', 'targets'],
        validate: withId,
        payload: { allow: 'application/json', maxBytes: 64 * 1024 },
        plugins: { openapi: { body: () => targetSchema } },
      },
      handler: async (req, h) => changeResponse(h, await proberFor(req.params.id as string).put(req.payload, req.params.id as string), 200),
    },
    {
      method: 'DELETE',
      path: '/api/targets/{id}',
      options: { description: 'Remove an API target', tags: ['api', 'targets'], validate: withId },
      handler: async (req, h) => {
        changeResponse(h, await proberFor(req.params.id as string).remove(req.params.id as string), 200);
        return h.response().code(204);
      },
    },
    {
      method: 'POST',
      path: '/api/targets/{id}/probe',
      options: {
        description: 'Probe now; waits for the observation unless ?wait=false (then 202)',
        tags: ['api', 'targets'],
        validate: { ...withId, query: zod(probeQuery) },
      },
      handler: async (req, h) => {
        const id = req.params.id as string;
        target(id);
        const run = proberFor(id).runNow(id, 'api');
        if ((req.query as z.infer<typeof probeQuery>).wait === 'false') {
          void run.catch(() => {});
          return h.response({ accepted: true, target: id }).code(202);
        }
        const r = await run;
        // Answer once the observation is written, so a following GET sees it.
        await storage.flush();
        if (r.ok) return { observation: r.observation, joined: r.joined };
        throw r.code === 'UNKNOWN_TARGET' || r.code === 'REMOVED' ? Boom.notFound(r.message) : r.code === 'QUEUE_FULL' || r.code === 'STOPPED' ? Boom.serverUnavailable(r.message) : Boom.conflict(r.message);
      },
    },
    {
      method: 'GET',
      path: '/api/targets/{id}/observations',
      options: { description: 'Observations of a target, newest first', tags: ['api', 'targets'], validate: { ...withId, query: zod(rangeQuery) } },
      handler: async (req) => {
        const id = req.params.id as string;
        target(id);
        const q = req.query as z.infer<typeof rangeQuery>;
        const observations = await storage.observations.forTarget(id, {
          ...(q.since ? { since: new Date(q.since) } : {}),
          ...(q.until ? { until: new Date(q.until) } : {}),
          limit: q.limit,
        });
        return { target: id, observations };
      },
    },
    {
      method: 'GET',
      path: '/api/targets/{id}/latest',
      options: { description: 'The latest path of a target', tags: ['api', 'targets'], validate: withId },
      handler: async (req) => {
        const id = req.params.id as string;
        target(id);
        const latest = await storage.observations.latest(id);
        if (!latest) throw Boom.notFound(`no observation of "${id}" yet`);
        // The traceroutes do not measure the MTU: the newest path MTU measurement (probing.pmtu) fills it in.
        if (latest.pathMtu == null) {
          const mtu = await storage.pathMtu.latest(id);
          if (mtu) return { ...latest, pathMtu: mtu.pathMtu, pathMtuMeasuredAt: mtu.measuredAt };
        }
        return latest;
      },
    },
    {
      method: 'GET',
      path: '/api/targets/{id}/mtu',
      options: {
        description: 'Path MTU of a target: the newest known value, its changes (distinct values in time) and the measurements, newest first',
        tags: ['api', 'targets'],
        validate: { ...withId, query: zod(rangeQuery) },
      },
      handler: async (req) => {
        const id = req.params.id as string;
        target(id);
        const q = req.query as z.infer<typeof rangeQuery>;
        const [latest, measurements] = await Promise.all([
          storage.pathMtu.latest(id),
          storage.pathMtu.forTarget(id, { ...(q.since ? { since: new Date(q.since) } : {}), ...(q.until ? { until: new Date(q.until) } : {}), limit: q.limit }),
        ]);
        return { target: id, enabled: prober !== null && prober.pmtu !== null, latest, changes: mtuSteps(measurements), measurements };
      },
    },
  ]);
}
