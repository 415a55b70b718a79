/**
 * The pure selection of automatic targets.
 *
 * rankCandidates: one list per reason (churn by changes, traffic by bytes, origin-as and
 * community by prefix length, shortest first), each without excluded prefixes, at most
 * perOriginAsMax entries per origin AS and `perReason` entries; then merged round-robin in
 * AUTO_REASONS order, so every reason gets its turn and none crowds the others out. A prefix
 * that qualifies for several reasons appears once, labelled with the reason whose turn chose it.
 *
 * pickTargets: pinned prefixes first (always kept, even beyond the limits), then the current
 * targets that still rank (a target stays while its prefix qualifies, so its measurements go
 * on; new prefixes take the free places), then the other ranked ones in order, while there is
 * room: maxTargets in all, perOriginAsMax per origin AS, and only those `usable` accepts (it
 * finds a responsive address; async, but the loop itself is pure).
 */
import type { PrefixTraffic } from './traffic.js';

export type AutoReason = 'churn' | 'traffic' | 'origin-as' | 'community';

/** Round-robin order of the reasons. */
export const AUTO_REASONS: readonly AutoReason[] = ['churn', 'traffic', 'origin-as', 'community'];

export interface PrefixCandidate {
  prefix: string;
  originAs: number | null;
  /** Route changes in the churn window. */
  churn?: number;
  traffic?: PrefixTraffic;
  /** A configured ASN originating it. */
  matchedOrigin?: number | null;
  /** Configured community patterns it carries. */
  communities?: string[];
}

export interface RankedCandidate extends PrefixCandidate {
  /** The reason whose turn chose it. */
  reason: AutoReason;
  /** Every reason it qualifies for, in AUTO_REASONS order. */
  reasons: AutoReason[];
}

export interface Chosen extends RankedCandidate {
  pinned: boolean;
}

export interface RankOptions {
  minChurn: number;
  excluded: ReadonlySet<string>;
  perOriginAsMax: number;
  /** Entries per reason list at most (bounds the work of a refresh). */
  perReason: number;
}

export interface Limits {
  maxTargets: number;
  perOriginAsMax: number;
}

export function reasonsOf(c: PrefixCandidate, minChurn: number): AutoReason[] {
  const out: AutoReason[] = [];
  if ((c.churn ?? 0) >= minChurn) out.push('churn');
  if ((c.traffic?.bytes ?? -1) >= 0) out.push('traffic');
  if (c.matchedOrigin !== undefined && c.matchedOrigin !== null) out.push('origin-as');
  if ((c.communities?.length ?? 0) > 0) out.push('community');
  return out;
}

function prefixLength(prefix: string): number {
  return Number(prefix.slice(prefix.indexOf('/') + 1));
}

const byPrefix = (a: PrefixCandidate, b: PrefixCandidate) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0);
const ORDER: Record<AutoReason, (a: PrefixCandidate, b: PrefixCandidate) => number> = {
  churn: (a, b) => (b.churn ?? 0) - (a.churn ?? 0) || byPrefix(a, b),
  traffic: (a, b) => (b.traffic?.bytes ?? 0) - (a.traffic?.bytes ?? 0) || byPrefix(a, b),
  'origin-as': (a, b) => prefixLength(a.prefix) - prefixLength(b.prefix) || byPrefix(a, b),
  community: (a, b) => prefixLength(a.prefix) - prefixLength(b.prefix) || byPrefix(a, b),
};

function originKey(c: PrefixCandidate): string {
  return c.originAs === null ? 'none' : String(c.originAs);
}

