/**
 * One observation through the whole pure core: change detection, and on a
 * confirmed change the route events of its window, the verdict, the
 * attribution, the sentence and the alert signals. The service (I/O shell)
 * feeds the signals to alerts.step() and stores what comes out.
 */
import type { RouteEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';
import type { AlertSignal } from './alerts.js';
import { attribute, relevantRouteEvents, watchedPrefixes, type Attribution } from './attribution.js';
import type { PrefixMatcher } from './prefix.js';
import type { RouteHolding } from './decision.js';
import { observe, type ChangeResult, type ChangeState, type PathChange } from './change.js';
import { EMPTY_PERFORMANCE, judgePerformance, type PerformanceState } from './performance.js';
import { judge, type Verdict } from './judge.js';
import { facts } from './path.js';
import type { JudgePolicy } from './policy.js';
import { describeVerdict, type AsNames } from './sentence.js';
import { changeSignals, conditionSignals } from './signals.js';

export interface AssessContext {
  policy: JudgePolicy;
  nowMs: number;
  targetName: string;
  /** The target's covering prefix from the RIB; null: taken from the destination hop's `prefix` annotation. */
  targetPrefix: string | null;
  /**
   * Recent route events, chronological, with the RIB's routes at the window start first (as
   * announces). A function is called only on a confirmed change, with the prefixes that matter to
   * it (it may leave out the events of other prefixes).
   */
  routeEvents: readonly RouteEvent[] | ((watched: PrefixMatcher) => readonly RouteEvent[]);
  asNames?: AsNames;
  /** ASNs never blamed (the operator's own), except for their own routing decisions. */
  ignoreAsns?: readonly number[];
  /** Routes held now for the target's prefix (the RIB): shows whether an old route is still received. A function is called only on a confirmed change. */
  ribRoutes?: readonly RouteHolding[] | (() => readonly RouteHolding[]);
}

/** Change detection's state plus, per tool/method, the relative-degradation state (performance.ts). */
export interface AssessState extends ChangeState {
  performance?: Readonly<Record<string, PerformanceState>>;
}

export interface Assessment {
  state: AssessState;
  result: ChangeResult;
  /**
   * Without a confirmed change: the latest runs (policy.confirmAfter of them)
   * judged against the older runs of the same path, null while learning. A
   * latency or loss rise on an unchanged path shows here (no routing change).
   */
  performance: Verdict | null;
  /** Set on a confirmed change. */
  verdict: Verdict | null;
  attribution: Attribution | null;
  sentence: string | null;
  routeEvents: RouteEvent[];
  signals: AlertSignal[];
}

/** Prefixes annotated on the hops from the divergence on (where routing may have moved). */
function changedHopPrefixes(change: PathChange): string[] {
  const out = new Set<string>();
  for (const obs of change.after) {
    for (const hop of obs.hops) if (hop.ttl >= change.divergeTtl && hop.prefix != null) out.add(hop.prefix);
  }
  return [...out];
}

function destinationPrefix(observations: readonly PathObservation[]): string | null {
  for (const obs of [...observations].reverse()) {
    const last = obs.hops[obs.hops.length - 1];
    if (obs.reached && last?.prefix != null) return last.prefix;
  }
  return null;
}

export function assess(state: AssessState, obs: PathObservation, ctx: AssessContext): Assessment {
  const { state: observed, result } = observe(state, obs, ctx.policy);
  const key = facts(obs).methodKey;
  const perfBefore = state.performance?.[key] ?? EMPTY_PERFORMANCE;
  const withPerf = (p: PerformanceState): AssessState => ({ ...observed, performance: { ...state.performance, [key]: p } });
  const next = withPerf(perfBefore);
  const track = observed.byMethod[key];
  const recent = [...(track?.baseline.entries.map((e) => e.obs) ?? []), ...(track?.pending ?? [])].slice(-ctx.policy.confirmAfter);
  const targetId = state.targetId;
  const signals = result.status === 'skipped' ? [] : conditionSignals(targetId, recent, ctx.policy, ctx.targetName);
  if (result.status !== 'confirmed') {
    const perf = result.status === 'inside' && track !== undefined ? judgePerformance(track.baseline.entries.map((e) => e.obs), perfBefore, targetId, ctx) : null;
    return {
      state: perf === null ? next : withPerf(perf.state),
      result,
      performance: perf?.verdict ?? null,
      verdict: null,
      attribution: perf?.attribution ?? null,
      sentence: perf?.sentence ?? null,
      routeEvents: [],
      signals: [...signals, ...(perf?.signals ?? [])],
    };
  }
  const change = result.change;
  const prefix = ctx.targetPrefix ?? destinationPrefix([...change.before, ...change.after]);
  const hopPrefixes = changedHopPrefixes(change);
  const events = relevantRouteEvents(
    typeof ctx.routeEvents === 'function' ? ctx.routeEvents(watchedPrefixes(prefix, hopPrefixes)) : ctx.routeEvents,
    prefix,
    hopPrefixes,
    change.changeTimeMs,
    ctx.policy.routeWindowBeforeMs,
    ctx.policy.routeWindowAfterMs,
  );
  const verdict = judge(change.before, change.after, events, ctx.policy);
  const attribution = attribute(verdict, events, { ignoreAsns: ctx.ignoreAsns ?? [], ribRoutes: typeof ctx.ribRoutes === 'function' ? ctx.ribRoutes() : (ctx.ribRoutes ?? []) });
  const sentence = describeVerdict({
    targetName: ctx.targetName,
    verdict,
    attribution,
    changeTimeMs: change.changeTimeMs,
    nowMs: ctx.nowMs,
    ...(ctx.asNames === undefined ? {} : { asNames: ctx.asNames }),
  });
  return {
    // A new path: a degradation held against the old one is over (the change alerts speak for it).
    state: withPerf(EMPTY_PERFORMANCE),
    result,
    performance: null,
    verdict,
    attribution,
    sentence,
    routeEvents: events,
    signals: [
      ...changeSignals(targetId, verdict, sentence),
      // The verdict's sentence says more (cause, responsible AS) than the bare condition's.
      ...signals.map((s) => (s.kind === 'unreachable' && s.active ? { ...s, summary: sentence } : s)),
    ],
  };
}
