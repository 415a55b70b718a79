/**
 * A per-target, per-method baseline learned from recent observations.
 *
 * ECMP-aware: load-balanced hops legitimately alternate between addresses, so
 * the baseline keeps, per TTL, the SET of addresses seen, plus the known
 * full-path signatures, the hop-count and AS-path distributions. Timing
 * statistics are computed on demand (`baselineStats`) from the kept
 * observations, so that updating stays cheap.
 *
 * Immutable: `updateBaseline` returns a new Baseline and never modifies its
 * argument (the observations themselves are shared, not copied).
 */
import type { PathObservation } from '../probe/types.js';
import { facts, methodKey, type ProbeCounts } from './path.js';
import type { JudgePolicy } from './policy.js';
import { summarize, type SampleSummary } from './stats.js';

export interface BaselineEntry {
  obs: PathObservation;
  timeMs: number;
  hopCount: number;
  /** Data-plane AS path (hop ASNs, repeats and unknowns collapsed). */
  asPath: number[];
  asPathKey: string;
  /** (TTL, address) pairs that answered, computed once so that rebuilding the window stays cheap. */
  addresses: ReadonlyArray<readonly [number, string]>;
}

export interface Baseline {
  readonly targetId: string;
  /** tool/method of every observation in it (see path.methodKey). */
  readonly methodKey: string;
  /** Oldest first. */
  readonly entries: readonly BaselineEntry[];
  /** TTL -> addresses ever seen at that TTL within the window. */
  readonly addressesByTtl: ReadonlyMap<number, ReadonlySet<string>>;
  /** Full-path signature -> occurrences. */
  readonly signatures: ReadonlyMap<string, number>;
  /** Hop count -> occurrences. */
  readonly hopCounts: ReadonlyMap<number, number>;
  /** AS path ("65001 65002") -> occurrences of runs that reached the destination (others are truncated); empty paths (no annotations) are not counted. */
  readonly asPaths: ReadonlyMap<string, number>;
  /** Entries whose destination answered. */
  readonly reachedCount: number;
}

export function asPathKey(path: readonly number[]): string {
  return path.join(' ');
}

export function emptyBaseline(targetId: string, key: string): Baseline {
  return buildBaseline(targetId, key, []);
}

export function toBaselineEntry(obs: PathObservation): BaselineEntry {
  const f = facts(obs);
  return { obs, timeMs: f.timeMs, hopCount: f.hopCount, asPath: f.asPath, asPathKey: f.asPathKey, addresses: f.addresses };
}

/** A baseline learned from these observations (failed runs and other methods than the first are skipped). */
export function baselineFrom(observations: readonly PathObservation[], policy: JudgePolicy): Baseline | null {
  const first = observations.find((o) => o.status === 'ok');
  if (first === undefined) return null;
  let b = emptyBaseline(first.targetId ?? first.target.name, methodKey(first));
  for (const obs of observations) b = updateBaseline(b, obs, policy);
  return b;
}

/**
 * Adds one observation and drops what falls out of the window (count and age
 * relative to the newest entry). Failed runs and runs of another tool/method
 * return the baseline unchanged: the caller keeps one baseline per method.
 */
export function updateBaseline(baseline: Baseline, obs: PathObservation, policy: JudgePolicy): Baseline {
  if (obs.status !== 'ok' || facts(obs).methodKey !== baseline.methodKey) return baseline;
  const entry = toBaselineEntry(obs);
  const newest = Math.max(entry.timeMs, baseline.entries[baseline.entries.length - 1]?.timeMs ?? -Infinity);
  const kept = baseline.entries.filter((e) => newest - e.timeMs <= policy.baselineMaxAgeMs);
  kept.push(entry);
  kept.sort((a, b) => a.timeMs - b.timeMs);
  const window = kept.slice(Math.max(0, kept.length - policy.baselineMaxObservations));
  return buildBaseline(baseline.targetId, baseline.methodKey, window);
}

/** Replaces the whole window (used when a confirmed change makes the new path the baseline). */
export function rebaseline(baseline: Baseline, observations: readonly PathObservation[], policy: JudgePolicy): Baseline {
  let b = emptyBaseline(baseline.targetId, baseline.methodKey);
  for (const obs of observations) b = updateBaseline(b, obs, policy);
  return b;
}

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function buildBaseline(targetId: string, key: string, entries: BaselineEntry[]): Baseline {
  const addressesByTtl = new Map<number, Set<string>>();
  const signatures = new Map<string, number>();
  const hopCounts = new Map<number, number>();
  const asPaths = new Map<string, number>();
  let reachedCount = 0;
  for (const e of entries) {
    for (const [ttl, ip] of e.addresses) {
      let set = addressesByTtl.get(ttl);
      if (set === undefined) addressesByTtl.set(ttl, (set = new Set()));
      set.add(ip);
    }
    increment(signatures, e.obs.signature);
    increment(hopCounts, e.hopCount);
    if (e.obs.reached && e.asPath.length > 0) increment(asPaths, e.asPathKey);
    if (e.obs.reached) reachedCount++;
  }
  return { targetId, methodKey: key, entries, addressesByTtl, signatures, hopCounts, asPaths, reachedCount };
}

/** The most frequent value of a count map (ties: the first inserted). */
export function mostCommon<K>(counts: ReadonlyMap<K, number>): K | undefined {
  let best: K | undefined;
  let bestCount = 0;
  for (const [k, n] of counts) {
    if (n > bestCount) {
      best = k;
      bestCount = n;
    }
  }
  return best;
}

export interface BaselineStats {
  observations: number;
  rtt: SampleSummary | null;
  loss: ProbeCounts & { fraction: number };
  /** Hop count most often seen. */
  typicalHopCount: number | undefined;
  typicalAsPath: number[];
}

/** End-to-end timing and loss of the baseline window, computed on demand. */
export function baselineStats(baseline: Baseline): BaselineStats {
  const samples: number[] = [];
  const loss = { sent: 0, received: 0, fraction: 0 };
  for (const e of baseline.entries) {
    const f = facts(e.obs);
    for (const s of f.endToEndRtt) samples.push(s);
    const c = f.endToEndCounts;
    loss.sent += c.sent;
    loss.received += c.received;
  }
  loss.fraction = loss.sent === 0 ? 0 : 1 - loss.received / loss.sent;
  const typicalAs = mostCommon(baseline.asPaths);
  return {
    observations: baseline.entries.length,
    rtt: summarize(samples),
    loss,
    typicalHopCount: mostCommon(baseline.hopCounts),
    typicalAsPath: typicalAs === undefined || typicalAs === '' ? [] : typicalAs.split(' ').map(Number),
  };
}
