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
 *    The same withdraw seen by several feeds (BMP pre- and post-policy of one
 *    session, several collectors) counts once.
 *  - who decided a best-path change (decision.ts): where the old and new AS
 *    paths part, AS D left AS X for AS Y. D still receives X's old route (seen
 *    in D's Adj-RIB-In over BMP) and no longer uses it: D's own routing policy
 *    (+5 when the router is known to be in D, +3 when its AS is unknown; named
 *    even when D is an ignored (own) AS: the operator must learn it was theirs).
 *    X's route withdrawn at D: X (+2, on top of the withdraw). Not visible:
 *    X (+2) and D (+1). The data-plane paths parting after a hop in D: D (+1).
 * Confidence: high with score >= 5 and a lead of >= 2; medium with >= 3 and a lead; else low.
 * `why` says, in words, what the verdict on the top candidate rests on and what weakens it.
 */
import type { PeerRef, RouteEvent } from '../../bgp/types.js';
import type { Verdict } from './judge.js';
import { decisions, holdingsFrom, type Decision, type RouteHolding } from './decision.js';
import { parsePrefix, PrefixMatcher, type ParsedPrefix } from './prefix.js';
import { collapseRepeats, flattenAsPath, isEffectiveWithdraw } from './route-ref.js';

export type Confidence = 'high' | 'medium' | 'low';

/** What a piece of evidence is, for `why` (strongest first in EVIDENCE_ORDER). */
export type EvidenceTag = 'policy' | 'withdraw' | 'path_change' | 'degradation' | 'unreachable' | 'old_path' | 'decider' | 'split' | 'new_path';

export interface Candidate {
  asn: number;
  score: number;
  reasons: string[];
  /** Points per kind of evidence. */
  evidence: Partial<Record<EvidenceTag, number>>;
}

/** The routing event behind the winner, for the customer sentence. */
export interface BgpCause {
  /** policy: the deciding AS still receives the old route and no longer uses it. */
  kind: 'withdraw' | 'path_change' | 'policy';
  asn: number;
  prefix: string;
  peerAsn: number;
  peerAddress: string;
  time: string;
  before: number[] | null;
  after: number[] | null;
  /** path_change/policy: the AS that chose another next AS, and the one it left (see decision.ts). */
  decidingAsn?: number | null;
  oldNextAsn?: number | null;
}

export interface Attribution {
  asn: number | null;
  confidence: Confidence;
  /** Why this AS and this confidence, in words (for the sentence and the evidence pack). */
  why: string;
  /** The named AS is one of the ignored (own) ASes: named only for its own routing decision. */
  own: boolean;
  reasons: string[];
  candidates: Candidate[];
  bgpCause: BgpCause | null;
  /** Who decided each best-path change of the window, and why it moved (decision.ts). */
  decisions: Decision[];
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

/** What relevantRouteEvents asks of a route event's prefix: does it overlap the target prefix or a changed hop's? */
export function watchedPrefixes(targetPrefix: string | null, changedHopPrefixes: readonly string[]): PrefixMatcher {
  const watched = [targetPrefix, ...changedHopPrefixes]
    .flatMap((p) => (p === null ? [] : [parsePrefix(p)]))
    .filter((p): p is ParsedPrefix => p !== null);
  return new PrefixMatcher(watched);
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
  const watched = watchedPrefixes(targetPrefix, changedHopPrefixes);
  const matches = (prefix: string) => watched.matches(prefix);
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
  constructor(readonly ignore: ReadonlySet<number>) {}
  /** `evenIfIgnored`: an own AS's routing decision is named all the same. */
  add(asn: number | null | undefined, points: number, reason: string, tag: EvidenceTag, evenIfIgnored = false): void {
    if (asn === null || asn === undefined || (this.ignore.has(asn) && !evenIfIgnored)) return;
    const c = this.byAsn.get(asn) ?? { asn, score: 0, reasons: [], evidence: {} };
    c.score += points;
    c.reasons.push(reason);
    c.evidence[tag] = (c.evidence[tag] ?? 0) + points;
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
      s.add(last.asn, 1, `probes stop in AS ${last.asn} (hop ${last.ttl})`, 'unreachable');
      const next = before[before.indexOf(last.asn) + 1];
      if (before.includes(last.asn)) s.add(next, 1, `AS ${next} followed AS ${last.asn} on the old path and no longer answers`, 'unreachable');
    }
    return;
  }
  if (before.length === 0 || after.length === 0) return;
  for (const asn of before) if (!after.includes(asn)) s.add(asn, 2, `AS ${asn} is on the old path, not on the new one`, 'old_path');
  for (const asn of after) if (!before.includes(asn)) s.add(asn, 1, `AS ${asn} is on the new path, not on the old one`, 'new_path');
  // Where along the hops the change begins: the last hop both paths share.
  const split = v.evidence.changeTtl;
  const shared = split === null ? undefined : v.evidence.oldPath.find((h) => h.ttl === split - 1);
  if (shared?.asn != null && v.evidence.newPath.some((h) => h.ttl === shared.ttl && h.ips.some((ip) => shared.ips.includes(ip)))) {
    s.add(shared.asn, 1, `the old and new paths part after hop ${shared.ttl} (${shared.ips[0] ?? '?'}) in AS ${shared.asn}`, 'split');
  }
}

