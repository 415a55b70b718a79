/**
 * Shared building blocks for the pure parsers: parse options, hop
 * construction from probe replies, and the final PathObservation with
 * reached / end-to-end RTT and loss / signature derived the same way for
 * every tool.
 */
import { isIP } from 'node:net';
import { rttStats } from '../stats.js';
import { pathSignature } from '../signature.js';
import type { Hop, PathObservation, ProbeMethod, ProbeReply, ProbeTool, RttStats } from '../types.js';

export interface ParseOptions {
  /** Which SmokeTrace instance measured it; default "cli". */
  vantage?: string;
  /** ISO-8601 start; default: the time printed by the tool, else the Unix epoch (parsers never read the clock). */
  startedAt?: string;
  /** The target when the output does not say (no header, mtr --raw, tracepath) or to override it. */
  target?: { name?: string; address: string };
  /** The probing method when the output cannot tell (traceroute udp/icmp/tcp look alike). */
  method?: ProbeMethod;
}

export const EPOCH_ISO = new Date(0).toISOString();

/** Lower-case an address and drop an IPv6 zone ("fe80::1%eth0" -> "fe80::1"); null when not an IP literal. */
export function normalizeIp(token: string): string | null {
  const bare = token.includes('%') ? token.slice(0, token.indexOf('%')) : token;
  return isIP(bare) === 0 ? null : bare.toLowerCase();
}

/** A hop from its probes: sent = probes listed, received = probes with an RTT. */
export function hopFromProbes(ttl: number, probes: ProbeReply[], sent = probes.length): Hop {
  const samples = probes.flatMap((p) => (p.rttMs === null ? [] : [p.rttMs]));
  const hop: Hop = {
    ttl,
    probes,
    sent,
    received: samples.length,
    loss: sent === 0 ? 1 : Math.max(0, 1 - samples.length / sent),
  };
  const rtt = rttStats(samples);
  if (rtt) hop.rtt = rtt;
  return hop;
}

export interface ObservationParts {
  tool: ProbeTool;
  method: ProbeMethod;
  target: { name: string; address: string };
  hops: Hop[];
  /** The tool said the destination answered (scamper COMPLETED, tcptraceroute [open]/[closed], tracepath "reached"). */
  reachedByTool?: boolean;
  startedAt?: string;
  durationMs?: number;
  pathMtu?: number | null;
}

function destinationHop(hops: readonly Hop[], address: string, reachedByTool: boolean): Hop | undefined {
  if (address !== '') {
    const hop = hops.find((h) => h.probes.some((p) => p.ip === address));
    if (hop) return hop;
  }
  return reachedByTool ? hops[hops.length - 1] : undefined;
}

/** End-to-end figures from the destination hop: its own stats when every reply there came from the destination. */
function endToEnd(hop: Hop, address: string): { rtt: RttStats | null; loss: number } {
  const foreign = hop.probes.some((p) => p.ip !== null && p.ip !== address);
  if (!foreign || address === '') return { rtt: hop.rtt ?? null, loss: hop.loss };
  const samples = hop.probes.flatMap((p) => (p.ip === address && p.rttMs !== null ? [p.rttMs] : []));
  return { rtt: rttStats(samples) ?? null, loss: hop.sent === 0 ? 1 : Math.max(0, 1 - samples.length / hop.sent) };
}

export function buildObservation(parts: ObservationParts, opts: ParseOptions = {}): PathObservation {
  const target = opts.target
    ? { name: opts.target.name ?? parts.target.name ?? opts.target.address, address: normalizeIp(opts.target.address) ?? opts.target.address }
    : parts.target;
  const dest = destinationHop(parts.hops, target.address, parts.reachedByTool === true);
  const e2e = dest ? endToEnd(dest, target.address) : { rtt: null, loss: 1 };
  const obs: PathObservation = {
    target,
    tool: parts.tool,
    method: opts.method ?? parts.method,
    vantage: opts.vantage ?? 'cli',
    startedAt: opts.startedAt ?? parts.startedAt ?? EPOCH_ISO,
    durationMs: parts.durationMs ?? 0,
    hops: parts.hops,
    reached: dest !== undefined,
    rtt: e2e.rtt,
    loss: e2e.loss,
    signature: pathSignature(parts.hops),
    status: 'ok',
  };
  if (parts.pathMtu !== undefined) obs.pathMtu = parts.pathMtu;
  return obs;
}

/** Split text into lines keeping 1-based numbers; tolerates CRLF. */
export function numberedLines(text: string): { no: number; text: string }[] {
  return text.split(/\r?\n/).map((t, i) => ({ no: i + 1, text: t }));
}
