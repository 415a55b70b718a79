/**
 * RIB memory and speed on a full-table-sized load.
 *
 *   node --expose-gc --import tsx bench/rib-memory.ts [v4Routes=1000000] [v6Routes=200000] [peers=3] [seed=7]
 *
 * (--expose-gc lets the bench collect garbage before each heap reading; without it the
 * figures include garbage and are only an upper bound.)
 *
 * Synthetic, seeded announces: each prefix is carried by 1..peers peers (so single-route and
 * multi-route prefixes both occur); prefix lengths follow a real table's shape (IPv4 mostly
 * /24, /22-/23, some /16-/21; IPv6 mostly /48, /32-/44, some /64). Attribute sharing: the
 * AS path depends on the peer and the origin AS (70,000 origins, as in today's table), 10%
 * of origins tag a community, so distinct attribute sets are ~ peers x 70,000.
 * Prints insert rate, bytes/route from heapUsed and RSS deltas, and LPM lookups/s.
 * Budget: <= 300 bytes per route.
 */
import type { AnnounceEvent, PeerRef } from '../bgp/types.js';
import { Rib } from '../src/rib/index.js';

const v4Routes = Number(process.argv[2] ?? 1_000_000);
const v6Routes = Number(process.argv[3] ?? 200_000);
const peerCount = Number(process.argv[4] ?? 3);
let state = Number(process.argv[5] ?? 7) >>> 0 || 1;

/** xorshift32, seeded. */
function rand(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}
const int = (n: number): number => Math.floor(rand() * n);

const gc = (globalThis as { gc?: () => void }).gc;
function collect(): void {
  for (let i = 0; i < 3; i++) gc?.();
}

const ORIGINS = 70_000;
const peers: PeerRef[] = Array.from({ length: peerCount }, (_, i) => ({
  address: `192.0.2.${i + 1}`,
  asn: 64500 + i,
  bgpId: `192.0.2.${i + 1}`,
  type: 'global',
  distinguisher: '0:0',
  postPolicy: false,
  adjRibOut: false,
}));

function v4Prefix(i: number): string {
  const r = int(100);
  const length = r < 60 ? 24 : r < 80 ? 22 + int(2) : r < 95 ? 16 + int(6) : 8 + int(8);
  const base = (Math.imul(i + 1, 2654435761) >>> 8) * 256 + 16777216; // spread, skip 0/8
  const masked = (base & (length === 0 ? 0 : (0xffffffff << (32 - length)) | 0)) >>> 0;
  return `${masked >>> 24}.${(masked >>> 16) & 255}.${(masked >>> 8) & 255}.${masked & 255}/${length}`;
}

function v6Prefix(i: number): string {
  const r = int(100);
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  const g2 = (h >>> 16).toString(16);
  const g3 = (h & 0xffff).toString(16);
  if (r < 50) return `2a${(i % 16).toString(16)}0:${g2}:${g3}::/48`;
  if (r < 80) return `2a${(i % 16).toString(16)}1:${g2}::/${32 + 4 * int(4)}`;
  return `2a${(i % 16).toString(16)}2:${g2}:${g3}:${int(65536).toString(16)}::/64`;
}

function event(prefix: string, afi: 'ipv4' | 'ipv6', peerIndex: number, origin: number): AnnounceEvent {
  const peer = peers[peerIndex] as PeerRef;
  const transit = 1000 + (origin % 500);
  const asPath = origin % 3 === 0 ? [peer.asn, transit, origin] : [peer.asn, transit, 20000 + (origin % 3000), origin];
  return {
    type: 'announce',
    source: 'bmp',
    time: '2024-05-01T10:00:00.000Z',
    router: 'bench',
    peer,
    afi,
    safi: 'unicast',
    prefix,
    pathId: null,
    nextHop: afi === 'ipv4' ? peer.address : `2001:db8::${peerIndex + 1}`,
    origin: 'igp',
    asPath,
    med: peerIndex === 0 ? 0 : null,
    localPref: 100,
    communities: origin % 10 === 0 ? [`${peer.asn}:${origin % 100}`] : [],
    largeCommunities: [],
    extCommunities: [],
  };
}

/** Every 50th prefix loaded, to aim half of the LPM probes inside the table. */
const sampled: Record<'ipv4' | 'ipv6', string[]> = { ipv4: [], ipv6: [] };

