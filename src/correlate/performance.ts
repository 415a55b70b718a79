/**
 * Relative latency/loss on an unchanged path: the newest runs (policy.confirmAfter
 * of them) judged against the older runs of the baseline window.
 *
 * The trap: the window slides. A degradation that lasts as long as the window
 * fills it, the "older runs" are then degraded too, and the comparison would
 * say "no change" while the path is still worse than before. So when a rise is
 * seen, the runs before it are FROZEN as the reference (a degradation
 * episode): later runs are judged against them until they are no longer worse
 * (real recovery), or until policy.degradationAcceptAfterMs has passed (0:
 * never); then the degraded level is accepted as the new normal, said in the
 * alert, and runs from before the change never serve as a reference again.
 * Pure: state in, state out; the clock is ctx.nowMs.
 */
import type { PathObservation } from '../probe/types.js';
import type { AlertSignal } from './alerts.js';
import { attribute, type Attribution } from './attribution.js';
import { aggregateHops, rateLimitedHops } from './hops.js';
import { judge, type Verdict } from './judge.js';
import { facts } from './path.js';
import type { JudgePolicy } from './policy.js';
import { acceptedNote, describeVerdict, referenceNote, type AsNames } from './sentence.js';
import { verdictEvidence } from './signals.js';

/** A relative degradation in progress: the runs before it, held as the reference. */
export interface DegradationEpisode {
  reference: PathObservation[];
  /** Start of the first degraded run (epoch ms). */
  sinceMs: number;
  /** When the degraded level was accepted as the new normal (its runs are then the reference), else null. */
  acceptedAtMs: number | null;
}

/** Per tool/method of a target. */
export interface PerformanceState {
  episode: DegradationEpisode | null;
  /** Runs older than this never serve as a reference (set when a degradation is accepted). */
  floorMs: number;
}

export const EMPTY_PERFORMANCE: PerformanceState = Object.freeze({ episode: null, floorMs: Number.NEGATIVE_INFINITY });

export interface PerformanceContext {
  policy: JudgePolicy;
  nowMs: number;
  targetName: string;
  asNames?: AsNames;
  ignoreAsns?: readonly number[];
}

export interface PerformanceResult {
  verdict: Verdict;
  attribution: Attribution | null;
  sentence: string | null;
  signals: AlertSignal[];
  state: PerformanceState;
  /** This judgement accepted a lasting degradation as the new normal. */
  accepted: boolean;
}

const timeOf = (o: PathObservation) => facts(o).timeMs;

/** The first of the newest runs that is worse on its own (its median RTT or its loss past the thresholds); else the first. */
function firstDegraded(latest: readonly PathObservation[], v: Verdict, policy: JudgePolicy): PathObservation | undefined {
  const refMedian = v.numbers.rtt.before?.median ?? null;
  const refLoss = v.numbers.loss.before.pct;
  const worse = (o: PathObservation) => {
    const f = facts(o);
    const samples = [...f.endToEndRtt].sort((a, b) => a - b);
    const med = samples.length === 0 ? null : samples[Math.floor((samples.length - 1) / 2)]!;
    const rttUp =
      v.reasons.includes('RTT_MEDIAN_UP') && refMedian !== null && med !== null && med - refMedian >= policy.rttMedianDeltaMs && (refMedian === 0 || ((med - refMedian) / refMedian) * 100 >= policy.rttMedianDeltaPct);
    const c = f.endToEndCounts;
    const lossUp = v.reasons.includes('LOSS_UP') && c.sent > 0 && (1 - c.received / c.sent) * 100 - refLoss >= policy.lossDeltaPct;
    return rttUp || lossUp;
  };
  return latest.find(worse) ?? latest[0];
}

/** null while there is nothing to compare (fewer than confirmAfter + 1 runs since the floor). */
export function judgePerformance(
  window: readonly PathObservation[],
  state: PerformanceState,
  targetId: string,
  ctx: PerformanceContext,
): PerformanceResult | null {
  const { policy } = ctx;
  const k = policy.confirmAfter;
  const latest = window.slice(-k);
  const first = latest[0];
  const older = window.slice(0, -k).filter((o) => timeOf(o) >= state.floorMs);
  const reference = state.episode?.reference ?? older;
  if (first === undefined || latest.length < k || reference.length === 0) return null;

  const verdict = judge(reference, latest, [], policy);
  // Hop loss that does not carry on, over the whole window (the newest runs alone have too few probes).
  // (Aggregated only when some hop lost a reply: most windows have none.)
  const hopLoss = window.some((o) => o.hops.some((h) => h.loss > 0));
  verdict.evidence.rateLimitedHops = hopLoss ? rateLimitedHops(aggregateHops(window), policy) : [];
  const up = verdict.reasons.includes('RTT_MEDIAN_UP') || verdict.reasons.includes('LOSS_UP');

  let episode = state.episode;
  let floorMs = state.floorMs;
  let accepted = false;
  if (up && (episode === null || episode.acceptedAtMs !== null)) {
    // A new rise: against the sliding window, or against the level accepted earlier.
    episode = { reference, sinceMs: timeOf(firstDegraded(latest, verdict, policy) ?? first), acceptedAtMs: null };
  } else if (up && episode !== null && policy.degradationAcceptAfterMs > 0 && ctx.nowMs - episode.sinceMs >= policy.degradationAcceptAfterMs) {
    accepted = true;
    const since = episode.sinceMs;
    const degraded = window.filter((o) => timeOf(o) >= since);
    episode = { reference: degraded.length > 0 ? degraded : [...latest], sinceMs: since, acceptedAtMs: ctx.nowMs };
    floorMs = Math.max(floorMs, since);
  } else if (!up && episode !== null) {
    // Recovered (or, after an acceptance, level with the new normal): back to the sliding window.
    if (episode.acceptedAtMs !== null) floorMs = Math.max(floorMs, episode.sinceMs);
    episode = null;
  }
  const held = episode !== null && episode.acceptedAtMs === null;
  const worse = verdict.verdict === 'worse' && up;
  const attribution = worse ? attribute(verdict, [], { ignoreAsns: ctx.ignoreAsns ?? [] }) : null;
  let sentence: string | null = null;
  if (worse) {
    const sinceMs = episode?.sinceMs ?? timeOf(first);
    const base = describeVerdict({
      targetName: ctx.targetName,
      verdict,
      attribution,
      changeTimeMs: sinceMs,
      nowMs: ctx.nowMs,
      ...(ctx.asNames === undefined ? {} : { asNames: ctx.asNames }),
    });
    const note = accepted
      ? acceptedNote(policy.degradationAcceptAfterMs)
      : held
        ? referenceNote(reference.length, sinceMs, ctx.nowMs, policy.degradationAcceptAfterMs)
        : '';
    sentence = note === '' ? base : `${base} ${note}`;
  }
  const common = { targetId, scope: 'baseline', summary: sentence ?? '', numbers: verdict.numbers, evidence: verdictEvidence(verdict) };
  const signals: AlertSignal[] = [];
  // After an acceptance the alert is updated once with the note (active), then clears as the runs stay level.
  if (verdict.numbers.rtt.judged) signals.push({ ...common, kind: 'latency', active: verdict.reasons.includes('RTT_MEDIAN_UP') });
  if (verdict.numbers.loss.judged) signals.push({ ...common, kind: 'loss', active: verdict.reasons.includes('LOSS_UP') });
  return { verdict, attribution, sentence, signals, state: { episode, floorMs }, accepted };
}
