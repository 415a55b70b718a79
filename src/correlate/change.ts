/**
 * Path change detection against an ECMP-aware baseline.
 *
 * An observation is OUTSIDE the baseline when it shows, at some TTL, an
 * address never seen at that TTL; when its hop count was never seen; when its
 * AS-level path (hop ASNs, repeats and unknowns collapsed) was never seen; or
 * when reachability flips. Alternating between known ECMP branches, a "*"
 * where an address is known and RTT noise are all INSIDE.
 *
 * A change is confirmed after `policy.confirmAfter` consecutive outside
 * observations; the new path then becomes the baseline. Pure: state in, state out.
 */
import type { PathObservation } from '../probe/types.js';
import {
  emptyBaseline,
  mostCommon,
  rebaseline,
  toBaselineEntry,
  updateBaseline,
  type Baseline,
} from './baseline.js';
import { facts } from './path.js';
import type { JudgePolicy } from './policy.js';

export type OutsideReason = 'NEW_ADDRESS' | 'HOP_COUNT' | 'AS_PATH' | 'UNREACHABLE' | 'REACHABLE';

export interface Outside {
  reasons: OutsideReason[];
  /** First TTL where the observation leaves the learned paths. */
  divergeTtl: number;
  /** Addresses never seen at their TTL. */
  newAddresses: Array<{ ttl: number; ip: string }>;
}

/** Where an observation stands relative to a baseline; null when inside (or the baseline is empty). */
export function classifyObservation(baseline: Baseline, obs: PathObservation): Outside | null {
  if (baseline.entries.length === 0) return null;
  const entry = toBaselineEntry(obs);
  const reasons: OutsideReason[] = [];
  const newAddresses: Outside['newAddresses'] = [];
  let divergeTtl = Number.POSITIVE_INFINITY;

  for (const [ttl, ip] of entry.addresses) {
    if (obs.reached && ttl > entry.hopCount) break;
    if (baseline.addressesByTtl.get(ttl)?.has(ip) === true) continue;
    newAddresses.push({ ttl, ip });
    divergeTtl = Math.min(divergeTtl, ttl);
  }
  if (newAddresses.length > 0) reasons.push('NEW_ADDRESS');

  const mostlyReached = baseline.reachedCount * 2 > baseline.entries.length;
  if (!obs.reached && mostlyReached) {
    reasons.push('UNREACHABLE');
    divergeTtl = Math.min(divergeTtl, entry.hopCount + 1);
  } else if (obs.reached && baseline.reachedCount === 0) {
    reasons.push('REACHABLE');
    divergeTtl = Math.min(divergeTtl, (mostCommon(baseline.hopCounts) ?? 0) + 1);
  } else if (obs.reached && !baseline.hopCounts.has(entry.hopCount)) {
    reasons.push('HOP_COUNT');
    divergeTtl = Math.min(divergeTtl, Math.min(entry.hopCount, mostCommon(baseline.hopCounts) ?? entry.hopCount));
  }

  if (obs.reached && entry.asPath.length > 0 && baseline.asPaths.size > 0) {
    if (!baseline.asPaths.has(entry.asPathKey)) {
      reasons.push('AS_PATH');
      divergeTtl = Math.min(divergeTtl, firstAsDivergenceTtl(obs, mostCommon(baseline.asPaths) ?? ''));
    }
  }
  if (reasons.length === 0) return null;
  return { reasons, divergeTtl: Number.isFinite(divergeTtl) ? divergeTtl : 1, newAddresses };
}

/** TTL of the first hop whose ASN leaves the known AS path (collapsed the same way). */
function firstAsDivergenceTtl(obs: PathObservation, knownKey: string): number {
  const known = knownKey === '' ? [] : knownKey.split(' ').map(Number);
  let pos = -1;
  for (const hop of obs.hops) {
    if (hop.asn === null || hop.asn === undefined) continue;
    if (pos >= 0 && known[pos] === hop.asn) continue;
    pos++;
    if (known[pos] !== hop.asn) return hop.ttl;
  }
  return obs.hops[obs.hops.length - 1]?.ttl ?? 1;
}

