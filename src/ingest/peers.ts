import type { FeedSource, PeerRef, RouteEvent } from '../../bgp/types.js';

export interface PeerState {
  key: string;
  peer: PeerRef;
  state: 'up' | 'down' | 'unknown';
  /** When the current state began (arrival time). */
  since: string;
  lastMessageAt: string;
  lastDownReason: string | null;
  /** Families whose End-of-RIB arrived since the peer came up: the initial dump is done for those. */
  eor: string[];
  /** Announces and withdraws since the peer came up (initial-dump progress). */
  announcesSinceUp: number;
  withdrawsSinceUp: number;
  /** Current routes in the RIB, filled in by the caller from the RIB. */
  routes?: number;
}

export interface RouterState {
  router: string;
  source: FeedSource;
  connected: boolean;
  since: string;
  lastMessageAt: string | null;
  sysName: string | null;
  sysDescr: string | null;
  peers: Map<string, PeerState>;
}

/** The key of a peer within a router: BMP distinguishes peers by type, RD, address and flags. */
export function peerKey(p: PeerRef): string {
  return `${p.type}|${p.distinguisher}|${p.address}|${p.postPolicy ? 'post' : 'pre'}|${p.adjRibOut ? 'out' : 'in'}`;
}

/**
 * What we know of each router and its peers: session state, last message,
 * initial-dump progress. Pure bookkeeping over route events; times are the
 * events' arrival times passed in by the caller.
 */
export class PeerRegistry {
  private readonly routers = new Map<string, RouterState>();
  /**
   * The peer state of the last event's (router, PeerRef): a feed's events come in runs from one
   * peer, and its decoder shares one frozen PeerRef per peer, so the key text is built once per run.
   */
  private last: { router: RouterState; ref: PeerRef; state: PeerState } | null = null;

  private routerFor(router: string, source: FeedSource, now: string): RouterState {
    let r = this.routers.get(router);
    if (!r) {
      r = { router, source, connected: true, since: now, lastMessageAt: null, sysName: null, sysDescr: null, peers: new Map() };
      this.routers.set(router, r);
    }
    return r;
  }

  connected(router: string, source: FeedSource, now: string): void {
    const r = this.routerFor(router, source, now);
    r.connected = true;
    r.since = now;
  }

  disconnected(router: string, now: string): void {
    const r = this.routers.get(router);
    if (!r) return;
    r.connected = false;
    r.since = now;
    for (const p of r.peers.values()) {
      if (p.state === 'up') {
        p.state = 'unknown';
        p.since = now;
      }
    }
  }

  observe(e: RouteEvent, now: string): void {
    if (e.type === 'error') return;
    const r = this.routerFor(e.router, e.source, now);
    r.lastMessageAt = now;
    if (e.type === 'initiation' || e.type === 'termination') {
      if (e.type === 'initiation') {
        for (const t of e.info) {
          if (t.name === 'sysName') r.sysName = t.value;
          if (t.name === 'sysDescr') r.sysDescr = t.value;
        }
      }
      return;
    }
    if (!('peer' in e)) return;
    const last = this.last;
    let p = last !== null && last.router === r && last.ref === e.peer ? last.state : undefined;
    if (p === undefined) p = this.peerState(r, e.peer, now);
    p.lastMessageAt = now;
    switch (e.type) {
      case 'peer_up':
        p.peer = e.peer;
        p.state = 'up';
        p.since = now;
        p.eor = [];
        p.announcesSinceUp = 0;
        p.withdrawsSinceUp = 0;
        break;
      case 'peer_down':
        p.state = 'down';
        p.since = now;
        p.lastDownReason = e.reason;
        break;
      case 'announce':
        // Route Monitoring without a Peer Up (gobgpd Loc-RIB) still means the peer is there.
        if (p.state === 'unknown') p.state = 'up';
        p.announcesSinceUp++;
        break;
      case 'withdraw':
        p.withdrawsSinceUp++;
        break;
      case 'eor': {
        const fam = `${e.afi} ${e.safi}`;
        if (!p.eor.includes(fam)) p.eor.push(fam);
        break;
      }
      default:
        break;
    }
  }

  /** The state of a router's peer (created unknown), remembered as the last one seen. */
  private peerState(r: RouterState, ref: PeerRef, now: string): PeerState {
    const key = peerKey(ref);
    let p = r.peers.get(key);
    if (!p) {
      p = {
        key,
        peer: ref,
        state: 'unknown',
        since: now,
        lastMessageAt: now,
        lastDownReason: null,
        eor: [],
        announcesSinceUp: 0,
        withdrawsSinceUp: 0,
      };
      r.peers.set(key, p);
    }
    this.last = { router: r, ref, state: p };
    return p;
  }

  list(): RouterState[] {
    return [...this.routers.values()];
  }

  get(router: string): RouterState | undefined {
    return this.routers.get(router);
  }
}
