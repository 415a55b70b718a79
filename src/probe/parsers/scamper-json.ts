/**
 * scamper JSON (`scamper -O json`, sc_warts2json): one object per line.
 * "trace" objects become observations; "cycle-start"/"cycle-stop" are
 * framing and ignored; other measurement types (ping, tracelb, ...) are
 * skipped and reported in `skipped` by parseScamperJsonDetailed.
 *
 * A trace lists one entry per reply (scamper_trace_json.c hop_tostr):
 * {addr, probe_ttl, probe_id (attempt, 1-based), rtt, reply_ttl,
 *  icmp_type, icmp_code, icmpext:[{ie_cn, ie_ct, ie_dl, mpls_labels:[...]}]}.
 * scamper sends up to `attempts` probes per TTL and stops at the first reply,
 * so a TTL with a reply to attempt k counts k sent; a TTL without reply
 * counts `attempts` sent. TTLs firsthop..hop_count without a reply are "*".
 * reached = stop_reason COMPLETED (or a reply from dst).
 */
import { ParseError } from './errors.js';
import { buildObservation, hopFromProbes, normalizeIp, numberedLines, type ParseOptions } from './observation.js';
import type { Hop, MplsLabel, PathObservation, ProbeMethod, ProbeReply } from '../types.js';

type Obj = Record<string, unknown>;

export interface ScamperSkipped {
  line: number;
  type: string;
  reason: string;
}

export interface ScamperParseResult {
  observations: PathObservation[];
  skipped: ScamperSkipped[];
}

const METHODS: Record<string, ProbeMethod> = {
  'icmp-echo-paris': 'icmp-paris',
  'icmp-paris': 'icmp-paris',
  'udp-paris': 'udp-paris',
  'icmp-echo': 'icmp',
  udp: 'udp',
  tcp: 'tcp',
  'tcp-ack': 'tcp-ack',
};

function int(o: Obj, key: string, line: number, fallback?: number): number {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === undefined && fallback !== undefined) return fallback;
  throw new ParseError('BAD_SHAPE', line, `scamper JSON: "${key}" missing or not a number`);
}

/**
 * ICMP unreachable codes in traceroute's notation (IPv4 RFC 792/1812, IPv6
 * RFC 4443 section 3.1). Port unreachable is the normal answer of a reached
 * UDP destination and gets no annotation.
 */
export function unreachableAnnotation(v6: boolean, type: number, code: number): string | undefined {
  if (!v6 && type === 3) {
    const v4: Record<number, string> = { 0: '!N', 1: '!H', 2: '!P', 4: '!F', 5: '!S', 9: '!X', 10: '!X', 13: '!X', 14: '!V', 15: '!C' };
    return code === 3 ? undefined : v4[code] ?? `!<${code}>`;
  }
  if (v6 && type === 1) {
    const v6codes: Record<number, string> = { 0: '!N', 1: '!X', 2: '!S', 3: '!H' };
    return code === 4 ? undefined : v6codes[code] ?? `!<${code}>`;
  }
  return undefined;
}

function mplsOf(reply: Obj): MplsLabel[] {
  const exts = reply.icmpext ?? reply.icmp_exts;
  if (!Array.isArray(exts)) return [];
  const out: MplsLabel[] = [];
  for (const ext of exts as Obj[]) {
    if (!Array.isArray(ext?.mpls_labels)) continue;
    for (const l of ext.mpls_labels as Obj[]) {
      out.push({ label: Number(l.mpls_label), exp: Number(l.mpls_exp), s: Number(l.mpls_s) === 1, ttl: Number(l.mpls_ttl) });
    }
  }
  return out;
}

