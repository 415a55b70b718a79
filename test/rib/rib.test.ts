import { describe, expect, it } from 'vitest';
import { Rib } from '../../src/rib/index.js';
import type { RouteEvent } from '../../bgp/types.js';
import { P1, P2, announce, attrs, peer, peerDown, withdraw } from './events.js';

function kinds(rib: Rib, events: RouteEvent[]): string[] {
  return events.flatMap((e) => rib.apply(e).map((c) => (c.kind === 'noop' ? `noop:${c.reason}` : c.kind)));
}

describe('Rib.apply: announce / replace / withdraw', () => {
  const cases: Array<{ name: string; events: RouteEvent[]; kinds: string[]; size: number }> = [
    { name: 'announce adds', events: [announce('10.0.0.0/8')], kinds: ['added'], size: 1 },
    { name: 'same announce twice is a noop', events: [announce('10.0.0.0/8'), announce('10.0.0.0/8')], kinds: ['added', 'noop:same-attributes'], size: 1 },
    { name: 'new attributes replace', events: [announce('10.0.0.0/8'), announce('10.0.0.0/8', { med: 5 })], kinds: ['added', 'replaced'], size: 1 },
    { name: 'withdraw removes', events: [announce('10.0.0.0/8'), withdraw('10.0.0.0/8')], kinds: ['added', 'removed'], size: 0 },
    { name: 'withdraw of an unknown route is a noop', events: [withdraw('10.0.0.0/8')], kinds: ['noop:unknown-route'], size: 0 },
    { name: 'host bits are masked: 10.1.2.3/8 is 10.0.0.0/8', events: [announce('10.0.0.0/8'), withdraw('10.1.2.3/8')], kinds: ['added', 'removed'], size: 0 },
    { name: 'IPv6 text forms are canonical', events: [announce('2001:DB8:0:0::/32'), withdraw('2001:db8::/32')], kinds: ['added', 'removed'], size: 0 },
    {
      name: 'ADD-PATH ids are kept apart',
      events: [announce('10.0.0.0/8', { pathId: 1 }), announce('10.0.0.0/8', { pathId: 2, nextHop: '192.0.2.9' }), withdraw('10.0.0.0/8', { pathId: 1 })],
      kinds: ['added', 'added', 'removed'],
      size: 1,
    },
    {
      name: 'peers are kept apart',
      events: [announce('10.0.0.0/8'), announce('10.0.0.0/8', { peer: P2 }), withdraw('10.0.0.0/8', { peer: P2 })],
      kinds: ['added', 'added', 'removed'],
      size: 1,
    },
    {
      name: 'pre- and post-policy views of a peer are kept apart',
      events: [announce('10.0.0.0/8'), announce('10.0.0.0/8', { peer: peer('192.0.2.1', { postPolicy: true }) })],
      kinds: ['added', 'added'],
      size: 2,
    },
    {
      name: 'treat-as-withdraw announces act as withdraws',
      events: [announce('10.0.0.0/8'), announce('10.0.0.0/8', { treatAsWithdraw: true, med: 7 })],
      kinds: ['added', 'removed'],
      size: 0,
    },
    {
      name: 'non-unicast families and bad prefixes are noops',
      events: [announce('65000:1:10.0.0.0/8', { safi: 'mpls-vpn' }), announce('10.0.0.0/33'), announce('2001:db8::/32', { afi: 'ipv4' })],
      kinds: ['noop:unsupported-family', 'noop:bad-prefix', 'noop:bad-prefix'],
      size: 0,
    },
    { name: 'routers are kept apart', events: [announce('10.0.0.0/8'), announce('10.0.0.0/8', { router: 'r2' }), withdraw('10.0.0.0/8', { router: 'r2' })], kinds: ['added', 'added', 'removed'], size: 1 },
  ];

  it.each(cases)('$name', ({ events, kinds: expected, size }) => {
    const rib = new Rib();
    expect(kinds(rib, events)).toEqual(expected);
    expect(rib.size).toBe(size);
  });

  it('a replace says what changed and gives old and new attributes', () => {
    const rib = new Rib();
    rib.apply(announce('10.0.0.0/8'));
    const table: Array<[Partial<ReturnType<typeof attrs>>, { asPath: boolean; nextHop: boolean; other: boolean }]> = [
      [{ asPath: [65001, 64999] }, { asPath: true, nextHop: false, other: false }],
      [{ asPath: [65001, 64999], nextHop: '192.0.2.77' }, { asPath: false, nextHop: true, other: false }],
      [{ asPath: [65001, 64999], nextHop: '192.0.2.77', communities: ['65001:1'] }, { asPath: false, nextHop: false, other: true }],
      [{ asPath: [65001, [64999, 64998]], nextHop: '192.0.2.1', localPref: 50 }, { asPath: true, nextHop: true, other: true }],
    ];
    let previous = attrs();
    for (const [over, changed] of table) {
      const [c] = rib.apply(announce('10.0.0.0/8', over));
      expect(c).toMatchObject({ kind: 'replaced', changed, prefix: '10.0.0.0/8', router: 'r1', peer: P1 });
      if (c?.kind !== 'replaced') continue;
      expect(c.old).toMatchObject({ asPath: previous.asPath, nextHop: previous.nextHop });
      expect(c.attributes).toMatchObject({ ...over });
      previous = { ...previous, ...over };
    }
    expect(rib.attributeSets).toBe(1);
  });

  it('a removed change carries the withdraw to publish (treat-as-withdraw gets one made up)', () => {
    const rib = new Rib();
    rib.apply(announce('10.0.0.0/8'));
    const [c] = rib.apply(announce('10.0.0.0/8', { treatAsWithdraw: true }));
    expect(c).toMatchObject({ kind: 'removed', withdraw: { type: 'withdraw', prefix: '10.0.0.0/8', cause: 'treat-as-withdraw', peer: P1, router: 'r1' } });
  });
});

