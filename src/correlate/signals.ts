/**
 * From judgements to alert signals. Two families:
 *  - change signals (path_worse, path_better, hop_count_change,
 *    as_path_change, per-hop latency/loss where a degradation begins): active
 *    when a confirmed change's verdict says so;
 *  - condition signals (unreachable, end-to-end latency and loss): computed on
 *    the latest window of observations, active or inactive, so that alerts
 *    also resolve.
 */
import type { AlertEvidence, AlertSignal } from './alerts.js';
import type { Verdict } from './judge.js';
import { endToEndCounts, endToEndRttSamples } from './path.js';
import type { JudgePolicy } from './policy.js';
import { describeCondition } from './sentence.js';
import { median } from './stats.js';
import type { PathObservation } from '../probe/types.js';

export function verdictEvidence(v: Verdict): AlertEvidence {
  return { observationIds: [...v.evidence.observationIds.before, ...v.evidence.observationIds.after], routeEvents: v.evidence.routeEvents };
}

/** Signals raised by one verdict on a confirmed path change (only active ones). */
export function changeSignals(targetId: string, v: Verdict, summary: string): AlertSignal[] {
  if (!v.comparable) return [];
  const base = { targetId, active: true, summary, numbers: v.numbers, evidence: verdictEvidence(v) };
  const out: AlertSignal[] = [];
  if (v.verdict === 'worse' && v.primary !== 'UNREACHABLE') out.push({ ...base, kind: 'path_worse' });
  if (v.verdict === 'better') out.push({ ...base, kind: 'path_better' });
  if (v.reasons.some((r) => r === 'HOPS_UP' || r === 'HOPS_DOWN')) out.push({ ...base, kind: 'hop_count_change' });
  if (v.reasons.some((r) => r === 'AS_PATH_LONGER' || r === 'AS_PATH_SHORTER' || r === 'AS_PATH_CHANGED')) {
    out.push({ ...base, kind: 'as_path_change' });
  }
  const lossAt = v.evidence.lossOrigin;
  if (lossAt !== null) out.push({ ...base, kind: 'loss', scope: `hop:${lossAt.ip ?? lossAt.ttl}` });
  const latencyAt = v.evidence.latencyOrigin;
  if (latencyAt !== null) out.push({ ...base, kind: 'latency', scope: `hop:${latencyAt.ip ?? latencyAt.ttl}` });
  return out;
}


/**
 * End-to-end conditions on the latest runs (of one method): unreachable when
 * none reached the destination; latency when the median RTT is at or above
 * policy.latencyAlertMs; loss when, with policy.minLossSamples probes, loss is
 * at or above policy.lossAlertPct. Too few probes leave loss unsignalled.
 */
export function conditionSignals(
  targetId: string,
  recent: readonly PathObservation[],
  policy: JudgePolicy,
  targetName: string = targetId,
): AlertSignal[] {
  const runs = recent.filter((o) => o.status === 'ok');
  if (runs.length === 0) return [];
  const evidence: AlertEvidence = { observationIds: runs.flatMap((o) => (o.id === undefined ? [] : [o.id])), routeEvents: [] };
  const samples = runs.flatMap(endToEndRttSamples);
  let sent = 0;
  let received = 0;
  for (const o of runs) {
    const c = endToEndCounts(o);
    sent += c.sent;
    received += c.received;
  }
  const unreachable = runs.every((o) => !o.reached);
  const med = samples.length === 0 ? null : median(samples);
  const lossPct = sent === 0 ? 0 : (1 - received / sent) * 100;
  const out: AlertSignal[] = [
    { targetId, kind: 'unreachable', active: unreachable, summary: describeCondition('unreachable', targetName, { runs: runs.length }), evidence },
  ];
  if (med !== null && samples.length >= policy.minRttSamples) {
    const summary = describeCondition('latency', targetName, { runs: runs.length, medianMs: med, thresholdMs: policy.latencyAlertMs });
    out.push({ targetId, kind: 'latency', active: med >= policy.latencyAlertMs, summary, numbers: { medianMs: med }, evidence });
  }
  if (!unreachable && sent >= policy.minLossSamples) {
    const summary = describeCondition('loss', targetName, { runs: runs.length, lossPct, sent, thresholdPct: policy.lossAlertPct });
    out.push({ targetId, kind: 'loss', active: lossPct >= policy.lossAlertPct, summary, numbers: { lossPct, sent, received }, evidence });
  }
  return out;
}
