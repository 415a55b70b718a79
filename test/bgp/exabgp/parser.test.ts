import { describe, expect, it } from 'vitest';
import { ExabgpParser } from '../../../bgp/exabgp/index.js';
import type { AnnounceEvent, PeerDownEvent, PeerUpEvent, RouteEvent, WithdrawEvent } from '../../../bgp/types.js';
import { ARRIVAL, countByType, line4 } from './helpers.js';

function parse(line: string, parser = new ExabgpParser('feed1')): RouteEvent[] {
  return parser.parseLine(line, 7, ARRIVAL);
}

describe('ExabgpParser: update shapes', () => {
  const cases: Array<{ name: string; message: unknown; expected: Array<Partial<AnnounceEvent> | Partial<WithdrawEvent>> }> = [
    {
      name: '4.x announce with nlri objects and ADD-PATH path-information',
      message: {
        update: {
          attribute: { origin: 'igp', 'as-path': [65001, 65002], 'confederation-path': [], med: 10, 'local-preference': 200 },
          announce: { 'ipv4 unicast': { '192.0.2.1': [{ nlri: '10.0.0.0/24', 'path-information': '0.0.0.2' }] } },
        },
      },
      expected: [
        { type: 'announce', afi: 'ipv4', safi: 'unicast', prefix: '10.0.0.0/24', pathId: 2, nextHop: '192.0.2.1', origin: 'igp', asPath: [65001, 65002], med: 10, localPref: 200 },
      ],
    },
    {
      name: '4.0 compact form: NLRI as plain strings',
      message: { update: { attribute: { origin: 'igp' }, announce: { 'ipv4 unicast': { '192.0.2.1': ['10.1.0.0/16', '10.2.0.0/16'] } } } },
      expected: [
        { type: 'announce', prefix: '10.1.0.0/16', nextHop: '192.0.2.1', pathId: null },
        { type: 'announce', prefix: '10.2.0.0/16', nextHop: '192.0.2.1', pathId: null },
      ],
    },
    {
      name: 'older keyed form: NLRI as object keys',
      message: { update: { announce: { 'ipv4 unicast': { '192.0.2.9': { '10.3.0.0/16': {} } } }, withdraw: { 'ipv4 unicast': { '10.4.0.0/16': {} } } } },
      expected: [
        { type: 'withdraw', prefix: '10.4.0.0/16', cause: 'bgp' },
        { type: 'announce', prefix: '10.3.0.0/16', nextHop: '192.0.2.9', origin: null, asPath: [] },
      ],
    },
    {
      name: '4.x withdraw, both families',
      message: { update: { withdraw: { 'ipv4 unicast': [{ nlri: '198.51.100.0/24' }], 'ipv6 unicast': ['2001:db8:1234::/48'] } } },
      expected: [
        { type: 'withdraw', afi: 'ipv4', prefix: '198.51.100.0/24', pathId: null },
        { type: 'withdraw', afi: 'ipv6', prefix: '2001:db8:1234::/48', pathId: null },
      ],
    },
    {
      name: 'IPv6 listed under global and link-local next hops -> one announce, global next hop',
      message: {
        update: {
          attribute: { origin: 'incomplete', 'as-path': [65001] },
          announce: {
            'ipv6 unicast': {
              'fe80::1': [{ nlri: '2001:db8:2::/64' }],
              '2001:db8::1': [{ nlri: '2001:db8:1::/64' }, { nlri: '2001:db8:2::/64' }],
            },
          },
        },
      },
      expected: [
        { type: 'announce', prefix: '2001:db8:2::/64', nextHop: '2001:db8::1' },
        { type: 'announce', prefix: '2001:db8:1::/64', nextHop: '2001:db8::1' },
      ],
    },
    {
      name: '5.x as-path segments with an AS_SET and confederation segments',
      message: {
        update: {
          attribute: {
            origin: 'egp',
            'as-path': {
              '1': { element: 'as-set', value: [65010, 65011] },
              '0': { element: 'as-sequence', value: [65001] },
              '2': { element: 'confed-sequence', value: [64512] },
            },
          },
          announce: { 'ipv4 unicast': { '192.0.2.1': [{ nlri: '203.0.113.0/24' }] } },
        },
      },
      expected: [{ prefix: '203.0.113.0/24', origin: 'egp', asPath: [65001, [65010, 65011]], confedPath: [64512] }],
    },
    {
      name: '4.x as-set and confederation keys',
      message: {
        update: {
          attribute: { 'as-path': [65001, 65002], 'as-set': [65003, 65004], 'confederation-path': [64512, 64513] },
          announce: { 'ipv4 unicast': { '192.0.2.1': [{ nlri: '198.51.100.0/24' }] } },
        },
      },
      expected: [{ asPath: [65001, 65002, [65003, 65004]], confedPath: [64512, 64513] }],
    },
    {
      name: 'communities, large, extended (string, object, bare 64-bit), aggregator, reflector attributes, unknown codes',
      message: {
        update: {
          attribute: {
            community: [[65001, 100], [65535, 65281]],
            'large-community': [[6695, 1911, 172]],
            'extended-community': ['target:65000:1', { value: 839962459111466, string: 'target:64497:42' }, '__big__18446744073709551615'],
            aggregator: '64521:10.6.39.0',
            'atomic-aggregate': true,
            'originator-id': '10.0.0.1',
            'cluster-list': ['1.1.1.1', '2.2.2.2'],
            'attribute-0x27-0xE0': '0x0001',
            'bgp-prefix-sid': { 'l3-service': [] },
          },
          announce: { 'ipv4 unicast': { '192.0.2.1': [{ nlri: '198.51.100.0/24' }] } },
        },
      },
      expected: [
        {
          communities: ['65001:100', '65535:65281'],
          largeCommunities: ['6695:1911:172'],
          extCommunities: ['target:65000:1', 'target:64497:42', '0xffffffffffffffff'],
          aggregator: { asn: 64521, address: '10.6.39.0' },
          atomicAggregate: true,
          originatorId: '10.0.0.1',
          clusterList: ['1.1.1.1', '2.2.2.2'],
          unknownAttributes: [39, 40],
        },
      ],
    },
    {
      name: 'VPN families keep the RD in the prefix (GoBGP "rd:prefix" text); flow NLRI are skipped',
      message: {
        update: {
          announce: {
            'ipv4 mpls-vpn': { '198.51.100.44': [{ nlri: '192.0.41.0/24', label: [[917552]], rd: '65543:105' }] },
            'ipv4 flow': { 'no-nexthop': [{ 'destination-ipv4': ['10.0.0.1/32'], string: 'flow ...' }] },
          },
        },
      },
      expected: [{ afi: 'ipv4', safi: 'mpls-vpn', prefix: '65543:105:192.0.41.0/24', nextHop: '198.51.100.44' }],
    },
  ];

  it.each(cases)('$name', ({ message, expected }) => {
    // "__big__N" stands for the bare 20-digit JSON literal N that ExaBGP prints (JSON.stringify cannot).
    const text = line4(message).replace(/"__big__(\d+)"/g, '$1');
    const events = new ExabgpParser('feed1').parseLine(text, 1, ARRIVAL);
    expect(events).toHaveLength(expected.length);
    expected.forEach((want, i) => expect(events[i]).toMatchObject(want));
  });

  it('fills the common fields: source, router, message time, peer', () => {
    const [e] = parse(line4({ eor: { afi: 'ipv6', safi: 'unicast' } }));
    expect(e).toEqual({
      type: 'eor',
      source: 'exabgp',
      time: '2023-11-14T22:13:20.500Z',
      router: 'feed1',
      peer: { address: '192.0.2.1', asn: 65001, bgpId: '0.0.0.0', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false },
      afi: 'ipv6',
      safi: 'unicast',
    });
  });

  it('direction "send" marks the peer as Adj-RIB-Out; 5.x router-id becomes bgpId', () => {
    const [e] = parse(line4({ eor: { afi: 'ipv4', safi: 'unicast' } }, { direction: 'send', 'router-id': '10.0.0.1' }));
    expect(e).toMatchObject({ peer: { adjRibOut: true, bgpId: '10.0.0.1' } });
  });
});

