import type { Server } from '@hapi/hapi';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { PathObservation } from '../../probe/types.js';
import type { AlertSpan, LatencySample, Storage, StoredAlert, TargetVerdictCount } from '../../storage/repositories.js';
import type { LatencyMemory } from '../latency-memory.js';
import type { TroubleMemory } from '../trouble-memory.js';
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
  /** The newest runs per target from the bus; without it every sparkline is read from storage. */
  latency?: LatencyMemory;
  /** Running counts of path changes and alert spans; without it (or for periods past its horizon) storage counts. */
  troubles?: TroubleMemory;
  /** An answer is reused this long for the same question (the page polls; FerretDB scans). Default 10 s, 0 = never. */
  cacheMs?: number;
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
 * Counts from running aggregates (TroubleMemory: read once, kept current from
 * the bus); for periods past its horizon, one aggregate ($match + $group $sum,
 * which FerretDB runs too) of path changes per target and verdict and one light
 * read of the alerts open during the period. Sparklines from memory
 * (LatencyMemory), and for targets it cannot answer yet, one read per distinct
 * probe interval among the rows shown. Same questions within cacheMs share an answer.
 */
export function registerOverviewRoutes(server: Server, deps: OverviewDeps): void {
  const cacheMs = deps.cacheMs ?? 10_000;
  const cache = new Map<string, { at: number; answer: Promise<OverviewAnswer> }>();
  server.route({
    method: 'GET',
    path: '/api/overview',
    options: {
      description: 'Troubled destinations since a time (default 24 h): path changes, worse verdicts, alerts, minutes in alert, and a latency sparkline each',
      tags: ['api', 'overview'],
      validate: { query: zod(overviewQuery), failAction },
    },
    handler: (req) => {
      const q = req.query as z.infer<typeof overviewQuery>;
      const nowMs = deps.clock.nowMs();
      const key = `${q.since ?? 'day'}|${q.points}|${q.limit}`;
      const hit = cache.get(key);
      if (hit && nowMs - hit.at < cacheMs) return hit.answer;
      const answer = overview(deps, q, new Date(nowMs));
      cache.set(key, { at: nowMs, answer });
      // A failed answer is not kept; the cache stays small (one entry per distinct question, the oldest go).
      answer.catch(() => cache.delete(key));
      if (cache.size > 20) cache.delete(cache.keys().next().value!);
      return answer;
    },
  });
}

interface OverviewAnswer {
  since: string;
  until: string;
  targets: number;
  capped: number | null;
  rows: TargetTrouble[];
}

async function overview(deps: OverviewDeps, q: z.infer<typeof overviewQuery>, now: Date): Promise<OverviewAnswer> {
  const { storage, latency } = deps;
  const since = q.since ? new Date(q.since) : new Date(now.getTime() - DAY_MS);
  const fromMemory = deps.troubles && (await deps.troubles.covers(since)) ? deps.troubles : null;
  const [counts, spans] = fromMemory
    ? [fromMemory.counts(since), fromMemory.spans(since)]
    : await Promise.all([storage.pathChanges.countByTarget({ since }).then(changeCounts), storage.alerts.spans({ since, limit: MAX_ALERTS })]);
  const targets = deps.targets();
  const rows = troubleRows(targets, counts, spans, since, now);
  const shown = rows.slice(0, q.limit);
  const sparks = new Map<string, LatencySample[]>();
  for (const r of shown) {
    const runs = latency?.newest(r.id, q.points);
    if (runs) sparks.set(r.id, runs);
  }
  const byId = new Map(targets.map((t) => [t.id, t]));
  const unknown = shown.filter((r) => !sparks.has(r.id)).map((r) => byId.get(r.id)!);
  const windows = sparkWindows(unknown, q.points, now.getTime());
  const samples = (await Promise.all(windows.map((w) => storage.observations.latencyOf(w.ids, { since: w.since, limit: w.limit })))).flat();
  const read = new Map<string, LatencySample[]>(unknown.map((t) => [t.id, []]));
  for (const s of samples) read.get(s.targetId)?.push(s);
  for (const [id, list] of read) {
    if (latency) {
      latency.backfill(id, list);
      sparks.set(id, latency.newest(id, q.points) ?? []);
    } else sparks.set(id, list.sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-q.points));
  }
  for (const r of shown) {
    const runs = sparks.get(r.id) ?? [];
    r.latency = runs.map(latencyPoint);
    r.lastObservedAt = runs.at(-1)?.startedAt ?? null;
  }
  return { since: since.toISOString(), until: now.toISOString(), targets: rows.length, capped: spans.length >= MAX_ALERTS ? MAX_ALERTS : null, rows: shown };
}

/** Per-target totals and "worse" counts from the per-verdict aggregate. Pure. */
export function changeCounts(rows: readonly TargetVerdictCount[]): { changes: Map<string, number>; worse: Map<string, number> } {
  const changes = new Map<string, number>();
  const worse = new Map<string, number>();
  for (const r of rows) {
    changes.set(r.targetId, (changes.get(r.targetId) ?? 0) + r.count);
    if (r.verdict === 'worse') worse.set(r.targetId, (worse.get(r.targetId) ?? 0) + r.count);
  }
  return { changes, worse };
}
