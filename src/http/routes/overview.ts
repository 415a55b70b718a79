import type { Server } from '@hapi/hapi';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { PathObservation } from '../../probe/types.js';
import type { AlertSpan, LatencySample, Storage, StoredAlert, TargetCount } from '../../storage/repositories.js';
import { failAction, zod } from '../validate.js';

/** What the overview needs to know of a target (the prober's list: config and API targets). */
export interface OverviewTarget {
  id: string;
  name: string;
  host: string;
  enabled?: boolean;
  /** Seconds between runs: sizes the window the sparkline reads (default 60). */
  intervalSec?: number;
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
/** Alerts read for the minutes in alert: beyond this the counts saturate (and the answer says so with `capped`). */
const MAX_ALERTS = 50_000;

const overviewQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional(),
  /** Runs per sparkline. */
  points: z.coerce.number().int().min(2).max(200).default(30),
  /** Targets returned (most troubled first). */
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Minutes of [openedAt, resolvedAt or now] that fall after `since`. Pure. */
export function minutesInAlert(alerts: ReadonlyArray<Pick<StoredAlert, 'openedAt' | 'resolvedAt'>>, since: Date, now: Date): number {
  let ms = 0;
  for (const a of alerts) {
    const start = Math.max(Date.parse(a.openedAt), since.getTime());
    const end = Math.min(a.resolvedAt ? Date.parse(a.resolvedAt) : now.getTime(), now.getTime());
    if (Number.isFinite(start) && Number.isFinite(end) && end > start) ms += end - start;
  }
  return Math.round(ms / 60_000);
}

/** One sparkline point per run: the median RTT (the average when the tool gave no median). */
export function latencyPoint(o: Pick<PathObservation, 'startedAt' | 'rtt' | 'loss'>): { t: string; ms: number | null; loss: number } {
  const ms = o.rtt ? (o.rtt.median ?? o.rtt.avg) : null;
  return { t: o.startedAt, ms: ms === null ? null : Math.round(ms * 1000) / 1000, loss: o.loss };
}

/** Most troubled first: minutes in alert, then alerts, worse verdicts, path changes. */
export function troubleOrder(a: TargetTrouble, b: TargetTrouble): number {
  return b.minutesInAlert - a.minutesInAlert || b.alerts - a.alerts || b.worse - a.worse || b.pathChanges - a.pathChanges || a.name.localeCompare(b.name);
}

/**
 * The trouble table from the aggregates: one row per known target, counts
 * from per-target maps (absent = 0), most troubled first. Pure.
 */
export function troubleRows(
  targets: readonly OverviewTarget[],
  counts: { changes: ReadonlyMap<string, number>; worse: ReadonlyMap<string, number> },
  spans: ReadonlyArray<AlertSpan>,
  since: Date,
  now: Date,
): TargetTrouble[] {
  const alertsOf = new Map<string, AlertSpan[]>();
  for (const a of spans) {
    const list = alertsOf.get(a.targetId);
    if (list) list.push(a);
    else alertsOf.set(a.targetId, [a]);
  }
  const rows = targets.map((t): TargetTrouble => {
    const alerts = alertsOf.get(t.id) ?? [];
    return {
      id: t.id,
      name: t.name,
      host: t.host,
      pathChanges: counts.changes.get(t.id) ?? 0,
      worse: counts.worse.get(t.id) ?? 0,
      alerts: alerts.length,
      openAlerts: alerts.filter((a) => a.state !== 'resolved').length,
      minutesInAlert: minutesInAlert(alerts, since, now),
      latency: [],
      lastObservedAt: null,
    };
  });
  return rows.sort(troubleOrder);
}

/**
 * Sparkline reads for the shown rows: targets grouped by interval, one read per
 * group over a window of about `points` runs (bursts and "probe now" add runs,
 * hence the slack); each target keeps its newest `points`.
 */
export function sparkWindows(targets: ReadonlyArray<Pick<OverviewTarget, 'id' | 'intervalSec'>>, points: number, nowMs: number): Array<{ ids: string[]; since: Date; limit: number }> {
  const byInterval = new Map<number, string[]>();
  for (const t of targets) {
    const iv = t.intervalSec ?? 60;
    byInterval.set(iv, [...(byInterval.get(iv) ?? []), t.id]);
  }
  return [...byInterval].map(([iv, ids]) => ({ ids, since: new Date(nowMs - Math.max(iv * points * 2, 600) * 1000), limit: ids.length * points * 3 }));
}

/**
 * GET /api/overview: the destinations with the most frequent issues since a
 * time (default the last 24 h), each with a small latency series for a sparkline.
 * A few reads whatever the number of targets: two aggregates ($match + $group
 * $sum, which FerretDB runs too) for path changes and worse verdicts, one light
 * read of the alerts open during the period, and one read per distinct probe
 * interval among the rows shown for the sparklines.
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
      const [changes, worse, spans] = await Promise.all([
        storage.pathChanges.countByTarget({ since }),
        storage.pathChanges.countByTarget({ since, verdict: 'worse' }),
        storage.alerts.spans({ since, limit: MAX_ALERTS }),
      ]);
      const toMap = (rows: TargetCount[]) => new Map(rows.map((r) => [r.targetId, r.count]));
      const targets = deps.targets();
      const rows = troubleRows(targets, { changes: toMap(changes), worse: toMap(worse) }, spans, since, now);
      const shown = rows.slice(0, q.limit);
      const byId = new Map(targets.map((t) => [t.id, t]));
      const windows = sparkWindows(shown.map((r) => byId.get(r.id)!), q.points, now.getTime());
      const samples = (await Promise.all(windows.map((w) => storage.observations.latencyOf(w.ids, { since: w.since, limit: w.limit })))).flat();
      const perTarget = new Map<string, LatencySample[]>();
      for (const s of samples) {
        const list = perTarget.get(s.targetId) ?? [];
        if (list.length < q.points) list.push(s);
        perTarget.set(s.targetId, list);
      }
      for (const r of shown) {
        const obs = (perTarget.get(r.id) ?? []).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
        r.latency = obs.map(latencyPoint).reverse();
        r.lastObservedAt = obs[0]?.startedAt ?? null;
      }
      return { since: since.toISOString(), until: now.toISOString(), targets: rows.length, capped: spans.length >= MAX_ALERTS ? MAX_ALERTS : null, rows: shown };
    },
  });
}
