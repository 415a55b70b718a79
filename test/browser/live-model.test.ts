import { describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../bgp/types.js';
import type { LiveObservation } from '../../src/http/live-events.js';
import { groupItems, itemOfMtu, itemOfObservation, itemOfRoute, matches, type LiveFilter } from '../../web/src/pages/live-model.js';

const ANY: LiveFilter = { prefix: '', peer: '', target: '', kind: '' };
const peer = (address: string, asn: number) => ({ address, asn, bgpId: address, type: 'global' as const, distinguisher: '0:0', postPolicy: false, adjRibOut: false });

function announce(prefix: string, peerAddr = '192.0.2.1', asn = 65001): RouteEvent {
  return {
    type: 'announce', source: 'bmp', time: '2026-11-21T10:00:00.000Z', router: '127.0.0.1', peer: peer(peerAddr, asn), afi: 'ipv4', safi: 'unicast', prefix, pathId: null,
    nextHop: '192.0.2.1', origin: 'igp', asPath: [asn, [65010, 65011]], med: null, localPref: null, communities: [], largeCommunities: [], extCommunities: [],
  };
}
function withdraw(prefix: string, peerAddr = '192.0.2.1'): RouteEvent {
  return { type: 'withdraw', source: 'bmp', time: '2026-11-21T10:00:01.000Z', router: '127.0.0.1', peer: peer(peerAddr, 65001), afi: 'ipv4', safi: 'unicast', prefix, pathId: null };
}

describe('live items and their grouping', () => {
  it('describes an announce with its AS path (AS_SET in braces) and links the prefix', () => {
    const i = itemOfRoute(announce('203.0.113.0/24'));
    expect(i.text).toBe('203.0.113.0/24 via 192.0.2.1 AS65001 path 65001 {65010,65011} next hop 192.0.2.1');
    expect(i.href).toBe('#/prefix/203.0.113.0%2F24');
  });

  it('merges alike events into one line that says how many it stands for', () => {
    const items = [announce('203.0.113.0/24'), announce('203.0.113.0/24'), announce('203.0.113.0/24'), withdraw('203.0.113.0/24')].map(itemOfRoute);
    const g = groupItems(items, ANY, 80);
    expect(g.map((x) => [x.sample.kind, x.count])).toEqual([['announce', 3], ['withdraw', 1]]);
    expect(g[0]!.label).toBe(items[0]!.text);
  });

  it('under load, collapses by kind and peer, then by kind, never exceeding the line budget, and loses no count', () => {
    const items = [];
    for (let p = 0; p < 50; p++) for (let n = 0; n < 20; n++) items.push(itemOfRoute(announce(`10.${n}.${p}.0/24`, `192.0.2.${p}`)));
    for (let n = 0; n < 1000; n++) items.push(itemOfRoute(withdraw(`10.9.${n % 250}.0/24`, `192.0.2.${n % 3}`)));
    const byPeer = groupItems(items, ANY, 60);
    expect(byPeer.length).toBe(53); // 50 announcing peers + 3 withdrawing
    expect(byPeer.reduce((n, g) => n + g.count, 0)).toBe(2000);
    expect(byPeer[0]!.label).toBe('20 announce events from 192.0.2.0 AS65001: 10.0.0.0/24, 10.1.0.0/24, 10.2.0.0/24 and 17 more prefixes');
    const byKind = groupItems(items, ANY, 10);
    expect(byKind.map((g) => [g.sample.kind, g.count])).toEqual([['announce', 1000], ['withdraw', 1000]]);
  });

  const run = (over: Partial<LiveObservation> = {}): LiveObservation => ({
    targetId: 'shop', targetName: 'Shop', vantage: 'fra', startedAt: '2026-11-21T10:00:02.000Z', status: 'ok', reached: true, hops: 9, rttMs: 12.5, loss: 0, pathChanged: false, error: null, ...over,
  });

  it('shows a probe run, and one whose path differs from the run before as "path.new"', () => {
    const same = itemOfObservation(run());
    expect(same).toMatchObject({ kind: 'probe', target: 'shop', href: '#/target/shop', text: 'Shop (shop): reached in 9 hops, 12.5 ms, loss 0 % (from fra)' });
    const moved = itemOfObservation(run({ pathChanged: true, hops: 10 }));
    expect(moved.kind).toBe('path.new');
    expect(moved.text).toBe('Shop (shop): path differs from the previous run; reached in 10 hops, 12.5 ms, loss 0 % (from fra)');
    expect(itemOfObservation(run({ status: 'failed', reached: false, rttMs: null, loss: 1, error: 'timed out' })).text).toBe('Shop (shop): run failed: timed out (from fra)');
  });

  // Items: an announce, a withdraw, a probe run, a run whose path differs.
  it.each([
    [{ ...ANY, kind: 'withdraw' }, [false, true, false, false]],
    [{ ...ANY, kind: 'other' }, [false, false, false, false]],
    [{ ...ANY, kind: 'path.new' }, [false, false, false, true]],
    [{ ...ANY, kind: 'probe' }, [false, false, true, false]],
    [{ ...ANY, prefix: '203.0.113' }, [true, true, false, false]],
    [{ ...ANY, peer: 'as65001' }, [true, true, false, false]],
    [{ ...ANY, peer: '198.51.100.9' }, [false, false, false, false]],
    [{ ...ANY, target: 'SHO' }, [false, false, true, true]],
    [{ ...ANY, target: 'mail' }, [false, false, false, false]],
  ] as Array<[LiveFilter, boolean[]]>)('filter %j', (f, expected) => {
    const items = [itemOfRoute(announce('203.0.113.0/24')), itemOfRoute(withdraw('203.0.113.0/24')), itemOfObservation(run()), itemOfObservation(run({ pathChanged: true }))];
    expect(items.map((i) => matches(i, f))).toEqual(expected);
  });

  it('says what a path MTU measurement found, and where the MTU drops', () => {
    const base = { targetId: 'shop', targetName: 'Shop', vantage: 'fra', measuredAt: '2026-11-21T10:00:00.000Z', tool: 'tracepath', status: 'ok' as const, previousMtu: 1500, error: null };
    expect(itemOfMtu({ ...base, pathMtu: 1400, changed: true, limit: { ttl: 2, ip: '192.0.2.9', mtu: 1400, asn: 65001 } })).toMatchObject({
      kind: 'mtu',
      target: 'shop',
      text: 'Shop (shop): path MTU 1400 bytes, was 1500; drops after hop 2 (192.0.2.9 AS65001) (tracepath, from fra)',
      href: '#/target/shop',
    });
    expect(itemOfMtu({ ...base, pathMtu: 1500, changed: false, limit: null }).text).toBe('Shop (shop): path MTU 1500 bytes (tracepath, from fra)');
    expect(itemOfMtu({ ...base, status: 'failed', pathMtu: null, changed: false, limit: null, error: 'timed out' }).text).toBe('Shop (shop): path MTU run failed: timed out (tracepath, from fra)');
    expect(matches(itemOfMtu({ ...base, pathMtu: 1500, changed: false, limit: null }), { prefix: '', peer: '', target: '', kind: 'mtu' } as LiveFilter)).toBe(true);
  });
});
