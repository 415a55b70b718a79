/**
 * derived-exabgp-4.2.25-decode: 80 BGP UPDATEs decoded by ExaBGP 4.2.25 into both its JSON and
 * its text form. We parse the JSON and compare every event with what the *text* form says
 * (an independent rendering of the same UPDATE by ExaBGP).
 */
import { describe, expect, it } from 'vitest';
import type { AnnounceEvent, AsPathElement, WithdrawEvent } from '../../../bgp/types.js';
import { countByType, fixtureLines, parseAll } from './helpers.js';

interface DecodedRecord {
  source: string;
  exabgp_4_2_25_json_lines: string[];
  exabgp_4_2_25_text: string[];
  decode_errors: string[];
}

interface TextRoute {
  kind: 'announce' | 'withdraw';
  prefix: string;
  fields: Map<string, string[] | string | true>;
}

/** Well-known community names ExaBGP prints in text (RFC 1997, RFC 3765, RFC 7999). */
const WELL_KNOWN: Record<string, string> = {
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'no-export-subconfed': '65535:65283',
  nopeer: '65535:65284',
  blackhole: '65535:666',
};

/** "decoded update 1 <prefix> label L next-hop NH rd RD origin igp as-path [ 1 2 ( 3 4 ) ] ..." */
function parseText(line: string): TextRoute {
  const tokens = line.split(' ').filter((t) => t !== '');
  const kind = tokens[2] === '1' ? 'announce' : 'withdraw';
  const fields = new Map<string, string[] | string | true>();
  let i = 4;
  while (i < tokens.length) {
    const key = tokens[i++] as string;
    if (key === 'atomic-aggregate') {
      fields.set(key, true);
      continue;
    }
    const open = tokens[i];
    if (open === '[' || open === '(') {
      const close = open === '[' ? ']' : ')';
      const list: string[] = [];
      let depth = 0;
      for (i++; i < tokens.length; i++) {
        const t = tokens[i] as string;
        if (t === close && depth === 0) break;
        if (t === '(') depth++;
        if (t === ')') depth--;
        list.push(t);
      }
      i++;
      fields.set(key, list);
    } else {
      fields.set(key, tokens[i++] as string);
    }
  }
  const rd = fields.get('rd');
  const prefix = typeof rd === 'string' ? `${rd}:${tokens[3]}` : (tokens[3] as string);
  return { kind, prefix, fields };
}

function list(v: string[] | string | true | undefined): string[] {
  if (v === undefined || v === true) return [];
  return typeof v === 'string' ? [v] : v;
}

function textAsPath(tokens: string[]): AsPathElement[] {
  const out: AsPathElement[] = [];
  let set: number[] | null = null;
  for (const t of tokens) {
    if (t === '(') set = [];
    else if (t === ')') {
      if (set) out.push(set);
      set = null;
    } else if (set) set.push(Number(t));
    else out.push(Number(t));
  }
  return out;
}

function isLinkLocal(nh: string | undefined): boolean {
  return nh !== undefined && /^fe[89ab]/i.test(nh);
}

function expectAnnounceMatchesText(e: AnnounceEvent, t: TextRoute): void {
  const f = t.fields;
  const num = (k: string): number | null => (typeof f.get(k) === 'string' ? Number(f.get(k)) : null);
  expect(e.origin).toBe(f.get('origin') ?? null);
  expect(e.asPath).toEqual(textAsPath(list(f.get('as-path'))));
  expect(e.med).toBe(num('med'));
  expect(e.localPref).toBe(num('local-preference'));
  expect(e.atomicAggregate ?? false).toBe(f.get('atomic-aggregate') === true);
  const agg = list(f.get('aggregator'))[0];
  expect(e.aggregator ? `${e.aggregator.asn}:${e.aggregator.address}` : undefined).toBe(agg);
  expect([...e.communities].sort()).toEqual(list(f.get('community')).map((c) => WELL_KNOWN[c] ?? c).sort());
  expect(e.largeCommunities).toEqual(list(f.get('large-community')));
  expect([...e.extCommunities].sort()).toEqual(list(f.get('extended-community')).sort());
  expect(e.originatorId ?? undefined).toBe(f.get('originator-id'));
  expect(e.clusterList ?? []).toEqual(list(f.get('cluster-list')));
}

const records = fixtureLines('derived-exabgp-4.2.25-decode/decoded.jsonl').map((l) => JSON.parse(l) as DecodedRecord);

describe('derived ExaBGP 4.2.25 decode: JSON events agree with ExaBGP text', () => {
  it('has the 80 records, 5 of which ExaBGP could not decode', () => {
    expect(records).toHaveLength(80);
    expect(records.filter((r) => r.decode_errors.length > 0 && r.exabgp_4_2_25_json_lines.length === 0)).toHaveLength(5);
  });

  it.each(records.filter((r) => r.exabgp_4_2_25_json_lines.length > 0).map((r, i) => [`${i} ${r.source.slice(0, 90)}`, r] as const))(
    '%s',
    (_name, record) => {
      const { events, parser } = parseAll(record.exabgp_4_2_25_json_lines);
      expect(parser.counters.errors).toBe(0);
      const texts = record.exabgp_4_2_25_text.filter((t) => t.startsWith('decoded update 1 ') || t.startsWith('decoded update 2 '));
      const eors = record.exabgp_4_2_25_text.filter((t) => / eor /.test(t));
      expect(countByType(events).eor ?? 0).toBe(eors.length);

      // ExaBGP's text lists an IPv6 route once per next hop; we fold them on the global one.
      const byPrefix = new Map<string, TextRoute[]>();
      for (const t of texts.map(parseText)) byPrefix.set(`${t.kind} ${t.prefix}`, [...(byPrefix.get(`${t.kind} ${t.prefix}`) ?? []), t]);
      const routeEvents = events.filter((e): e is AnnounceEvent | WithdrawEvent => e.type === 'announce' || e.type === 'withdraw');
      expect(routeEvents.map((e) => `${e.type} ${e.prefix}`).sort()).toEqual([...byPrefix.keys()].sort());

      for (const e of routeEvents) {
        const candidates = byPrefix.get(`${e.type} ${e.prefix}`) ?? [];
        if (e.type === 'withdraw') continue;
        const global = candidates.find((t) => !isLinkLocal(list(t.fields.get('next-hop'))[0])) ?? candidates[0];
        expect(global).toBeDefined();
        if (global === undefined) continue;
        expect(e.nextHop).toBe(list(global.fields.get('next-hop'))[0] ?? null);
        expectAnnounceMatchesText(e, global);
      }
    },
  );
});
