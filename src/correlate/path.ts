/**
 * Read-only views of one PathObservation used by the baseline, change
 * detection and the judge: which hop is the destination, the data-plane AS
 * path, RTT samples and probe counts.
 */
import type { Hop, PathObservation } from '../probe/types.js';

/** Observations are only compared with observations of the same tool and method. */
export function methodKey(obs: Pick<PathObservation, 'tool' | 'method'>): string {
  return `${obs.tool}/${obs.method}`;
}

export function observationTimeMs(obs: Pick<PathObservation, 'startedAt'>): number {
  return Date.parse(obs.startedAt);
}

/** Distinct responding addresses at a hop, in probe order. */
export function hopAddresses(hop: Hop): string[] {
  const out: string[] = [];
  for (const p of hop.probes) if (p.ip !== null && !out.includes(p.ip)) out.push(p.ip);
  return out;
}

/** The hop where the destination answered; the last hop when `reached` but no probe names the target. */
export function destinationHop(obs: PathObservation): Hop | undefined {
  for (const hop of obs.hops) {
    if (hop.probes.some((p) => p.ip === obs.target.address && p.rttMs !== null)) return hop;
  }
  return obs.reached ? obs.hops[obs.hops.length - 1] : undefined;
}

/**
 * Hops to the destination (its TTL); when not reached, the TTL of the last
 * hop that answered at all (trailing "*" lines are the tool giving up, not hops).
 */
export function hopCount(obs: PathObservation): number {
  const dest = obs.reached ? destinationHop(obs) : undefined;
  if (dest !== undefined) return dest.ttl;
  let last = 0;
  for (const hop of obs.hops) if (hop.probes.some((p) => p.ip !== null)) last = Math.max(last, hop.ttl);
  return last;
}

/**
 * The data-plane AS path: the hops' `asn` annotations in TTL order with
 * unknowns (null/undefined, "*" hops) dropped and consecutive repeats
 * collapsed: [65001, null, 65001, 65002, 65002] -> [65001, 65002].
 */
export function asPathOfHops(hops: readonly Hop[]): number[] {
  const out: number[] = [];
  for (const hop of hops) {
    if (hop.asn === null || hop.asn === undefined) continue;
    if (out[out.length - 1] !== hop.asn) out.push(hop.asn);
  }
  return out;
}

export function asPathOf(obs: PathObservation): number[] {
  const hops = obs.reached ? obs.hops.filter((h) => h.ttl <= hopCount(obs)) : obs.hops;
  return asPathOfHops(hops);
}

/**
 * RTT samples of one hop (optionally only replies from `from`): per-probe RTTs
 * when the tool gave one per received probe; otherwise (mtr --json gives
 * aggregates and at most the last reply) the median (or average) repeated once
 * per received probe, an approximation that keeps the median right and the
 * sample count honest but flattens the p95.
 */
export function hopRttSamples(hop: Hop, from?: string): number[] {
  const out: number[] = [];
  for (const p of hop.probes) if (p.rttMs !== null && (from === undefined || p.ip === from)) out.push(p.rttMs);
  if (out.length >= hop.received || hop.rtt === undefined) return out;
  const centre = hop.rtt.median ?? hop.rtt.avg;
  return Array.from({ length: Math.max(1, hop.received) }, () => centre);
}

/** End-to-end RTT samples: the destination's replies only. */
export function endToEndRttSamples(obs: PathObservation): number[] {
  if (!obs.reached) return [];
  const dest = destinationHop(obs);
  if (dest === undefined) return [];
  const fromTarget = hopRttSamples(dest, obs.target.address);
  return fromTarget.length > 0 ? fromTarget : hopRttSamples(dest);
}

export interface ProbeCounts {
  sent: number;
  received: number;
}

function hopSent(hop: Hop): number {
  return hop.sent > 0 ? hop.sent : hop.probes.length;
}

/** Probes sent to and answered by one hop. */
export function hopCounts(hop: Hop): ProbeCounts {
  const sent = hopSent(hop);
  const answered = hop.sent > 0 ? hop.received : hop.probes.filter((p) => p.ip !== null).length;
  return { sent, received: Math.min(sent, answered) };
}

/**
 * End-to-end probe counts: at the destination hop when reached; when not
 * reached, as many probes as the busiest hop got, none answered.
 */
export function endToEndCounts(obs: PathObservation): ProbeCounts {
  const dest = obs.reached ? destinationHop(obs) : undefined;
  if (dest !== undefined) return hopCounts(dest);
  let sent = 0;
  for (const hop of obs.hops) sent = Math.max(sent, hopSent(hop));
  return { sent, received: 0 };
}

/** Everything the correlator derives from one run, computed once. */
export interface ObservationFacts {
  methodKey: string;
  timeMs: number;
  hopCount: number;
  asPath: number[];
  /** asPath joined with spaces ("65001 65002"); "" when no hop is annotated. */
  asPathKey: string;
  /** (TTL, address) pairs that answered. */
  addresses: ReadonlyArray<readonly [number, string]>;
  endToEndRtt: number[];
  endToEndCounts: ProbeCounts;
}

const factsCache = new WeakMap<PathObservation, ObservationFacts>();

/**
 * Memoized per observation object. Observations are treated as immutable
 * values once produced (parsers and storage build new objects), so the cache,
 * keyed by identity and weak, cannot go stale and never leaks.
 */
export function facts(obs: PathObservation): ObservationFacts {
  let f = factsCache.get(obs);
  if (f !== undefined) return f;
  const addresses: Array<readonly [number, string]> = [];
  for (const hop of obs.hops) for (const ip of hopAddresses(hop)) addresses.push([hop.ttl, ip]);
  const asPath = asPathOf(obs);
  f = {
    methodKey: methodKey(obs),
    timeMs: observationTimeMs(obs),
    hopCount: hopCount(obs),
    asPath,
    asPathKey: asPath.join(' '),
    addresses,
    endToEndRtt: endToEndRttSamples(obs),
    endToEndCounts: endToEndCounts(obs),
  };
  factsCache.set(obs, f);
  return f;
}