function traceToObservation(t: Obj, line: number, opts: ParseOptions): PathObservation {
  const dst = normalizeIp(String(t.dst ?? ''));
  if (dst === null) throw new ParseError('BAD_ADDRESS', line, `scamper JSON: dst "${String(t.dst)}" is not an IP address`);
  const method = METHODS[String(t.method)];
  if (!method) throw new ParseError('BAD_SHAPE', line, `scamper JSON: unknown trace method "${String(t.method)}"`);
  const attempts = int(t, 'attempts', line, 1);
  const firsthop = int(t, 'firsthop', line, 1);
  const replies = Array.isArray(t.hops) ? (t.hops as Obj[]) : [];
  const byTtl = new Map<number, Obj[]>();
  for (const r of replies) {
    const ttl = int(r, 'probe_ttl', line);
    byTtl.set(ttl, [...(byTtl.get(ttl) ?? []), r]);
  }
  const lastTtl = Math.max(int(t, 'hop_count', line, 0), ...byTtl.keys());
  const v6 = dst.includes(':');
  const hops: Hop[] = [];
  for (let ttl = firsthop; ttl <= lastTtl; ttl++) {
    const rs = byTtl.get(ttl) ?? [];
    const sent = rs.length === 0 ? attempts : Math.max(...rs.map((r) => int(r, 'probe_id', line, 1)));
    const answered = new Map<number, ProbeReply>();
    const mpls: MplsLabel[] = [];
    for (const r of rs) {
      const ip = normalizeIp(String(r.addr ?? ''));
      if (ip === null) throw new ParseError('BAD_ADDRESS', line, `scamper JSON: hop addr "${String(r.addr)}" is not an IP address`);
      const probe: ProbeReply = { ip, rttMs: int(r, 'rtt', line) };
      if (typeof r.name === 'string') probe.name = r.name;
      if (typeof r.reply_ttl === 'number') probe.replyTtl = r.reply_ttl;
      const note = unreachableAnnotation(v6, Number(r.icmp_type), Number(r.icmp_code));
      if (note) probe.annotation = note;
      mpls.push(...mplsOf(r));
      const id = int(r, 'probe_id', line, 1);
      if (!answered.has(id)) answered.set(id, probe);
    }
    const probes: ProbeReply[] = [];
    for (let id = 1; id <= sent; id++) probes.push(answered.get(id) ?? { ip: null, rttMs: null });
    const hop = hopFromProbes(ttl, probes, sent);
    if (mpls.length > 0) hop.mpls = mpls;
    hops.push(hop);
  }
  const start = t.start as Obj | undefined;
  const startedAt =
    start && typeof start.sec === 'number'
      ? new Date(start.sec * 1000 + Math.floor(Number(start.usec ?? 0) / 1000)).toISOString()
      : undefined;
  return buildObservation(
    {
      tool: 'scamper',
      method,
      target: { name: dst, address: dst },
      hops,
      reachedByTool: t.stop_reason === 'COMPLETED',
      ...(startedAt !== undefined ? { startedAt } : {}),
    },
    opts,
  );
}

export function parseScamperJsonDetailed(text: string, opts: ParseOptions = {}): ScamperParseResult {
  const result: ScamperParseResult = { observations: [], skipped: [] };
  let objects = 0;
  for (const { no, text: raw } of numberedLines(text)) {
    if (raw.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch (e) {
      throw new ParseError('BAD_JSON', no, `scamper JSON: ${(e as Error).message}`);
    }
    if (typeof obj !== 'object' || obj === null || typeof (obj as Obj).type !== 'string') {
      throw new ParseError('BAD_SHAPE', no, 'scamper JSON: line is not an object with a "type"');
    }
    objects++;
    const o = obj as Obj;
    if (o.type === 'trace') result.observations.push(traceToObservation(o, no, opts));
    else if (o.type !== 'cycle-start' && o.type !== 'cycle-stop' && o.type !== 'cycle-def') {
      result.skipped.push({ line: no, type: String(o.type), reason: `scamper "${String(o.type)}" objects are not traces` });
    }
  }
  if (objects === 0) throw new ParseError('EMPTY_OUTPUT', 0, 'empty scamper output');
  return result;
}

export function parseScamperJsonAll(text: string, opts: ParseOptions = {}): PathObservation[] {
  return parseScamperJsonDetailed(text, opts).observations;
}

/** The first trace of the output; NO_HOPS when it holds none (e.g. only ping or tracelb objects). */
export function parseScamperJson(text: string, opts: ParseOptions = {}): PathObservation {
  const { observations, skipped } = parseScamperJsonDetailed(text, opts);
  const first = observations[0];
  if (!first) {
    const kinds = [...new Set(skipped.map((s) => s.type))].join(', ');
    throw new ParseError('NO_HOPS', 0, `scamper JSON: no trace object${kinds ? ` (only ${kinds})` : ''}`);
  }
  return first;
}
