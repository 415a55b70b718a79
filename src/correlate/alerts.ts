/**
 * The pure alert state machine.
 *
 * One track per (target, kind, scope): signals saying "the condition holds"
 * (active) or "it does not" (inactive) drive open -> updated -> resolved.
 *  - hold-down: a condition must hold alertHoldDownMs before an alert opens;
 *  - clear: an open alert resolves only after alertClearAfterMs without it;
 *  - dedup: while open, more active signals update the same alert (count++);
 *  - repeat suppression: no second notification for a track within
 *    alertRepeatSuppressMs; a severity escalation is news and is notified;
 *    a resolve is notified only when that alert's open was;
 *  - flapping: alertFlapCount opens within alertFlapWindowMs mark the alert
 *    flapping; that is notified once (it is news), then notifications stop
 *    until the track calms down.
 * step() never mutates its input and never reads a clock: `now` is given.
 * It copies the state's track record on each call, so a daemon with many
 * targets keeps one AlertState per target (cost is per target, not global).
 */
import type { JudgePolicy } from './policy.js';
import type { RouteEventRef } from './route-ref.js';
import { flappingSentence } from './sentence.js';

export type AlertKind =
  | 'path_worse'
  | 'path_better'
  | 'latency'
  | 'loss'
  | 'unreachable'
  | 'route_withdrawn'
  | 'hop_count_change'
  | 'as_path_change'
  /** The path MTU fell below the target's usual one (src/correlate/mtu.ts). */
  | 'mtu_change';

export type AlertSeverity = 'critical' | 'major' | 'minor' | 'info';
export type AlertLifecycle = 'open' | 'updated' | 'resolved';

export const DEFAULT_SEVERITY: Readonly<Record<AlertKind, AlertSeverity>> = {
  unreachable: 'critical',
  route_withdrawn: 'major',
  path_worse: 'major',
  latency: 'major',
  loss: 'major',
  hop_count_change: 'minor',
  as_path_change: 'minor',
  mtu_change: 'minor',
  path_better: 'info',
};

const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { info: 0, minor: 1, major: 2, critical: 3 };

export interface AlertEvidence {
  observationIds: string[];
  routeEvents: RouteEventRef[];
}

export interface AlertSignal {
  targetId: string;
  kind: AlertKind;
  /** Tells apart alerts of one kind on one target: "e2e" (default) or e.g. "hop:10.99.12.2". */
  scope?: string;
  /** The condition holds now. */
  active: boolean;
  severity?: AlertSeverity;
  /** The customer sentence for this condition. */
  summary?: string;
  /** Verdict numbers (or any numbers worth keeping with the alert). */
  numbers?: unknown;
  evidence?: AlertEvidence;
}

export interface Alert {
  id: string;
  targetId: string;
  kind: AlertKind;
  scope: string;
  state: AlertLifecycle;
  severity: AlertSeverity;
  /** ISO-8601. */
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  summary: string;
  numbers: unknown;
  evidence: AlertEvidence;
  flapping: boolean;
  /** Active signals merged into this alert. */
  count: number;
}

export interface AlertTrack {
  targetId: string;
  kind: AlertKind;
  scope: string;
  /** First active signal of a condition not yet open (hold-down), else null. */
  pendingSince: number | null;
  /** First inactive signal while open (clear timer), else null. */
  cleanSince: number | null;
  /** The open alert, or null. */
  current: Alert | null;
  /** Open times within the flap window. */
  opens: number[];
  lastNotifiedAt: number | null;
  /** The open alert has been notified (so its resolve will be). */
  currentNotified: boolean;
  flapping: boolean;
}

export interface AlertState {
  tracks: Readonly<Record<string, AlertTrack>>;
}

export interface AlertAction {
  kind: 'open' | 'update' | 'resolve' | 'notify';
  alert: Alert;
}

export type AlertIdFactory = (targetId: string, kind: AlertKind, scope: string, openedAtMs: number) => string;