describe('Rib: peer_down flush', () => {
  it('removes every route of the peer (all its views, both families) and returns the withdraws', () => {
    const rib = new Rib();
    const sent = peer('192.0.2.1', { adjRibOut: true });
    rib.apply(announce('10.0.0.0/8'));
    rib.apply(announce('10.1.0.0/16', { pathId: 3 }));
    rib.apply(announce('2001:db8::/32'));
    rib.apply(announce('10.0.0.0/8', { peer: sent }));
    rib.apply(announce('10.0.0.0/8', { peer: P2 }));
    rib.apply(announce('10.0.0.0/8', { router: 'r2' }));
    expect(rib.size).toBe(6);
    const changes = rib.apply(peerDown(P1));
    expect(changes).toHaveLength(4);
    const withdraws = changes.map((c) => (c.kind === 'removed' ? c.withdraw : null));
    expect(withdraws.map((w) => `${w?.prefix}#${w?.pathId}|${w?.peer.adjRibOut}`).sort()).toEqual([
      '10.0.0.0/8#null|false',
      '10.0.0.0/8#null|true',
      '10.1.0.0/16#3|false',
      '2001:db8::/32#null|false',
    ]);
    for (const w of withdraws) expect(w).toMatchObject({ type: 'withdraw', cause: 'peer-down', router: 'r1', time: '2024-05-01T11:00:00.000Z' });
    expect(rib.size).toBe(2);
    expect(rib.routesFor('10.0.0.0/8').map((r) => `${r.router} ${r.peer.address}`).sort()).toEqual(['r1 192.0.2.2', 'r2 192.0.2.1']);
    expect(rib.apply(peerDown(P1))).toEqual([]);
  });

  it('keeps per-peer and per-router counts', () => {
    const rib = new Rib();
    rib.apply(announce('10.0.0.0/8'));
    rib.apply(announce('2001:db8::/32'));
    rib.apply(announce('10.0.0.0/8', { peer: P2 }));
    rib.apply(announce('10.0.0.0/8', { router: 'r2' }));
    expect(rib.peerCounts().map((c) => [c.router, c.peer.address, c.ipv4, c.ipv6])).toEqual([
      ['r1', '192.0.2.1', 1, 1],
      ['r1', '192.0.2.2', 1, 0],
      ['r2', '192.0.2.1', 1, 0],
    ]);
    expect(rib.routerCounts()).toEqual({ r1: 3, r2: 1 });
    rib.apply(peerDown(P1));
    expect(rib.routerCounts()).toEqual({ r1: 1, r2: 1 });
    expect(rib.prefixCount).toEqual({ ipv4: 1, ipv6: 0 });
  });

  it('drops attribute sets no route uses any more', () => {
    const rib = new Rib();
    rib.apply(announce('10.0.0.0/8'));
    rib.apply(announce('11.0.0.0/8'));
    rib.apply(announce('12.0.0.0/8', { med: 1 }));
    expect(rib.attributeSets).toBe(2);
    rib.apply(withdraw('12.0.0.0/8'));
    expect(rib.attributeSets).toBe(1);
    rib.apply(peerDown(P1));
    expect(rib.attributeSets).toBe(0);
  });
});

