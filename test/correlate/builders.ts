/**
 * Small builders for PathObservation and RouteEvent fixtures.
 *
 * The lab shapes mirror the namespace lab recordings (see
 * test/fixtures/correlate/PROVENANCE.md): short path 10.99.1.1 (AS65001) ->
 * 10.99.12.2 (AS65002) -> 10.99.100.10; long path via AS65003 and AS65004;
 * degraded = short with +40 ms from hop 2 on and ~10% loss.
 */
import type { AnnounceEvent, AsPathElement, PeerRef, WithdrawEvent } from '../../bgp/types.js';
import type { Hop, PathObservation, ProbeMethod, ProbeReply, ProbeTool } from '../../src/probe/types.js';

export const T0 = Date.UTC(2026, 0, 15, 14, 0, 0);
export const MIN = 60_000;
export const TARGET = { name: 'shop.example', address: '10.99.100.10' };

export interface HopSpec {
  /** One address, ECMP alternatives (probe i answers from ip[i % n]), or null for a silent hop. */
  ip: string | string[] | null;
  asn?: number | null;
  /** RIB annotation of the hop's address. */
  prefix?: string;
  rtt: number;
}

export const SHORT: HopSpec[] = [
  { ip: '10.99.1.1', asn: 65001, rtt: 0.05 },
  { ip: '10.99.12.2', asn: 65002, rtt: 0.1 },
  { ip: '10.99.100.10', asn: 65002, rtt: 0.1 },
];

export const LONG: HopSpec[] = [
  { ip: '10.99.1.1', asn: 65001, rtt: 0.05 },
  { ip: '10.99.13.3', asn: 65003, rtt: 0.1 },
  { ip: '10.99.34.4', asn: 65004, rtt: 0.1 },
  { ip: '10.99.24.2', asn: 65002, rtt: 0.1 },
  { ip: '10.99.100.10', asn: 65002, rtt: 0.12 },
];

/** Short path, +40 ms from hop 2 on (netem on the 65001-65002 link). */
export const DEGRADED: HopSpec[] = [
  { ip: '10.99.1.1', asn: 65001, rtt: 0.05 },
  { ip: '10.99.12.2', asn: 65002, rtt: 40.4 },
  { ip: '10.99.100.10', asn: 65002, rtt: 40.4 },
];

/** Path cut: hop 1 answers !N (traceroute-udp-unreachable.txt), nothing further. */
export const CUT: HopSpec[] = [{ ip: '10.99.1.1', asn: 65001, rtt: 0.04 }];

/** The spec's example: an Internet path via AS1299, then via AS3356 after AS1299 withdraws (documentation addresses). */
export const VIA_1299: HopSpec[] = [
  { ip: '192.0.2.1', asn: 64496, rtt: 1 },
  { ip: '198.51.100.1', asn: 1299, rtt: 20 },
  { ip: '10.99.100.10', asn: 64500, rtt: 31 },
];
export const VIA_3356: HopSpec[] = [
  { ip: '192.0.2.1', asn: 64496, rtt: 1 },
  { ip: '198.51.100.129', asn: 3356, rtt: 40 },
  { ip: '10.99.100.10', asn: 64500, rtt: 54 },
];

export interface ObsOptions {
  /** Minutes after T0. */
  minute?: number;
  probes?: number;
  /** TTL -> probes lost (the first ones). */
  lost?: Record<number, number>;
  /** Probe index -> extra ms on the destination's reply (outliers). */
  extraRtt?: (probeIndex: number) => number;
  tool?: ProbeTool;
  method?: ProbeMethod;
  id?: string;
  targetId?: string;
  /** Annotation on the last hop's replies, e.g. "!N". */
  lastAnnotation?: string;
}

