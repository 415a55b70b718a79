/**
 * The same target seen from each vantage (pure): the newest observation per
 * vantage, its path in a few numbers, and the open alerts of that vantage.
 */
import type { PathObservation } from '../probe/types.js';
import type { StoredAlert } from '../storage/repositories.js';

export interface VantagePath {
  vantage: string;
  startedAt: string;
  signature: string;
  reached: boolean;
  hopCount: number;
  /** The hops' ASNs in order, repeats and unknowns collapsed (null annotation: an instance without a RIB). */
  asPath: number[];
  /** Mean end-to-end RTT of the newest run, null when not reached. */
  rttMs: number | null;
  loss: number;
  /** Runs of this vantage in the sample read. */
  runs: number;
  openAlerts: Array<{ id: string; kind: string; severity: string; openedAt: string }>;
}

export interface VantageComparison {
  targetId: string;
  vantages: VantagePath[];
  /** More than one distinct AS path among the vantages' newest runs. */
  asPathsDiffer: boolean;
}

export function dataPlaneAsPath(obs: PathObservation): number[] {
  const out: number[] = [];
  for (const h of obs.hops) {
    const asn = h.asn;
    if (asn === null || asn === undefined || out[out.length - 1] === asn) continue;
    out.push(asn);
  }
  return out;
}

/** `observations` in any order (several per vantage allowed); alerts of any state (only open ones are listed). */
export function compareVantages(targetId: string, observations: readonly PathObservation[], alerts: readonly StoredAlert[]): VantageComparison {
  const newest = new Map<string, PathObservation>();
  const runs = new Map<string, number>();
  for (const o of observations) {
    if (o.targetId !== targetId) continue;
    runs.set(o.vantage, (runs.get(o.vantage) ?? 0) + 1);
    const cur = newest.get(o.vantage);
    if (!cur || o.startedAt > cur.startedAt) newest.set(o.vantage, o);
  }
  const vantages = [...newest.values()]
    .sort((a, b) => a.vantage.localeCompare(b.vantage))
    .map((o): VantagePath => ({
      vantage: o.vantage,
      startedAt: o.startedAt,
      signature: o.signature,
      reached: o.reached,
      hopCount: o.hops.length,
      asPath: dataPlaneAsPath(o),
      rttMs: o.rtt ? o.rtt.avg : null,
      loss: o.loss,
      runs: runs.get(o.vantage) ?? 0,
      openAlerts: alerts
        .filter((a) => a.targetId === targetId && a.vantage === o.vantage && a.state !== 'resolved')
        .map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, openedAt: a.openedAt })),
    }));
  return { targetId, vantages, asPathsDiffer: new Set(vantages.map((v) => v.asPath.join(' '))).size > 1 };
}
