/** CandidatePool on a real Rib: what each source contributes, and that every candidate is in the RIB. */
import { describe, expect, it } from 'vitest';
import { CandidatePool } from '../../src/autotargets/candidates.js';
import { autoTargetsSchema } from '../../src/autotargets/config.js';
import type { RouteChange } from '../../src/core/events.js';
import { Rib } from '../../src/rib/index.js';
import type { AnnounceEvent, WithdrawEvent } from '../../bgp/types.js';
import { announce, peerDown, withdraw, P1 } from '../rib/events.js';

const config = autoTargetsSchema.parse({ enabled: true, originAsns: [64600], communities: ['65000:666', '65000:1:*'], churn: { minChanges: 2 } });

/** Applies events to the RIB and hands the pool the route changes the pipeline would publish. */
function feed(rib: Rib, pool: CandidatePool, events: Array<AnnounceEvent | WithdrawEvent | ReturnType<typeof peerDown>>, nowMs = 0): void {
  for (const e of events) {
    for (const c of rib.apply(e)) {
      if (c.kind === 'noop') continue;
      const change: RouteChange =
        c.kind === 'removed' ? { event: c.withdraw, change: 'withdraw', previous: null } : { event: e as AnnounceEvent, change: c.kind === 'added' ? 'new' : 'replace', previous: null };
      pool.onRouteChange(change, nowMs);
    }
  }
}

describe('CandidatePool', () => {
  it('seeds origin/community prefixes already in the RIB, and re-checks them at each read', () => {
    const rib = new Rib();
    rib.apply(announce('203.0.113.0/24', { asPath: [65001, 64600] }));
    rib.apply(announce('198.51.100.0/24', { largeCommunities: ['65000:1:5'] }));
    rib.apply(announce('192.0.2.0/24'));
    const pool = new CandidatePool(config, rib);
    pool.seed();
    expect([...pool.collect(0, 100).values()]).toEqual([
      { prefix: '203.0.113.0/24', originAs: 64600, matchedOrigin: 64600, communities: [] },
      { prefix: '198.51.100.0/24', originAs: 64500, matchedOrigin: null, communities: ['65000:1:*'] },
    ]);
    // The community goes (a replace), the origin prefix is withdrawn: neither is a candidate any more.
    feed(rib, pool, [announce('198.51.100.0/24'), withdraw('203.0.113.0/24')]);
    expect([...pool.collect(0, 100).keys()]).toEqual([]);
    expect(pool.stats().interestingPrefixes).toBe(0);
  });

  it('learns interesting prefixes from route changes', () => {
    const rib = new Rib();
    const pool = new CandidatePool(config, rib);
    pool.seed();
    feed(rib, pool, [announce('203.0.113.0/24', { communities: ['65000:666'] }), announce('192.0.2.0/24')]);
    expect([...pool.collect(0, 100).keys()]).toEqual(['203.0.113.0/24']);
  });

  it('churn: replaces and withdraws within the window, only prefixes still in the RIB, not a session flush', () => {
    const rib = new Rib();
    const pool = new CandidatePool(config, rib);
    feed(rib, pool, [announce('10.1.0.0/16'), announce('10.1.0.0/16', { med: 1 }), announce('10.1.0.0/16', { med: 2 })], 0);
    feed(rib, pool, [announce('10.2.0.0/16'), announce('10.2.0.0/16', { med: 1 }), withdraw('10.2.0.0/16')], 0);
    feed(rib, pool, [announce('10.3.0.0/16'), announce('10.3.0.0/16', { med: 1 })], 0);
    const now = [...pool.collect(1000, 100).values()].map((c) => [c.prefix, c.churn]);
    expect(now).toEqual([['10.1.0.0/16', 2]]);
    feed(rib, pool, [peerDown(P1)], 2000);
    expect(pool.collect(2000, 100).size).toBe(0);
    expect(pool.stats().trackedChurnPrefixes).toBe(3);
  });

  it('traffic: each talker counts for its longest-prefix match', () => {
    const rib = new Rib();
    rib.apply(announce('203.0.113.0/24'));
    rib.apply(announce('203.0.113.128/25'));
    const pool = new CandidatePool(config, rib);
    const refused = pool.onTalkers({ source: 'x', time: '2026-01-01T00:00:00Z', talkers: [{ address: '203.0.113.200', bytes: 10, packets: 1 }, { address: '203.0.113.7', bytes: 20, packets: 1 }, { address: '192.0.2.1', bytes: 99, packets: 1 }, { address: 'nope', bytes: 1, packets: 1 }] }, 0);
    expect(refused).toBe(1);
    expect(Object.fromEntries([...pool.collect(0, 100)].map(([p, c]) => [p, c.traffic]))).toEqual({
      '203.0.113.128/25': { bytes: 10, addresses: ['203.0.113.200'] },
      '203.0.113.0/24': { bytes: 20, addresses: ['203.0.113.7'] },
    });
  });
});
