/** BmpSession on hand-built messages: each BMP message type, capabilities, v4 TLVs, counters. */
import { describe, expect, it } from 'vitest';
import { BmpSession } from '../../../bgp/bmp-normalize.js';
import type { RouteEvent } from '../../../bgp/types.js';
import { ARRIVAL } from './helpers.js';
import { bgp, bmp, open, peerHeader, peerUp, routeMonitoring, u16, u32, updateBody } from './bytes.js';

const ATTRS = [
  0x40, 1, 1, 0, // ORIGIN IGP
  0x40, 2, 6, 2, 1, ...u32(65001), // AS_PATH: AS_SEQUENCE [65001]
  0x40, 3, 4, 192, 0, 2, 1, // NEXT_HOP 192.0.2.1
];

function run(...msgs: Buffer[]): { events: RouteEvent[]; session: BmpSession } {
  const session = new BmpSession('rtr');
  const events = msgs.flatMap((m) => session.decode(m, 0, ARRIVAL));
  return { events, session };
}

describe('BmpSession', () => {
  it('Loc-RIB routes without a Peer Up (RFC 9069; gobgpd)', () => {
    const { events } = run(routeMonitoring(updateBody([], ATTRS, [24, 203, 0, 113]), { type: 3, flags: 0x80, address: [0, 0, 0, 0], asn: 65100 }));
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e.type === 'announce' && [e.peer.type, e.peer.address, e.prefix, e.asPath, e.time]).toEqual([
      'loc-rib',
      '0.0.0.0',
      '203.0.113.0/24',
      [65001],
      '2023-11-14T22:13:20.500Z',
    ]);
  });

  it('uses the arrival time when the header timestamp is zero or in the future', () => {
    for (const tsSec of [0, 2_000_000_000]) {
      const { events } = run(routeMonitoring(updateBody([], ATTRS, [24, 203, 0, 113]), { tsSec }));
      expect(events[0]!.time).toBe(ARRIVAL.toISOString());
    }
  });

  it('learns 2-octet ASNs and ADD-PATH from Peer Up (RFC 6793, RFC 7911)', () => {
    const addPathBoth = [69, 4, 0, 1, 1, 3]; // ADD-PATH ipv4 unicast send/receive
    const twoOctetOpen = bgp(1, [4, ...u16(65001), 0, 90, 192, 0, 2, 1, 8, 2, 6, 69, 4, 0, 1, 1, 3]);
    const up = peerUp(open(65000, addPathBoth), twoOctetOpen);
    const attrs2 = [0x40, 1, 1, 0, 0x40, 2, 4, 2, 1, ...u16(65001), 0x40, 3, 4, 192, 0, 2, 1];
    const rm = routeMonitoring(updateBody([], attrs2, [...u32(7), 24, 203, 0, 113]), { flags: 0x20 });
    const { events } = run(up, rm);
    expect(events.map((e) => e.type)).toEqual(['peer_up', 'announce']);
    const a = events[1]!;
    expect(a.type === 'announce' && [a.pathId, a.asPath]).toEqual([7, [65001]]);
    const u = events[0]!;
    expect(u.type === 'peer_up' && [u.sentOpen?.capabilities.addPath, u.receivedOpen?.asn, u.localAddress, u.remotePort]).toEqual([
      { 'ipv4 unicast': 'send/receive' },
      65001,
      '192.0.2.254',
      40000,
    ]);
  });

  it('statistics: 32-bit counters, 64-bit gauges above 2^53 as strings, per-AFI/SAFI gauges', () => {
    const body = [
      ...peerHeader(),
      ...u32(4), // stats count
      ...u16(0), ...u16(4), ...u32(17), // type 0 rejected prefixes: 17
      ...u16(7), ...u16(8), 0x00, 0x20, 0, 0, 0, 0, 0, 1, // type 7 Adj-RIB-In: 2^53 + 1
      ...u16(9), ...u16(11), ...u16(2), 1, ...u32(0), ...u32(42), // type 9 ipv6 unicast: 42
      ...u16(65531), ...u16(2), 0xab, 0xcd, // unknown experimental type, 2 bytes
    ];
    const { events, session } = run(bmp(1, body));
    const s = events[0]!;
    expect(s.type === 'stats' && s.stats).toEqual([
      { type: 0, name: 'rejected-prefixes', value: 17 },
      { type: 7, name: 'adj-rib-in-routes', value: '9007199254740993' },
      { type: 9, name: 'adj-rib-in-routes-per-afi-safi', value: 42, afi: 'ipv6', safi: 'unicast' },
      { type: 65531, name: 'stat-65531', value: '0xabcd' },
    ]);
    expect(session.counters.unknownTlvs).toBe(1);
  });

  it.each([
    [1, bgp(3, [6, 2]), { notification: { code: 6, subcode: 2 }, fsmEvent: null }],
    [2, u16(24), { notification: null, fsmEvent: 24 }],
    [3, bgp(3, [6, 4, 0xde, 0xad]), { notification: { code: 6, subcode: 4, data: 'dead' }, fsmEvent: null }],
    [4, [], { notification: null, fsmEvent: null }],
    [5, [], { notification: null, fsmEvent: null }],
    [6, [...u16(3), ...u16(6), ...Buffer.from('global')], { notification: null, fsmEvent: null }],
    [7, [], { notification: null, fsmEvent: null }],
  ])('Peer Down reason %i', (reason, data, expected) => {
    const { events } = run(bmp(2, [...peerHeader(), reason, ...data]));
    const e = events[0]!;
    expect(e.type).toBe('peer_down');
    expect(e.type === 'peer_down' && { notification: e.notification, fsmEvent: e.fsmEvent, reasonCode: e.reasonCode }).toEqual({
      ...expected,
      reasonCode: reason,
    });
  });

  it('Initiation, Termination and Route Mirroring TLVs', () => {
    const init = bmp(4, [...u16(1), ...u16(3), ...Buffer.from('FRR'), ...u16(2), ...u16(2), ...Buffer.from('r1'), ...u16(99), ...u16(1), 7]);
    const term = bmp(5, [...u16(0), ...u16(3), ...Buffer.from('bye'), ...u16(1), ...u16(2), ...u16(2)]);
    const mirror = bmp(6, [...peerHeader(), ...u16(1), ...u16(2), ...u16(1), ...u16(0), ...u16(19), ...bgp(4, [])]);
    const { events, session } = run(init, term, mirror);
    expect(events.map((e) => ('info' in e ? (e.info ?? []).map((i) => `${i.name}=${i.value}`) : []))).toEqual([
      ['sysDescr=FRR', 'sysName=r1', 'tlv-99=07'],
      ['string=bye', 'reason=out of resources'],
      ['information=messages-lost', `bgpMessage=${'ff'.repeat(16)}001304`],
    ]);
    expect(events[1]!.type === 'termination' && events[1]!.reasonCode).toBe(2);
    expect(session.counters.unknownTlvs).toBe(1);
  });

  it('BMP v4: PDU in a TLV, stateless ADD-PATH TLV, other TLVs skipped and counted', () => {
    const pdu = bgp(2, updateBody([], ATTRS, [...u32(9), 24, 203, 0, 113]));
    const body = [
      ...peerHeader(),
      ...u16(1), ...u16(6), ...u16(0), 69, 4, 0, 1, 1, 1, // stateless parsing: ADD-PATH ipv4 unicast receive
      ...u16(3), ...u16(6), ...u16(0), ...Buffer.from('global'), // VRF/table name
      ...u16(4), ...u16(pdu.length), ...u16(0), ...pdu, // BGP PDU
      ...u16(5), ...u16(4), ...u16(1), ...u32(0x8a), // path marking
    ];
    const { events, session } = run(bmp(0, body, 4));
    const a = events[0]!;
    expect(a.type === 'announce' && [a.prefix, a.pathId]).toEqual(['203.0.113.0/24', 9]);
    expect(session.counters.unknownTlvs).toBe(2);
  });

  it('unknown message types are counted, errors do not stop the session', () => {
    const broken = routeMonitoring(updateBody([], ATTRS, [40, 1]));
    const good = routeMonitoring(updateBody([], ATTRS, [24, 203, 0, 113]));
    const { events, session } = run(bmp(42, [1, 2, 3]), broken, good);
    expect(events.map((e) => (e.type === 'error' ? `${e.code}/${e.severity}` : e.type))).toEqual(['UPDATE_BAD_NLRI/message-skip', 'announce']);
    expect(session.counters).toMatchObject({ unknownTypes: 1, errors: { UPDATE_BAD_NLRI: 1 }, announces: 1, messages: { 'type-42': 1, 'route-monitoring': 2 } });
  });

  it('treat-as-withdraw turns announcements into withdrawals with their cause', () => {
    const bad = [...ATTRS, 0xc0, 8, 3, 1, 2, 3]; // COMMUNITIES length 3
    const { events } = run(routeMonitoring(updateBody([24, 198, 51, 100], bad, [24, 203, 0, 113])));
    expect(events.map((e) => (e.type === 'withdraw' ? `${e.prefix}/${e.cause}` : e.type))).toEqual([
      'error',
      '198.51.100.0/24/bgp',
      '203.0.113.0/24/treat-as-withdraw',
    ]);
  });
});
