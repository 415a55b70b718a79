import { describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../bgp/types.js';
import { attribute } from '../../src/correlate/attribution.js';
import type { RouteHolding } from '../../src/correlate/decision.js';
import { judge } from '../../src/correlate/judge.js';
import { DEFAULT_POLICY } from '../../src/correlate/policy.js';
import { asLabel, describeVerdict, describeWithdrawal, flappingSentence, formatTime, type AsNames } from '../../src/correlate/sentence.js';
import type { PathObservation } from '../../src/probe/types.js';
import { CUT, DEGRADED, LONG, MIN, SHORT, T0, announce, peer, series, withdraw, VIA_1299, VIA_3356 } from './builders.js';

const lab = peer('10.99.1.1', 65001);
const PREFIX = '10.99.100.0/24';
const lossy = (i: number) => (i % 3 === 0 ? { lost: { 2: 1, 3: 1 } } : {});

interface Case {
  name: string;
  before: PathObservation[];
  after: PathObservation[];
  events?: RouteEvent[];
  /** Routes held now (the RIB) for the target prefix. */
  rib?: RouteHolding[];
  ignore?: number[];
  names?: AsNames;
  expected: string;
}

const cases: Case[] = [
  {
    name: 'worse with a BGP cause (the spec example)',
    before: series(VIA_1299, 10, 0),
    after: series(VIA_3356, 10, 10),
    events: [
      announce(peer('192.0.2.9', 1299), '203.0.113.0/24', [1299, 64500], -60),
      announce(peer('192.0.2.17', 3356), '203.0.113.0/24', [3356, 64500], -60),
      withdraw(peer('192.0.2.9', 1299), '203.0.113.0/24', 2),
    ],
    expected:
      'Since 14:02 UTC traffic to shop.example goes through AS 3356 instead of AS 1299, after AS 1299 withdrew 203.0.113.0/24. ' +
      'Median latency rose from 31 ms to 54 ms (+74%). Likely responsible: AS 1299 (high confidence): it withdrew 203.0.113.0/24.',
  },
  {
    name: 'AS names are printed next to the number',
    before: series(VIA_1299, 10, 0),
    after: series(VIA_3356, 10, 10),
    events: [announce(peer('192.0.2.9', 1299), '203.0.113.0/24', [1299, 64500], -60), withdraw(peer('192.0.2.9', 1299), '203.0.113.0/24', 2)],
    names: new Map([[1299, 'Arelion'], [3356, 'Lumen']]),
    expected:
      'Since 14:02 UTC traffic to shop.example goes through AS 3356 (Lumen) instead of AS 1299 (Arelion), after AS 1299 (Arelion) withdrew 203.0.113.0/24. ' +
      'Median latency rose from 31 ms to 54 ms (+74%). Likely responsible: AS 1299 (Arelion), high confidence: it withdrew 203.0.113.0/24.',
  },
  {
    name: 'AS-path change (lab: longer path, same speed), no view into AS 65001: who decided is open',
    before: series(SHORT, 10, 0),
    after: series(LONG, 10, 10),
    events: [announce(lab, PREFIX, [65001, 65002], -60), announce(lab, PREFIX, [65001, 65003, 65004, 65002], 1)],
    expected:
      'Since 14:02 UTC traffic to shop.example now also goes through AS 65003 and AS 65004 (AS path 65001 → 65003 → 65004 → 65002 instead of 65001 → 65002), ' +
      'after AS 65001 stopped routing 10.99.100.0/24 through AS 65002. Median latency: 0.1 ms before, 0.1 ms now. ' +
      'Likely responsible: AS 65001 (low confidence): the old and new paths part in it; AS 65002 is almost as likely.',
  },
  {
    name: 'AS-path change by local policy: r1 (AS 65001) still receives the short path from AS 65002',
    before: series(SHORT, 10, 0),
    after: series(LONG, 10, 10),
    events: [announce(lab, PREFIX, [65001, 65002], -60), announce(lab, PREFIX, [65001, 65003, 65004, 65002], 1)],
    rib: [{ router: '10.99.1.1', peer: { address: '10.99.12.2', asn: 65002, postPolicy: true }, prefix: PREFIX, asPath: [65002], withdrawnInWindow: false }],
    expected:
      'Since 14:02 UTC traffic to shop.example now also goes through AS 65003 and AS 65004 (AS path 65001 → 65003 → 65004 → 65002 instead of 65001 → 65002), ' +
      'after AS 65001 started preferring another route to 10.99.100.0/24 while AS 65002 still announces the old one. Median latency: 0.1 ms before, 0.1 ms now. ' +
      'Likely responsible: AS 65001 (high confidence): it still receives the old route from AS 65002 but no longer uses it: a routing-policy decision of its own, not a withdrawal.',
  },
  {
    name: 'the same, AS 65001 being your own (ignored) AS: named all the same, as yours',
    before: series(SHORT, 10, 0),
    after: series(LONG, 10, 10),
    events: [announce(lab, PREFIX, [65001, 65002], -60), announce(lab, PREFIX, [65001, 65003, 65004, 65002], 1)],
    rib: [{ router: '10.99.1.1', peer: { address: '10.99.12.2', asn: 65002, postPolicy: true }, prefix: PREFIX, asPath: [65002], withdrawnInWindow: false }],
    ignore: [65001],
    names: { 65001: 'Lab One' },
    expected:
      'Since 14:02 UTC traffic to shop.example now also goes through AS 65003 and AS 65004 (AS path 65001 → 65003 → 65004 → 65002 instead of 65001 → 65002), ' +
      'after AS 65001 (Lab One) started preferring another route to 10.99.100.0/24 while AS 65002 still announces the old one. Median latency: 0.1 ms before, 0.1 ms now. ' +
      'Likely responsible: AS 65001 (Lab One), your own network, high confidence: it still receives the old route from AS 65002 but no longer uses it: a routing-policy decision of its own, not a withdrawal.',
  },
  {
    name: 'hop-count change without AS annotations',
    before: series(SHORT.map((h) => ({ ...h, asn: null })), 10, 0),
    after: series(LONG.map((h) => ({ ...h, asn: null })), 10, 10),
    expected: 'Since 14:02 UTC traffic to shop.example takes 5 hops instead of 3. Median latency: 0.1 ms before, 0.1 ms now.',
  },
  {
    name: 'worse without a BGP cause: loss and latency, where it begins',
    before: series(SHORT, 10, 0),
    after: series(DEGRADED, 10, 10, lossy),
    expected:
      'Since 14:02 UTC the connection to shop.example got worse. Packet loss rose from 0% to 13% (30 probes). ' +
      'Median latency rose from 0.1 ms to 40 ms (+40 ms). It begins at hop 2 (10.99.12.2, AS 65002). There was no routing change. ' +
      'Likely responsible: AS 65002 (medium confidence): the degradation begins inside it and carries on to the destination; the evidence is thin.',
  },
  {
    name: 'unreachable after a withdraw',
    before: series(SHORT, 10, 0),
    after: series(CUT, 3, 10),
    events: [announce(lab, PREFIX, [65001, 65002], -60), withdraw(lab, PREFIX, 1)],
    expected:
      'Since 14:02 UTC shop.example is unreachable: probes stop after hop 1 (10.99.1.1, AS 65001), after AS 65001 withdrew 10.99.100.0/24. ' +
      'Likely responsible: AS 65001 (medium confidence): it withdrew 10.99.100.0/24; the evidence is thin.',
  },
  {
    name: 'recovered',
    before: series(CUT, 3, 0),
    after: series(SHORT, 10, 10),
    expected: 'Since 14:02 UTC shop.example is reachable again. Median latency is 0.1 ms.',
  },
  {
    name: 'better: no responsible AS is named',
    before: series(DEGRADED, 10, 0),
    after: series(SHORT, 10, 10),
    expected: 'Since 14:02 UTC the connection to shop.example improved. Median latency fell from 40 ms to 0.1 ms (-100%). There was no routing change.',
  },
  {
    name: 'nothing changed',
    before: series(SHORT, 10, 0),
    after: series(SHORT, 10, 10),
    expected: 'Since 14:02 UTC nothing significant changed for shop.example. Median latency: 0.1 ms before, 0.1 ms now.',
  },
  {
    name: 'too few samples',
    before: series(SHORT, 1, 0),
    after: series(DEGRADED, 1, 10),
    expected: 'Since 14:02 UTC there are too few measurements of shop.example yet to judge latency and loss.',
  },
  {
    name: 'method changed',
    before: series(SHORT, 10, 0),
    after: series(LONG, 10, 10, () => ({ method: 'icmp' })),
    expected:
      'Since 14:02 UTC shop.example is measured with another probe method (traceroute/udp → traceroute/icmp), so before and after are not comparable.',
  },
];

describe('describeVerdict', () => {
  it.each(cases)('$name', (c) => {
    const events = c.events ?? [];
    const verdict = judge(c.before, c.after, events, DEFAULT_POLICY);
    const attribution = attribute(verdict, events, { ignoreAsns: c.ignore ?? [64496], ribRoutes: c.rib ?? [] });
    const text = describeVerdict({
      targetName: 'shop.example',
      verdict,
      attribution,
      changeTimeMs: T0 + 2 * MIN,
      nowMs: T0 + 30 * MIN,
      ...(c.names === undefined ? {} : { asNames: c.names }),
    });
    expect(text).toBe(c.expected);
  });
});

describe('sentence parts', () => {
  it('prints the date when the time is not on the current UTC day', () => {
    expect(formatTime(T0 + 2 * MIN, T0 + 30 * MIN)).toBe('14:02 UTC');
    expect(formatTime(T0 + 2 * MIN, T0 + 24 * 60 * MIN)).toBe('2026-01-15 14:02 UTC');
  });

  it('labels ASes with and without names (record or map)', () => {
    expect(asLabel(1299)).toBe('AS 1299');
    expect(asLabel(1299, { 1299: 'Arelion' })).toBe('AS 1299 (Arelion)');
    expect(asLabel(3356, new Map([[1299, 'Arelion']]))).toBe('AS 3356');
  });

  it('describes a withdrawn watched prefix', () => {
    const base = { targetName: 'shop.example', prefix: PREFIX, peerAsn: 65001, peerAddress: '10.99.1.1', timeMs: T0 + 9 * MIN, nowMs: T0 + 10 * MIN };
    expect(describeWithdrawal({ ...base, remainingPeers: 0 })).toBe(
      'At 14:09 UTC AS 65001 (peer 10.99.1.1) withdrew 10.99.100.0/24, the route to shop.example; no other peer announces it.',
    );
    expect(describeWithdrawal({ ...base, remainingPeers: 2, asNames: { 65001: 'Lab One' } })).toBe(
      'At 14:09 UTC AS 65001 (Lab One) (peer 10.99.1.1) withdrew 10.99.100.0/24, the route to shop.example; 2 other peers still announce it.',
    );
  });

  it('says when a problem flaps', () => {
    expect(flappingSentence(3, 60 * MIN)).toBe('This problem is flapping: it appeared 3 times in the last 60 minutes.');
  });
});
