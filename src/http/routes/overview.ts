import type { Server } from '@hapi/hapi';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { PathObservation } from '../../probe/types.js';
import type { PathChangeRecord, Storage, StoredAlert } from '../../storage/repositories.js';
import { failAction, zod } from '../validate.js';

/** What the overview needs to know of a target (the prober's list: config and API targets). */
export interface OverviewTarget {
  id: string;
  name: string;
  host: string;
  enabled?: boolean;
}

export interface OverviewDeps {
  storage: Storage;
  targets: () => readonly OverviewTarget[];
  clock: Clock;
}

export interface TargetTrouble {
  id: string;
  name: string;
  host: string;
  pathChanges: number;
  worse: number;
  alerts: number;
  openAlerts: number;
  minutesInAlert: number;
  /** Oldest first: median (else average) end-to-end RTT of each of the last runs; null = not reached. */
  latency: Array<{ t: string; ms: number | null; loss: number }>;
  lastObservedAt: string | null;
}

const DAY_MS = 24 * 3600 * 1000;
/** Reads per target are bounded: a busy target's counts saturate here (and say so with `capped`). */
const MAX_ROWS = 5000;

const overviewQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  /** Runs per sparkline. */
  points: z.coerce.number().int().min(2).max(200).default(30),
  /** Targets returned (most troubled first). */
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Minutes of [openedAt, resolvedAt or now] that fall after `since`. Pure. */
export function minutesInAlert(alerts: readonly StoredAlert[], since: Date, now: Date): number {
  let ms = 0;
  for (const a of alerts) {
    const start = Math.max(Date.parse(a.openedAt), since.getTime());
    const end = Math.min(a.resolvedAt ? Date.parse(a.resolvedAt) : now.getTime(), now.getTime());
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) ms += end - start;
  }
  return Math.round(ms / 60_000);
}

export function isWorse(c: PathChangeRecord): boolean {
  const v = c.verdict as { verdict?: unknown } | null;
  return typeof v === 'object' && v !== null && v.verdict === 'worse';
}

/** One sparkline point per run: the median RTT (the average when the tool gave no median). */
export function latencyPoint(o: PathObservation): { t: string; ms: number | null; loss: number } {
  const ms = o.rtt ? (o.rtt.median ?? o.rtt.avg) : null;
  return { t: o.startedAt, ms: ms === null ? null : Math.round(ms * 1000) / 1000, loss: o.loss };
}

/** Most troubled first: minutes in alert, then alerts, worse verdicts, path changes. */
export function troubleOrder(a: TargetTrouble, b: TargetTrouble): number {
  return b.minutesInAlert - a.minutesInAlert || b.alerts - a.alerts || b.worse - a.worse || b.pathChanges - a.pathChanges || a.name.localeCompare(b.name);
}

/**
 * GET /api/overview: the destinations with the most frequent issues since a
 * time (default the last 24 h), each with a small latency series for a sparkline.
 */
export function registerOverviewRoutes(server: Server, deps: OverviewDeps): void {
  const { storage } = deps;
  server.route({
    method: 'GET',
    path: '/api/overview',
    options: {
      description: 'Troubled destinations since a time (default 24 h): path changes, worse verdicts, alerts, minutes in alert, and a latency sparkline each',
      tags: ['api', 'overview'],
      validate: { query: zod(overviewQuery), failAction },
    },
    handler: async (req) => {
      const q = req.query as z.infer<typeof overviewQuery>;
      const now = deps.clock.now();
      const since = q.since ? new Date(q.since) : new Date(now.getTime() - DAY_MS);
      // Alerts opened since, plus those opened earlier and still open (they count minutes too).
      const [recent, open] = await Promise.all([
        storage.alerts.list({ since, limit: MAX_ROWS }),
        storage.alerts.list({ state: 'open', limit: MAX_ROWS }),
      ]);
      const byTarget = new Map<string, Map<string, StoredAlert>>();
      for (const a of [...recent, ...open]) {
        const m = byTarget.get(a.targetId) ?? new Map<string, StoredAlert>();
        m.set(a.id, a);
        byTarget.set(a.targetId, m);
      }
      const rows: TargetTrouble[] = [];
      for (const t of deps.targets()) {
        const changes = await storage.pathChanges.forTarget(t.id, { since, limit: MAX_ROWS });
        const alerts = [...(byTarget.get(t.id)?.values() ?? [])];
        rows.push({
          id: t.id,
          name: t.name,
          host: t.host,
          pathChanges: changes.length,
          worse: changes.filter(isWorse).length,
          alerts: alerts.length,
          openAlerts: alerts.filter((a) => a.state !== 'resolved').length,
          minutesInAlert: minutesInAlert(alerts, since, now),
          latency: [],
          lastObservedAt: null,
        });
      }
      rows.sort(troubleOrder);
      const shown = rows.slice(0, q.limit);
      // Sparklines only for the rows returned: one bounded read each.
      await Promise.all(
        shown.map(async (r) => {
          const obs = await storage.observations.forTarget(r.id, { limit: q.points });
          r.latency = obs.map(latencyPoint).reverse();
          r.lastObservedAt = obs[0]?.startedAt ?? null;
        }),
      );
      return { since: since.toISOString(), until: now.toISOString(), targets: rows.length, capped: MAX_ROWS, rows: shown };
    },
  });
}
