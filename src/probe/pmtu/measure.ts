/**
 * Path MTU runs: tracepath (iputils) or scamper's PMTUD through the same
 * execa runner rules as the traceroutes (argv array, no shell, timeout with
 * SIGKILL, AbortSignal), and the pure step from the tool's PathObservation to
 * a PmtuMeasurement.
 *
 * Checked here (scamper 20211212, iputils 20221126, Linux namespaces): scamper
 * does PMTUD only with the udp / udp-paris methods (icmp-paris with -M exits
 * 255) and prints it only in its text output; scamper sends from raw sockets
 * and sees an MTU rise at once, whereas tracepath goes through the kernel, whose
 * cached PMTU (net.ipv4.route.mtu_expires, 600 s by default) it reports until
 * the cache entry expires: a restored MTU shows with tracepath up to 10 minutes late.
 */
import { parseScamperPmtud } from '../parsers/scamper-pmtud.js';
import { parseTracepath } from '../parsers/tracepath.js';
import { tracepathArgs } from '../tools/args.js';
import { validateRequest, wholeSeconds, RequestError, type ProbeRequest } from '../tools/request.js';
import { execAndParse, failedObservation, type RunOptions } from '../tools/run.js';
import type { PathObservation } from '../types.js';
import type { PmtuLimit, PmtuMeasurement, PmtuTool } from './types.js';

export interface PmtuRequest {
  tool: PmtuTool;
  /** Validated IP literal. */
  address: string;
  ipVersion: 4 | 6;
  maxHops: number;
  /** Seconds to wait for each reply (scamper -w; tracepath has a fixed wait). */
  waitSec: number;
  targetName?: string;
}

/** `scamper -O text -c "trace -M -P udp-paris -q 1 -w W -m N" -i ADDR`: one reply per TTL is enough for the MTU. */
export function scamperPmtudArgs(req: PmtuRequest): string[] {
  const r = validateRequest({ tool: 'scamper', method: 'udp-paris', probesPerHop: 1, address: req.address, ipVersion: req.ipVersion, maxHops: req.maxHops, waitSec: req.waitSec });
  return ['-O', 'text', '-c', ['trace', '-M', '-P', 'udp-paris', '-q', '1', '-w', wholeSeconds(r.waitSec), '-m', String(r.maxHops)].join(' '), '-i', r.address];
}

export function pmtuArgs(req: PmtuRequest): string[] {
  if (req.tool === 'scamper') return scamperPmtudArgs(req);
  return tracepathArgs({ tool: 'tracepath', method: 'udp', probesPerHop: 1, address: req.address, ipVersion: req.ipVersion, maxHops: req.maxHops, waitSec: req.waitSec });
}

/** Runs the tool; like runProbe it never throws for tool problems (status "failed" with a code). */
export async function runPmtu(req: PmtuRequest, opts: RunOptions): Promise<PathObservation> {
  const started = (opts.now ?? (() => new Date()))();
  const asProbe: ProbeRequest = {
    tool: req.tool,
    address: req.address,
    method: req.tool === 'scamper' ? 'udp-paris' : 'udp',
    probesPerHop: 1,
    maxHops: req.maxHops,
    waitSec: req.waitSec,
    ipVersion: req.ipVersion,
    ...(req.targetName ? { targetName: req.targetName } : {}),
  };
  let args: string[];
  try {
    args = pmtuArgs(req);
  } catch (e) {
    if (e instanceof RequestError) return failedObservation(asProbe, 'BAD_REQUEST', `${e.code}: ${e.message}`, started.toISOString(), 0, opts.vantage ?? 'cli');
    throw e;
  }
  return execAndParse(asProbe, args, req.tool === 'scamper' ? parseScamperPmtud : parseTracepath, opts, started);
}

/** Where the hop for an address sits (its first TTL), else the given fallback. */
function ttlOf(obs: PathObservation, ip: string, fallback: number): number {
  return obs.hops.find((h) => h.probes.some((p) => p.ip === ip))?.ttl ?? fallback;
}

/**
 * tracepath prints "pmtu N" on the reply of the router that could not forward
 * the bigger packet; the last such reply (the smallest MTU) is the limit.
 */
function tracepathLimit(obs: PathObservation): PmtuLimit | null {
  let limit: PmtuLimit | null = null;
  for (const hop of obs.hops) {
    for (const p of hop.probes) {
      if (p.pmtu === undefined || p.ip === null) continue;
      if (limit === null || p.pmtu < limit.mtu) limit = { ttl: ttlOf(obs, p.ip, hop.ttl), ip: p.ip, mtu: p.pmtu };
    }
  }
  return limit;
}

/** scamper gives each hop the MTU that reached it: the limit is the hop before a drop. */
function scamperLimit(obs: PathObservation): PmtuLimit | null {
  let limit: PmtuLimit | null = null;
  let prev: { mtu: number; ttl: number } | null = null;
  for (const hop of obs.hops) {
    const mtu = hop.probes.find((p) => p.pmtu !== undefined)?.pmtu;
    if (mtu === undefined) continue;
    if (prev !== null && mtu < prev.mtu) {
      const before = obs.hops.find((h) => h.ttl === hop.ttl - 1);
      limit = { ttl: hop.ttl - 1, ip: before?.probes.find((p) => p.ip !== null)?.ip ?? null, mtu };
    }
    prev = { mtu, ttl: hop.ttl };
  }
  return limit;
}

/** The measurement of one run (pure). The path MTU counts only when the destination answered. */
export function toMeasurement(obs: PathObservation, tool: PmtuTool, targetId: string): PmtuMeasurement {
  const ok = obs.status === 'ok';
  const pathMtu = ok && obs.reached && typeof obs.pathMtu === 'number' ? obs.pathMtu : null;
  const found = ok && pathMtu !== null ? (tool === 'scamper' ? scamperLimit(obs) : tracepathLimit(obs)) : null;
  // A limit above the path MTU is an earlier, wider restriction: not where the path MTU comes from.
  const limit = found !== null && found.mtu === pathMtu ? withAsn(found, obs) : null;
  const m: PmtuMeasurement = {
    targetId,
    target: obs.target,
    vantage: obs.vantage,
    measuredAt: obs.startedAt,
    durationMs: obs.durationMs,
    tool,
    pathMtu,
    limit,
    reached: obs.reached,
    hopCount: obs.hops.length,
    status: obs.status,
  };
  if (obs.error) m.error = obs.error;
  else if (ok && !obs.reached) m.error = { code: 'NOT_REACHED', message: `${tool} got no answer from ${obs.target.address}: the path MTU is unknown` };
  else if (ok && pathMtu === null) {
    const guess = obs.hops.flatMap((h) => h.probes).find((p) => p.annotation?.includes('[*mtu:'))?.annotation;
    m.error = guess
      ? { code: 'MTU_INFERRED', message: `${tool} got no packet-too-big (rate-limited or filtered) and only inferred ${guess}: not counted` }
      : { code: 'NO_MTU', message: `${tool} reached ${obs.target.address} but reported no path MTU` };
  }
  return m;
}

function withAsn(limit: PmtuLimit, obs: PathObservation): PmtuLimit {
  const hop = obs.hops.find((h) => h.ttl === limit.ttl);
  return hop?.asn === undefined ? limit : { ...limit, asn: hop.asn };
}