describe('Rib: longest-prefix match', () => {
  const rib = new Rib();
  const routes: Array<[string, Array<number | number[]>]> = [
    ['0.0.0.0/0', [65001]],
    ['10.0.0.0/8', [65001, 100]],
    ['10.1.0.0/16', [65001, 200]],
    ['10.1.2.0/24', [65001, 300, [301, 302]]],
    ['10.1.2.128/25', [65001, 400]],
    ['192.0.2.7/32', [65001, 500]],
    ['2001:db8::/32', [65001, 600]],
    ['2001:db8:1::/48', [65001, 700]],
    ['2001:db8:1:8000::/49', [65001, 800]],
    ['2001:db8:1:2:3:4:5:6/128', [65001, 900]],
  ];
  for (const [prefix, asPath] of routes) rib.apply(announce(prefix, { asPath }));

  it.each([
    ['10.1.2.200', '10.1.2.128/25', 400],
    ['10.1.2.127', '10.1.2.0/24', 301],
    ['10.1.3.1', '10.1.0.0/16', 200],
    ['10.200.0.1', '10.0.0.0/8', 100],
    ['11.0.0.1', '0.0.0.0/0', 65001],
    ['192.0.2.7', '192.0.2.7/32', 500],
    ['192.0.2.8', '0.0.0.0/0', 65001],
    ['2001:db8:1:8000::1', '2001:db8:1:8000::/49', 800],
    ['2001:db8:1:7fff::1', '2001:db8:1::/48', 700],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6/128', 900],
    ['2001:db8:ffff::1', '2001:db8::/32', 600],
  ])('%s -> %s (origin AS%s)', (address, prefix, origin) => {
    expect(rib.lookup(address)?.prefix).toBe(prefix);
    expect(rib.originAsn(address)).toBe(origin);
  });

  it.each(['2001:db9::1', 'not-an-address', '10.0.0.256'])('%s -> null', (address) => {
    expect(rib.lookup(address)).toBeNull();
    expect(rib.originAsn(address)).toBeNull();
  });

  it('covering() and routesFor() answer for prefixes', () => {
    expect(rib.covering('10.1.2.0/26')?.prefix).toBe('10.1.2.0/24');
    expect(rib.covering('10.1.2.0/24')?.prefix).toBe('10.1.2.0/24');
    expect(rib.covering('2001:db8:1::/47')?.prefix).toBe('2001:db8::/32');
    expect(rib.covering('2001:db9::/32')).toBeNull();
    expect(rib.routesFor('10.1.0.0/16')).toEqual([
      { router: 'r1', peer: P1, afi: 'ipv4', prefix: '10.1.0.0/16', pathId: null, attributes: expect.objectContaining({ asPath: [65001, 200] }), since: 1714557600 },
    ]);
    expect(rib.routesFor('10.1.0.0/17')).toEqual([]);
  });

  it('forEachPrefix visits every prefix once with all its routes', () => {
    const seen: Array<[string, number[]]> = [];
    rib.forEachPrefix((prefix, rs) => seen.push([prefix, rs.map((r) => r.attributes.asPath.at(-1) as number)]));
    const want = routes.map(([prefix, asPath]) => [prefix, [asPath.at(-1)]]);
    // A trailing AS_SET stays an array: compare the set itself.
    expect(seen.sort()).toEqual(want.sort());
    const two = new Rib();
    two.apply(announce('10.0.0.0/8'));
    two.apply(announce('10.0.0.0/8', { peer: P2 }));
    const counts: number[] = [];
    two.forEachPrefix((_p, rs) => counts.push(rs.length));
    expect(counts).toEqual([2]);
  });

  it('returned attributes are frozen and shared', () => {
    const [r] = rib.routesFor('10.0.0.0/8');
    expect(Object.isFrozen(r?.attributes)).toBe(true);
    expect(Object.isFrozen(r?.attributes.asPath)).toBe(true);
  });

  it('originAsn: the most common origin wins; ties go to the shorter path, then the lower ASN; empty paths are unknown', () => {
    const r2 = new Rib();
    r2.apply(announce('198.51.100.0/24', { peer: peer('a'), asPath: [1, 2, 64510] }));
    r2.apply(announce('198.51.100.0/24', { peer: peer('b'), asPath: [3, 64511] }));
    r2.apply(announce('198.51.100.0/24', { peer: peer('c'), asPath: [4, 5, 64510] }));
    expect(r2.originAsn('198.51.100.1')).toBe(64510);
    r2.apply(announce('198.51.100.0/24', { peer: peer('d'), asPath: [64511] }));
    expect(r2.originAsn('198.51.100.1')).toBe(64511);
    r2.apply(announce('203.0.113.0/24', { peer: peer('a'), asPath: [7, 64600] }));
    r2.apply(announce('203.0.113.0/24', { peer: peer('b'), asPath: [8, 64599] }));
    expect(r2.originAsn('203.0.113.9')).toBe(64599);
    r2.apply(announce('192.0.2.0/24', { asPath: [] }));
    expect(r2.originAsn('192.0.2.1')).toBeNull();
  });

  it('a default route only: everything matches it; withdrawn: nothing does', () => {
    const r = new Rib();
    r.apply(announce('::/0', { asPath: [65001, 9] }));
    expect(r.lookup('2001:db8::1')?.prefix).toBe('::/0');
    expect(r.lookup('10.0.0.1')).toBeNull();
    r.apply(withdraw('::/0'));
    expect(r.lookup('2001:db8::1')).toBeNull();
  });
});

