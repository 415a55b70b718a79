/**
 * Real ExaBGP output (see test/fixtures/exabgp/PROVENANCE.md). Expected counts were taken from
 * the fixtures with an independent Python json walk, not from this parser.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExabgpParser } from '../../../bgp/exabgp/index.js';
import type { AnnounceEvent, PeerDownEvent, RouteEvent } from '../../../bgp/types.js';
import { ARRIVAL, FIXTURES, countByType, fixtureLines, fixtureText, parseAll } from './helpers.js';

function announces(events: RouteEvent[]): AnnounceEvent[] {
  return events.filter((e): e is AnnounceEvent => e.type === 'announce');
}

describe('lusis/exabgp_exporter logs (ExaBGP 4.x, 2019)', () => {
  it('exabgp.log: every line parses with no error event', () => {
    const { events, parser } = parseAll(fixtureLines('lusis-exabgp_exporter/exabgp.log'));
    expect(parser.counters.errors).toBe(0);
    expect(countByType(events)).toEqual({ peer_up: 37, peer_down: 83, announce: 19, withdraw: 92, eor: 7 });
    expect(parser.counters).toMatchObject({
      lines: 368,
      connected: 89,
      keepalive: 22,
      open: 17,
      notification: 1,
      otherTypes: { signal: 1 },
      skippedNlri: 6, // ipv4 flow announce/withdraw and an l2vpn vpls withdraw
      duplicateNlri: 6, // 0.0.0.0/0 listed four times in two updates
    });
  });

  it('exabgp.log: compact NLRI strings with communities and 4-octet-AS extended communities', () => {
    const { events } = parseAll(fixtureLines('lusis-exabgp_exporter/exabgp.log'));
    const all = announces(events);
    expect(all.find((e) => e.localPref === 200)).toMatchObject({
      prefix: '192.168.88.0/24',
      nextHop: '192.168.1.184',
      origin: 'igp',
      communities: ['64496:0', '64496:64496'],
      peer: { adjRibOut: true },
    });
    expect(all.find((e) => e.extCommunities.length > 0)).toMatchObject({
      prefix: '0.0.0.0/0',
      nextHop: '192.0.2.1',
      extCommunities: ['target:120000L:123', 'origin:130000L:1234'],
    });
    expect(all.filter((e) => e.nextHop === '75.138.131.57' && e.prefix === '0.0.0.0/0' && e.origin === 'incomplete')).toHaveLength(7);
  });

  it('exabgp.log.1: down reasons with raw NOTIFICATION bytes in the string still parse', () => {
    const { events, parser } = parseAll(fixtureLines('lusis-exabgp_exporter/exabgp.log.1'));
    expect(parser.counters.errors).toBe(0);
    expect(events).toHaveLength(2);
    for (const e of events as PeerDownEvent[]) {
      expect(e).toMatchObject({ type: 'peer_down', reasonCode: 0, notification: { code: 2, subcode: 7 }, peer: { address: '192.168.1.2', asn: 64496 } });
      expect(e.reason).toContain('Unsupported Capability');
    }
  });
});

describe('cooperlees/aioexabgp messages (ExaBGP 4.0.1, IPv6)', () => {
  const messages = JSON.parse(fixtureText('aioexabgp/aioexabgp_fixture_messages.json')) as Record<string, { message: unknown }>;
  const run = (name: string): RouteEvent[] =>
    new ExabgpParser('aio').parseLine(JSON.stringify(messages[name]?.message), 1, ARRIVAL);

  it.each([
    ['EXABGP_BAD_VERSION_JSON', [{ type: 'error', code: 'EXABGP_BAD_VERSION' }]],
    ['EXABGP_CONNECTED_JSON', []],
    ['EXABGP_UP_JSON', [{ type: 'peer_up', peer: { address: 'fc00:0:0:69::2', asn: 65070 }, localAddress: 'fc00:0:0:69::1' }]],
    [
      'EXABGP_UPDATE_JSON',
      [{ type: 'announce', afi: 'ipv6', prefix: '70::/32', nextHop: 'fc00:0:0:69::2', asPath: [65070], origin: 'igp', peer: { adjRibOut: false } }],
    ],
    ['EXABGP_WITHDRAW_JSON', [{ type: 'withdraw', afi: 'ipv6', prefix: '70::/32', cause: 'bgp' }]],
    ['EXABGP_UPDATE_SEND_JSON', [{ type: 'announce', prefix: '70::/32', peer: { address: 'fc00:0:0:69::1', adjRibOut: true } }]],
    [
      'EXABGP_DOWN_JSON',
      [{ type: 'peer_down', reason: 'peer reset, message (notification sent (4,0)) error(Hold timer expired / Unspecific)', notification: { code: 4, subcode: 0 } }],
    ],
  ])('%s', (name, expected) => {
    const events = run(name);
    expect(events).toHaveLength(expected.length);
    expected.forEach((want, i) => expect(events[i]).toMatchObject(want));
  });
});

describe('DlieBG/zettabgp samples: the values zettabgp tests assert', () => {
  const first = (name: string): AnnounceEvent | RouteEvent | undefined => {
    const line = fixtureText(`zettabgp/${name}`).split('\n')[0] ?? '';
    const events = new ExabgpParser('z').parseLine(line, 1, ARRIVAL);
    expect(events).toHaveLength(1);
    return events[0];
  };

  it.each([
    ['announce-basic-1.json', { type: 'announce', prefix: '1.1.0.0/24', nextHop: '172.17.179.104', origin: 'igp', asPath: [], med: null, localPref: 100, communities: [] }],
    ['announce-basic-2.json', { type: 'announce', prefix: '1.1.0.0/25', nextHop: '172.17.179.104', origin: 'igp', asPath: [], med: null, localPref: 100, communities: [] }],
    ['withdraw-basic.json', { type: 'withdraw', prefix: '1.1.0.0/24', afi: 'ipv4' }],
    [
      'announce-large-community.json',
      {
        type: 'announce',
        afi: 'ipv6',
        prefix: '2001:7fb:fe15::/48',
        nextHop: '2001:7f8::31eb:0:1',
        origin: 'igp',
        asPath: [12779, 12654],
        med: 1110,
        localPref: 100,
        aggregator: { asn: 64521, address: '10.6.39.0' },
        communities: ['12779:10401', '12779:65000'],
        largeCommunities: ['6695:1911:172', '6695:1912:0', '6695:1913:276', '6695:1914:150'],
      },
    ],
  ])('%s', (name, expected) => {
    expect(first(name)).toMatchObject(expected);
  });
});

describe('ExaBGP qa decoding/ (5.x JSON shape)', () => {
  const dir = FIXTURES + 'exabgp-qa/decoding/';
  const runFile = (name: string): { events: RouteEvent[]; parser: ExabgpParser } => {
    const jsonLine = fixtureText(`exabgp-qa/decoding/${name}`).split('\n')[2] ?? '';
    return parseAll([jsonLine]);
  };

  // "nlri bgp-ls" files hold a bare NLRI object, not an API message.
  const messageFiles = readdirSync(dir).filter((name) => !fixtureText(`exabgp-qa/decoding/${name}`).startsWith('nlri '));

  it.each(messageFiles)('%s parses with no error event', (name) => {
    const { parser } = runFile(name);
    expect(parser.counters.errors).toBe(0);
    expect(parser.counters.lines).toBe(1);
  });

  it('ipv4-unicast-1: 0.0.0.0/0 (repeated on the wire) and 1.1.1.1/32 with med and local-pref', () => {
    const { events, parser } = runFile('ipv4-unicast-1');
    expect(events.map((e) => (e as AnnounceEvent).prefix)).toEqual(['0.0.0.0/0', '1.1.1.1/32']);
    expect(parser.counters.duplicateNlri).toBe(3);
    for (const e of events) {
      expect(e).toMatchObject({ nextHop: '101.1.101.1', origin: 'igp', med: 200, localPref: 100, asPath: [], peer: { bgpId: '127.0.0.1', asn: 65533 } });
    }
  });

  it('ipv4-unicast-2: attributes without NLRI yield no event', () => {
    expect(runFile('ipv4-unicast-2').events).toEqual([]);
  });

  it('vpnv4-extended-nexthop-1: RD in the prefix, IPv6 next hop, route target, prefix-SID kept as code 40', () => {
    const { events } = runFile('vpnv4-extended-nexthop-1');
    expect(events).toEqual([
      expect.objectContaining({ afi: 'ipv4', safi: 'mpls-vpn', prefix: '4:100:10.1.0.0/24', nextHop: 'cafe::1', extCommunities: ['target:4:100'], unknownAttributes: [40] }),
    ]);
  });

  it('bgp-open-sofware-version: OPEN recorded for the session', () => {
    const { parser } = runFile('bgp-open-sofware-version');
    expect(parser.session('127.0.0.1')?.receivedOpen).toMatchObject({ asn: 65533, bgpId: '10.0.0.2', holdTime: 180, capabilities: { fourOctetAsn: true, codes: [1, 65, 75] } });
  });

  it('flow, bgp-ls, evpn, sr-policy NLRI are skipped, not errors', () => {
    for (const name of ['bgp-flow-1', 'bgp-ls-2', 'bgp-evpn-1', 'bgp-sr-policy-1']) {
      const { events, parser } = runFile(name);
      expect(events.filter((e) => e.type === 'announce')).toEqual([]);
      expect(parser.counters.skippedNlri).toBeGreaterThan(0);
    }
  });
});

describe('ExaBGP qa api/ and encoding/ expected JSON lines (4.0.1 and 6.0.0)', () => {
  it('all 252 lines parse with no error; prefix NLRI become events, the others are skipped', () => {
    const lines = fixtureLines('exabgp-qa/ci-json-lines.tsv').map((row) => row.slice(row.indexOf('\t') + 1).replace(/^\d+:\w+:/, ''));
    const { events, parser } = parseAll(lines);
    expect(lines).toHaveLength(252);
    expect(parser.counters.errors).toBe(0);
    expect(countByType(events)).toEqual({ announce: 158, withdraw: 17 });
    expect(parser.counters.skippedNlri).toBe(85);
  });
});

describe('lab recordings (ExaBGP 4.2.21 facing FRR)', () => {
  it('exabgp-session.jsonl: counts per type, IPv6 folded on the global next hop', () => {
    const { events, parser } = parseAll(fixtureLines('lab/exabgp-session.jsonl'));
    expect(parser.counters.errors).toBe(0);
    expect(countByType(events)).toEqual({ peer_up: 2, peer_down: 2, announce: 38, withdraw: 2, eor: 4 });
    expect(parser.counters).toMatchObject({ lines: 132, keepalive: 84, open: 2, notification: 2, connected: 2, duplicateNlri: 19 });
    const v6 = announces(events).filter((e) => e.afi === 'ipv6');
    expect(v6).toHaveLength(19);
    expect(new Set(v6.map((e) => e.nextHop))).toEqual(new Set(['2001:db8:1::1']));
    const eors = events.filter((e) => e.type === 'eor').map((e) => (e as { afi: string }).afi);
    expect(eors).toEqual(['ipv4', 'ipv6', 'ipv4', 'ipv6']);
    const [, secondUp] = events.filter((e) => e.type === 'peer_up');
    expect(secondUp).toMatchObject({ receivedOpen: { asn: 65001, bgpId: '10.99.255.1', capabilities: { addPath: { 'ipv4 unicast': 'receive' } } } });
    const [firstDown] = events.filter((e): e is PeerDownEvent => e.type === 'peer_down');
    expect(firstDown?.notification).toEqual({ code: 6, subcode: 2, data: '0x' });
  });

  it('exabgp-bulk.jsonl.gz: 20,000 prefixes announced then withdrawn', () => {
    const { events, parser } = parseAll(fixtureLines('lab/exabgp-bulk.jsonl.gz'));
    expect(parser.counters.errors).toBe(0);
    expect(parser.counters.lines).toBe(4261);
    expect(countByType(events)).toEqual({ peer_up: 1, peer_down: 1, announce: 20012, withdraw: 20000, eor: 2 });
    const bulk = announces(events).filter((e) => e.nextHop === '10.99.1.3');
    expect(new Set(bulk.map((e) => e.prefix)).size).toBe(20000);
  });
});
