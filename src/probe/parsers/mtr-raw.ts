/**
 * mtr --raw (see mtr's FORMATS): one event per line, position = TTL - 1.
 *   x <pos> <seq>            probe sent (mtr >= 0.88)
 *   h <pos> <ip>             address seen at pos (0.95 prints it twice; a new address = ECMP)
 *   p <pos> <usec> [<seq>]   reply, RTT in MICROseconds
 *   d <pos> <name>           reverse-DNS name of the address at pos
 *   m <pos> <label> <exp> <s> <ttl>   MPLS label (when compiled in)
 *
 * Per-probe replies: with x lines each sent seq becomes one probe, answered
 * when a p line carries the same seq; without x lines (old mtr) the replies
 * are listed and the per-hop sent count is estimated as the number of rounds
 * (the largest reply count of any kept position). A reply belongs to the
 * address of the latest h line for its position.
 *
 * Where the path ends: mtr keeps probing beyond the destination and after an
 * ICMP error (e.g. !N, which --raw does not print), so the same address comes
 * back at consecutive positions. Kept positions stop at the first one that
 * (a) contains the target address, or (b) has exactly the address set of the
 * position before it (that earlier position is the last one); otherwise at the
 * last position with any reply. Statistics are computed here (population stdev).
 */
import { ParseError } from './errors.js';
import { buildObservation, hopFromProbes, normalizeIp, numberedLines, type ParseOptions } from './observation.js';
import type { Hop, MplsLabel, PathObservation, ProbeReply } from '../types.js';

interface Reply {
  seq: number | null;
  rttMs: number;
  ip: string | null;
}

interface Position {
  hosts: string[];
  current: string | null;
  sent: number[];
  replies: Reply[];
  mpls: MplsLabel[];
}

interface RawRun {
  positions: Map<number, Position>;
  names: Map<string, string>;
  sawX: boolean;
}

function intField(tok: string | undefined, no: number, what: string): number {
  if (tok === undefined || !/^\d+$/.test(tok)) throw new ParseError('BAD_NUMBER', no, `mtr raw: bad ${what} "${tok ?? ''}"`);
  return Number(tok);
}

function readRaw(text: string): RawRun {
  const run: RawRun = { positions: new Map(), names: new Map(), sawX: false };
  const at = (pos: number): Position => {
    let p = run.positions.get(pos);
    if (!p) {
      p = { hosts: [], current: null, sent: [], replies: [], mpls: [] };
      run.positions.set(pos, p);
    }
    return p;
  };
  for (const { no, text: line } of numberedLines(text)) {
    const f = line.trim().split(/\s+/);
    if (f[0] === '' || f[0] === undefined) continue;
    const kind = f[0];
    if (!['x', 'h', 'p', 'd', 'm'].includes(kind)) throw new ParseError('UNEXPECTED_LINE', no, `mtr raw: unknown line "${line.slice(0, 60)}"`);
    const pos = at(intField(f[1], no, 'position'));
    if (kind === 'x') {
      run.sawX = true;
      pos.sent.push(intField(f[2], no, 'sequence'));
    } else if (kind === 'h') {
      const ip = normalizeIp(f[2] ?? '');
      if (ip === null) throw new ParseError('BAD_ADDRESS', no, `mtr raw: "${f[2] ?? ''}" is not an IP address`);
      if (!pos.hosts.includes(ip)) pos.hosts.push(ip);
      pos.current = ip;
    } else if (kind === 'p') {
      const usec = intField(f[2], no, 'RTT');
      pos.replies.push({ seq: f[3] === undefined ? null : intField(f[3], no, 'sequence'), rttMs: usec / 1000, ip: pos.current });
    } else if (kind === 'd') {
      if (pos.current !== null && f[2] !== undefined && normalizeIp(f[2]) === null) run.names.set(pos.current, f[2]);
    } else {
      pos.mpls.push({ label: intField(f[2], no, 'label'), exp: intField(f[3], no, 'exp'), s: f[4] === '1', ttl: intField(f[5], no, 'ttl') });
    }
  }
  return run;
}

function sameHosts(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((h) => b.includes(h));
}

/** Index of the last position kept (see the header comment), or -1. */
export function lastPosition(positions: ReadonlyMap<number, Pick<Position, 'hosts' | 'sent'>>, target: string): number {
  const maxPos = Math.max(-1, ...positions.keys());
  let lastResponding = -1;
  for (let pos = 0; pos <= maxPos; pos++) {
    const hosts = positions.get(pos)?.hosts ?? [];
    if (target !== '' && hosts.includes(target)) return pos;
    if (pos > 0 && sameHosts(hosts, positions.get(pos - 1)?.hosts ?? [])) return pos - 1;
    if (hosts.length > 0) lastResponding = pos;
  }
  return lastResponding >= 0 ? lastResponding : maxPos; // no reply at all: every probed TTL is a "*" hop
}

function probesOf(pos: Position | undefined, sawX: boolean, rounds: number, names: Map<string, string>): { probes: ProbeReply[]; sent: number } {
  const withName = (r: Reply): ProbeReply => {
    const probe: ProbeReply = { ip: r.ip, rttMs: r.rttMs };
    const name = r.ip === null ? undefined : names.get(r.ip);
    if (name !== undefined) probe.name = name;
    return probe;
  };
  if (!pos) return { probes: Array.from({ length: rounds }, () => ({ ip: null, rttMs: null })), sent: rounds };
  if (sawX) {
    const bySeq = new Map(pos.replies.filter((r) => r.seq !== null).map((r) => [r.seq, r]));
    const probes = pos.sent.map((seq) => {
      const r = bySeq.get(seq);
      return r ? withName(r) : { ip: null, rttMs: null };
    });
    return { probes, sent: pos.sent.length };
  }
  const probes = pos.replies.map(withName);
  const sent = Math.max(rounds, probes.length);
  while (probes.length < sent) probes.push({ ip: null, rttMs: null });
  return { probes, sent };
}

export function parseMtrRaw(text: string, opts: ParseOptions = {}): PathObservation {
  if (text.trim() === '') throw new ParseError('EMPTY_OUTPUT', 0, 'empty mtr --raw output');
  const run = readRaw(text);
  const target = opts.target ? normalizeIp(opts.target.address) ?? '' : '';
  const last = lastPosition(run.positions, target);
  if (last < 0) throw new ParseError('NO_HOPS', 0, 'mtr raw: no probe lines');
  let rounds = 0;
  for (let pos = 0; pos <= last; pos++) rounds = Math.max(rounds, run.positions.get(pos)?.replies.length ?? 0);
  const hops: Hop[] = [];
  for (let pos = 0; pos <= last; pos++) {
    const p = run.positions.get(pos);
    const { probes, sent } = probesOf(p, run.sawX, rounds, run.names);
    const hop = hopFromProbes(pos + 1, probes, sent);
    if (p && p.mpls.length > 0) hop.mpls = p.mpls;
    hops.push(hop);
  }
  return buildObservation({ tool: 'mtr', method: 'icmp', target: { name: target, address: target }, hops }, opts);
}
