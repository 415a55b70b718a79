import { describe, expect, it } from 'vitest';
import { judge, type ReasonCode, type Verdict, type VerdictKind } from '../../src/correlate/judge.js';
import { DEFAULT_POLICY } from '../../src/correlate/policy.js';
import type { PathObservation } from '../../src/probe/types.js';
import { CUT, DEGRADED, LONG, SHORT, announce, peer, series, withdraw, type HopSpec, type ObsOptions } from './builders.js';
import { loadMtr } from './mtr-fixture.js';

/** Lose one destination reply in every third run: 10 runs x 3 probes -> ~10% loss. */
const tenPctLoss = (i: number) => (i % 3 === 0 ? { lost: { 3: 1 } } : {});
const SLOW_SHORT: HopSpec[] = SHORT.map((h, i) => ({ ...h, rtt: i === 0 ? h.rtt : 30 }));
const FAST_LONG: HopSpec[] = LONG.map((h, i) => ({ ...h, rtt: i === 0 ? h.rtt : 10 }));
const SHORT_VIA_65009: HopSpec[] = [SHORT[0]!, { ...SHORT[1]!, asn: 65009 }, { ...SHORT[2]!, asn: 65009 }];

interface Case {
  name: string;
  before: PathObservation[];
  after: PathObservation[];
  verdict: VerdictKind;
  primary: ReasonCode;
  /** Reasons that must be present (others may be too). */
  has?: ReasonCode[];
  /** Reasons that must be absent. */
  not?: ReasonCode[];
  check?: (v: Verdict) => void;
}

