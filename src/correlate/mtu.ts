/**
 * Path MTU changes, pure: the measurements of one target (oldest first, one
 * at a time) through a small state machine that knows the target's usual path
 * MTU (the reference) and says when a different value is confirmed.
 *
 *  - the first measured MTU is the reference;
 *  - a different value counts once it is seen policy.confirmAfter times in a
 *    row (one odd run changes nothing);
 *  - lower than the reference = worse: an active mtu_change signal with the
 *    customer sentence, repeated on every run while it holds (the alert
 *    machine dedups, holds down and clears);
 *  - back at the reference, or higher: inactive (the alert clears), and a
 *    confirmed higher value becomes the new reference;
 *  - a run without an MTU (failed, destination silent) says nothing.
 * Never reads a clock: times come from the measurements, `nowMs` from the caller.
 */
import type { PmtuLimit, PmtuMeasurement } from '../probe/pmtu/types.js';
import type { AlertSeverity, AlertSignal } from './alerts.js';
import type { JudgePolicy } from './policy.js';
import { asLabel, formatTime, type AsNames } from './sentence.js';

export interface MtuState {
  /** The usual path MTU; null until the first measurement with one. */
  reference: number | null;
  /** A confirmed MTU below the reference (the open condition), else null. */
  lowered: { mtu: number; sinceMs: number; limit: PmtuLimit | null } | null;
  /** A value other than the current one, seen `runs` times in a row, not yet confirmed. */
  candidate: { mtu: number; sinceMs: number; runs: number; limit: PmtuLimit | null } | null;
}

export const EMPTY_MTU_STATE: MtuState = Object.freeze({ reference: null, lowered: null, candidate: null });

export interface MtuChange {
  fromMtu: number;
  toMtu: number;
  direction: 'lower' | 'higher';
  /** When the new value was first seen (epoch ms). */
  sinceMs: number;
  limit: PmtuLimit | null;
}

export interface MtuStep {
  state: MtuState;
  /** Confirmed by this measurement, else null. */
  change: MtuChange | null;
  /** What the alert machine should hear (null: nothing to say). */
  signal: AlertSignal | null;
}

export interface MtuContext {
  policy: Pick<JudgePolicy, 'confirmAfter'>;
  targetName: string;
  nowMs: number;
  asNames?: AsNames;
}

/** Below the IPv6 minimum link MTU (RFC 8200 section 5) something is badly wrong: major, else minor. */
export function mtuSeverity(mtu: number): AlertSeverity {
  return mtu < 1280 ? 'major' : 'minor';
}

function where(limit: PmtuLimit | null, names?: AsNames): string {
  if (limit === null || limit.ip === null) return '';
  const as = limit.asn == null ? '' : `, ${asLabel(limit.asn, names)}`;
  return `; the limit is at ${limit.ip} (hop ${limit.ttl}${as})`;
}

/**
 * "Since 14:02 UTC the largest packet that reaches shop.example without
 * fragmentation is 1400 bytes instead of 1500 (100 bytes less); the limit is
 * at 10.98.1.1 (hop 1, AS 65001). Bigger packets rely on ICMP "fragmentation
 * needed" messages getting back; where those are filtered, connections stall."
 */
export function describeMtuDrop(input: { targetName: string; fromMtu: number; toMtu: number; sinceMs: number; nowMs: number; limit: PmtuLimit | null; tool?: string; asNames?: AsNames }): string {
  const less = input.fromMtu - input.toMtu;
  return (
    `Since ${formatTime(input.sinceMs, input.nowMs)} the largest packet that reaches ${input.targetName} without fragmentation is ` +
    `${input.toMtu} bytes instead of ${input.fromMtu} (${less} bytes less)${where(input.limit, input.asNames)}` +
    `${input.tool ? `, measured with ${input.tool}` : ''}. Bigger packets rely on ICMP "fragmentation needed" messages getting back; where those are filtered, connections stall.`
  );
}

function signalFor(targetId: string, state: MtuState, m: PmtuMeasurement, ctx: MtuContext): AlertSignal {
  const low = state.lowered;
  if (low === null || state.reference === null) return { targetId, kind: 'mtu_change', active: false };
  const numbers = { referenceMtu: state.reference, pathMtu: low.mtu, sinceMs: low.sinceMs, limit: low.limit, tool: m.tool };
  return {
    targetId,
    kind: 'mtu_change',
    active: true,
    severity: mtuSeverity(low.mtu),
    summary: describeMtuDrop({ targetName: ctx.targetName, fromMtu: state.reference, toMtu: low.mtu, sinceMs: low.sinceMs, nowMs: ctx.nowMs, limit: low.limit, tool: m.tool, ...(ctx.asNames ? { asNames: ctx.asNames } : {}) }),
    numbers,
    evidence: { observationIds: m.id ? [m.id] : [], routeEvents: [] },
  };
}

export function observeMtu(state: MtuState, m: PmtuMeasurement, ctx: MtuContext): MtuStep {
  const v = m.status === 'ok' ? m.pathMtu : null;
  if (v === null) return { state, change: null, signal: null };
  const timeMs = Date.parse(m.measuredAt);
  if (state.reference === null) {
    const next: MtuState = { reference: v, lowered: null, candidate: null };
    return { state: next, change: null, signal: signalFor(m.targetId, next, m, ctx) };
  }
  const current = state.lowered?.mtu ?? state.reference;
  if (v === current) {
    const next: MtuState = { ...state, candidate: null };
    return { state: next, change: null, signal: signalFor(m.targetId, next, m, ctx) };
  }
  const c = state.candidate;
  const candidate = c !== null && c.mtu === v ? { ...c, runs: c.runs + 1, limit: c.limit ?? m.limit } : { mtu: v, sinceMs: timeMs, runs: 1, limit: m.limit };
  if (candidate.runs < Math.max(1, ctx.policy.confirmAfter)) {
    const next: MtuState = { ...state, candidate };
    return { state: next, change: null, signal: signalFor(m.targetId, next, m, ctx) };
  }
  const change: MtuChange = { fromMtu: current, toMtu: v, direction: v < current ? 'lower' : 'higher', sinceMs: candidate.sinceMs, limit: candidate.limit };
  const next: MtuState =
    v < state.reference
      ? { reference: state.reference, lowered: { mtu: v, sinceMs: candidate.sinceMs, limit: candidate.limit }, candidate: null }
      : { reference: Math.max(v, state.reference), lowered: null, candidate: null };
  return { state: next, change, signal: signalFor(m.targetId, next, m, ctx) };
}

/** One step of an MTU history: from when a value held (for the API and the target page). */
export interface MtuStepRecord {
  mtu: number;
  since: string;
  tool: string;
  limit: PmtuLimit | null;
}

/** The distinct consecutive MTU values of a history (any order in, oldest first out); runs without an MTU skipped. */
export function mtuSteps(history: readonly PmtuMeasurement[]): MtuStepRecord[] {
  const sorted = [...history].filter((m) => m.pathMtu !== null).sort((a, b) => a.measuredAt.localeCompare(b.measuredAt));
  const out: MtuStepRecord[] = [];
  for (const m of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.mtu === m.pathMtu) {
      if (last.limit === null && m.limit !== null) last.limit = m.limit;
      continue;
    }
    out.push({ mtu: m.pathMtu as number, since: m.measuredAt, tool: m.tool, limit: m.limit });
  }
  return out;
}
