/** Small builders of RouteEvents for the RIB tests. */
import type { AnnounceEvent, PeerDownEvent, PeerRef, RouteAttributes, WithdrawEvent } from '../../bgp/types.js';

export function peer(address: string, extra: Partial<PeerRef> = {}): PeerRef {
  return { address, asn: 65001, bgpId: '0.0.0.0', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false, ...extra };
}

export const P1 = peer('192.0.2.1');
export const P2 = peer('192.0.2.2', { asn: 65002 });

export function attrs(over: Partial<RouteAttributes> = {}): RouteAttributes {
  return { nextHop: '192.0.2.1', origin: 'igp', asPath: [65001, 64500], med: null, localPref: 100, communities: [], largeCommunities: [], extCommunities: [], ...over };
}

/** The fields every route event of these tests shares. */
function base(prefix: string, time: string) {
  return {
    source: 'exabgp' as const,
    time,
    router: 'r1',
    peer: P1,
    afi: prefix.includes(':') ? ('ipv6' as const) : ('ipv4' as const),
    safi: 'unicast',
    prefix,
    pathId: null,
  };
}

export function announce(prefix: string, over: Partial<AnnounceEvent> = {}): AnnounceEvent {
  return { type: 'announce', ...base(prefix, '2024-05-01T10:00:00.000Z'), ...attrs(), ...over };
}

export function withdraw(prefix: string, over: Partial<WithdrawEvent> = {}): WithdrawEvent {
  return { type: 'withdraw', ...base(prefix, '2024-05-01T10:05:00.000Z'), cause: 'bgp', ...over };
}

export function peerDown(p: PeerRef, router = 'r1'): PeerDownEvent {
  return { type: 'peer_down', source: 'exabgp', time: '2024-05-01T11:00:00.000Z', router, peer: p, reasonCode: 0, reason: 'test' };
}