/** Deterministic: the same (target, kind, scope, openedAt) always gives the same id. */
export const defaultAlertId: AlertIdFactory = (targetId, kind, scope, openedAtMs) =>
  `${targetId}:${kind}${scope === 'e2e' ? '' : `:${scope}`}:${new Date(openedAtMs).toISOString()}`;

export const EMPTY_ALERT_STATE: AlertState = Object.freeze({ tracks: Object.freeze({}) });

export function alertKey(targetId: string, kind: AlertKind, scope = 'e2e'): string {
  return `${targetId}|${kind}|${scope}`;
}

type Policy = Pick<
  JudgePolicy,
  'alertHoldDownMs' | 'alertClearAfterMs' | 'alertRepeatSuppressMs' | 'alertFlapCount' | 'alertFlapWindowMs'
>;

interface Step {
  track: AlertTrack;
  actions: AlertAction[];
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function withFlapping(summary: string, track: AlertTrack, policy: Policy): string {
  return track.flapping ? `${summary} ${flappingSentence(track.opens.length, policy.alertFlapWindowMs)}` : summary;
}

function suppressed(track: AlertTrack, now: number, policy: Policy): boolean {
  return track.lastNotifiedAt !== null && now - track.lastNotifiedAt < policy.alertRepeatSuppressMs;
}

function notify(step: Step, alert: Alert, now: number): void {
  step.actions.push({ kind: 'notify', alert });
  step.track.lastNotifiedAt = now;
  step.track.currentNotified = alert.state !== 'resolved';
}

function openAlert(track: AlertTrack, signal: AlertSignal, now: number, policy: Policy, ids: AlertIdFactory): Step {
  const opens = [...track.opens.filter((t) => now - t < policy.alertFlapWindowMs), now];
  const flapping = opens.length >= policy.alertFlapCount;
  const startsFlapping = flapping && !track.flapping;
  const next: AlertTrack = { ...track, opens, flapping, pendingSince: null, cleanSince: null, currentNotified: false };
  const alert: Alert = {
    id: ids(track.targetId, track.kind, track.scope, now),
    targetId: track.targetId,
    kind: track.kind,
    scope: track.scope,
    state: 'open',
    severity: signal.severity ?? DEFAULT_SEVERITY[track.kind],
    openedAt: iso(now),
    updatedAt: iso(now),
    resolvedAt: null,
    summary: withFlapping(signal.summary ?? '', next, policy),
    numbers: signal.numbers ?? null,
    evidence: signal.evidence ?? { observationIds: [], routeEvents: [] },
    flapping,
    count: 1,
  };
  next.current = alert;
  const step: Step = { track: next, actions: [{ kind: 'open', alert }] };
  if (startsFlapping || (!flapping && !suppressed(next, now, policy))) notify(step, alert, now);
  return step;
}

function updateAlert(track: AlertTrack, current: Alert, signal: AlertSignal, now: number, policy: Policy): Step {
  const severity = signal.severity ?? current.severity;
  const alert: Alert = {
    ...current,
    state: 'updated',
    severity,
    updatedAt: iso(now),
    summary: withFlapping(signal.summary ?? current.summary, track, policy),
    numbers: signal.numbers ?? current.numbers,
    evidence: mergeEvidence(current.evidence, signal.evidence),
    count: current.count + 1,
  };
  const step: Step = { track: { ...track, current: alert, cleanSince: null }, actions: [{ kind: 'update', alert }] };
  const escalated = SEVERITY_RANK[severity] > SEVERITY_RANK[current.severity];
  if (escalated && !track.flapping) notify(step, alert, now);
  return step;
}

function mergeEvidence(a: AlertEvidence, b: AlertEvidence | undefined): AlertEvidence {
  if (b === undefined) return a;
  const seen = new Set(a.routeEvents.map((e) => JSON.stringify(e)));
  return {
    observationIds: [...new Set([...a.observationIds, ...b.observationIds])],
    routeEvents: [...a.routeEvents, ...b.routeEvents.filter((e) => !seen.has(JSON.stringify(e)))],
  };
}

function resolveAlert(track: AlertTrack, current: Alert, now: number, policy: Policy): Step {
  const opens = track.opens.filter((t) => now - t < policy.alertFlapWindowMs);
  const flapping = track.flapping && opens.length >= policy.alertFlapCount;
  const alert: Alert = { ...current, state: 'resolved', updatedAt: iso(now), resolvedAt: iso(now) };
  const step: Step = {
    track: { ...track, current: null, cleanSince: null, pendingSince: null, opens, flapping, currentNotified: false },
    actions: [{ kind: 'resolve', alert }],
  };
  // A resolve is news to whoever heard of the open, unless the alert flaps.
  if (track.currentNotified && !track.flapping) notify(step, alert, now);
  return step;
}

function emptyTrack(signal: AlertSignal, scope: string): AlertTrack {
  return {
    targetId: signal.targetId,
    kind: signal.kind,
    scope,
    pendingSince: null,
    cleanSince: null,
    current: null,
    opens: [],
    lastNotifiedAt: null,
    currentNotified: false,
    flapping: false,
  };
}

function advance(track: AlertTrack, signal: AlertSignal, now: number, policy: Policy, ids: AlertIdFactory): Step {
  const current = track.current;
  if (signal.active) {
    if (current !== null) return updateAlert(track, current, signal, now, policy);
    const pendingSince = track.pendingSince ?? now;
    if (now - pendingSince >= policy.alertHoldDownMs) return openAlert(track, signal, now, policy, ids);
    return { track: { ...track, pendingSince }, actions: [] };
  }
  if (current === null) return { track: { ...track, pendingSince: null }, actions: [] };
  const cleanSince = track.cleanSince ?? now;
  if (now - cleanSince >= policy.alertClearAfterMs) return resolveAlert(track, current, now, policy);
  return { track: { ...track, cleanSince }, actions: [] };
}

/** Feeds one signal. Returns the new state and what to do (store, notify). */
export function step(
  state: AlertState,
  signal: AlertSignal,
  now: number,
  policy: Policy,
  ids: AlertIdFactory = defaultAlertId,
): { state: AlertState; actions: AlertAction[] } {
  const scope = signal.scope ?? 'e2e';
  const key = alertKey(signal.targetId, signal.kind, scope);
  const track = state.tracks[key] ?? emptyTrack(signal, scope);
  const result = advance(track, signal, now, policy, ids);
  return { state: { tracks: { ...state.tracks, [key]: result.track } }, actions: result.actions };
}

/**
 * The alert states of a correlator resumed from its stored open alerts (after a restart): each
 * continues as the current alert of its track (same id: updated, then resolved, never opened
 * twice), taken as notified when it was opened and last notified when it was last updated.
 */
export function resumeAlerts(open: readonly Alert[]): Map<string, AlertState> {
  const byTarget = new Map<string, Record<string, AlertTrack>>();
  for (const a of open) {
    if (a.state === 'resolved') continue;
    const tracks = byTarget.get(a.targetId) ?? {};
    tracks[alertKey(a.targetId, a.kind, a.scope)] = {
      targetId: a.targetId,
      kind: a.kind,
      scope: a.scope,
      pendingSince: null,
      cleanSince: null,
      current: a,
      opens: [Date.parse(a.openedAt)],
      lastNotifiedAt: Date.parse(a.updatedAt),
      currentNotified: true,
      flapping: a.flapping,
    };
    byTarget.set(a.targetId, tracks);
  }
  return new Map([...byTarget].map(([target, tracks]) => [target, { tracks }]));
}

/** Open alerts (for the API and the UI). */
export function openAlerts(state: AlertState): Alert[] {
  return Object.values(state.tracks).flatMap((t) => (t.current === null ? [] : [t.current]));
}