/** Feeds `routes` announces of one family; each prefix goes to 1..peerCount peers. */
function load(rib: Rib | null, afi: 'ipv4' | 'ipv6', routes: number): number {
  let made = 0;
  for (let i = 0; made < routes; i++) {
    const prefix = afi === 'ipv4' ? v4Prefix(i) : v6Prefix(i);
    if (rib !== null && i % 50 === 0) sampled[afi].push(prefix);
    const origin = 1 + int(ORIGINS);
    const carriers = 1 + int(peerCount);
    for (let p = 0; p < carriers && made < routes; p++, made++) {
      const e = event(prefix, afi, p, origin);
      if (rib !== null) rib.apply(e);
    }
  }
  return made;
}

function mb(n: number): string {
  return (n / 1048576).toFixed(1) + ' MB';
}

// Generation alone (same seed), to separate its cost from the RIB's.
const seed = state;
let t0 = performance.now();
load(null, 'ipv4', v4Routes);
load(null, 'ipv6', v6Routes);
const genSeconds = (performance.now() - t0) / 1000;
state = seed;

collect();
const heapBefore = process.memoryUsage().heapUsed;
const rssBefore = process.memoryUsage().rss;
const rib = new Rib();
t0 = performance.now();
const sent = load(rib, 'ipv4', v4Routes) + load(rib, 'ipv6', v6Routes);
const loadSeconds = (performance.now() - t0) / 1000;
collect();
const heapAfter = process.memoryUsage().heapUsed;
const rssAfter = process.memoryUsage().rss;

const routes = rib.size;
console.log(`rib-memory: ${sent} announces from ${peerCount} peers -> ${routes} routes, prefixes ${JSON.stringify(rib.prefixCount)}, ${rib.attributeSets} attribute sets${gc ? '' : ' (run with --expose-gc for stable numbers)'}`);
console.log(`  insert: ${(sent / loadSeconds).toFixed(0)} announces/s incl. event generation; ${(sent / Math.max(loadSeconds - genSeconds, 1e-9)).toFixed(0)}/s RIB only (generation ${genSeconds.toFixed(2)} s)`);
console.log(`  heapUsed: ${mb(heapBefore)} -> ${mb(heapAfter)} = ${((heapAfter - heapBefore) / routes).toFixed(0)} bytes/route (budget 300)`);
console.log(`  rss:      ${mb(rssBefore)} -> ${mb(rssAfter)} = ${((rssAfter - rssBefore) / routes).toFixed(0)} bytes/route`);

// LPM probes: half inside a loaded prefix (its network address with a random last part), half random.
const pick = (list: string[]): string => list[int(list.length)] as string;
const inside4 = (): string => {
  const [net = '0.0.0.0', len = '32'] = pick(sampled.ipv4).split('/');
  const o = net.split('.').map(Number);
  return `${o[0]}.${o[1]}.${Number(len) <= 16 ? int(256) : o[2]}.${int(256)}`;
};
const inside6 = (): string => `${pick(sampled.ipv6).split('/')[0]}${int(65536).toString(16)}`;
const probes4 = Array.from({ length: 200_000 }, (_, i) => (i % 2 === 0 ? inside4() : `${1 + int(223)}.${int(256)}.${int(256)}.${int(256)}`));
const probes6 = Array.from({ length: 50_000 }, (_, i) =>
  i % 2 === 0 ? inside6() : `2a${int(16).toString(16)}${int(3)}:${int(65536).toString(16)}:${int(65536).toString(16)}::${int(65536).toString(16)}`,
);
for (const [name, probes] of [['IPv4', probes4], ['IPv6', probes6]] as const) {
  let hits = 0;
  const t = performance.now();
  for (const a of probes) if (rib.originAsn(a) !== null) hits++;
  const s = (performance.now() - t) / 1000;
  console.log(`  ${name} originAsn (LPM + origin vote): ${(probes.length / s).toFixed(0)} lookups/s, ${((hits / probes.length) * 100).toFixed(0)}% hit`);
}

// peer_down of the first peer: a full sweep, one withdraw per route it held.
const tDown = performance.now();
const flushed = rib.apply({ type: 'peer_down', source: 'bmp', time: '2024-05-01T11:00:00.000Z', router: 'bench', peer: peers[0] as PeerRef, reasonCode: 2, reason: 'bench' });
console.log(`  peer_down flush: ${flushed.length} withdraws in ${((performance.now() - tDown) / 1000).toFixed(2)} s, ${rib.size} routes left`);