export function rankCandidates(candidates: Iterable<PrefixCandidate>, opts: RankOptions): RankedCandidate[] {
  const lists = new Map<AutoReason, Array<PrefixCandidate & { reasons: AutoReason[] }>>(AUTO_REASONS.map((r) => [r, []]));
  for (const c of candidates) {
    if (opts.excluded.has(c.prefix)) continue;
    const reasons = reasonsOf(c, opts.minChurn);
    for (const r of reasons) lists.get(r)!.push({ ...c, reasons });
  }
  const capped = AUTO_REASONS.map((reason) => {
    const perOrigin = new Map<string, number>();
    const out: Array<PrefixCandidate & { reasons: AutoReason[] }> = [];
    for (const c of lists.get(reason)!.sort(ORDER[reason])) {
      if (out.length >= opts.perReason) break;
      const n = perOrigin.get(originKey(c)) ?? 0;
      if (n >= opts.perOriginAsMax) continue;
      perOrigin.set(originKey(c), n + 1);
      out.push(c);
    }
    return { reason, list: out };
  });
  const seen = new Set<string>();
  const ranked: RankedCandidate[] = [];
  const longest = Math.max(0, ...capped.map((l) => l.list.length));
  for (let i = 0; i < longest; i++) {
    for (const { reason, list } of capped) {
      const c = list[i];
      if (c === undefined || seen.has(c.prefix)) continue;
      seen.add(c.prefix);
      ranked.push({ ...c, reason });
    }
  }
  return ranked;
}

export interface PickResult {
  chosen: Chosen[];
  /** Ranked prefixes passed over because their origin AS was at its cap. */
  capped: number;
  /** Ranked prefixes passed over because `usable` refused them (no responsive address yet). */
  unusable: number;
}

/**
 * The targets of a refresh: the pinned ones, then ranked candidates in order (incumbents
 * first, so that current targets stay) within maxTargets and the per-origin-AS cap, each only
 * if `usable` says so (a responsive address was found). With `lookahead` > 1 the next
 * candidates that could still be taken (no more than the places left) are asked at the same
 * time; the choice is the same as asking one by one, but for probe budget spent on a candidate
 * asked ahead that the per-origin cap then passes over.
 */
export async function pickTargets(
  ranked: readonly RankedCandidate[],
  pinned: readonly RankedCandidate[],
  limits: Limits,
  usable: (c: RankedCandidate) => boolean | Promise<boolean>,
  incumbents: ReadonlySet<string> = new Set(),
  lookahead = 1,
): Promise<PickResult> {
  const chosen: Chosen[] = pinned.map((p) => ({ ...p, pinned: true }));
  const taken = new Set(chosen.map((c) => c.prefix));
  const perOrigin = new Map<string, number>();
  for (const c of chosen) perOrigin.set(originKey(c), (perOrigin.get(originKey(c)) ?? 0) + 1);
  let capped = 0;
  let unusable = 0;
  const order = [...ranked.filter((c) => incumbents.has(c.prefix)), ...ranked.filter((c) => !incumbents.has(c.prefix))];
  const open = (c: RankedCandidate) => !taken.has(c.prefix) && (perOrigin.get(originKey(c)) ?? 0) < limits.perOriginAsMax;
  // Answers of `usable`, asked ahead: the choice is made in rank order as before, but the next
  // few candidates that could still be taken are checked at the same time (pings overlap).
  const asked = new Map<number, Promise<boolean>>();
  const ask = (j: number): Promise<boolean> => {
    let answer = asked.get(j);
    if (answer === undefined) {
      answer = (async () => usable(order[j]!))();
      answer.catch(() => {}); // an answer asked ahead and never awaited must not be an unhandled rejection
      asked.set(j, answer);
    }
    return answer;
  };
  for (let i = 0; i < order.length; i++) {
    const c = order[i]!;
    if (chosen.length >= limits.maxTargets) break;
    if (taken.has(c.prefix)) continue;
    const n = perOrigin.get(originKey(c)) ?? 0;
    if (n >= limits.perOriginAsMax) {
      capped++;
      continue;
    }
    for (let j = i + 1, ahead = 1; j < order.length && ahead < Math.min(lookahead, limits.maxTargets - chosen.length); j++) {
      if (!open(order[j]!)) continue;
      void ask(j);
      ahead++;
    }
    if (!(await ask(i))) {
      unusable++;
      continue;
    }
    taken.add(c.prefix);
    perOrigin.set(originKey(c), n + 1);
    chosen.push({ ...c, pinned: false });
  }
  return { chosen, capped, unusable };
}

/** The labels of an automatic target: why it was chosen. */
export function autoLabels(c: RankedCandidate): Record<string, string> {
  return {
    auto: c.reason,
    reasons: c.reasons.join(','),
    prefix: c.prefix,
    originAs: c.originAs === null ? 'unknown' : String(c.originAs),
  };
}