const cases: Case[] = [
  {
    name: 'degraded (+40 ms, ~10% loss): worse, loss first, latency begins at hop 2 in AS65002',
    before: series(SHORT, 10, 0),
    after: series(DEGRADED, 10, 10, (i) => (i % 3 === 0 ? { lost: { 2: 1, 3: 1 } } : {})),
    verdict: 'worse',
    primary: 'LOSS_UP',
    has: ['RTT_MEDIAN_UP', 'RTT_P95_UP'],
    not: ['HOPS_UP', 'AS_PATH_LONGER', 'INSUFFICIENT_SAMPLES'],
    check: (v) => {
      expect(v.numbers.rtt.before?.median).toBeCloseTo(0.11, 5);
      expect(v.numbers.rtt.after?.median).toBeCloseTo(40.41, 5);
      expect(v.numbers.rtt.medianDeltaMs).toBeCloseTo(40.3, 3);
      expect(v.numbers.loss.before).toEqual({ pct: 0, sent: 30, received: 30 });
      expect(v.numbers.loss.after).toEqual({ pct: 13.333, sent: 30, received: 26 });
      expect(v.evidence.latencyOrigin).toMatchObject({ kind: 'latency', ttl: 2, ip: '10.99.12.2', asn: 65002 });
      expect(v.evidence.lossOrigin).toMatchObject({ kind: 'loss', ttl: 2, asn: 65002 });
      expect(v.evidence.changeTtl).toBeNull();
    },
  },
  {
    name: 'latency only: RTT_MEDIAN_UP is primary',
    before: series(SHORT, 10, 0),
    after: series(DEGRADED, 10, 10),
    verdict: 'worse',
    primary: 'RTT_MEDIAN_UP',
    not: ['LOSS_UP'],
  },
  {
    name: 'tail only: a quarter of the runs have one slow reply -> RTT_P95_UP, median unchanged',
    before: series(SLOW_SHORT, 20, 0),
    after: series(SLOW_SHORT, 20, 20, (i) => (i % 4 === 0 ? { extraRtt: (p) => (p === 2 ? 40 : 0) } : {})),
    verdict: 'worse',
    primary: 'RTT_P95_UP',
    not: ['RTT_MEDIAN_UP'],
  },
  {
    name: 'one outlier (+900 ms on one probe of 30) moves neither the median nor the p95',
    before: series(SLOW_SHORT, 10, 0),
    after: series(SLOW_SHORT, 10, 10, (i) => (i === 4 ? { extraRtt: (p) => (p === 0 ? 900 : 0) } : {})),
    verdict: 'same',
    primary: 'NO_SIGNIFICANT_CHANGE',
    check: (v) => {
      expect(v.numbers.rtt.p95Judged).toBe(true);
      expect(v.numbers.rtt.after?.max).toBeGreaterThan(900);
      expect(v.reasons).toEqual(['NO_SIGNIFICANT_CHANGE']);
    },
  },
  {
    name: 'loss at an intermediate hop that does not carry on is ICMP rate limiting: ignored',
    before: series(SHORT, 10, 0),
    after: series(SHORT, 10, 10, () => ({ lost: { 2: 2 } })),
    verdict: 'same',
    primary: 'NO_SIGNIFICANT_CHANGE',
    check: (v) => {
      expect(v.numbers.loss.after.pct).toBe(0);
      expect(v.evidence.newPath[1]?.lossPct).toBeCloseTo(66.667, 3);
      expect(v.evidence.lossOrigin).toBeNull();
      // Seen, and said to be rate limiting: hop 2 loses 2 of 3 replies, the destination none.
      expect(v.evidence.rateLimitedHops).toEqual([{ ttl: 2, ip: '10.99.12.2', asn: 65002, lossPct: 66.7, sent: 30, laterTtl: 3, laterLossPct: 0 }]);
    },
  },
  {
    name: 'rate limiting at hop 1 (not carried past hop 2) does not hide real loss beginning at hop 3',
    before: series(LONG, 10, 0),
    after: series(LONG, 10, 10, (i): ObsOptions => ({ lost: i % 2 === 0 ? { 1: 2, 3: 1, 4: 1, 5: 1 } : { 1: 2 } })),
    verdict: 'worse',
    primary: 'LOSS_UP',
    check: (v) => {
      expect(v.evidence.lossOrigin).toMatchObject({ ttl: 3, ip: '10.99.34.4', asn: 65004 });
      // Hop 1 loses 66.7%, the destination ~16.7%: hop 1 is rate limiting on top of the real loss; hop 3's loss carries on.
      expect(v.evidence.rateLimitedHops.map((h) => [h.ttl, h.lossPct, h.laterLossPct])).toEqual([[1, 66.7, 16.7]]);
    },
  },
  {
    name: 'insufficient samples: one run each side judges nothing, even with +40 ms',
    before: series(SHORT, 1, 0),
    after: series(DEGRADED, 1, 1),
    verdict: 'same',
    primary: 'INSUFFICIENT_SAMPLES',
    check: (v) => {
      expect(v.numbers.rtt.judged).toBe(false);
      expect(v.numbers.loss.judged).toBe(false);
      expect(v.numbers.rtt.medianDeltaMs).toBeCloseTo(40.3, 3);
    },
  },
  {
    name: 'loss with too few probes (9) is not judged; RTT is',
    before: series(SHORT, 3, 0),
    after: series(SHORT, 3, 3, () => ({ lost: { 3: 1 } })),
    verdict: 'same',
    primary: 'NO_SIGNIFICANT_CHANGE',
    has: ['INSUFFICIENT_SAMPLES'],
    not: ['LOSS_UP'],
    check: (v) => {
      expect(v.numbers.loss.after.pct).toBeCloseTo(33.333, 3);
      expect(v.numbers.loss.judged).toBe(false);
      expect(v.numbers.rtt.judged).toBe(true);
    },
  },
  {
    name: 'probe method changed (udp -> icmp) with a different path: not comparable',
    before: series(SHORT, 10, 0),
    after: series(LONG, 10, 10, () => ({ method: 'icmp' })),
    verdict: 'same',
    primary: 'METHOD_CHANGED',
    check: (v) => {
      expect(v.comparable).toBe(false);
      expect(v.evidence.methodBefore).toBe('traceroute/udp');
      expect(v.evidence.methodAfter).toBe('traceroute/icmp');
    },
  },
  {
    name: 'like with like: icmp runs among the "before" are compared with icmp runs after',
    before: [...series(SHORT, 10, 0, () => ({ method: 'icmp' })), ...series(LONG, 10, 10, () => ({ tool: 'tcptraceroute', method: 'tcp' }))],
    after: series(SHORT, 10, 20, () => ({ method: 'icmp' })),
    verdict: 'same',
    primary: 'NO_SIGNIFICANT_CHANGE',
    check: (v) => {
      expect(v.comparable).toBe(true);
      expect(v.numbers.observations).toEqual({ before: 10, after: 10 });
    },
  },
  {
    name: 'unreachable: the path is cut after hop 1',
    before: series(SHORT, 10, 0),
    after: series(CUT, 3, 10, () => ({ lastAnnotation: '!N' })),
    verdict: 'worse',
    primary: 'UNREACHABLE',
    not: ['INSUFFICIENT_SAMPLES'],
    check: (v) => {
      expect(v.numbers.reached).toEqual({ before: 1, after: 0 });
      expect(v.numbers.rtt.after).toBeNull();
      expect(v.evidence.changeTtl).toBe(2);
      expect(v.evidence.newPath.map((h) => h.ips)).toEqual([['10.99.1.1']]);
    },
  },
  {
    name: 'recovered: reachable again',
    before: series(CUT, 3, 0),
    after: series(SHORT, 10, 3),
    verdict: 'better',
    primary: 'RECOVERED',
  },
  {
    name: 'still unreachable is "same"',
    before: series(CUT, 3, 0),
    after: series(CUT, 3, 3),
    verdict: 'same',
    primary: 'STILL_UNREACHABLE',
  },
  {
    name: 'degraded -> short: better (median and loss down)',
    before: series(DEGRADED, 10, 0, tenPctLoss),
    after: series(SHORT, 10, 10),
    verdict: 'better',
    primary: 'LOSS_DOWN',
    has: ['RTT_MEDIAN_DOWN'],
  },
  {
    name: 'short -> long at the same speed: worse by shape only (AS path longer, more hops)',
    before: series(SHORT, 10, 0),
    after: series(LONG, 10, 10),
    verdict: 'worse',
    primary: 'AS_PATH_LONGER',
    has: ['HOPS_UP'],
    not: ['RTT_MEDIAN_UP'],
    check: (v) => {
      expect(v.numbers.hops).toEqual({ before: 3, after: 5 });
      expect(v.numbers.asPath).toEqual({ before: [65001, 65002], after: [65001, 65003, 65004, 65002] });
      expect(v.evidence.changeTtl).toBe(2);
      expect(v.evidence.oldPath.map((h) => h.asn)).toEqual([65001, 65002, 65002]);
    },
  },
  {
    name: 'a longer path that is much faster is better; the shape stays as secondary reasons',
    before: series(SLOW_SHORT, 10, 0),
    after: series(FAST_LONG, 10, 10),
    verdict: 'better',
    primary: 'RTT_MEDIAN_DOWN',
    has: ['AS_PATH_LONGER', 'HOPS_UP'],
  },
  {
    name: 'same length, different AS: AS_PATH_CHANGED is information, not a verdict',
    before: series(SHORT, 10, 0),
    after: series(SHORT_VIA_65009, 10, 10),
    verdict: 'same',
    primary: 'NO_SIGNIFICANT_CHANGE',
    has: ['AS_PATH_CHANGED'],
  },
  {
    name: 'real lab mtr runs: 7 short runs vs the 30-cycle degraded run',
    before: Array.from({ length: 7 }, (_, i) => loadMtr('mtr-short.json', i, `short-${i}`)),
    after: [loadMtr('mtr-degraded-c30.json', 10, 'degraded')],
    verdict: 'worse',
    primary: 'LOSS_UP',
    has: ['RTT_MEDIAN_UP', 'RTT_P95_UP'],
    check: (v) => {
      expect(v.numbers.loss.after).toEqual({ pct: 13.333, sent: 30, received: 26 });
      expect(v.numbers.rtt.before?.median).toBeCloseTo(0.081, 6);
      expect(v.numbers.rtt.after?.median).toBeCloseTo(40.357, 6);
      expect(v.evidence.latencyOrigin).toMatchObject({ ttl: 2, ip: '10.99.12.2', asn: 65002 });
      expect(v.evidence.lossOrigin).toMatchObject({ ttl: 2, asn: 65002 });
      expect(v.evidence.observationIds.after).toEqual(['degraded']);
    },
  },
];

