/**
 * Every NetGauze/pmacct capture compared message by message with NetGauze's own decode
 * (expected/netgauze-*.jsonl, derived by ../../fixtures/bmp/derive-expected.py): message kind,
 * peer (address, AS, type, post-policy, Adj-RIB-Out), IPv4/IPv6 unicast prefixes announced and
 * withdrawn with path IDs, AS path, next hop, communities, End-of-RIB, families not decoded,
 * statistics, peer-down reasons, and NetGauze's expected errors.
 */
import { describe, expect, it } from 'vitest';
import type { AnnounceEvent, PeerRef } from '../../../bgp/types.js';
import { decodeMessages, fixture, jsonLines, type DecodedMessage } from './helpers.js';

type Summary = Record<string, unknown>;

/** NetGauze error names -> the code our decoder reports for the same message. */
const ERROR_CODES: Record<string, string> = {
  InvalidBgpId: 'BGP_OPEN_BAD_BGP_ID',
  InvalidAsPathLength: 'ATTR_AS_PATH_WIDTH',
};
const KINDS: Record<string, string> = {
  'route-monitoring': 'rm',
  'peer-up': 'pu',
  'peer-down': 'pd',
  stats: 'st',
  initiation: 'init',
  termination: 'term',
};

function peerRow(p: PeerRef): unknown[] {
  return [p.address, p.asn, p.type, p.postPolicy ? 1 : 0, p.adjRibOut ? 1 : 0];
}

function summarize(d: DecodedMessage): Summary {
  for (const e of d.events) {
    if (e.type !== 'error') continue;
    const name = Object.keys(ERROR_CODES).find((k) => ERROR_CODES[k] === e.code);
    if (name !== undefined) return { t: 'err', e: name };
  }
  const m = d.message;
  if (m === null) return { t: 'undecodable' };
  const s: Summary = { t: KINDS[m.kind] ?? m.kind };
  if ('peer' in m) {
    const h = m.peer;
    s.p = [h.address, h.asn, h.typeName, h.postPolicy ? 1 : 0, h.adjRibOut ? 1 : 0];
  }
  if (m.kind === 'peer-up') {
    s.sa = m.sentOpen.asn > 65535 ? 23456 : m.sentOpen.asn;
    s.ra = m.receivedOpen.asn > 65535 ? 23456 : m.receivedOpen.asn;
  }
  if (m.kind === 'peer-down') s.r = m.reasonCode;
  if (m.kind === 'stats') s.s = m.stats.map((x) => [x.type, x.value]);
  if (m.kind === 'route-monitoring') {
    const ann = d.events.filter((e): e is AnnounceEvent => e.type === 'announce');
    s.a = ann.map((e) => [`${e.afi} ${e.safi}`, e.prefix, e.pathId]);
    s.w = d.events.flatMap((e) => (e.type === 'withdraw' ? [[`${e.afi} ${e.safi}`, e.prefix, e.pathId]] : []));
    const eor = d.events.find((e) => e.type === 'eor');
    if (eor !== undefined && eor.type === 'eor') s.eor = `${eor.afi} ${eor.safi}`;
    const first = ann[0];
    if (first !== undefined) {
      s.asp = first.asPath;
      if (first.nextHop !== null) s.nh = first.nextHop;
      if (first.communities.length > 0) s.c = first.communities;
      expect(peerRow(first.peer)).toEqual(s.p);
    }
    if (d.otherFamilies.length > 0) s.other = [...d.otherFamilies].sort();
  }
  return s;
}

/** The same view of NetGauze's line: attributes only matter when something is announced. */
function normalizeExpected(e: Summary): Summary {
  const s = { ...e };
  if (s.t === 'pu') {
    // The OPEN "my AS" field: 23456 (AS_TRANS) whenever the ASN needs 4 octets.
    for (const k of ['sa', 'ra'] as const) if ((s[k] as number) > 65535) s[k] = 23456;
  }
  if (s.t === 'rm') {
    if ((s.a as unknown[]).length === 0) {
      delete s.asp;
      delete s.nh;
      delete s.c;
    } else if (Array.isArray(s.c) && s.c.length === 0) delete s.c;
    if (s.asp === undefined && (s.a as unknown[]).length > 0) s.asp = [];
  }
  return s;
}

interface Case {
  name: string;
  streams: string[];
  expected: string;
  /** Several TCP flows in one pcap: compare as a multiset (NetGauze's order is per pcap). */
  unordered?: boolean;
}

