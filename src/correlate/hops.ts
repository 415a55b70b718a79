/**
 * Per-hop aggregates over several observations and where a degradation
 * begins. The key trap: routers rate-limit the ICMP they generate, so an
 * intermediate hop may "lose" probes or answer slowly while forwarding
 * perfectly. A rise only counts when it CARRIES ON to every later hop that
 * can be compared (the destination included); otherwise it is ignored.
 */
import type { PathObservation } from '../probe/types.js';
import { hopAddresses, hopCount, hopCounts, hopRttSamples } from './path.js';
import type { JudgePolicy } from './policy.js';
import { summarize, type SampleSummary } from './stats.js';

export interface HopAggregate {
  ttl: number;
  /** Addresses seen at this TTL (several with ECMP). */
  ips: string[];
  /** Most common ASN annotation, null when none. */
  asn: number | null;
  rtt: SampleSummary | null;
  sent: number;
  received: number;
  /** Fraction 0..1. */
  loss: number;
}

interface HopAccumulator {
  ips: string[];
  asns: Map<number, number>;
  samples: number[];
  sent: number;
  received: number;
}

/** Aggregates hops by TTL over observations (reached runs only up to their destination). */
export function aggregateHops(observations: readonly PathObservation[]): HopAggregate[] {
  const byTtl = new Map<number, HopAccumulator>();
  for (const obs of observations) {
    if (obs.status !== 'ok') continue;
    const last = obs.reached ? hopCount(obs) : Number.POSITIVE_INFINITY;
    for (const hop of obs.hops) {
      if (hop.ttl > last) break;
      let acc = byTtl.get(hop.ttl);
      if (acc === undefined) {
        acc = { ips: [], asns: new Map(), samples: [], sent: 0, received: 0 };
        byTtl.set(hop.ttl, acc);
      }
      for (const ip of hopAddresses(hop)) if (!acc.ips.includes(ip)) acc.ips.push(ip);
      if (typeof hop.asn === 'number') acc.asns.set(hop.asn, (acc.asns.get(hop.asn) ?? 0) + 1);
      for (const s of hopRttSamples(hop)) acc.samples.push(s);
      const c = hopCounts(hop);
      acc.sent += c.sent;
      acc.received += c.received;
    }
  }
  return [...byTtl.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([ttl, acc]) => ({
      ttl,
      ips: acc.ips,
      asn: topAsn(acc.asns),
      rtt: summarize(acc.samples),
      sent: acc.sent,
      received: acc.received,
      loss: acc.sent === 0 ? 0 : 1 - acc.received / acc.sent,
    }));
}

function topAsn(asns: Map<number, number>): number | null {
  let best: number | null = null;
  let n = 0;
  for (const [asn, count] of asns) if (count > n) [best, n] = [asn, count];
  return best;
}

export interface DegradationOrigin {
  kind: 'latency' | 'loss';
  ttl: number;
  ip: string | null;
  asn: number | null;
  /** Rise at that hop: ms for latency, percentage points for loss. */
  delta: number;
  /**
   * The hop's address was on the old path too (the same router got worse in
   * place); false when it was compared with whatever sat at its TTL before
   * (a detour that is slower from here on).
   */
  onOldPath: boolean;
}

/** The before-hop to compare an after-hop with: one sharing an address, else the same TTL. */
function referenceHop(before: readonly HopAggregate[], hop: HopAggregate): HopAggregate | undefined {
  return before.find((b) => b.ips.some((ip) => hop.ips.includes(ip))) ?? before.find((b) => b.ttl === hop.ttl);
}

/** Per comparable after-hop, the rise `measure` gives (null: not comparable); the first rise that carries on. */
function firstCarriedRise(
  before: readonly HopAggregate[],
  after: readonly HopAggregate[],
  kind: DegradationOrigin['kind'],
  threshold: number,
  measure: (hop: HopAggregate, ref: HopAggregate) => number | null,
): DegradationOrigin | null {
  const deltas: Array<{ hop: HopAggregate; delta: number; sameAddress: boolean }> = [];
  for (const hop of after) {
    const ref = referenceHop(before, hop);
    const delta = ref === undefined ? null : measure(hop, ref);
    if (delta !== null) deltas.push({ hop, delta, sameAddress: ref?.ips.some((ip) => hop.ips.includes(ip)) === true });
  }
  for (let i = 0; i < deltas.length; i++) {
    const d = deltas[i];
    if (d === undefined || d.delta < threshold) continue;
    if (deltas.slice(i + 1).every((later) => later.delta >= threshold)) {
      return { kind, ttl: d.hop.ttl, ip: d.hop.ips[0] ?? null, asn: d.hop.asn, delta: d.delta, onOldPath: d.sameAddress };
    }
  }
  return null;
}

/** First hop where the median RTT rises by policy.hopRttDeltaMs and stays risen to the end. */
export function latencyOrigin(
  before: readonly HopAggregate[],
  after: readonly HopAggregate[],
  policy: JudgePolicy,
): DegradationOrigin | null {
  return firstCarriedRise(before, after, 'latency', policy.hopRttDeltaMs, (hop, ref) =>
    hop.rtt === null || ref.rtt === null ? null : hop.rtt.median - ref.rtt.median,
  );
}

/**
 * First hop where loss rises by policy.hopLossDeltaPct points and carries on
 * to every later hop with enough probes. Loss at an intermediate hop that
 * later hops do not show is ICMP rate limiting and yields nothing.
 */
export function lossOrigin(
  before: readonly HopAggregate[],
  after: readonly HopAggregate[],
  policy: JudgePolicy,
): DegradationOrigin | null {
  const min = policy.minHopLossSamples;
  return firstCarriedRise(before, after, 'loss', policy.hopLossDeltaPct, (hop, ref) =>
    hop.sent < min || ref.sent < min ? null : (hop.loss - ref.loss) * 100,
  );
}

/** An intermediate hop losing replies while later hops do not: ICMP rate limiting (or filtering), not loss. */
export interface RateLimitedHop {
  ttl: number;
  ip: string | null;
  asn: number | null;
  /** Replies missing at this hop, percent. */
  lossPct: number;
  sent: number;
  /** The last hop with enough probes (the destination when reached) and its loss, percent. */
  laterTtl: number;
  laterLossPct: number;
}

/**
 * Hops (with policy.minHopLossSamples probes) that lose at least
 * policy.hopLossDeltaPct points more than the last hop with enough probes:
 * the loss does not carry on, so it is the router's ICMP rate limit, never
 * path loss. Ordered by TTL.
 */
export function rateLimitedHops(agg: readonly HopAggregate[], policy: JudgePolicy): RateLimitedHop[] {
  const min = policy.minHopLossSamples;
  const enough = agg.filter((h) => h.sent >= min);
  const later = enough[enough.length - 1];
  if (later === undefined) return [];
  const pct = (x: number) => Math.round(x * 1000) / 10;
  return enough
    .filter((h) => h.ttl < later.ttl && (h.loss - later.loss) * 100 >= policy.hopLossDeltaPct)
    .map((h) => ({ ttl: h.ttl, ip: h.ips[0] ?? null, asn: h.asn, lossPct: pct(h.loss), sent: h.sent, laterTtl: later.ttl, laterLossPct: pct(later.loss) }));
}
