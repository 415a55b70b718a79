/**
 * Which AS is likely responsible for a change.
 *
 * Evidence, each adding to an AS's score:
 *  - data plane: ASes on the old path and not on the new (+2), the reverse (+1);
 *  - where a degradation begins: the AS of the first hop where loss (else
 *    latency) rises and carries on to the destination (+3 when that router was
 *    on the old path, +1 when it is on a detour); for an unreachable
 *    target the AS where probes stop (+1) and the next AS of the old path (+1);
 *  - control plane: the AS that withdrew or changed its announcement (+3): for a
 *    withdraw, the first AS of the withdrawn path that the replacement path (or
 *    the data plane's new path) lacks; for a path change, the first differing AS
 *    of the old path. A withdraw with nothing to compare names the peer AS (+2).
 * Confidence: high with score >= 5 and a lead of >= 2; medium with >= 3 and a lead; else low.
 */
import type { PeerRef, RouteEvent } from '../../bgp/types.js';
import type { Verdict } from './judge.js';
import { overlaps, parsePrefix, type ParsedPrefix } from './prefix.js';
import { collapseRepeats, flattenAsPath, isEffectiveWithdraw } from './route-ref.js';

export type Confidence = 'high' | 'medium' | 'low';

export interface Candidate {
  asn: number;
  score: number;
  reasons: string[];
}

/** The routing event behind the winner, for the customer sentence. */
export interface BgpCause {
  kind: 'withdraw' | 'path_change';
  asn: number;
  prefix: string;
  peerAsn: number;
  peerAddress: string;
  time: string;
  before: number[] | null;
  after: number[] | null;
}

export interface Attribution {
  asn: number | null;
  confidence: Confidence;
  reasons: string[];
  candidates: Candidate[];
  bgpCause: BgpCause | null;
}

// ---------------------------------------------------------------------------
// Route events: the window, and the AS paths before/after per peer
// ---------------------------------------------------------------------------

function isRouteChange(e: RouteEvent): e is Extract<RouteEvent, { type: 'announce' | 'withdraw' }> {
  return e.type === 'announce' || e.type === 'withdraw';
}

function peerKey(router: string, p: PeerRef): string {
  return `${router}|${p.address}|${p.distinguisher}|${p.postPolicy ? 'post' : 'pre'}|${p.adjRibOut ? 'out' : 'in'}`;
}

/**
 * Route events within [changeTime - windowBeforeMs, changeTime + windowAfterMs]
 * that concern the target: announces/withdraws of a prefix overlapping the
 * target prefix or a prefix of a changed hop, and peer downs of peers that sent
 * such routes. Chronological.
 *
 * With `priorState` (default), each (peer, prefix) changed in the window also
 * gets its latest earlier event, so that "the path before" is known even when
 * it was announced long ago (pass the RIB's routes as announces among `events`).
 */
