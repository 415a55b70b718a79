import type { AsPathElement } from '../../bgp/types.js';
import type { StoredRouteEvent } from '../storage/repositories.js';
import { peerKey } from './peers.js';

export interface AsPathSeen {
  asPath: AsPathElement[];
  firstSeen: string;
  lastSeen: string;
  announcements: number;
}

export interface PeerPrefixHistory {
  router: string;
  peer: StoredRouteEvent extends infer E ? (E extends { peer: infer P } ? P : never) : never;
  /** The newest state seen in the window. */
  current: { state: 'announced' | 'withdrawn'; since: string; asPath: AsPathElement[] | null; nextHop: string | null };
  asPaths: AsPathSeen[];
  events: Array<{ time: string; type: 'announce' | 'withdraw'; change?: string; asPath?: AsPathElement[]; nextHop?: string | null; communities?: string[] }>;
}

/**
 * A prefix's history per router and peer: every AS path seen with first/last
 * seen times, and the announce/withdraw timeline. Pure: built from stored
 * route events (any order), oldest first in the result.
 */
export function prefixHistory(events: StoredRouteEvent[]): PeerPrefixHistory[] {
  const sorted = events
    .filter((e): e is Extract<StoredRouteEvent, { type: 'announce' | 'withdraw' }> => e.type === 'announce' || e.type === 'withdraw')
    .sort((a, b) => a.time.localeCompare(b.time));
  const byPeer = new Map<string, PeerPrefixHistory>();
  for (const e of sorted) {
    const key = `${e.router}|${peerKey(e.peer)}|${e.pathId ?? ''}`;
    let h = byPeer.get(key);
    if (!h) {
      h = { router: e.router, peer: e.peer, current: { state: 'withdrawn', since: e.time, asPath: null, nextHop: null }, asPaths: [], events: [] };
      byPeer.set(key, h);
    }
    if (e.type === 'announce') {
      h.events.push({ time: e.time, type: 'announce', ...(e.change ? { change: e.change } : {}), asPath: e.asPath, nextHop: e.nextHop, communities: e.communities });
      const sig = JSON.stringify(e.asPath);
      const seen = h.asPaths.find((p) => JSON.stringify(p.asPath) === sig);
      if (seen) {
        seen.lastSeen = e.time;
        seen.announcements++;
      } else {
        h.asPaths.push({ asPath: e.asPath, firstSeen: e.time, lastSeen: e.time, announcements: 1 });
      }
      if (h.current.state !== 'announced' || JSON.stringify(h.current.asPath) !== sig || h.current.nextHop !== e.nextHop) {
        h.current = { state: 'announced', since: e.time, asPath: e.asPath, nextHop: e.nextHop };
      }
    } else {
      h.events.push({ time: e.time, type: 'withdraw', ...(e.change ? { change: e.change } : {}) });
      if (h.current.state !== 'withdrawn') h.current = { state: 'withdrawn', since: e.time, asPath: null, nextHop: null };
    }
  }
  return [...byPeer.values()];
}
