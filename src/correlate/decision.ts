/**
 * Who decided a best-path change: the AS where the old and new AS paths
 * diverge, and why it moved.
 *
 * A change [.. D X ..] -> [.. D Y ..] was decided in AS D (the last AS both
 * paths share): D now sends the traffic to Y instead of X. Two stories fit:
 *  - X withdrew (or changed) the route it gave D: X is responsible;
 *  - X still gives D the same route and D prefers another one (local
 *    preference, a route-map, a new peering): D's own routing policy.
 * The route events tell them apart when some feed shows D's Adj-RIB-In (BMP
 * pre/post policy of a router in AS D): a route from peer AS X with the old
 * path that is still there and was not withdrawn means D's policy; a withdraw
 * of it means X. With no view into AS D, the question stays open.
 *
 * A router's own AS is learned from the feeds themselves: a Loc-RIB peer
 * (RFC 9069) carries the router's AS; a router address that is a peer
 * elsewhere (ExaBGP or another BMP router peering with it) has that peer's AS;
 * FRR 8.4's BMP puts the router's own AS in front of the Adj-RIB-In paths.
 * Pure.
 */
import type { PeerPathChange } from './attribution.js';

/** A route as held at the end of the window (the RIB now, or the last event of a stream). */
export interface RouteHolding {
  router: string;
  peer: { address: string; asn: number; type?: string; postPolicy?: boolean };
  prefix: string;
  /** Flattened, prepends collapsed; null when withdrawn. */
  asPath: number[] | null;
  /** Withdrawn within the window (the stream's last event was a withdraw). */
  withdrawnInWindow: boolean;
}

export type DecisionKind = 'policy' | 'withdrawn' | 'unknown' | 'origin';

export interface Decision {
  kind: DecisionKind;
  prefix: string;
  /** The AS that chose a different next AS (null: the observing router's own AS, unknown). */
  decidingAsn: number | null;
  /** The next AS on the old path (the one left), null when the new path only extends the old. */
  oldNextAsn: number | null;
  newNextAsn: number | null;
  /** The old and new paths from the deciding AS on. */
  oldTail: number[];
  newTail: number[];
  /** policy/withdrawn: the route at AS D that shows it (router, peer). */
  witness: { router: string; peerAddress: string; peerAsn: number; postPolicy: boolean | null; routerAsnKnown: boolean } | null;
  /** Feeds (router|peer) that saw this same change. */
  seenBy: string[];
  /** The first feed's stream: its peer and the full paths before and after. */
  stream: { router: string; peerAddress: string; peerAsn: number; before: number[]; after: number[] };
  time: string;
}

/** Paths compared without the own-AS prefix FRR 8.4's BMP puts in front ([own, peer, ...] -> [peer, ...]). */
function asReceived(h: Pick<RouteHolding, 'peer'>, path: readonly number[]): number[] {
  if (h.peer.type !== 'loc-rib' && path.length >= 2 && path[0] !== h.peer.asn && path[1] === h.peer.asn) return path.slice(1);
  return [...path];
}

/** Router -> its own AS, from what the feeds reveal (see the module comment); conflicting hints give no answer. */
export function routerAsns(holdings: readonly RouteHolding[]): Map<string, number> {
  const hints = new Map<string, Set<number>>();
  const hint = (router: string, asn: number) => {
    const set = hints.get(router) ?? new Set<number>();
    set.add(asn);
    hints.set(router, set);
  };
  const routers = new Set(holdings.map((h) => h.router));
  for (const h of holdings) {
    if (h.peer.type === 'loc-rib') hint(h.router, h.peer.asn);
    if (routers.has(h.peer.address) && h.peer.type !== 'loc-rib') hint(h.peer.address, h.peer.asn);
    const p = h.asPath;
    if (p !== null && h.peer.type !== 'loc-rib' && p.length >= 2 && p[0] !== h.peer.asn && p[1] === h.peer.asn) hint(h.router, p[0]!);
  }
  const out = new Map<string, number>();
  for (const [router, set] of hints) if (set.size === 1) out.set(router, [...set][0]!);
  return out;
}

function sameTail(path: readonly number[], tail: readonly number[]): boolean {
  return path.length === tail.length && path.every((a, i) => a === tail[i]);
}

/**
 * Holdings at the end of the window: the streams that changed in it (their last
 * state), then the RIB's current routes of the streams that did not.
 */
