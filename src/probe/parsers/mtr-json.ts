/**
 * mtr --json report (mtr 0.87+):
 *   {"report":{"mtr":{src,dst,tos,tests,psize,bitpattern},"hubs":[{count,host,"Loss%",Snt,Last,Avg,Best,Wrst,StDev}]}}
 * "tos" is "0x0" (string) up to 0.93 and an integer from 0.94; "count" is a
 * string in some 0.9x builds; "???" is a hop without any reply.
 *
 * mtr's own per-hop statistics are kept as they are: sent = Snt,
 * received = round(Snt * (1 - Loss%/100)), loss = Loss%/100,
 * rtt = {min: Best, avg: Avg, max: Wrst, stdev: StDev, last: Last}.
 * Each hub becomes one probe {ip, rttMs: Last} (null ip for "???").
 *
 * ECMP: mtr keeps one statistics record per TTL position, so when a JSON
 * report lists several hubs with the same count (several addresses seen at
 * one TTL) they are merged into ONE hop: one probe per hub (so the hop's
 * signature lists every address) and the statistics of the first hub, which
 * are the position's.
 */
import { ParseError } from './errors.js';
import { buildObservation, normalizeIp, type ParseOptions } from './observation.js';
import type { Hop, PathObservation, ProbeReply } from '../types.js';

export interface MtrHeader {
  src: string;
  dst: string;
  /** Normalised to a number whatever the mtr version printed. */
  tos: number;
  tests: number;
}

function num(v: unknown, what: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ParseError('BAD_SHAPE', 0, `mtr JSON: ${what} is not a number`);
  return n;
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ParseError('BAD_SHAPE', 0, `mtr JSON: ${what} is not an object`);
  return v as Record<string, unknown>;
}

/** The report.mtr object of either generation (tos "0x0" <= 0.93, integer >= 0.94). */
export function parseMtrHeader(v: unknown): MtrHeader {
  const h = record(v, 'report.mtr');
  if (typeof h.dst !== 'string') throw new ParseError('BAD_SHAPE', 0, 'mtr JSON: report.mtr.dst missing');
  const tos = typeof h.tos === 'string' ? Number.parseInt(h.tos, h.tos.startsWith('0x') ? 16 : 10) : num(h.tos ?? 0, 'tos');
  return { src: typeof h.src === 'string' ? h.src : '', dst: h.dst, tos: Number.isNaN(tos) ? 0 : tos, tests: num(h.tests ?? 0, 'tests') };
}

/** "1.2.3.4", "name (1.2.3.4)" (mtr -b), a bare name, or "???". */
function hubAddress(host: string): { ip: string | null; name?: string } {
  if (host === '???') return { ip: null };
  const m = /^(\S+) \(([^)]+)\)$/.exec(host);
  if (m) return { ip: normalizeIp(m[2] as string), name: m[1] as string };
  const ip = normalizeIp(host);
  return ip === null ? { ip: null, name: host } : { ip };
}

function hubToHop(ttl: number, hubs: Record<string, unknown>[]): Hop {
  const first = hubs[0] as Record<string, unknown>;
  const sent = num(first.Snt, 'Snt');
  const lossPct = num(first['Loss%'], 'Loss%');
  const received = Math.round(sent * (1 - lossPct / 100));
  const probes: ProbeReply[] = hubs.map((hub) => {
    const addr = hubAddress(String(hub.host ?? '???'));
    const probe: ProbeReply = { ip: addr.ip, rttMs: addr.ip === null || received === 0 ? null : num(hub.Last, 'Last') };
    if (addr.name !== undefined) probe.name = addr.name;
    return probe;
  });
  const hop: Hop = { ttl, probes, sent, received, loss: lossPct / 100 };
  if (received > 0) {
    hop.rtt = {
      min: num(first.Best, 'Best'),
      avg: num(first.Avg, 'Avg'),
      max: num(first.Wrst, 'Wrst'),
      stdev: num(first.StDev, 'StDev'),
      last: num(first.Last, 'Last'),
    };
  }
  return hop;
}

export function parseMtrJson(text: string, opts: ParseOptions = {}): PathObservation {
  if (text.trim() === '') throw new ParseError('EMPTY_OUTPUT', 0, 'empty mtr output');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ParseError('BAD_JSON', 0, `mtr JSON: ${(e as Error).message}`);
  }
  const report = record(record(doc, 'document').report, 'report');
  const header = parseMtrHeader(report.mtr);
  if (!Array.isArray(report.hubs)) throw new ParseError('BAD_SHAPE', 0, 'mtr JSON: report.hubs is not an array');
  if (report.hubs.length === 0) throw new ParseError('NO_HOPS', 0, 'mtr JSON: no hubs (nothing measured)');
  const byTtl = new Map<number, Record<string, unknown>[]>();
  for (const [i, h] of report.hubs.entries()) {
    const hub = record(h, `hubs[${i}]`);
    const ttl = num(hub.count, `hubs[${i}].count`);
    const group = byTtl.get(ttl);
    if (group) group.push(hub);
    else byTtl.set(ttl, [hub]);
  }
  const hops = [...byTtl.entries()].sort((a, b) => a[0] - b[0]).map(([ttl, hubs]) => hubToHop(ttl, hubs));
  const dst = normalizeIp(header.dst);
  const target = { name: header.dst, address: dst ?? '' };
  return buildObservation({ tool: 'mtr', method: 'icmp', target, hops }, opts);
}
