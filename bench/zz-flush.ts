import { Rib } from '../src/rib/index.js';
import type { AnnounceEvent, PeerRef } from '../bgp/types.js';
const peer: PeerRef = Object.freeze({ address: '192.0.2.1', asn: 64500, bgpId: '192.0.2.1', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false });
const rib = new Rib();
const now = new Date().toISOString();
const paths = Array.from({ length: 60000 }, (_, i) => Object.freeze([64500, 3000 + i, 1000 + (i % 77)]));
const t0 = performance.now();
for (let i = 0; i < 1_000_000; i++) {
  const e: AnnounceEvent = { type: 'announce', source: 'bmp', time: now, router: 'r1', peer, afi: 'ipv4', safi: 'unicast', prefix: `${11 + ((i >> 16) % 200)}.${(i >> 8) & 255}.${i & 255}.0/24`, pathId: null, nextHop: '192.0.2.1', origin: 'igp', asPath: paths[i % 60000] as number[], med: null, localPref: 100, communities: [], largeCommunities: [], extCommunities: [] };
  rib.applyRoute(e);
}
console.log('load', (performance.now() - t0).toFixed(0), 'ms', rib.size);
const t1 = performance.now();
const changes = rib.apply({ type: 'termination', source: 'bmp', router: 'r1', time: now, info: [] });
console.log('flush', (performance.now() - t1).toFixed(0), 'ms', changes.length);
