/**
 * The verdict: is the path after a change worse, better or the same as
 * before? Pure: judge(before, after, routeEvents, policy) -> Verdict, with a
 * primary reason code, all reasons, the numbers and the evidence.
 *
 * Traps handled here:
 *  - compare like with like: only runs of the newest run's tool/method are
 *    compared; without such runs before, the verdict is "not comparable";
 *  - a median (and a p95 only with policy.minP95Samples) is not moved by one outlier;
 *  - loss is judged end to end with policy.minLossSamples probes on each side;
 *    loss at an intermediate hop that does not carry on (ICMP rate limiting) is
 *    never end-to-end loss and is ignored when locating where loss begins.
 */
import type { RouteEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';
import { asPathKey, mostCommon } from './baseline.js';
import {
  aggregateHops,
  latencyOrigin,
  lossOrigin,
  rateLimitedHops,
  type DegradationOrigin,
  type HopAggregate,
  type RateLimitedHop,
} from './hops.js';
import { facts, methodKey } from './path.js';
import type { JudgePolicy } from './policy.js';
import { isEffectiveWithdraw, toRouteEventRef, type RouteEventRef } from './route-ref.js';
import { pctChange, round3, summarize, type SampleSummary } from './stats.js';

export type VerdictKind = 'worse' | 'better' | 'same';

export type ReasonCode =
  | 'UNREACHABLE'
  | 'RECOVERED'
  | 'LOSS_UP'
  | 'LOSS_DOWN'
  | 'RTT_MEDIAN_UP'
  | 'RTT_MEDIAN_DOWN'
  | 'RTT_P95_UP'
  | 'RTT_P95_DOWN'
  | 'AS_PATH_LONGER'
  | 'AS_PATH_SHORTER'
  | 'AS_PATH_CHANGED'
  | 'HOPS_UP'
  | 'HOPS_DOWN'
  | 'STILL_UNREACHABLE'
  | 'METHOD_CHANGED'
  | 'INSUFFICIENT_SAMPLES'
  | 'NO_SIGNIFICANT_CHANGE';

/**
 * How much each reason weighs and which way it points. The verdict follows the
 * heaviest reason (ties: worse): performance outweighs path shape, so a longer
 * path that is faster is "better", with HOPS_UP kept as a secondary reason.
 */
export const REASON_WEIGHT: Readonly<Record<ReasonCode, { side: VerdictKind; weight: number }>> = {
  UNREACHABLE: { side: 'worse', weight: 100 },
  RECOVERED: { side: 'better', weight: 100 },
  LOSS_UP: { side: 'worse', weight: 80 },
  LOSS_DOWN: { side: 'better', weight: 80 },
  RTT_MEDIAN_UP: { side: 'worse', weight: 60 },
  RTT_MEDIAN_DOWN: { side: 'better', weight: 60 },
  RTT_P95_UP: { side: 'worse', weight: 40 },
  RTT_P95_DOWN: { side: 'better', weight: 40 },
  AS_PATH_LONGER: { side: 'worse', weight: 20 },
  AS_PATH_SHORTER: { side: 'better', weight: 20 },
  HOPS_UP: { side: 'worse', weight: 10 },
  HOPS_DOWN: { side: 'better', weight: 10 },
  AS_PATH_CHANGED: { side: 'same', weight: 0 },
  STILL_UNREACHABLE: { side: 'same', weight: 0 },
  METHOD_CHANGED: { side: 'same', weight: 0 },
  INSUFFICIENT_SAMPLES: { side: 'same', weight: 0 },
  NO_SIGNIFICANT_CHANGE: { side: 'same', weight: 0 },
};

export interface LossNumbers {
  /** Percent 0..100. */
  pct: number;
  sent: number;
  received: number;
}

export interface VerdictNumbers {
  observations: { before: number; after: number };
  /** Fraction of runs whose destination answered. */
  reached: { before: number; after: number };
  rtt: {
    before: SampleSummary | null;
    after: SampleSummary | null;
    medianDeltaMs: number | null;
    medianDeltaPct: number | null;
    p95DeltaMs: number | null;
    p95DeltaPct: number | null;
    judged: boolean;
    p95Judged: boolean;
  };
  loss: { before: LossNumbers; after: LossNumbers; deltaPct: number; judged: boolean };
  hops: { before: number | null; after: number | null };
  asPath: { before: number[]; after: number[] };
}

export interface EvidenceHop {
  ttl: number;
  ips: string[];
  asn: number | null;
  rttMedianMs: number | null;
  lossPct: number;
}

export interface VerdictEvidence {
  methodBefore: string | null;
  methodAfter: string | null;
  oldPath: EvidenceHop[];
  newPath: EvidenceHop[];
  /** First TTL where the old and new paths differ; null when they do not. */
  changeTtl: number | null;
  /** Where a latency / loss rise begins and carries on to the destination. */
  latencyOrigin: DegradationOrigin | null;
  lossOrigin: DegradationOrigin | null;
  /** Hops of the after side whose loss does not carry on (ICMP rate limiting): seen, and not counted as loss. */
  rateLimitedHops: RateLimitedHop[];
  observationIds: { before: string[]; after: string[] };
  routeEvents: RouteEventRef[];
  /** Some routing change (announce, withdraw, peer down) was among the route events. */
  bgpChange: boolean;
}

export interface Verdict {
  verdict: VerdictKind;
  /** False when before and after were measured with different tools/methods. */
  comparable: boolean;
  primary: ReasonCode;
  /** Heaviest first; the primary is the first. */
  reasons: ReasonCode[];
  numbers: VerdictNumbers;
  evidence: VerdictEvidence;
}

interface Side {
  runs: PathObservation[];
  rtt: SampleSummary | null;
  loss: LossNumbers;
  reached: number;
  hops: number | null;
  asPath: number[];
  aggregate: HopAggregate[];
}

function describeSide(runs: PathObservation[]): Side {
  const samples: number[] = [];
  let sent = 0;
  let received = 0;
  const hopCounts = new Map<number, number>();
  const asPaths = new Map<string, number>();
  let reached = 0;
  for (const obs of runs) {
    const f = facts(obs);
    for (const s of f.endToEndRtt) samples.push(s);
    sent += f.endToEndCounts.sent;
    received += f.endToEndCounts.received;
    if (!obs.reached) continue;
    reached++;
    hopCounts.set(f.hopCount, (hopCounts.get(f.hopCount) ?? 0) + 1);
    if (f.asPathKey !== '') asPaths.set(f.asPathKey, (asPaths.get(f.asPathKey) ?? 0) + 1);
  }
  const asKey = mostCommon(asPaths);
  return {
    runs,
    rtt: summarize(samples),
    loss: { pct: sent === 0 ? 0 : round3((1 - received / sent) * 100), sent, received },
    reached: runs.length === 0 ? 0 : reached / runs.length,
    hops: mostCommon(hopCounts) ?? null,
    asPath: asKey === undefined ? [] : asKey.split(' ').map(Number),
    aggregate: aggregateHops(runs),
  };
}

/** Runs of the newest "after" run's tool/method, on both sides. */
function likeWithLike(before: readonly PathObservation[], after: readonly PathObservation[]) {
  const okBefore = before.filter((o) => o.status === 'ok');
  const okAfter = after.filter((o) => o.status === 'ok');
  const newest = okAfter[okAfter.length - 1];
  const key = newest === undefined ? null : methodKey(newest);
  const lastBefore = okBefore[okBefore.length - 1];
  return {
    before: key === null ? okBefore : okBefore.filter((o) => methodKey(o) === key),
    after: key === null ? okAfter : okAfter.filter((o) => methodKey(o) === key),
    methodBefore: lastBefore === undefined ? null : methodKey(lastBefore),
    methodAfter: key,
    hadBefore: okBefore.length > 0,
  };
}

function exceeds(deltaMs: number, deltaPct: number, minMs: number, minPct: number): -1 | 0 | 1 {
  if (deltaMs >= minMs && deltaPct >= minPct) return 1;
  if (-deltaMs >= minMs && -deltaPct >= minPct) return -1;
  return 0;
}

function rttReasons(b: Side, a: Side, policy: JudgePolicy, numbers: VerdictNumbers, reasons: ReasonCode[]): boolean {
  if (b.rtt === null || a.rtt === null) return false;
  const mDelta = a.rtt.median - b.rtt.median;
  const mPct = pctChange(b.rtt.median, a.rtt.median);
  const pDelta = a.rtt.p95 - b.rtt.p95;
  const pPct = pctChange(b.rtt.p95, a.rtt.p95);
  Object.assign(numbers.rtt, {
    medianDeltaMs: round3(mDelta),
    medianDeltaPct: Number.isFinite(mPct) ? round3(mPct) : null,
    p95DeltaMs: round3(pDelta),
    p95DeltaPct: Number.isFinite(pPct) ? round3(pPct) : null,
  });
  if (b.rtt.count < policy.minRttSamples || a.rtt.count < policy.minRttSamples) return false;
  numbers.rtt.judged = true;
  const m = exceeds(mDelta, mPct, policy.rttMedianDeltaMs, policy.rttMedianDeltaPct);
  if (m === 1) reasons.push('RTT_MEDIAN_UP');
  if (m === -1) reasons.push('RTT_MEDIAN_DOWN');
  if (b.rtt.count >= policy.minP95Samples && a.rtt.count >= policy.minP95Samples) {
    numbers.rtt.p95Judged = true;
    const p = exceeds(pDelta, pPct, policy.rttP95DeltaMs, policy.rttP95DeltaPct);
    if (p === 1) reasons.push('RTT_P95_UP');
    if (p === -1) reasons.push('RTT_P95_DOWN');
  }
  return true;
}

function lossReasons(b: Side, a: Side, policy: JudgePolicy, numbers: VerdictNumbers, reasons: ReasonCode[]): boolean {
  numbers.loss.deltaPct = round3(a.loss.pct - b.loss.pct);
  if (b.loss.sent < policy.minLossSamples || a.loss.sent < policy.minLossSamples) return false;
  numbers.loss.judged = true;
  if (numbers.loss.deltaPct >= policy.lossDeltaPct) reasons.push('LOSS_UP');
  if (-numbers.loss.deltaPct >= policy.lossDeltaPct) reasons.push('LOSS_DOWN');
  return true;
}

function shapeReasons(b: Side, a: Side, policy: JudgePolicy, reasons: ReasonCode[]): void {
  if (b.hops !== null && a.hops !== null) {
    if (a.hops - b.hops >= policy.hopCountDelta) reasons.push('HOPS_UP');
    if (b.hops - a.hops >= policy.hopCountDelta) reasons.push('HOPS_DOWN');
  }
  if (b.asPath.length === 0 || a.asPath.length === 0) return;
  const d = a.asPath.length - b.asPath.length;
  if (d >= policy.asPathLengthDelta) reasons.push('AS_PATH_LONGER');
  else if (-d >= policy.asPathLengthDelta) reasons.push('AS_PATH_SHORTER');
  else if (asPathKey(a.asPath) !== asPathKey(b.asPath)) reasons.push('AS_PATH_CHANGED');
}

function toEvidenceHops(agg: readonly HopAggregate[]): EvidenceHop[] {
  return agg.map((h) => ({
    ttl: h.ttl,
    ips: h.ips,
    asn: h.asn,
    rttMedianMs: h.rtt === null ? null : round3(h.rtt.median),
    lossPct: round3(h.loss * 100),
  }));
}

/** Hops of the runs showing the most common signature: the path as a reader would draw it. */
function typicalAggregate(side: Side): HopAggregate[] {
  const counts = new Map<string, number>();
  for (const o of side.runs) counts.set(o.signature, (counts.get(o.signature) ?? 0) + 1);
  const sig = mostCommon(counts);
  const typical = side.runs.filter((o) => o.signature === sig);
  return typical.length === side.runs.length ? side.aggregate : aggregateHops(typical);
}

function firstDifferingTtl(oldPath: readonly EvidenceHop[], newPath: readonly EvidenceHop[]): number | null {
  const maxTtl = Math.max(oldPath[oldPath.length - 1]?.ttl ?? 0, newPath[newPath.length - 1]?.ttl ?? 0);
  for (let ttl = 1; ttl <= maxTtl; ttl++) {
    const o = oldPath.find((h) => h.ttl === ttl);
    const n = newPath.find((h) => h.ttl === ttl);
    if (o === undefined || n === undefined) return ttl;
    if (o.ips.length > 0 && n.ips.length > 0 && !n.ips.some((ip) => o.ips.includes(ip))) return ttl;
  }
  return null;
}

function orderReasons(reasons: ReasonCode[]): ReasonCode[] {
  return [...new Set(reasons)].sort((x, y) => REASON_WEIGHT[y].weight - REASON_WEIGHT[x].weight);
}

export function judge(
  before: readonly PathObservation[],
  after: readonly PathObservation[],
  routeEvents: readonly RouteEvent[],
  policy: JudgePolicy,
): Verdict {
  const like = likeWithLike(before, after);
  const b = describeSide(like.before);
  const a = describeSide(like.after);
  const numbers: VerdictNumbers = {
    observations: { before: b.runs.length, after: a.runs.length },
    reached: { before: round3(b.reached), after: round3(a.reached) },
    rtt: {
      before: b.rtt,
      after: a.rtt,
      medianDeltaMs: null,
      medianDeltaPct: null,
      p95DeltaMs: null,
      p95DeltaPct: null,
      judged: false,
      p95Judged: false,
    },
    loss: { before: b.loss, after: a.loss, deltaPct: 0, judged: false },
    hops: { before: b.hops, after: a.hops },
    asPath: { before: b.asPath, after: a.asPath },
  };
  const oldPath = toEvidenceHops(typicalAggregate(b));
  const newPath = toEvidenceHops(typicalAggregate(a));
  const evidence: VerdictEvidence = {
    methodBefore: like.methodBefore,
    methodAfter: like.methodAfter,
    oldPath,
    newPath,
    changeTtl: firstDifferingTtl(oldPath, newPath),
    latencyOrigin: null,
    lossOrigin: null,
    rateLimitedHops: rateLimitedHops(a.aggregate, policy),
    observationIds: {
      before: like.before.flatMap((o) => (o.id === undefined ? [] : [o.id])),
      after: like.after.flatMap((o) => (o.id === undefined ? [] : [o.id])),
    },
    routeEvents: routeEvents.map(toRouteEventRef),
    bgpChange: routeEvents.some((e) => e.type === 'announce' || isEffectiveWithdraw(e) || e.type === 'peer_down'),
  };

  const reasons: ReasonCode[] = [];
  const comparable = !(like.hadBefore && b.runs.length === 0);
  if (!comparable) {
    return { verdict: 'same', comparable, primary: 'METHOD_CHANGED', reasons: ['METHOD_CHANGED'], numbers, evidence };
  }
  if (b.runs.length === 0 || a.runs.length === 0) {
    return finish(['INSUFFICIENT_SAMPLES'], numbers, evidence);
  }
  if (a.reached === 0 && b.reached >= 0.5) reasons.push('UNREACHABLE');
  else if (b.reached === 0 && a.reached >= 0.5) reasons.push('RECOVERED');
  else if (a.reached === 0 && b.reached === 0) reasons.push('STILL_UNREACHABLE');

  const rttJudged = rttReasons(b, a, policy, numbers, reasons);
  const lossJudged = lossReasons(b, a, policy, numbers, reasons);
  shapeReasons(b, a, policy, reasons);
  const reachFlip = reasons.includes('UNREACHABLE') || reasons.includes('RECOVERED');
  if (!reachFlip && (!rttJudged || !lossJudged)) reasons.push('INSUFFICIENT_SAMPLES');

  if (reasons.includes('RTT_MEDIAN_UP') || reasons.includes('RTT_P95_UP')) {
    evidence.latencyOrigin = latencyOrigin(b.aggregate, a.aggregate, policy);
  }
  if (reasons.includes('LOSS_UP')) evidence.lossOrigin = lossOrigin(b.aggregate, a.aggregate, policy);
  return finish(reasons, numbers, evidence);
}

function finish(reasons: ReasonCode[], numbers: VerdictNumbers, evidence: VerdictEvidence): Verdict {
  const ordered = orderReasons(reasons);
  const top = ordered[0];
  if (top === undefined || REASON_WEIGHT[top].weight === 0) {
    // Nothing points either way: say whether that is "nothing changed" or "too little data to tell".
    const judgedNothing = ordered.includes('INSUFFICIENT_SAMPLES') && !numbers.rtt.judged && !numbers.loss.judged;
    const primary: ReasonCode = ordered.includes('STILL_UNREACHABLE')
      ? 'STILL_UNREACHABLE'
      : judgedNothing
        ? 'INSUFFICIENT_SAMPLES'
        : 'NO_SIGNIFICANT_CHANGE';
    const rest = ordered.filter((r) => r !== primary && r !== 'NO_SIGNIFICANT_CHANGE');
    return { verdict: 'same', comparable: true, primary, reasons: [primary, ...rest], numbers, evidence };
  }
  return { verdict: REASON_WEIGHT[top].side, comparable: true, primary: top, reasons: ordered, numbers, evidence };
}