export interface MethodChangeState {
  baseline: Baseline;
  /** False while the first `baselineMinObservations` are learned; a confirmed change keeps it true. */
  established: boolean;
  /** Consecutive outside observations, oldest first, not yet learned. */
  pending: PathObservation[];
  pendingOutside: Outside[];
}

/** Per target: one state per tool/method, so a method change is never read as a path change. */
export interface ChangeState {
  targetId: string;
  byMethod: Readonly<Record<string, MethodChangeState>>;
}

export interface PathChange {
  targetId: string;
  methodKey: string;
  reasons: OutsideReason[];
  /** Earliest TTL where the pending observations diverge. */
  divergeTtl: number;
  /** Start of the first outside observation (epoch ms). */
  changeTimeMs: number;
  /** The old baseline's observations and the confirming observations. */
  before: PathObservation[];
  after: PathObservation[];
}

export type ChangeResult =
  | { status: 'skipped'; why: 'failed' | 'other-target' }
  | { status: 'learning'; observations: number }
  | { status: 'inside'; learnedTransients: number }
  | { status: 'pending'; outside: Outside; count: number }
  | { status: 'confirmed'; change: PathChange };

export function emptyChangeState(targetId: string): ChangeState {
  return { targetId, byMethod: {} };
}

/** Feeds one observation to the detector. Never mutates `state`. */
export function observe(
  state: ChangeState,
  obs: PathObservation,
  policy: JudgePolicy,
): { state: ChangeState; result: ChangeResult } {
  if (obs.status !== 'ok') return { state, result: { status: 'skipped', why: 'failed' } };
  if (obs.targetId !== undefined && obs.targetId !== state.targetId) {
    return { state, result: { status: 'skipped', why: 'other-target' } };
  }
  const key = facts(obs).methodKey;
  const current = state.byMethod[key] ?? {
    baseline: emptyBaseline(state.targetId, key),
    established: false,
    pending: [],
    pendingOutside: [],
  };
  const { next, result } = observeMethod(current, obs, policy);
  return { state: { targetId: state.targetId, byMethod: { ...state.byMethod, [key]: next } }, result };
}

function observeMethod(
  s: MethodChangeState,
  obs: PathObservation,
  policy: JudgePolicy,
): { next: MethodChangeState; result: ChangeResult } {
  if (!s.established) {
    const baseline = updateBaseline(s.baseline, obs, policy);
    const established = baseline.entries.length >= policy.baselineMinObservations;
    return {
      next: { ...s, baseline, established },
      result: { status: 'learning', observations: baseline.entries.length },
    };
  }
  const outside = classifyObservation(s.baseline, obs);
  if (outside === null) {
    // A lone outside run followed by an inside one was an alternative seen once
    // (an ECMP branch, a transient): learn it so that alternation stops being news.
    let baseline = s.baseline;
    for (const p of s.pending) baseline = updateBaseline(baseline, p, policy);
    baseline = updateBaseline(baseline, obs, policy);
    return {
      next: { baseline, established: true, pending: [], pendingOutside: [] },
      result: { status: 'inside', learnedTransients: s.pending.length },
    };
  }
  const pending = [...s.pending, obs];
  const pendingOutside = [...s.pendingOutside, outside];
  if (pending.length < policy.confirmAfter) {
    return { next: { ...s, pending, pendingOutside }, result: { status: 'pending', outside, count: pending.length } };
  }
  const reasons = [...new Set(pendingOutside.flatMap((o) => o.reasons))];
  const change: PathChange = {
    targetId: s.baseline.targetId,
    methodKey: s.baseline.methodKey,
    reasons,
    divergeTtl: Math.min(...pendingOutside.map((o) => o.divergeTtl)),
    changeTimeMs: toBaselineEntry(pending[0] ?? obs).timeMs,
    before: s.baseline.entries.map((e) => e.obs),
    after: pending,
  };
  return {
    next: { baseline: rebaseline(s.baseline, pending, policy), established: true, pending: [], pendingOutside: [] },
    result: { status: 'confirmed', change },
  };
}