describe('ExabgpParser: sessions', () => {
  const neighbor = { address: { local: '10.99.1.2', peer: '10.99.1.1' }, asn: { local: 65100, peer: 65001 } };
  const msg = (type: string, body: Record<string, unknown>, top: Record<string, unknown> = {}): string =>
    JSON.stringify({ exabgp: '4.0.1', time: 1795274938.4, type, neighbor: { ...neighbor, ...body }, ...top });
  const open = msg('open', {
    direction: 'receive',
    open: {
      version: 4,
      asn: 23456,
      hold_time: 9,
      router_id: '10.99.255.1',
      capabilities: {
        '1': { name: 'multiprotocol', families: ['ipv4/unicast', 'ipv6/unicast'] },
        '2': { name: 'route-refresh', variant: 'RFC' },
        '65': { name: 'asn4', asn4: 4200000001 },
        '69': { name: 'addpath', 'ipv4/unicast': 'receive', 'ipv6/unicast': 'send/receive' },
        '64': { name: 'graceful restart', time: 120 },
        '73': { name: 'unknown', iana: 'unassigned', value: 73, raw: '02723100' },
      },
    },
  });

  it('connected is only counted; up carries the recorded OPEN; down gives the notification', () => {
    const p = new ExabgpParser('lab');
    expect(parse(msg('state', { state: 'connected' }), p)).toEqual([]);
    expect(parse(open, p)).toEqual([]);
    const [up] = parse(msg('state', { state: 'up' }), p) as PeerUpEvent[];
    expect(up).toMatchObject({ type: 'peer_up', localAddress: '10.99.1.2', peer: { address: '10.99.1.1', asn: 65001 } });
    expect(up?.receivedOpen).toEqual({
      version: 4,
      asn: 4200000001,
      holdTime: 9,
      bgpId: '10.99.255.1',
      capabilities: {
        codes: [1, 2, 64, 65, 69, 73],
        fourOctetAsn: true,
        multiprotocol: ['ipv4 unicast', 'ipv6 unicast'],
        addPath: { 'ipv4 unicast': 'receive', 'ipv6 unicast': 'send/receive' },
        routeRefresh: true,
        gracefulRestart: true,
        hostname: 'r1',
      },
    });
    expect(p.session('10.99.1.1')?.receivedOpen?.capabilities.fourOctetAsn).toBe(true);
    expect(parse(msg('notification', { direction: 'receive', notification: { code: 6, subcode: 2, data: '0x' } }), p)).toEqual([]);
    const [down] = parse(
      msg('state', { state: 'down', reason: 'peer reset, message (notification received (6,2)) error(Cease / Administrative Shutdown)' }),
      p,
    ) as PeerDownEvent[];
    expect(down).toMatchObject({ type: 'peer_down', reasonCode: 0, notification: { code: 6, subcode: 2, data: '0x' } });
    expect(down?.reason).toContain('Administrative Shutdown');
    expect(p.session('10.99.1.1')).toBeUndefined();
    expect(p.counters).toMatchObject({ connected: 1, up: 1, down: 1, open: 1, notification: 1, state: 3 });
  });

  it('the shutdown notification (no neighbor) downs sessions still up, and only those', () => {
    const p = new ExabgpParser('lab');
    parse(msg('state', { state: 'up' }), p);
    const shutdown = JSON.stringify({ exabgp: '4.0.1', time: 1795275190.5, type: 'notification', notification: 'shutdown' });
    const events = parse(shutdown, p);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'peer_down', reason: 'exabgp shutdown', peer: { address: '10.99.1.1' } });
    expect(parse(shutdown, p)).toEqual([]);
  });

  it('keepalive and unknown types are counted, no event', () => {
    const p = new ExabgpParser('lab');
    expect(parse(msg('keepalive', { direction: 'receive' }), p)).toEqual([]);
    expect(parse(msg('signal', { name: 'UNKNOWN', code: '0' }), p)).toEqual([]);
    expect(p.counters).toMatchObject({ keepalive: 1, other: 1, otherTypes: { signal: 1 } });
  });
});

