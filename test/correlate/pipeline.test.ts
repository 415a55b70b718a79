import { describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../bgp/types.js';
import { EMPTY_ALERT_STATE, step, type AlertState } from '../../src/correlate/alerts.js';
import { emptyChangeState } from '../../src/correlate/change.js';
import { DEFAULT_POLICY } from '../../src/correlate/policy.js';
import { assess, type Assessment, type AssessContext } from '../../src/correlate/pipeline.js';
import type { PathObservation } from '../../src/probe/types.js';
import { CUT, DEGRADED, LONG, MIN, SHORT, T0, announce, peer, series, withdraw } from './builders.js';

const lab = peer('10.99.1.1', 65001);
const PREFIX = '10.99.100.0/24';
const withPrefix = (specs: typeof SHORT) => specs.map((h) => (h.ip === '10.99.100.10' ? { ...h, prefix: PREFIX } : h));

function feed(runs: PathObservation[], events: RouteEvent[], targetPrefix: string | null, extra: Partial<AssessContext> = {}): Assessment[] {
  let state = emptyChangeState('shop');
  const out: Assessment[] = [];
  for (const obs of runs) {
    const ctx: AssessContext = {
      policy: DEFAULT_POLICY,
      nowMs: Date.parse(obs.startedAt),
      targetName: 'shop.example',
      targetPrefix,
      routeEvents: events,
      asNames: { 65002: 'Lab Two' },
      ...extra,
    };
    const a = assess(state, obs, ctx);
    state = a.state;
    out.push(a);
  }
  return out;
}

describe('assess (the whole pure core on one observation)', () => {
  it('lab: short -> long after the route changed: verdict, attribution, sentence, signals, alerts', () => {
    const events = [
      announce(lab, PREFIX, [65001, 65002], -60),
      announce(lab, '192.0.2.0/24', [65001, 64999], 3),
      announce(lab, PREFIX, [65001, 65003, 65004, 65002], 3),
    ];
    const results = feed([...series(withPrefix(SHORT), 3, 0), ...series(withPrefix(LONG), 2, 4)], events, null);
    expect(results.map((r) => r.result.status)).toEqual(['learning', 'learning', 'learning', 'pending', 'confirmed']);
    expect(results.slice(0, 4).every((r) => r.verdict === null)).toBe(true);

    const done = results[4]!;
    // The RIB state from an hour before (the path before) and the change; not the unrelated prefix.
    expect(done.routeEvents.map((e) => ('prefix' in e ? `${e.prefix} ${e.time.slice(11, 16)}` : ''))).toEqual([
      `${PREFIX} 13:00`,
      `${PREFIX} 14:03`,
    ]);
    expect([done.verdict?.verdict, done.verdict?.primary]).toEqual(['worse', 'AS_PATH_LONGER']);
    // Only the advertisement of AS 65001 is seen: whether AS 65002 still gives it the old route is not known.
    expect([done.attribution?.asn, done.attribution?.confidence]).toEqual([65001, 'low']);
    expect(done.sentence).toBe(
      'Since 14:04 UTC traffic to shop.example now also goes through AS 65003 and AS 65004 (AS path 65001 → 65003 → 65004 → 65002 instead of 65001 → 65002), ' +
        'after AS 65001 stopped routing 10.99.100.0/24 through AS 65002 (Lab Two). Median latency: 0.1 ms before, 0.1 ms now. ' +
        'Likely responsible: AS 65001 (low confidence): the old and new paths part in it; AS 65002 is almost as likely.',
    );
    expect(done.signals.map((s) => `${s.kind}=${s.active}`)).toEqual([
      'path_worse=true',
      'hop_count_change=true',
      'as_path_change=true',
      'unreachable=false',
      'latency=false',
    ]);

    let alerts: AlertState = EMPTY_ALERT_STATE;
    const opened: string[] = [];
    for (const s of done.signals) {
      const r = step(alerts, s, T0 + 5 * MIN, DEFAULT_POLICY);
      alerts = r.state;
      for (const a of r.actions) if (a.kind === 'open') opened.push(`${a.alert.kind}: ${a.alert.summary === done.sentence}`);
    }
    expect(opened).toEqual(['path_worse: true', 'hop_count_change: true', 'as_path_change: true']);
  });

  it('lab: the same flip with the RIB showing r1 still receives the short path from AS 65002: r1\'s own policy', () => {
    const events = [announce(lab, PREFIX, [65001, 65002], -60), announce(lab, PREFIX, [65001, 65003, 65004, 65002], 3)];
    // r1's BMP Adj-RIB-In (FRR 8.4 puts r1's own AS in front), unchanged for an hour; AS 65001 is the operator's own.
    const ribRoutes = [{ router: '10.99.1.1', peer: { address: '10.99.12.2', asn: 65002, type: 'global', postPolicy: true }, prefix: PREFIX, asPath: [65001, 65002], withdrawnInWindow: false }];
    const done = feed([...series(withPrefix(SHORT), 3, 0), ...series(withPrefix(LONG), 2, 4)], events, PREFIX, { ribRoutes, ignoreAsns: [65001] })[4]!;
    expect([done.attribution?.asn, done.attribution?.confidence, done.attribution?.own, done.attribution?.bgpCause?.kind]).toEqual([65001, 'high', true, 'policy']);
    expect(done.attribution?.decisions.map((d) => [d.kind, d.decidingAsn, d.oldNextAsn, d.witness?.router])).toEqual([['policy', 65001, 65002, '10.99.1.1']]);
    expect(done.sentence).toContain('Likely responsible: AS 65001, your own network (high confidence): it still receives the old route from AS 65002');
    expect(done.signals.find((s) => s.kind === 'path_worse')?.summary).toBe(done.sentence);
  });

  it('lab: the path is cut after a withdraw: the unreachable signal carries the verdict sentence', () => {
    const events = [announce(lab, PREFIX, [65001, 65002], -60), withdraw(lab, PREFIX, 3)];
    const results = feed([...series(SHORT, 3, 0), ...series(CUT, 2, 4)], events, PREFIX);
    const done = results[4]!;
    expect(done.verdict?.primary).toBe('UNREACHABLE');
    const unreachable = done.signals.find((s) => s.kind === 'unreachable');
    expect(unreachable?.active).toBe(true);
    expect(unreachable?.summary).toBe(
      'Since 14:04 UTC shop.example is unreachable: probes stop after hop 1 (10.99.1.1, AS 65001), after AS 65001 withdrew 10.99.100.0/24. ' +
        'Likely responsible: AS 65001 (medium confidence): it withdrew 10.99.100.0/24; the evidence is thin.',
    );
    // While the cut is still pending, one unreached run out of the last two is not "unreachable".
    expect(results[3]!.signals.find((s) => s.kind === 'unreachable')?.active).toBe(false);
  });

  it('route events outside the window are not considered', () => {
    const events = [announce(lab, PREFIX, [65001, 65003, 65004, 65002], 4 - 11)];
    const done = feed([...series(SHORT, 3, 0), ...series(LONG, 2, 4)], events, PREFIX)[4]!;
    expect(done.routeEvents).toEqual([]);
    expect(done.verdict?.evidence.bgpChange).toBe(false);
    expect(done.attribution?.bgpCause).toBeNull();
  });
});

describe('assess: performance on an unchanged path', () => {
  it('a latency rise with no path and no routing change is judged, located and signalled', () => {
    const results = feed([...series(SHORT, 6, 0), ...series(DEGRADED, 2, 6)], [], PREFIX);
    expect(results.map((r) => r.result.status)).toEqual(['learning', 'learning', 'learning', 'inside', 'inside', 'inside', 'inside', 'inside']);
    const quiet = results[5]!;
    expect(quiet.performance?.verdict).toBe('same');
    expect(quiet.signals.filter((s) => s.scope === 'baseline').map((s) => `${s.kind}=${s.active}`)).toEqual(['latency=false']);

    const done = results[7]!;
    expect([done.performance?.verdict, done.performance?.primary]).toEqual(['worse', 'RTT_MEDIAN_UP']);
    expect(done.verdict).toBeNull();
    expect(done.attribution?.asn).toBe(65002);
    expect(done.sentence).toBe(
      'Since 14:06 UTC the connection to shop.example got worse. Median latency rose from 0.1 ms to 40 ms (+40 ms). ' +
        'It begins at hop 2 (10.99.12.2, AS 65002 (Lab Two)). There was no routing change. Likely responsible: AS 65002 (Lab Two), medium confidence: the degradation begins inside it and carries on to the destination; the evidence is thin. ' +
        'Compared with the 5 runs before 14:06 UTC, held as the reference while this lasts; if it lasts 24 hours it is accepted as the new normal.',
    );
    expect(done.signals.filter((s) => s.scope === 'baseline').map((s) => `${s.kind}=${s.active}`)).toEqual(['latency=true']);
  });
});

describe('assess: a rate-limited middle hop on an unchanged path', () => {
  it('is classified over the whole window and raises no loss signal', () => {
    // 10 probes a hop, hop 2 answers 1 of 10 (1 ICMP/s), the destination all: end-to-end loss is judged (20 probes) and 0.
    const results = feed(series(SHORT, 6, 0, () => ({ probes: 10, lost: { 2: 9 } })), [], PREFIX);
    const last = results[5]!;
    expect(last.performance?.numbers.loss.judged).toBe(true);
    expect(last.performance?.evidence.rateLimitedHops).toEqual([{ ttl: 2, ip: '10.99.12.2', asn: 65002, lossPct: 90, sent: 60, laterTtl: 3, laterLossPct: 0 }]);
    expect(last.signals.filter((s) => s.kind === 'loss').map((s) => s.active)).toEqual([false, false]);
  });
});

describe('index', () => {
  it('exports the public API', async () => {
    const core = await import('../../src/correlate/index.js');
    for (const name of ['judge', 'observe', 'attribute', 'relevantRouteEvents', 'asPathsBeforeAfter', 'describeVerdict', 'step', 'assess', 'updateBaseline', 'policyForTarget']) {
      expect(typeof (core as Record<string, unknown>)[name]).toBe('function');
    }
    expect(core.DEFAULT_POLICY.confirmAfter).toBe(2);
  });
});
