/**
 * A pure in-memory RIB of all routers' peers, fed with RouteEvents.
 *
 * Routes are keyed by (router, peer, afi, prefix, path id). The peer part is the peer's
 * type, distinguisher and address plus its BMP L/O flags (RFC 7854 4.2, RFC 8671): the
 * pre-policy, post-policy and Adj-RIB-Out views of one peer are kept apart. Only unicast
 * IPv4/IPv6 routes are stored; other families are acknowledged with a `noop`.
 *
 * Memory (see bench/rib-memory.ts): prefixes are int32 / short nibble-string keys in one Map
 * per prefix length, a route is one small object, and attribute sets are interned.
 */

import type { AnnounceEvent, PeerRef, RouteEvent, WithdrawEvent } from '../../bgp/types.js';
import { AttributeInterner, attributeChanges } from './attributes.js';
import { originOf } from './origin.js';
import {
  formatPrefix,
  ipv4Mask,
  ipv6KeyOf,
  parseIpv4,
  parseIpv6Hex,
  parsePrefix,
  type IpFamily,
  type ParsedPrefix,
} from './prefix.js';
import { PrefixTable, StoredRoute, slotRoutes, type Slot } from './table.js';
import type { LookupResult, NoopReason, PeerCount, RemovedChange, RibChange, RibRoute } from './types.js';

interface PeerEntry {
  router: string;
  ref: PeerRef;
  /** router + type + distinguisher + address: what a peer_down flushes (all views). */
  sessionKey: string;
  ipv4: number;
  ipv6: number;
  /**
   * Its session ended and a flush is removing its routes: new routes of the same peer go to a
   * new entry. Once the flush is done the index is free for another peer.
   */
  retired: boolean;
}

/**
 * The removal of ended sessions' routes (a peer_down or a router's termination), a slice at a
 * time: next(n) removes at least n routes (all that are left when fewer) and returns their
 * changes, so a full table's withdraws need not hold the event loop for seconds. The ended
 * sessions' routes stay visible until their slice comes; routes their peers announce meanwhile
 * belong to new sessions and are kept.
 */
export interface RibFlush {
  next(n: number): RemovedChange[];
  readonly done: boolean;
}

type WithdrawCause = NonNullable<WithdrawEvent['cause']>;

export class Rib {
  private readonly v4 = new PrefixTable<number>(32);
  private readonly v6 = new PrefixTable<string>(128);
  private readonly interner = new AttributeInterner();
  private readonly peers: PeerEntry[] = [];
  private readonly peerIndex = new Map<string, number>();
  /** Indices of retired peers whose flush is done: reused for new peers (a flapping peer does not grow the table). */
  private readonly free: number[] = [];
  private routes = 0;
  private lastTimeText = '';
  private lastTimeSeconds = 0;
  /** The peer index of the last (router, PeerRef) (decoders share one frozen PeerRef per peer). */
  private lastPeer: { router: string; ref: PeerRef; index: number } | null = null;

  /** Applies one event; route events give one change each, peer_down/termination one per flushed route. */
  apply(event: RouteEvent): RibChange[] {
    switch (event.type) {
      case 'announce':
      case 'withdraw':
        return [this.applyRoute(event)];
      case 'peer_down':
      case 'termination':
        return this.beginFlush(event).next(Number.POSITIVE_INFINITY);
      default:
        return [];
    }
  }

  /** Starts removing the routes of the peer (peer_down) or the router (termination) whose session ended. */
  beginFlush(event: RouteEvent): RibFlush {
    let select: (p: PeerEntry) => boolean;
    if (event.type === 'peer_down') {
      const session = sessionKeyOf(event.router, event.peer);
      select = (p) => p.sessionKey === session;
    } else if (event.type === 'termination') select = (p) => p.router === event.router;
    else return { next: () => [], done: true };
    const doomed = new Set<number>();
    this.peers.forEach((p, i) => {
      // A retired entry's routes are already being removed by the flush that retired it.
      if (!p.retired && select(p) && p.ipv4 + p.ipv6 > 0) doomed.add(i);
    });
    for (const i of doomed) {
      const p = this.peers[i] as PeerEntry;
      p.retired = true;
      this.peerIndex.delete(peerKeyOf(p.router, p.ref));
    }
    if (this.lastPeer !== null && doomed.has(this.lastPeer.index)) this.lastPeer = null;
    if (doomed.size === 0) return { next: () => [], done: true };
    const slots = this.flushSlots();
    let done = false;
    return {
      next: (n) => {
        const changes: RemovedChange[] = [];
        while (!done && changes.length < n) {
          const r = slots.next();
          if (r.done === true) {
            done = true;
            for (const i of doomed) this.free.push(i);
          } else this.flushSlot(event, doomed, r.value, changes);
        }
        return changes;
      },
      get done() {
        return done;
      },
    };
  }