function scoreDegradation(v: Verdict, s: Scores): void {
  const origin = v.evidence.lossOrigin ?? v.evidence.latencyOrigin;
  if (origin === null) return;
  const what = origin.kind === 'loss' ? `loss rises by ${round1(origin.delta)} points` : `latency rises by ${round1(origin.delta)} ms`;
  const where = `from hop ${origin.ttl} (${origin.ip ?? '?'}) in AS ${origin.asn} and carries on to the destination`;
  // A router that got worse in place is strong evidence; a detour that is slower
  // from some hop on mostly blames whoever caused the detour.
  if (origin.onOldPath) s.add(origin.asn, 3, `${what} ${where}`, 'degradation');
  else s.add(origin.asn, 1, `on the new path ${what} ${where}`, 'degradation');
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function scoreRouting(changes: readonly PeerPathChange[], decided: readonly Decision[], dataPlaneAfter: readonly number[], s: Scores): BgpCause[] {
  const causes: BgpCause[] = [];
  // One withdraw of a prefix by an AS counts once, however many feeds saw it (BMP pre- and
  // post-policy of one session, several collectors), as one best-path change counts once.
  const withdraws = new Map<string, { points: number; reason: string; cause: BgpCause; feeds: number }>();
  for (const c of changes) {
    if (!c.changed || !c.withdrawn) continue;
    const base = { prefix: c.prefix, peerAsn: c.peer.asn, peerAddress: c.peer.address, time: c.time, before: c.before, after: c.after };
    const replacement = changes.find((o) => o !== c && o.prefix === c.prefix && o.after !== null)?.after ?? null;
    const compareWith = replacement ?? (dataPlaneAfter.length > 0 ? dataPlaneAfter : null);
    const asn = c.before !== null && compareWith !== null ? firstDifferingAs(c.before, compareWith) : null;
    const w =
      asn !== null
        ? { key: `${c.prefix}|${asn}`, points: 3, reason: `AS ${asn} withdrew ${c.prefix}: the path ${fmtPath(c.before)} from peer AS ${c.peer.asn} was withdrawn`, cause: { kind: 'withdraw' as const, asn, ...base } }
        : { key: `${c.prefix}|peer ${c.peer.asn}`, points: 2, reason: `peer AS ${c.peer.asn} (${c.peer.address}) withdrew ${c.prefix}`, cause: { kind: 'withdraw' as const, asn: c.peer.asn, ...base } };
    const seen = withdraws.get(w.key);
    if (seen !== undefined) seen.feeds++;
    else withdraws.set(w.key, { ...w, feeds: 1 });
  }
  for (const w of withdraws.values()) {
    s.add(w.cause.asn, w.points, `${w.reason}${w.feeds > 1 ? ` (seen by ${w.feeds} feeds)` : ''}`, 'withdraw');
    causes.push(w.cause);
  }
  for (const d of decided) {
    const base = {
      prefix: d.prefix,
      peerAsn: d.stream.peerAsn,
      peerAddress: d.stream.peerAddress,
      time: d.time,
      before: d.stream.before,
      after: d.stream.after,
      decidingAsn: d.decidingAsn,
      oldNextAsn: d.oldNextAsn,
    };
    const feeds = d.seenBy.length > 1 ? ` (seen by ${d.seenBy.length} feeds)` : '';
    const moved = `${fmtPath(d.oldTail)} -> ${fmtPath(d.newTail)}`;
    if (d.kind === 'origin') {
      const last = d.oldTail[d.oldTail.length - 1] ?? null;
      s.add(last, 3, `the route to ${d.prefix} changed at AS ${last}: ${moved}${feeds}`, 'path_change');
      if (last !== null) causes.push({ kind: 'path_change', asn: last, ...base });
      continue;
    }
    const D = d.decidingAsn;
    const X = d.oldNextAsn;
    const Dtext = D === null ? `router ${d.stream.router}` : `AS ${D}`;
    if (d.kind === 'policy' && D !== null && d.witness !== null) {
      const w = d.witness;
      const where = `router ${w.router}${w.routerAsnKnown ? ` (AS ${D})` : ' (its AS is not known)'} still holds the route from AS ${X} (${w.peerAddress}${w.postPolicy === null ? '' : w.postPolicy ? ', post-policy' : ', pre-policy'}) with the old path`;
      s.add(D, w.routerAsnKnown ? 5 : 3, `AS ${D} chose another route to ${d.prefix} (${moved})${feeds} although ${where}: a routing-policy decision inside AS ${D}, not a withdrawal by AS ${X}`, 'policy', true);
      causes.push({ kind: 'policy', asn: D, ...base });
    } else if (d.kind === 'withdrawn') {
      s.add(X, 2, `${Dtext} moved from AS ${X} to AS ${d.newNextAsn} (${moved}) after AS ${X}'s route was withdrawn at router ${d.witness?.router ?? '?'}`, 'withdraw');
    } else {
      s.add(X, 2, `${Dtext} no longer routes ${d.prefix} through AS ${X} (${moved})${feeds}: AS ${X} withdrew or changed the route it gives ${Dtext}, or ${Dtext} changed its policy (no feed shows ${Dtext}'s received routes)`, 'path_change');
      s.add(D, 1, `${Dtext} switched ${d.prefix} from AS ${X} to AS ${d.newNextAsn} (${moved})`, 'decider');
      if (X !== null) causes.push({ kind: 'path_change', asn: X, ...base });
    }
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
  /** ASNs never blamed (the operator's own), except for their own routing decisions (see above). */
  ignoreAsns?: readonly number[];
  /**
   * The routes held now for the target's prefix (the RIB), flattened: with them a
   * route that did not change in the window (the old route still received) is visible.
   */
  ribRoutes?: readonly RouteHolding[];
}

const EVIDENCE_ORDER: readonly EvidenceTag[] = ['policy', 'withdraw', 'path_change', 'degradation', 'unreachable', 'old_path', 'decider', 'split', 'new_path'];

function basis(top: Candidate, cause: BgpCause | null): string {
  const tag = EVIDENCE_ORDER.find((t) => (top.evidence[t] ?? 0) > 0) ?? 'new_path';
  const x = cause?.oldNextAsn ?? null;
  switch (tag) {
    case 'policy':
      return `it still receives the old route${x === null ? '' : ` from AS ${x}`} but no longer uses it: a routing-policy decision of its own, not a withdrawal`;
    case 'withdraw':
      return cause?.kind === 'withdraw' ? `it withdrew ${cause.prefix}` : 'its route was withdrawn';
    case 'path_change':
      return 'the route changed where it sits on the old path; no feed shows whether its neighbour still receives its route';
    case 'degradation':
      return 'the degradation begins inside it and carries on to the destination';
    case 'unreachable':
      return 'probes stop in it';
    case 'old_path':
      return 'it is on the old path and not on the new one';
    case 'decider':
    case 'split':
      return 'the old and new paths part in it';
    default:
      return 'it is on the new path';
  }
}

function whyOf(top: Candidate | undefined, second: Candidate | undefined, confidence: Confidence, cause: BgpCause | null, bgp: boolean): string {
  if (top === undefined) return bgp ? 'no AS stands out' : 'no AS stands out, and there was no routing change';
  const parts = [basis(top, cause)];
  if (confidence !== 'high' && second !== undefined && top.score - second.score <= 1) parts.push(`AS ${second.asn} is almost as likely`);
  else if (confidence !== 'high' && top.score < 5) parts.push('the evidence is thin');
  return parts.join('; ');
}

/**
 * Weighs the verdict's evidence and the route events (already filtered with
 * relevantRouteEvents, RIB state first) into the likely responsible AS.
 */
export function attribute(verdict: Verdict, routeEvents: readonly RouteEvent[], opts: AttributionOptions = {}): Attribution {
  const scores = new Scores(new Set(opts.ignoreAsns ?? []));
  scoreDataPlane(verdict, scores);
  scoreDegradation(verdict, scores);
  const changes = asPathsBeforeAfter(routeEvents);
  const decided = decisions(changes, holdingsFrom(changes, opts.ribRoutes ?? []));
  const causes = scoreRouting(changes, decided, verdict.numbers.asPath.after, scores);
  const oldPath = verdict.numbers.asPath.before;
  const position = (asn: number) => (oldPath.includes(asn) ? oldPath.indexOf(asn) : oldPath.length);
  const candidates = [...scores.byAsn.values()].sort((a, b) => b.score - a.score || position(a.asn) - position(b.asn));
  const top = candidates[0];
  const confidence = confidenceOf(top, candidates[1]);
  // The winner's cause of the strongest kind (its own policy decision over a withdraw of some hop's prefix).
  const rank = (c: BgpCause) => ({ policy: 0, withdraw: 1, path_change: 2 })[c.kind];
  const mine = causes.filter((c) => c.asn === top?.asn).sort((a, b) => rank(a) - rank(b));
  const bgpCause = mine[0] ?? causes[0] ?? null;
  return {
    asn: top?.asn ?? null,
    confidence,
    why: whyOf(top, candidates[1], confidence, bgpCause, verdict.evidence.bgpChange),
    own: top !== undefined && scores.ignore.has(top.asn),
    reasons: top?.reasons ?? [],
    candidates,
    bgpCause,
    decisions: decided,
  };
}
