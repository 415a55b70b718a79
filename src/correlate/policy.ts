/**
 * The judging policy: every threshold the correlator uses, in one flat,
 * documented object. The config schema mirrors it (correlate section); code
 * receives an already-resolved policy for one target (see `policyForTarget`).
 *
 * Thresholds that come in pairs (ms AND %) must BOTH be met: +10 ms on a 2 ms
 * path is +500% but nobody notices; +30% on a 200 ms path is 60 ms and
 * everybody does. Requiring both keeps noise on short and long paths out.
 */
export interface JudgePolicy {
  // --- path change detection (change.ts) ---
  /** Consecutive observations outside the baseline needed to confirm a path change. */
  confirmAfter: number;
  /** Observations learned before changes are looked for (all of them are learned, ECMP branches included). */
  baselineMinObservations: number;
  /** Observations kept in a target's baseline (the newest win). */
  baselineMaxObservations: number;
  /** Observations older than this (relative to the newest) leave the baseline. */
  baselineMaxAgeMs: number;

  // --- end-to-end latency (judge.ts) ---
  /** RTT samples needed on each side before latency is judged at all. */
  minRttSamples: number;
  /** Median RTT change that counts: at least this many ms ... */
  rttMedianDeltaMs: number;
  /** ... and at least this percentage of the earlier median. */
  rttMedianDeltaPct: number;
  /** p95 RTT change that counts (ms AND %). */
  rttP95DeltaMs: number;
  rttP95DeltaPct: number;
  /** Samples needed on each side before p95 is judged (with fewer, p95 is just the maximum: one outlier). */
  minP95Samples: number;

  // --- end-to-end loss ---
  /** Probes needed on each side before loss is judged (3 probes cannot tell 5% from 0%). */
  minLossSamples: number;
  /** Loss change that counts, in percentage points (5 = from 0% to 5%). */
  lossDeltaPct: number;

  // --- path shape ---
  /** Hop-count change that counts (data plane, TTL of the destination). */
  hopCountDelta: number;
  /** AS-path length change that counts (data plane, ASNs of the hops, repeats collapsed). */
  asPathLengthDelta: number;

  // --- per hop (where a degradation begins) ---
  /** A hop's median RTT must rise by this much (and keep risen on later hops) to be where latency begins. */
  hopRttDeltaMs: number;
  /** A hop's loss must rise by this many points (and carry on to later hops) to be where loss begins. */
  hopLossDeltaPct: number;
  /** Probes needed at a hop before its loss is considered. */
  minHopLossSamples: number;

  // --- absolute alert thresholds (latency / loss alerts regardless of change) ---
  /** End-to-end median RTT at or above this opens a latency alert. */
  latencyAlertMs: number;
  /** End-to-end loss at or above this percentage opens a loss alert (with minLossSamples). */
  lossAlertPct: number;

  // --- route events considered around a change (attribution.ts) ---
  routeWindowBeforeMs: number;
  routeWindowAfterMs: number;

  // --- alert lifecycle (alerts.ts) ---
  /** A condition must hold this long before an alert opens (0: at once). */
  alertHoldDownMs: number;
  /** An open alert resolves only after this long without the condition. */
  alertClearAfterMs: number;
  /** No second notification for the same (target, kind) within this time. */
  alertRepeatSuppressMs: number;
  /** This many opens of the same (target, kind) within alertFlapWindowMs marks it flapping. */
  alertFlapCount: number;
  alertFlapWindowMs: number;
  /**
   * A relative latency/loss degradation on an unchanged path is judged against the runs before it
   * (held while it lasts); after this long it is accepted as the new normal and its alert closes (0: never).
   */
  degradationAcceptAfterMs: number;
}

/** What one target may override: any subset of the policy. */
export type PolicyOverride = Partial<JudgePolicy>;

/** A policy plus per-target overrides, keyed by target id. */
export interface PolicySet {
  defaults: JudgePolicy;
  overrides: Record<string, PolicyOverride>;
}

const MINUTE = 60_000;

export const DEFAULT_POLICY: Readonly<JudgePolicy> = Object.freeze({
  confirmAfter: 2,
  baselineMinObservations: 3,
  baselineMaxObservations: 20,
  baselineMaxAgeMs: 60 * MINUTE,

  minRttSamples: 5,
  rttMedianDeltaMs: 10,
  rttMedianDeltaPct: 20,
  rttP95DeltaMs: 20,
  rttP95DeltaPct: 30,
  minP95Samples: 20,

  minLossSamples: 20,
  lossDeltaPct: 5,

  hopCountDelta: 1,
  asPathLengthDelta: 1,

  hopRttDeltaMs: 10,
  hopLossDeltaPct: 5,
  minHopLossSamples: 20,

  latencyAlertMs: 150,
  lossAlertPct: 5,

  routeWindowBeforeMs: 10 * MINUTE,
  routeWindowAfterMs: 2 * MINUTE,

  alertHoldDownMs: 0,
  alertClearAfterMs: 5 * MINUTE,
  alertRepeatSuppressMs: 30 * MINUTE,
  alertFlapCount: 3,
  alertFlapWindowMs: 60 * MINUTE,
  degradationAcceptAfterMs: 24 * 60 * MINUTE,
});

/**
 * The policy for one target: defaults with that target's overrides on top.
 * Undefined values in an override are ignored (they do not erase a default).
 */
export function policyForTarget(set: PolicySet, targetId: string | undefined): JudgePolicy {
  const override = targetId === undefined ? undefined : set.overrides[targetId];
  return mergePolicy(set.defaults, override);
}

export function mergePolicy(base: JudgePolicy, override: PolicyOverride | undefined): JudgePolicy {
  const merged: JudgePolicy = { ...base };
  if (override === undefined) return merged;
  for (const key of Object.keys(override) as Array<keyof JudgePolicy>) {
    const value = override[key];
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