  /** An announce or withdraw: its one change (apply() without the array). */
  applyRoute(event: AnnounceEvent | WithdrawEvent): RibChange {
    if (event.type === 'withdraw') return this.withdraw(event, event.cause ?? 'bgp');
    return event.treatAsWithdraw === true ? this.withdraw(event, 'treat-as-withdraw') : this.announce(event);
  }

  /** Total routes held. */
  get size(): number {
    return this.routes;
  }

  /** Distinct interned attribute sets. */
  get attributeSets(): number {
    return this.interner.size;
  }

  get prefixCount(): { ipv4: number; ipv6: number } {
    return { ipv4: this.v4.prefixCount, ipv6: this.v6.prefixCount };
  }

  peerCounts(): PeerCount[] {
    // A retired entry shows while its routes are still being removed.
    return this.peers.filter((p) => !p.retired || p.ipv4 + p.ipv6 > 0).map((p) => ({ router: p.router, peer: p.ref, ipv4: p.ipv4, ipv6: p.ipv6 }));
  }

  routerCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.peers) out[p.router] = (out[p.router] ?? 0) + p.ipv4 + p.ipv6;
    return out;
  }

  /** Longest-prefix match of an address over all peers; null when nothing covers it. */
  lookup(address: string): LookupResult | null {
    if (address.indexOf(':') < 0) {
      const addr = parseIpv4(address);
      return addr < 0 ? null : this.matchV4(addr, 32);
    }
    const hex = parseIpv6Hex(address);
    return hex === null ? null : this.matchV6(hex, 128);
  }

  /**
   * Origin AS for an address: among the routes of the longest matching prefix, the most common
   * origin (last AS of the path; first member of a trailing AS_SET); ties go to the shorter
   * AS path, then the lower ASN. Null when no route covers the address or none has a path.
   */
  originAsn(address: string): number | null {
    const match = this.lookup(address);
    if (match === null) return null;
    const votes = new Map<number, { count: number; shortest: number }>();
    for (const r of match.routes) {
      const asn = originOf(r.attributes.asPath);
      if (asn === null) continue;
      const v = votes.get(asn);
      if (v === undefined) votes.set(asn, { count: 1, shortest: r.attributes.asPath.length });
      else {
        v.count++;
        v.shortest = Math.min(v.shortest, r.attributes.asPath.length);
      }
    }
    let best: number | null = null;
    let bestVote = { count: 0, shortest: Infinity };
    for (const [asn, v] of votes) {
      const better =
        v.count > bestVote.count ||
        (v.count === bestVote.count && (v.shortest < bestVote.shortest || (v.shortest === bestVote.shortest && best !== null && asn < best)));
      if (better) {
        best = asn;
        bestVote = v;
      }
    }
    return best;
  }

  /** The most specific prefix in the RIB equal to or covering `prefix`; null if none. */
  covering(prefix: string): LookupResult | null {
    const p = parsePrefix(prefix);
    if (p === null) return null;
    if (p.afi === 'ipv4') return this.matchV4(p.key as number, p.length);
    return this.matchV6((p.key as string).padEnd(32, '0'), p.length);
  }

  /** The routes of exactly this prefix (all peers); empty when none. */
  routesFor(prefix: string): RibRoute[] {
    const p = parsePrefix(prefix);
    if (p === null) return [];
    const slot = this.table(p.afi).get(p.length, p.key);
    return slot === undefined ? [] : this.toRoutes(slot, p.afi, formatPrefix(p.afi, p.key, p.length));
  }

  /**
   * Every prefix held (IPv4, then IPv6) with its routes, for scans such as "which prefixes does
   * AS X originate". Costs one pass over the table plus a small array per prefix: not for hot paths.
   */
  forEachPrefix(visit: (prefix: string, routes: RibRoute[]) => void): void {
    const scan = <K extends number | string>(afi: IpFamily, table: PrefixTable<K>): void => {
      table.forEach((length, key, slot) => {
        const prefix = formatPrefix(afi, key, length);
        visit(prefix, this.toRoutes(slot, afi, prefix));
      });
    };
    scan('ipv4', this.v4);
    scan('ipv6', this.v6);
  }

  // ------------------------------------------------------------------ updates

  private announce(event: AnnounceEvent): RibChange {
    const p = this.routePrefix(event);
    if (typeof p === 'string') return { kind: 'noop', reason: p, event };
    const peer = this.peerOf(event.router, event.peer);
    const pathId = event.pathId ?? -1;
    const table = this.table(p.afi);
    const slot = table.get(p.length, p.key);
    const existing = slot === undefined ? undefined : findRoute(slot, peer, pathId);
    const entry = this.interner.acquire(event);
    const identity = this.identity(event, p, peer);
    if (existing !== undefined) {
      const old = existing.attrs;
      if (old === entry) {
        this.interner.release(entry);
        return { kind: 'noop', reason: 'same-attributes', event };
      }
      existing.attrs = entry;
      existing.since = this.seconds(event.time);
      this.interner.release(old);
      return { kind: 'replaced', ...identity, changed: attributeChanges(old.attrs, entry.attrs), old: old.attrs, attributes: entry.attrs };
    }
    const route = new StoredRoute(peer, pathId, entry, this.seconds(event.time));
    table.set(p.length, p.key, slot === undefined ? route : slot instanceof StoredRoute ? [slot, route] : (slot.push(route), slot));
    this.count(peer, p.afi, 1);
    return { kind: 'added', ...identity, attributes: entry.attrs };
  }

  private withdraw(event: AnnounceEvent | WithdrawEvent, cause: WithdrawCause): RibChange {
    const p = this.routePrefix(event);
    if (typeof p === 'string') return { kind: 'noop', reason: p, event };
    const peer = this.peerIndexOf(event.router, event.peer, false);
    const table = this.table(p.afi);
    const slot = table.get(p.length, p.key);
    const pathId = event.pathId ?? -1;
    const route = slot === undefined || peer === undefined ? undefined : findRoute(slot, peer, pathId);
    if (slot === undefined || peer === undefined || route === undefined) return { kind: 'noop', reason: 'unknown-route', event };
    const rest = slotRoutes(slot).filter((r) => r !== route);
    if (rest.length === 0) table.delete(p.length, p.key);
    else table.set(p.length, p.key, rest.length === 1 ? (rest[0] as StoredRoute) : rest);
    this.count(peer, p.afi, -1);
    this.interner.release(route.attrs);
    const identity = this.identity(event, p, peer);
    const withdraw: WithdrawEvent =
      event.type === 'withdraw' ? event : { type: 'withdraw', source: event.source, time: event.time, router: event.router, peer: event.peer, afi: event.afi, safi: event.safi, prefix: identity.prefix, pathId: event.pathId, cause };
    return { kind: 'removed', ...identity, old: route.attrs.attrs, withdraw };
  }

  /** Removes every route of the peers selected; returns one `removed` (with its withdraw) per route. */
  /** Every prefix of both tables, as (afi, length, key). */
  private *flushSlots(): Generator<[IpFamily, number, number | string]> {
    for (const [length, key] of this.v4.entries()) yield ['ipv4', length, key];
    for (const [length, key] of this.v6.entries()) yield ['ipv6', length, key];
  }

  /** Removes the doomed peers' routes from one prefix's slot (as it is now: it may have changed since the walk began). */
  private flushSlot(event: RouteEvent, doomed: Set<number>, [afi, length, key]: [IpFamily, number, number | string], changes: RemovedChange[]): void {
    const table = this.table(afi);
    const current = table.get(length, key);
    if (current === undefined) return;
    const routes = slotRoutes(current);
    const keep: StoredRoute[] = [];
    let prefix: string | null = null;
    for (const r of routes) {
      if (!doomed.has(r.peer)) {
        keep.push(r);
        continue;
      }
      prefix ??= formatPrefix(afi, key, length);
      changes.push(this.flushed(event, afi, prefix, r));
    }
    if (keep.length === routes.length) return;
    if (keep.length === 0) table.delete(length, key);
    else table.set(length, key, keep.length === 1 ? (keep[0] as StoredRoute) : keep);
  }

  private flushed(event: RouteEvent, afi: IpFamily, prefix: string, r: StoredRoute): RemovedChange {
    const peer = this.peers[r.peer] as PeerEntry;
    this.count(r.peer, afi, -1);
    this.interner.release(r.attrs);
    const pathId = r.pathId < 0 ? null : r.pathId;
    return {
      kind: 'removed',
      router: peer.router,
      peer: peer.ref,
      afi,
      safi: 'unicast',
      prefix,
      pathId,
      old: r.attrs.attrs,
      withdraw: { type: 'withdraw', source: event.source, time: event.time, router: peer.router, peer: peer.ref, afi, safi: 'unicast', prefix, pathId, cause: 'peer-down' },
    };
  }

  // ------------------------------------------------------------------ helpers

  /** The parsed prefix of a unicast IPv4/IPv6 route event, or why it is not stored. */
  private routePrefix(event: AnnounceEvent | WithdrawEvent): ParsedPrefix | NoopReason {
    if (event.safi !== 'unicast' || (event.afi !== 'ipv4' && event.afi !== 'ipv6')) return 'unsupported-family';
    const p = parsePrefix(event.prefix);
    return p === null || p.afi !== event.afi ? 'bad-prefix' : p;
  }

  private identity(event: AnnounceEvent | WithdrawEvent, p: ParsedPrefix, peer: number) {
    return {
      router: event.router,
      peer: (this.peers[peer] as PeerEntry).ref,
      afi: p.afi,
      safi: 'unicast' as const,
      // The event's own text when it is the canonical one (what formatPrefix would write).
      prefix: p.canonical ? event.prefix : formatPrefix(p.afi, p.key, p.length),
      pathId: event.pathId,
    };
  }

  private table(afi: IpFamily): PrefixTable<number | string> {
    return (afi === 'ipv4' ? this.v4 : this.v6) as PrefixTable<number | string>;
  }

  private peerOf(router: string, ref: PeerRef): number {
    return this.peerIndexOf(router, ref, true) as number;
  }

  /** The index of a peer (added when `add`, else undefined when unknown); the entry keeps the latest ref. */
  private peerIndexOf(router: string, ref: PeerRef, add: boolean): number | undefined {
    const last = this.lastPeer;
    if (last !== null && last.ref === ref && last.router === router) return last.index;
    const key = peerKeyOf(router, ref);
    let index = this.peerIndex.get(key);
    if (index === undefined) {
      if (!add) return undefined;
      const entry: PeerEntry = { router, ref, sessionKey: sessionKeyOf(router, ref), ipv4: 0, ipv6: 0, retired: false };
      const reused = this.free.pop();
      index = reused ?? this.peers.length;
      if (reused === undefined) this.peers.push(entry);
      else this.peers[reused] = entry;
      this.peerIndex.set(key, index);
    } else {
      const entry = this.peers[index] as PeerEntry;
      if (entry.ref !== ref) entry.ref = ref;
    }
    this.lastPeer = { router, ref, index };
    return index;
  }

  private count(peer: number, afi: IpFamily, delta: number): void {
    const entry = this.peers[peer] as PeerEntry;
    if (afi === 'ipv4') entry.ipv4 += delta;
    else entry.ipv6 += delta;
    this.routes += delta;
  }

  private seconds(time: string): number {
    if (time !== this.lastTimeText) {
      this.lastTimeText = time;
      const ms = Date.parse(time);
      this.lastTimeSeconds = Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
    }
    return this.lastTimeSeconds;
  }

  private matchV4(addr: number, maxLength: number): LookupResult | null {
    for (const length of this.v4.lengths) {
      if (length > maxLength) continue;
      const key = addr & ipv4Mask(length);
      const slot = this.v4.get(length, key);
      if (slot !== undefined) {
        const prefix = formatPrefix('ipv4', key, length);
        return { prefix, routes: this.toRoutes(slot, 'ipv4', prefix) };
      }
    }
    return null;
  }

  private matchV6(hex: string, maxLength: number): LookupResult | null {
    for (const length of this.v6.lengths) {
      if (length > maxLength) continue;
      const key = ipv6KeyOf(hex, length);
      const slot = this.v6.get(length, key);
      if (slot !== undefined) {
        const prefix = formatPrefix('ipv6', key, length);
        return { prefix, routes: this.toRoutes(slot, 'ipv6', prefix) };
      }
    }
    return null;
  }

  private toRoutes(slot: Slot, afi: IpFamily, prefix: string): RibRoute[] {
    return slotRoutes(slot).map((r) => {
      const peer = this.peers[r.peer] as PeerEntry;
      return { router: peer.router, peer: peer.ref, afi, prefix, pathId: r.pathId < 0 ? null : r.pathId, attributes: r.attrs.attrs, since: r.since };
    });
  }
}

function findRoute(slot: Slot, peer: number, pathId: number): StoredRoute | undefined {
  if (slot instanceof StoredRoute) return slot.peer === peer && slot.pathId === pathId ? slot : undefined;
  for (const r of slot) if (r.peer === peer && r.pathId === pathId) return r;
  return undefined;
}

function sessionKeyOf(router: string, peer: PeerRef): string {
  return `${router}\u0000${peer.type}|${peer.distinguisher}|${peer.address}`;
}

function peerKeyOf(router: string, peer: PeerRef): string {
  return `${sessionKeyOf(router, peer)}|${peer.postPolicy ? 'L' : ''}${peer.adjRibOut ? 'O' : ''}`;
}
