/**
 * The lab recordings (FRR 8.4 and gobgpd 3.10, see ../../fixtures/bmp/PROVENANCE.md) compared
 * with (1) the one-line-per-message decode recorded with them (*.decoded.txt: offset, type,
 * length, peer, policy, family, prefixes, AS path, stats, reasons) and (2) pmacct pmbmpd's JSON
 * (expected/pmbmpd-*.jsonl: every route with peer, policy, prefix, AS path, next hop, origin, MED).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../../bgp/types.js';
import { decodeMessages, FIXTURES, fixture, jsonLines, type DecodedMessage } from './helpers.js';

const TYPE_NAMES: Record<string, string> = {
  'route-monitoring': 'route-monitoring',
  statistics: 'stats',
  'peer-up': 'peer-up',
  'peer-down': 'peer-down',
  initiation: 'initiation',
};

interface Line {
  n: number;
  offset: number;
  type: string;
  len: number;
  fields: Record<string, string>;
  rest: string;
}

function parseDecodedTxt(name: string): Line[] {
  const out: Line[] = [];
  for (const l of readFileSync(join(FIXTURES, name), 'utf8').split('\n')) {
    const m = /^#(\d+) @(\d+) (\S+) len=(\d+) (.*)$/.exec(l);
    if (m === null) continue;
    const fields: Record<string, string> = {};
    for (const f of m[5]!.matchAll(/(\w+)=(\S+)/g)) fields[f[1]!] = f[2]!;
    out.push({ n: Number(m[1]), offset: Number(m[2]), type: m[3]!, len: Number(m[4]), fields, rest: m[5]! });
  }
  return out;
}

function checkLine(line: Line, d: DecodedMessage): void {
  const m = d.message!;
  expect(d.offset).toBe(line.offset);
  expect(d.length).toBe(line.len);
  expect(m.kind).toBe(TYPE_NAMES[line.type]);
  if ('peer' in m) {
    expect([m.peer.address, String(m.peer.asn), m.peer.bgpId, m.peer.typeName]).toEqual([
      line.fields.peer,
      line.fields.as,
      line.fields.id,
      line.fields.ptype,
    ]);
  }
  const events = d.events;
  if (m.kind === 'route-monitoring') checkRouteMonitoring(line, m.peer.postPolicy, events);
  if (m.kind === 'stats') expect(m.stats.map((s) => `${s.type}:${s.value}`).join(',')).toBe(line.fields.stats);
  if (m.kind === 'peer-down') expect(String(m.reasonCode)).toBe(line.fields.reason);
  if (m.kind === 'peer-up') {
    expect([m.localAddress, String(m.localPort), String(m.remotePort)]).toEqual([line.fields.local, line.fields.lport, line.fields.rport]);
  }
  if (m.kind === 'initiation') {
    for (const t of m.info) expect(line.rest).toContain(`${t.type}="${t.value}"`);
  }
}

function checkRouteMonitoring(line: Line, postPolicy: boolean, events: RouteEvent[]): void {
  if (line.rest.includes('post-policy')) expect(postPolicy).toBe(true);
  if (line.rest.includes('pre-policy')) expect(postPolicy).toBe(false);
  const eor = /(ipv4|ipv6) End-of-RIB/.exec(line.rest);
  if (eor !== null) {
    expect(events.map((e) => (e.type === 'eor' ? `${e.afi} ${e.safi}` : e.type))).toEqual([`${eor[1]} unicast`]);
    return;
  }
  const m = /(ipv4|ipv6) \+(\d+) -(\d+) (\S+)(?: as_path=(.*))?$/.exec(line.rest);
  expect(m).not.toBeNull();
  const [, afi, plus, minus, prefixes, asPath] = m!;
  const ann = events.filter((e) => e.type === 'announce');
  const wd = events.filter((e) => e.type === 'withdraw');
  expect([ann.length, wd.length]).toEqual([Number(plus), Number(minus)]);
  const listed = ann.length > 0 ? ann : wd;
  expect(listed.map((e) => e.prefix).join(',')).toBe(prefixes);
  for (const e of [...ann, ...wd]) expect(e.afi).toBe(afi);
  for (const e of ann) expect(e.asPath.join(' ')).toBe(asPath ?? '');
}

const ORIGIN_LETTER = { igp: 'i', egp: 'e', incomplete: 'u' } as const;

/** Our routes in pmbmpd's row form. */
function routeRows(events: RouteEvent[]): unknown[][] {
  const rows: unknown[][] = [];
  for (const e of events) {
    if (e.type !== 'announce' && e.type !== 'withdraw') continue;
    const base = [e.peer.address, e.peer.postPolicy ? 1 : 0, e.afi === 'ipv4' ? 1 : 2, 1];
    if (e.type === 'withdraw') rows.push([...base, 'w', e.prefix, null, null, null]);
    else rows.push([...base, 'u', e.prefix, e.asPath.join(' '), e.nextHop, e.origin === null ? null : ORIGIN_LETTER[e.origin]]);
  }
  return rows;
}

describe.each([
  { lab: 'frr', messages: 506 },
  { lab: 'gobgp', messages: 183 },
])('lab stream bmp-$lab.bin', ({ lab, messages }) => {
  const decoded = decodeMessages(fixture(`lab/bmp-${lab}.bin`));

  it('matches the recorded per-message decode line by line', () => {
    const lines = parseDecodedTxt(`lab/bmp-${lab}.bin.decoded.txt`);
    expect(lines.length).toBe(messages);
    expect(decoded.length).toBe(messages);
    for (const line of lines) checkLine(line, decoded[line.n - 1]!);
    expect(decoded.flatMap((d) => d.events).filter((e) => e.type === 'error')).toEqual([]);
  });

  it('has every route pmbmpd decoded, with the same attributes', () => {
    const ours = routeRows(decoded.flatMap((d) => d.events)).map((r) => JSON.stringify(r));
    const expected = jsonLines<unknown[]>(`expected/pmbmpd-${lab}.jsonl`).filter((r) => r.length === 10);
    const pool = new Map<string, number>();
    for (const k of ours) pool.set(k, (pool.get(k) ?? 0) + 1);
    for (const row of expected) {
      // pmbmpd rows: [peer, post, afi, safi, u|w, prefix, as_path, next hop, origin, med]
      const key = row[4] === 'w' ? JSON.stringify([...row.slice(0, 6), null, null, null]) : JSON.stringify(row.slice(0, 9));
      const left = pool.get(key) ?? 0;
      expect(left, key).toBeGreaterThan(0);
      pool.set(key, left - 1);
    }
    // What pmbmpd left out: Loc-RIB routes (gobgpd, no Peer Up) and FRR's peer 0.0.0.0/AS 0.
    const extra = [...pool.entries()].filter(([, n]) => n > 0).map(([k]) => JSON.parse(k) as unknown[]);
    expect(extra.every((r) => r[0] === '0.0.0.0')).toBe(true);
    const locRibOrZero = decoded
      .flatMap((d) => d.events)
      .filter((e) => (e.type === 'announce' || e.type === 'withdraw') && (e.peer.type === 'loc-rib' || e.peer.address === '0.0.0.0')).length;
    expect(extra.reduce((n, r) => n + (r[0] === '0.0.0.0' ? (pool.get(JSON.stringify(r)) ?? 0) : 0), 0)).toBe(locRibOrZero);
  });
});
