/**
 * "Relative degradation becomes the new normal": a latency rise on an unchanged path must keep its
 * alert open while the path stays worse than before the change, even once the baseline window has
 * slid past the change; it resolves on real recovery, or after policy.degradationAcceptAfterMs,
 * saying so. The pure pieces (assess, alerts.step) driven minute by minute with a fake clock, the
 * way CorrelatorService drives them (inactive signals re-asserted for open alerts that are clearing).
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_ALERT_STATE, step, type AlertState, type AlertSignal } from '../../src/correlate/alerts.js';
import { emptyChangeState } from '../../src/correlate/change.js';
import { assess, type AssessState } from '../../src/correlate/pipeline.js';
import { DEFAULT_POLICY, type JudgePolicy } from '../../src/correlate/policy.js';
import { DEGRADED, MIN, SHORT, T0, observation, type HopSpec } from './builders.js';

interface Event {
  minute: number;
  action: 'open' | 'update' | 'resolve';
  summary: string;
}

/** Runs `plan` (one observation a minute) through assess and the baseline-scope latency alert track. */
function run(plan: HopSpec[][], policy: JudgePolicy): Event[] {
  let state: AssessState = emptyChangeState('shop');
  let alerts: AlertState = EMPTY_ALERT_STATE;
  const events: Event[] = [];
  plan.forEach((hops, minute) => {
    const now = T0 + minute * MIN;
    const a = assess(state, observation(hops, { minute, id: `obs-${minute}` }), { policy, nowMs: now, targetName: 'shop.example', targetPrefix: null, routeEvents: [] });
    state = a.state;
    const signals: AlertSignal[] = a.signals.filter((s) => s.scope === 'baseline' && s.kind === 'latency');
    const track = Object.values(alerts.tracks).find((t) => t.kind === 'latency' && t.scope === 'baseline');
    if (signals.length === 0 && track?.current && track.cleanSince !== null) signals.push({ targetId: 'shop', kind: 'latency', scope: 'baseline', active: false });
    for (const s of signals) {
      const r = step(alerts, s, now, policy);
      alerts = r.state;
      for (const act of r.actions) if (act.kind !== 'notify') events.push({ minute, action: act.kind, summary: act.alert.summary });
    }
  });
  return events;
}

const repeat = (hops: HopSpec[], n: number) => Array.from({ length: n }, () => hops);
const opens = (e: Event[]) => e.filter((x) => x.action === 'open').map((x) => x.minute);
const resolves = (e: Event[]) => e.filter((x) => x.action === 'resolve').map((x) => x.minute);

describe('a relative degradation that outlasts the baseline window', () => {
  // 20 observations in the window: after ~10 degraded runs the sliding window alone would call them normal.
  const policy: JudgePolicy = { ...DEFAULT_POLICY, baselineMaxObservations: 20, alertClearAfterMs: 5 * MIN };

  it.each<[string, HopSpec[][], JudgePolicy, { opens: number[]; resolves: number[]; lastSummary?: string }]>([
    ['stays open while the path is still worse than before (60 degraded runs: three windows long)', [...repeat(SHORT, 10), ...repeat(DEGRADED, 60)], policy, { opens: [10], resolves: [] }],
    [
      'resolves on real recovery, clear time after the first recovered runs',
      [...repeat(SHORT, 10), ...repeat(DEGRADED, 40), ...repeat(SHORT, 15)],
      policy,
      { opens: [10], resolves: [56] },
    ],
    [
      'is accepted as the new normal after degradationAcceptAfterMs, says so, resolves and does not reopen',
      [...repeat(SHORT, 10), ...repeat(DEGRADED, 80)],
      { ...policy, degradationAcceptAfterMs: 30 * MIN },
      { opens: [10], resolves: [46], lastSummary: 'Accepted as the new normal after 30 minutes: this alert closes' },
    ],
    [
      'after acceptance, a recovery to the old level is no alert (better), a new rise over the accepted level is',
      [...repeat(SHORT, 10), ...repeat(DEGRADED, 45), ...repeat(SHORT, 10), ...repeat(DEGRADED.map((h, i) => (i === 0 ? h : { ...h, rtt: 90 })), 5)],
      { ...policy, degradationAcceptAfterMs: 30 * MIN },
      { opens: [10, 65], resolves: [46] },
    ],
  ])('%s', (_name, plan, p, expected) => {
    const events = run(plan, p);
    expect(opens(events)).toEqual(expected.opens);
    expect(resolves(events)).toEqual(expected.resolves);
    const opened = events.find((e) => e.action === 'open');
    expect(opened?.summary).toContain('Compared with the 9 runs before 14:10 UTC, held as the reference while this lasts');
    if (expected.lastSummary !== undefined) {
      const resolved = events.find((e) => e.action === 'resolve');
      expect(resolved?.summary).toContain(expected.lastSummary);
    }
  });

  it('the frozen reference keeps the numbers of before the change in the alert', () => {
    const events = run([...repeat(SHORT, 10), ...repeat(DEGRADED, 60)], policy);
    const last = events[events.length - 1]!;
    expect(last.action).toBe('update');
    expect(last.summary).toMatch(/^Since 14:10 UTC the connection to shop\.example got worse\. Median latency rose from 0\.1 ms to 40 ms/);
  });
});