describe('Rib.beginFlush: a peer down or ended session removed a slice at a time', () => {
  const table = (rib: Rib, n: number, over: Parameters<typeof announce>[1] = {}) => {
    for (let i = 0; i < n; i++) rib.apply(announce(`10.${i >> 8}.${i & 255}.0/24`, over));
  };
  const termination = (router = 'r1') => ({ type: 'termination' as const, source: 'bmp' as const, router, time: '2024-05-01T11:00:00.000Z', info: [] });

  it('gives the removals in slices of at least n, and all of them once', () => {
    const rib = new Rib();
    table(rib, 1000);
    table(rib, 10, { peer: P2 });
    const flush = rib.beginFlush(peerDown(P1));
    const slices: number[] = [];
    const removed = new Set<string>();
    for (let i = 0; i < 100 && !flush.done; i++) {
      const changes = flush.next(300);
      slices.push(changes.length);
      for (const c of changes) removed.add(c.prefix);
    }
    expect(flush.done).toBe(true);
    expect(slices.slice(0, 3).every((n) => n >= 300)).toBe(true);
    expect(removed.size).toBe(1000);
    expect(slices.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(rib.size).toBe(10);
    expect(flush.next(300)).toEqual([]);
  });

  it('keeps what the peer announces while its old routes are being removed (a new session)', () => {
    const rib = new Rib();
    table(rib, 500);
    const flush = rib.beginFlush(peerDown(P1));
    const first = flush.next(100).length;
    expect(first).toBeGreaterThanOrEqual(100);
    // The peer is back: a route it had (perhaps not yet removed) and a new one.
    expect(rib.apply(announce('10.1.200.0/24', { med: 9 })).map((c) => c.kind)).toEqual(['added']);
    expect(rib.apply(announce('172.16.0.0/16')).map((c) => c.kind)).toEqual(['added']);
    let removed = 0;
    while (!flush.done) removed += flush.next(100).length;
    expect(first + removed).toBe(500); // every one of the 500 old routes, once
    expect(rib.size).toBe(2);
    expect(rib.routesFor('10.1.200.0/24').map((r) => r.attributes.med)).toEqual([9]);
    expect(rib.peerCounts().map((c) => [c.peer.address, c.ipv4])).toEqual([['192.0.2.1', 2]]);
  });

  it('a termination while a peer down is being flushed removes each route once', () => {
    const rib = new Rib();
    table(rib, 300);
    table(rib, 200, { peer: P2 });
    const down = rib.beginFlush(peerDown(P1));
    const first = down.next(50).length;
    const end = rib.beginFlush(termination());
    let fromEnd = 0;
    while (!end.done) fromEnd += end.next(50).length;
    let fromDown = first;
    while (!down.done) fromDown += down.next(50).length;
    expect(fromEnd).toBe(200);
    expect(fromDown).toBe(300);
    expect(rib.size).toBe(0);
    expect(rib.peerCounts()).toEqual([]);
  });

  it('a peer that flaps again and again does not grow the peer table', () => {
    const rib = new Rib();
    for (let i = 0; i < 50; i++) {
      table(rib, 3);
      rib.apply(peerDown(P1));
    }
    table(rib, 3);
    expect(rib.peerCounts().map((c) => [c.peer.address, c.ipv4])).toEqual([['192.0.2.1', 3]]);
    expect((rib as unknown as { peers: unknown[] }).peers.length).toBeLessThanOrEqual(2);
  });
});