export function relevantRouteEvents(
  events: readonly RouteEvent[],
  targetPrefix: string | null,
  changedHopPrefixes: readonly string[],
  changeTime: number,
  windowBeforeMs: number,
  windowAfterMs: number,
  opts: { priorState?: boolean } = {},
): RouteEvent[] {
  const watched = [targetPrefix, ...changedHopPrefixes]
    .flatMap((p) => (p === null ? [] : [parsePrefix(p)]))
    .filter((p): p is ParsedPrefix => p !== null);
  const matches = (prefix: string): boolean => {
    const parsed = parsePrefix(prefix);
    return parsed !== null && watched.some((w) => overlaps(w, parsed));
  };
  const from = changeTime - windowBeforeMs;
  const to = changeTime + windowAfterMs;
  const routeKey = (e: Extract<RouteEvent, { type: 'announce' | 'withdraw' }>) => `${peerKey(e.router, e.peer)}#${e.prefix}`;
  const relevant = events.filter((e) => isRouteChange(e) && matches(e.prefix)) as Array<
    Extract<RouteEvent, { type: 'announce' | 'withdraw' }>
  >;
  const peersWithRoutes = new Set(relevant.map((e) => peerKey(e.router, e.peer)));
  const inWindow = (e: RouteEvent) => {
    const t = Date.parse(e.time);
    return t >= from && t <= to;
  };
  const picked = new Set<RouteEvent>(relevant.filter(inWindow));
  for (const e of events) if (e.type === 'peer_down' && inWindow(e) && peersWithRoutes.has(peerKey(e.router, e.peer))) picked.add(e);
  if (opts.priorState !== false) {
    const changedKeys = new Set([...picked].flatMap((e) => (isRouteChange(e) ? [routeKey(e)] : [])));
    const prior = new Map<string, RouteEvent>();
    for (const e of relevant) {
      const t = Date.parse(e.time);
      const key = routeKey(e);
      const seen = prior.get(key);
      if (t < from && changedKeys.has(key) && (seen === undefined || Date.parse(seen.time) <= t)) prior.set(key, e);
    }
    for (const e of prior.values()) picked.add(e);
  }
  return [...picked].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

export interface PeerPathChange {
  router: string;
  peer: PeerRef;
  prefix: string;
  /** Path at the first event (null when the first event is a withdraw: announced before the events). */
  before: number[] | null;
  /** Path after the last event; null when withdrawn. */
  after: number[] | null;
  withdrawn: boolean;
  changed: boolean;
  /** Time of the last event. */
  time: string;
}

/**
 * Per peer and prefix, the AS path (flattened, prepends collapsed) at the
 * first event and after the last. Callers should put the RIB's routes at the
 * start of the window first (as announces) so that "before" is known. A peer
 * down withdraws everything that peer announced.
 */
export function asPathsBeforeAfter(events: readonly RouteEvent[]): PeerPathChange[] {
  const byKey = new Map<string, PeerPathChange>();
  const sorted = [...events].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  for (const e of sorted) {
    if (e.type === 'peer_down') {
      const prefix = peerKey(e.router, e.peer);
      for (const [k, entry] of byKey) {
        if (k.startsWith(`${prefix}#`)) Object.assign(entry, { after: null, withdrawn: true, time: e.time });
      }
      continue;
    }
    if (!isRouteChange(e)) continue;
    const key = `${peerKey(e.router, e.peer)}#${e.prefix}`;
    const path = isEffectiveWithdraw(e) || e.type !== 'announce' ? null : collapseRepeats(flattenAsPath(e.asPath));
    const entry = byKey.get(key);
    if (entry === undefined) {
      byKey.set(key, { router: e.router, peer: e.peer, prefix: e.prefix, before: path, after: path, withdrawn: path === null, changed: path === null, time: e.time });
      continue;
    }
    entry.after = path;
    entry.withdrawn = path === null;
    entry.time = e.time;
  }
  for (const entry of byKey.values()) {
    entry.changed = entry.withdrawn || (entry.before ?? []).join(' ') !== (entry.after ?? []).join(' ');
  }
  return [...byKey.values()];
}

// ---------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------

class Scores {
  readonly byAsn = new Map<number, Candidate>();
  constructor(private readonly ignore: ReadonlySet<number>) {}
  add(asn: number | null | undefined, points: number, reason: string): void {
    if (asn === null || asn === undefined || this.ignore.has(asn)) return;
    const c = this.byAsn.get(asn) ?? { asn, score: 0, reasons: [] };
    c.score += points;
    c.reasons.push(reason);
    this.byAsn.set(asn, c);
  }
}

/** The first AS of `path` where `other` differs (by position); the last AS when one extends the other. */
export function firstDifferingAs(path: readonly number[], other: readonly number[]): number | null {
  for (let i = 0; i < path.length; i++) if (path[i] !== other[i]) return path[i] ?? null;
  return null;
}

function fmtPath(path: readonly number[] | null): string {
  return path === null ? 'none' : `[${path.join(' ')}]`;
}

function scoreDataPlane(v: Verdict, s: Scores): void {
  const before = v.numbers.asPath.before;
  const after = v.numbers.asPath.after;
  if (v.primary === 'UNREACHABLE') {
    const last = [...v.evidence.newPath].reverse().find((h) => h.asn !== null);
    if (last?.asn != null) {
      s.add(last.asn, 1, `probes stop in AS ${last.asn} (hop ${last.ttl})`);
      const next = before[before.indexOf(last.asn) + 1];
      if (before.includes(last.asn)) s.add(next, 1, `AS ${next} followed AS ${last.asn} on the old path and no longer answers`);
    }
    return;
  }
  if (before.length === 0 || after.length === 0) return;
  for (const asn of before) if (!after.includes(asn)) s.add(asn, 2, `AS ${asn} is on the old path, not on the new one`);
  for (const asn of after) if (!before.includes(asn)) s.add(asn, 1, `AS ${asn} is on the new path, not on the old one`);
}

function scoreDegradation(v: Verdict, s: Scores): void {
  const origin = v.evidence.lossOrigin ?? v.evidence.latencyOrigin;
  if (origin === null) return;
  const what = origin.kind === 'loss' ? `loss rises by ${round1(origin.delta)} points` : `latency rises by ${round1(origin.delta)} ms`;
  const where = `from hop ${origin.ttl} (${origin.ip ?? '?'}) in AS ${origin.asn} and carries on to the destination`;
  // A router that got worse in place is strong evidence; a detour that is slower
  // from some hop on mostly blames whoever caused the detour.
  if (origin.onOldPath) s.add(origin.asn, 3, `${what} ${where}`);
  else s.add(origin.asn, 1, `on the new path ${what} ${where}`);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function scoreRouting(changes: readonly PeerPathChange[], dataPlaneAfter: readonly number[], s: Scores): BgpCause[] {
  const causes: BgpCause[] = [];
  for (const c of changes) {
    if (!c.changed) continue;
    const base = { prefix: c.prefix, peerAsn: c.peer.asn, peerAddress: c.peer.address, time: c.time, before: c.before, after: c.after };
    if (c.withdrawn) {
      const replacement = changes.find((o) => o !== c && o.prefix === c.prefix && o.after !== null)?.after ?? null;
      const compareWith = replacement ?? (dataPlaneAfter.length > 0 ? dataPlaneAfter : null);
      const asn = c.before !== null && compareWith !== null ? firstDifferingAs(c.before, compareWith) : null;
      if (asn !== null) {
        s.add(asn, 3, `AS ${asn} withdrew ${c.prefix}: the path ${fmtPath(c.before)} from peer AS ${c.peer.asn} was withdrawn`);
        causes.push({ kind: 'withdraw', asn, ...base });
      } else {
        s.add(c.peer.asn, 2, `peer AS ${c.peer.asn} (${c.peer.address}) withdrew ${c.prefix}`);
        causes.push({ kind: 'withdraw', asn: c.peer.asn, ...base });
      }
      continue;
    }
    if (c.before === null || c.after === null) continue;
    const asn = firstDifferingAs(c.before, c.after) ?? c.before[c.before.length - 1] ?? null;
    if (asn === null) continue;
    s.add(asn, 3, `the route to ${c.prefix} via peer AS ${c.peer.asn} changed at AS ${asn}: ${fmtPath(c.before)} -> ${fmtPath(c.after)}`);
    causes.push({ kind: 'path_change', asn, ...base });
  }
  return causes;
}

function confidenceOf(top: Candidate | undefined, second: Candidate | undefined): Confidence {
  if (top === undefined) return 'low';
  const lead = top.score - (second?.score ?? 0);
  if (top.score >= 5 && lead >= 2) return 'high';
  if (top.score >= 3 && lead >= 1) return 'medium';
  return 'low';
}

export interface AttributionOptions {
  /** ASNs never blamed (the operator's own). */
  ignoreAsns?: readonly number[];
}

/**
 * Weighs the verdict's evidence and the route events (already filtered with
 * relevantRouteEvents, RIB state first) into the likely responsible AS.
 */
export function attribute(verdict: Verdict, routeEvents: readonly RouteEvent[], opts: AttributionOptions = {}): Attribution {
  const scores = new Scores(new Set(opts.ignoreAsns ?? []));
  scoreDataPlane(verdict, scores);
  scoreDegradation(verdict, scores);
  const causes = scoreRouting(asPathsBeforeAfter(routeEvents), verdict.numbers.asPath.after, scores);
  const oldPath = verdict.numbers.asPath.before;
  const position = (asn: number) => (oldPath.includes(asn) ? oldPath.indexOf(asn) : oldPath.length);
  const candidates = [...scores.byAsn.values()].sort((a, b) => b.score - a.score || position(a.asn) - position(b.asn));
  const top = candidates[0];
  return {
    asn: top?.asn ?? null,
    confidence: confidenceOf(top, candidates[1]),
    reasons: top?.reasons ?? [],
    candidates,
    bgpCause: causes.find((c) => c.asn === top?.asn) ?? causes[0] ?? null,
  };
}