export function holdingsFrom(changes: readonly PeerPathChange[], rib: readonly RouteHolding[]): RouteHolding[] {
  const key = (router: string, address: string, postPolicy: boolean | undefined, type: string | undefined, prefix: string) =>
    `${router}|${address}|${type ?? ''}|${postPolicy === true ? 'post' : 'pre'}|${prefix}`;
  const out: RouteHolding[] = changes.map((c) => ({
    router: c.router,
    peer: { address: c.peer.address, asn: c.peer.asn, type: c.peer.type, postPolicy: c.peer.postPolicy },
    prefix: c.prefix,
    asPath: c.after,
    withdrawnInWindow: c.withdrawn,
  }));
  const seen = new Set(out.map((h) => key(h.router, h.peer.address, h.peer.postPolicy, h.peer.type, h.prefix)));
  for (const r of rib) if (!seen.has(key(r.router, r.peer.address, r.peer.postPolicy, r.peer.type, r.prefix))) out.push(r);
  return out;
}

/**
 * One decision per distinct best-path change (the same change seen by several
 * feeds counts once), from the streams whose AS path changed in the window.
 * `holdings` should include the changes' final states and the RIB's routes.
 * Withdrawn streams are not decisions (attribution scores them as withdraws).
 */
export function decisions(changes: readonly PeerPathChange[], holdings: readonly RouteHolding[]): Decision[] {
  const asnOf = routerAsns(holdings);
  const out = new Map<string, Decision>();
  for (const c of changes) {
    if (!c.changed || c.withdrawn || c.before === null || c.after === null) continue;
    const before = c.before;
    const after = c.after;
    let i = 0;
    while (i < before.length && before[i] === after[i]) i++;
    const decidingAsn = i === 0 ? (asnOf.get(c.router) ?? null) : before[i - 1]!;
    const oldNextAsn = before[i] ?? null;
    const from = Math.max(0, i - 1);
    const oldTail = before.slice(from);
    const newTail = after.slice(from);
    const dedupKey = `${c.prefix}|${decidingAsn ?? `router:${c.router}`}|${oldTail.join(' ')}|${newTail.join(' ')}`;
    const seen = out.get(dedupKey);
    const feed = `${c.router}|${c.peer.address}${c.peer.type === 'loc-rib' ? ' (Loc-RIB)' : ''}`;
    if (seen !== undefined) {
      if (!seen.seenBy.includes(feed)) seen.seenBy.push(feed);
      continue;
    }
    const stream = { router: c.router, peerAddress: c.peer.address, peerAsn: c.peer.asn, before, after };
    const base = { prefix: c.prefix, decidingAsn, oldNextAsn, newNextAsn: after[i] ?? null, oldTail, newTail, seenBy: [feed], stream, time: c.time };
    if (oldNextAsn === null) {
      // The new path only extends the old one: the last AS of the old path now sends it further (its own change).
      out.set(dedupKey, { kind: 'origin', witness: null, ...base });
      continue;
    }
    const oldFromX = before.slice(i);
    // Routes from peer AS X carrying the old path, at a router in AS D (or whose AS is unknown).
    const candidates = holdings.filter((h) => h.prefix === c.prefix && h.peer.asn === oldNextAsn && h.peer.type !== 'loc-rib' && !(h.router === c.router && h.peer.address === c.peer.address));
    const atD = (h: RouteHolding) => decidingAsn !== null && asnOf.get(h.router) === decidingAsn;
    const unknownAs = (h: RouteHolding) => !asnOf.has(h.router);
    const witness = (h: RouteHolding) => ({
      router: h.router,
      peerAddress: h.peer.address,
      peerAsn: h.peer.asn,
      postPolicy: h.peer.postPolicy ?? null,
      routerAsnKnown: atD(h),
    });
    const present = (h: RouteHolding) => h.asPath !== null && sameTail(asReceived(h, h.asPath), oldFromX);
    const gone = (h: RouteHolding) => h.asPath === null && h.withdrawnInWindow;
    const decided =
      candidates.find((h) => atD(h) && present(h) && h.peer.postPolicy === true) ??
      candidates.find((h) => atD(h) && present(h));
    const withdrawnAtD = candidates.find((h) => atD(h) && gone(h));
    const weak = candidates.find((h) => unknownAs(h) && present(h));
    if (decided !== undefined && withdrawnAtD === undefined) out.set(dedupKey, { kind: 'policy', witness: witness(decided), ...base });
    else if (withdrawnAtD !== undefined) out.set(dedupKey, { kind: 'withdrawn', witness: witness(withdrawnAtD), ...base });
    else if (weak !== undefined) out.set(dedupKey, { kind: 'policy', witness: witness(weak), ...base });
    else out.set(dedupKey, { kind: 'unknown', witness: null, ...base });
  }
  return [...out.values()];
}