const CASES: Case[] = [
  { name: 'pmacct 200 Huawei Loc-RIB', streams: ['pmacct/200-traffic-00.bmp'], expected: 'netgauze-pmacct-tests_200-BMP-HUAWEI-locrib_instance_traffic-00.jsonl' },
  { name: 'pmacct 201 Cisco RD instance', streams: ['pmacct/201-traffic-00.bmp'], expected: 'netgauze-pmacct-tests_201-BMP-CISCO-rd_instance_traffic-00.jsonl' },
  { name: 'pmacct 204 Cisco peer down', streams: ['pmacct/204-traffic-00.bmp'], expected: 'netgauze-pmacct-tests_204-BMP-CISCO-peer_down_traffic-00.jsonl' },
  { name: 'pmacct 205 6WIND/FRR peer down', streams: ['pmacct/205-traffic-00.bmp'], expected: 'netgauze-pmacct-tests_205-BMP-6wind-FRR-peer_down_traffic-00.jsonl' },
  { name: 'pmacct 400 Cisco SRv6 (00)', streams: ['pmacct/400-traffic-00.bmp'], expected: 'netgauze-pmacct-tests_400-IPFIXv10-BMP-CISCO-SRv6-multiple-sources_traffic-00.jsonl' },
  { name: 'pmacct 400 Cisco SRv6 (01)', streams: ['pmacct/400-traffic-01.bmp'], expected: 'netgauze-pmacct-tests_400-IPFIXv10-BMP-CISCO-SRv6-multiple-sources_traffic-01.jsonl' },
  {
    name: 'NetGauze evpn',
    streams: ['netgauze/evpn__198.51.100.154_16436-192.0.2.1_1790.bmp', 'netgauze/evpn__198.51.100.44_43969-192.0.2.1_1790.bmp'],
    expected: 'netgauze-bmp_evpn_evpn.jsonl',
    unordered: true,
  },
  { name: 'NetGauze peers with different caps', streams: ['netgauze/example__10.215.131.44_39613-10.110.110.249_1790.bmp'], expected: 'netgauze-bmp_peers-with-different-caps_example.jsonl' },
  { name: 'NetGauze BMP v4 stateless ADD-PATH', streams: ['netgauze/ipv4_unicast_all__192.85.2.1_62503-192.85.2.2_10000.bmp'], expected: 'netgauze-bmp_stateless-with-add-path_ipv4_unicast_all.jsonl' },
  { name: 'NetGauze BMP v4 path marking', streams: ['netgauze/ipv4_unicast_path_marking__192.85.2.1_62503-192.85.2.2_10000.bmp'], expected: 'netgauze-bmp_path-status_ipv4_unicast_path_marking.jsonl' },
  {
    name: 'NetGauze unreachable prefix announcement',
    streams: [
      'netgauze/upa__172.20.0.11_50166-172.17.0.1_1790.bmp',
      'netgauze/upa__172.20.0.12_44678-172.17.0.1_1790.bmp',
      'netgauze/upa__172.20.0.13_43788-172.17.0.1_1790.bmp',
    ],
    expected: 'netgauze-bmp_unreachable-prefix-announcement_upa.jsonl',
    unordered: true,
  },
  { name: 'NetGauze BMP v4 vpnv4 stateless', streams: ['netgauze/vpnv4-stateless-with-withdraw__192.85.2.1_53680-192.85.2.2_10000.bmp'], expected: 'netgauze-bmp_vpnv4-stateless-with-withdraw_vpnv4-stateless-with-withdraw.jsonl' },
];

describe('BMP captures vs NetGauze expected decode', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const actual = c.streams.flatMap((s) => decodeMessages(fixture(s)).map(summarize));
      const expected = jsonLines<Summary>(`expected/${c.expected}`).map(normalizeExpected);
      expect(actual.length).toBe(expected.length);
      if (c.unordered) {
        const key = (s: Summary) => JSON.stringify(s);
        expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
      } else {
        for (let i = 0; i < expected.length; i++) expect({ i, ...actual[i] }).toEqual({ i, ...expected[i] });
      }
    });
  }
});

describe('pmacct 205: routes without NEXT_HOP', () => {
  it('keeps them and reports ATTR_MISSING_MANDATORY once per such message', () => {
    const decoded = decodeMessages(fixture('pmacct/205-traffic-00.bmp'));
    const expected = jsonLines<Summary>('expected/netgauze-pmacct-tests_205-BMP-6wind-FRR-peer_down_traffic-00.jsonl');
    const noNextHop = expected.filter((e) => e.t === 'rm' && (e.a as unknown[]).length > 0 && e.nh === undefined).length;
    const reported = decoded.filter((d) => d.events.some((e) => e.type === 'error' && e.code === 'ATTR_MISSING_MANDATORY')).length;
    expect(noNextHop).toBeGreaterThan(0);
    expect(reported).toBe(noNextHop);
  });
});