describe('judge', () => {
  it.each(cases)('$name', (c) => {
    const v = judge(c.before, c.after, [], DEFAULT_POLICY);
    expect(v.verdict).toBe(c.verdict);
    expect(v.primary).toBe(c.primary);
    expect(v.reasons[0]).toBe(c.primary);
    for (const r of c.has ?? []) expect(v.reasons).toContain(r);
    for (const r of c.not ?? []) expect(v.reasons).not.toContain(r);
    c.check?.(v);
  });

  it('records the route events considered and whether they change routing', () => {
    const p = peer('10.99.1.1', 65001);
    const events = [withdraw(p, '10.99.100.0/24', 9), announce(p, '10.99.100.0/24', [65001, 65003, 65004, 65002], 9)];
    const v = judge(series(SHORT, 10, 0), series(LONG, 10, 10), events, DEFAULT_POLICY);
    expect(v.evidence.bgpChange).toBe(true);
    expect(v.evidence.routeEvents.map((e) => [e.type, e.peerAsn, e.prefix, e.asPath])).toEqual([
      ['withdraw', 65001, '10.99.100.0/24', null],
      ['announce', 65001, '10.99.100.0/24', [65001, 65003, 65004, 65002]],
    ]);
    expect(judge(series(SHORT, 10, 0), series(LONG, 10, 10), [], DEFAULT_POLICY).evidence.bgpChange).toBe(false);
  });

  it('hop loss is not classified with fewer than minHopLossSamples probes at the hop', () => {
    const v = judge(series(SHORT, 3, 0), series(SHORT, 3, 10, () => ({ lost: { 2: 2 } })), [], DEFAULT_POLICY);
    expect(v.evidence.newPath[1]?.lossPct).toBeCloseTo(66.667, 3);
    expect(v.evidence.rateLimitedHops).toEqual([]);
    expect(judge(series(SHORT, 3, 0), series(SHORT, 3, 10, () => ({ lost: { 2: 2 } })), [], { ...DEFAULT_POLICY, minHopLossSamples: 9 }).evidence.rateLimitedHops).toHaveLength(1);
  });

  it('judges nothing without runs on one side', () => {
    const v = judge([], series(SHORT, 10, 0), [], DEFAULT_POLICY);
    expect([v.verdict, v.primary]).toEqual(['same', 'INSUFFICIENT_SAMPLES']);
  });
});