describe('ExabgpParser: broken lines', () => {
  const broken: Array<[string, string, string]> = [
    ['not JSON', '{"exabgp": "4.0.1", "type": "upd', 'EXABGP_BAD_JSON'],
    ['JSON but not an object', '[1,2,3]', 'EXABGP_BAD_SHAPE'],
    ['bad version (aioexabgp fixture)', '{"exabgp": "69.69.69"}', 'EXABGP_BAD_VERSION'],
    ['no type', '{"exabgp": "4.0.1"}', 'EXABGP_BAD_SHAPE'],
    ['update without neighbor', '{"exabgp": "4.0.1", "type": "update"}', 'EXABGP_BAD_SHAPE'],
    ['as-path of strings', line4({ update: { attribute: { 'as-path': ['x'] }, announce: { 'ipv4 unicast': { '1.1.1.1': ['10.0.0.0/8'] } } } }), 'EXABGP_BAD_SHAPE'],
    ['bad origin', line4({ update: { attribute: { origin: 'bgp' }, announce: { 'ipv4 unicast': { '1.1.1.1': ['10.0.0.0/8'] } } } }), 'EXABGP_BAD_SHAPE'],
    ['not a prefix', line4({ update: { announce: { 'ipv4 unicast': { '1.1.1.1': [{ nlri: 'ten/8' }] } } } }), 'EXABGP_BAD_PREFIX'],
    ['family without afi/safi', line4({ update: { withdraw: { ipv4: ['10.0.0.0/8'] } } }), 'EXABGP_BAD_SHAPE'],
  ];

  it.each(broken)('%s -> one %s error event with the line number', (_name, text, code) => {
    const p = new ExabgpParser('feed1');
    const events = p.parseLine(text, 42, ARRIVAL);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', code, offset: 42, severity: 'message-skip', router: 'feed1', source: 'exabgp' });
    expect(p.counters.errors).toBe(1);
  });

  it('goes on after a broken line', () => {
    const p = new ExabgpParser('feed1');
    const lines = ['garbage', line4({ eor: { afi: 'ipv4', safi: 'unicast' } }), ''];
    const events = lines.flatMap((l, i) => p.parseLine(l, i + 1, ARRIVAL));
    expect(countByType(events)).toEqual({ error: 1, eor: 1 });
    expect(p.counters).toMatchObject({ lines: 3, empty: 1, errors: 1, eors: 1 });
  });
});