function buildHop(spec: HopSpec, ttl: number, probes: number, lost: number, isLast: boolean, o: ObsOptions): Hop {
  const replies: ProbeReply[] = [];
  for (let i = 0; i < probes; i++) {
    const ip = spec.ip === null ? null : Array.isArray(spec.ip) ? (spec.ip[i % spec.ip.length] ?? null) : spec.ip;
    if (ip === null || i < lost) {
      replies.push({ ip: null, rttMs: null });
      continue;
    }
    const extra = isLast && o.extraRtt !== undefined ? o.extraRtt(i) : 0;
    const reply: ProbeReply = { ip, rttMs: spec.rtt + (i % 3) * 0.01 + extra };
    if (isLast && o.lastAnnotation !== undefined) reply.annotation = o.lastAnnotation;
    replies.push(reply);
  }
  const rtts = replies.flatMap((r) => (r.rttMs === null ? [] : [r.rttMs]));
  const hop: Hop = {
    ttl,
    probes: replies,
    sent: probes,
    received: rtts.length,
    loss: 1 - rtts.length / probes,
    asn: spec.ip === null ? null : (spec.asn ?? null),
  };
  if (spec.prefix !== undefined) hop.prefix = spec.prefix;
  if (rtts.length > 0) {
    const avg = rtts.reduce((x, y) => x + y, 0) / rtts.length;
    hop.rtt = { min: Math.min(...rtts), avg, max: Math.max(...rtts), stdev: 0 };
  }
  return hop;
}

export function signatureOf(hops: readonly Hop[]): string {
  return hops
    .map((h) => {
      const ips = [...new Set(h.probes.flatMap((p) => (p.ip === null ? [] : [p.ip])))].sort();
      return ips.length === 0 ? '*' : ips.join(',');
    })
    .join('|');
}

export function observation(specs: readonly HopSpec[], o: ObsOptions = {}): PathObservation {
  const probes = o.probes ?? 3;
  const hops = specs.map((s, i) =>
    buildHop(s, i + 1, probes, o.lost?.[i + 1] ?? 0, i === specs.length - 1, o),
  );
  const last = hops[hops.length - 1];
  const reached = last?.probes.some((p) => p.ip === TARGET.address && p.rttMs !== null) ?? false;
  const obs: PathObservation = {
    targetId: o.targetId ?? 'shop',
    target: TARGET,
    tool: o.tool ?? 'traceroute',
    method: o.method ?? 'udp',
    vantage: 'lab',
    startedAt: new Date(T0 + (o.minute ?? 0) * MIN).toISOString(),
    durationMs: 100,
    hops,
    reached,
    rtt: reached && last?.rtt !== undefined ? last.rtt : null,
    loss: reached && last !== undefined ? last.loss : 1,
    signature: signatureOf(hops),
    status: 'ok',
  };
  if (o.id !== undefined) obs.id = o.id;
  return obs;
}

/** `count` runs one minute apart starting at `fromMinute`; `each` tweaks options per run. */
export function series(
  specs: readonly HopSpec[],
  count: number,
  fromMinute: number,
  each: (i: number) => ObsOptions = () => ({}),
): PathObservation[] {
  return Array.from({ length: count }, (_, i) =>
    observation(specs, { minute: fromMinute + i, id: `obs-${fromMinute + i}`, ...each(i) }),
  );
}

export function peer(address: string, asn: number): PeerRef {
  return {
    address,
    asn,
    bgpId: address,
    type: 'global',
    distinguisher: '0:0',
    postPolicy: false,
    adjRibOut: false,
  };
}

function routeBase(p: PeerRef, prefix: string, minute: number) {
  return {
    source: 'exabgp' as const,
    time: new Date(T0 + minute * MIN).toISOString(),
    router: 'lab',
    peer: p,
    afi: 'ipv4' as const,
    safi: 'unicast',
    prefix,
    pathId: null,
  };
}

export function announce(p: PeerRef, prefix: string, asPath: AsPathElement[], minute: number): AnnounceEvent {
  return {
    type: 'announce',
    ...routeBase(p, prefix, minute),
    nextHop: p.address,
    origin: 'igp',
    asPath,
    med: null,
    localPref: null,
    communities: [],
    largeCommunities: [],
    extCommunities: [],
  };
}

export function withdraw(p: PeerRef, prefix: string, minute: number): WithdrawEvent {
  return { type: 'withdraw', ...routeBase(p, prefix, minute), cause: 'bgp' };
}
