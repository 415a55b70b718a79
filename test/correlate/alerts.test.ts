import { describe, expect, it } from 'vitest';
import {
  EMPTY_ALERT_STATE,
  openAlerts,
  resumeAlerts,
  step,
  type AlertAction,
  type AlertSeverity,
  type AlertSignal,
  type AlertState,
} from '../../src/correlate/alerts.js';
import { judge } from '../../src/correlate/judge.js';
import { DEFAULT_POLICY, mergePolicy, type JudgePolicy } from '../../src/correlate/policy.js';
import { changeSignals, conditionSignals } from '../../src/correlate/signals.js';
import { CUT, DEGRADED, LONG, MIN, SHORT, T0, series } from './builders.js';

/** A fake clock: minutes after T0. */
class FakeClock {
  constructor(private ms = T0) {}
  at(minute: number): number {
    this.ms = T0 + minute * MIN;
    return this.ms;
  }
}

type Tick = [minute: number, active: boolean, severity?: AlertSeverity];

function drive(ticks: Tick[], policy: Partial<JudgePolicy>, kind: AlertSignal['kind'] = 'latency') {
  const clock = new FakeClock();
  const p = mergePolicy(DEFAULT_POLICY, policy);
  let state: AlertState = EMPTY_ALERT_STATE;
  const log: string[][] = [];
  const all: AlertAction[][] = [];
  for (const [minute, active, severity] of ticks) {
    const signal: AlertSignal = { targetId: 'shop', kind, active, summary: `tick ${minute}` };
    if (severity !== undefined) signal.severity = severity;
    const r = step(state, signal, clock.at(minute), p);
    state = r.state;
    log.push(r.actions.map((a) => a.kind));
    all.push(r.actions);
  }
  return { state, log, all };
}

interface Case {
  name: string;
  policy: Partial<JudgePolicy>;
  ticks: Tick[];
  /** Action kinds per tick. */
  expected: string[][];
}

const quick = { alertHoldDownMs: 0, alertClearAfterMs: 0 };

const cases: Case[] = [
  {
    name: 'hold-down: opens only after the condition held 2 minutes; a clean tick restarts the wait',
    policy: { ...quick, alertHoldDownMs: 2 * MIN },
    ticks: [[0, true], [1, true], [2, false], [3, true], [4, true], [5, true]],
    expected: [[], [], [], [], [], ['open', 'notify']],
  },
  {
    name: 'dedup: more active signals update the open alert, without notifying',
    policy: quick,
    ticks: [[0, true], [1, true], [2, true]],
    expected: [['open', 'notify'], ['update'], ['update']],
  },
  {
    name: 'clear: resolves only after 5 clean minutes; an active tick restarts the wait',
    policy: { alertHoldDownMs: 0, alertClearAfterMs: 5 * MIN },
    ticks: [[0, true], [1, false], [4, true], [5, false], [9, false], [10, false]],
    expected: [['open', 'notify'], [], ['update'], [], [], ['resolve', 'notify']],
  },
  {
    name: 'repeat suppression: a re-open within 30 min of the last notification is silent, and so is its resolve',
    policy: { ...quick, alertRepeatSuppressMs: 30 * MIN, alertFlapCount: 99 },
    ticks: [[0, true], [1, false], [10, true], [11, false], [45, true]],
    expected: [['open', 'notify'], ['resolve', 'notify'], ['open'], ['resolve'], ['open', 'notify']],
  },
  {
    name: 'escalation is news: notified even within the suppression time',
    policy: quick,
    ticks: [[0, true, 'minor'], [1, true, 'minor'], [2, true, 'critical'], [3, true, 'major']],
    expected: [['open', 'notify'], ['update'], ['update', 'notify'], ['update']],
  },
  {
    name: 'flapping: the 3rd open within an hour is notified once as flapping, then silence until it calms',
    policy: { ...quick, alertRepeatSuppressMs: 0, alertFlapCount: 3, alertFlapWindowMs: 60 * MIN },
    ticks: [[0, true], [1, false], [2, true], [3, false], [4, true], [5, false], [6, true], [7, false], [200, true]],
    expected: [
      ['open', 'notify'],
      ['resolve', 'notify'],
      ['open', 'notify'],
      ['resolve', 'notify'],
      ['open', 'notify'],
      ['resolve'],
      ['open'],
      ['resolve'],
      ['open', 'notify'],
    ],
  },
];

describe('alert state machine', () => {
  it.each(cases)('$name', (c) => {
    expect(drive(c.ticks, c.policy).log).toEqual(c.expected);
  });

  it('an alert carries a deterministic id, lifecycle times, count and state', () => {
    const { all } = drive([[2, true], [3, true], [4, false]], quick);
    const opened = all[0]?.[0]?.alert;
    const updated = all[1]?.[0]?.alert;
    const resolved = all[2]?.[0]?.alert;
    expect(opened).toMatchObject({ id: 'shop:latency:2026-01-15T14:02:00.000Z', state: 'open', severity: 'major', count: 1, resolvedAt: null, summary: 'tick 2' });
    expect(updated).toMatchObject({ id: opened?.id, state: 'updated', count: 2, updatedAt: '2026-01-15T14:03:00.000Z', summary: 'tick 3' });
    expect(resolved).toMatchObject({ id: opened?.id, state: 'resolved', resolvedAt: '2026-01-15T14:04:00.000Z', openedAt: '2026-01-15T14:02:00.000Z' });
  });

  it('flapping is in the state and in the sentence', () => {
    const { all, state } = drive([[0, true], [1, false], [2, true], [3, false], [4, true]], { ...quick, alertFlapCount: 3 });
    const flapping = all[4]?.[0]?.alert;
    expect(flapping?.flapping).toBe(true);
    expect(flapping?.summary).toBe('tick 4 This problem is flapping: it appeared 3 times in the last 60 minutes.');
    expect(openAlerts(state).map((a) => a.flapping)).toEqual([true]);
  });

  it('uses an injected id factory; tracks differ by target, kind and scope', () => {
    const ids = (t: string, k: string, s: string, ms: number) => `${t}/${k}/${s}/${ms - T0}`;
    const p = mergePolicy(DEFAULT_POLICY, quick);
    let state = EMPTY_ALERT_STATE;
    const signals: AlertSignal[] = [
      { targetId: 'shop', kind: 'loss', active: true },
      { targetId: 'shop', kind: 'loss', scope: 'hop:10.99.12.2', active: true },
      { targetId: 'shop', kind: 'latency', active: true },
      { targetId: 'blog', kind: 'loss', active: true },
      { targetId: 'shop', kind: 'loss', active: true },
    ];
    const kinds: string[][] = [];
    for (const s of signals) {
      const r = step(state, s, T0 + MIN, p, ids);
      state = r.state;
      kinds.push(r.actions.map((a) => `${a.kind} ${a.alert.id}`));
    }
    expect(kinds).toEqual([
      ['open shop/loss/e2e/60000', 'notify shop/loss/e2e/60000'],
      ['open shop/loss/hop:10.99.12.2/60000', 'notify shop/loss/hop:10.99.12.2/60000'],
      ['open shop/latency/e2e/60000', 'notify shop/latency/e2e/60000'],
      ['open blog/loss/e2e/60000', 'notify blog/loss/e2e/60000'],
      ['update shop/loss/e2e/60000'],
    ]);
  });

  it('resumes stored open alerts: the same alert is updated and resolved (with its notification), never opened again', () => {
    const p = mergePolicy(DEFAULT_POLICY, quick);
    const opened = step(EMPTY_ALERT_STATE, { targetId: 'shop', kind: 'loss', active: true, summary: 'before' }, T0, p).actions[0]!.alert;
    const resolvedElsewhere = { ...opened, id: 'old', kind: 'latency' as const, state: 'resolved' as const };
    const resumed = resumeAlerts([opened, resolvedElsewhere]);
    expect([...resumed.keys()]).toEqual(['shop']);
    let state = resumed.get('shop')!;
    expect(openAlerts(state).map((a) => a.id)).toEqual([opened.id]);
    const log: string[] = [];
    for (const [minute, active] of [[10, true], [11, false]] as const) {
      const r = step(state, { targetId: 'shop', kind: 'loss', active, summary: `tick ${minute}` }, T0 + minute * MIN, p);
      state = r.state;
      log.push(...r.actions.map((a) => `${a.kind} ${a.alert.state} ${a.alert.id}`));
    }
    expect(log).toEqual([`update updated ${opened.id}`, `resolve resolved ${opened.id}`, `notify resolved ${opened.id}`]);
  });

  it('never mutates the state it is given', () => {
    const p = mergePolicy(DEFAULT_POLICY, quick);
    const first = step(EMPTY_ALERT_STATE, { targetId: 'shop', kind: 'loss', active: true }, T0, p).state;
    const snapshot = JSON.stringify(first);
    step(first, { targetId: 'shop', kind: 'loss', active: false }, T0 + MIN, p);
    step(first, { targetId: 'shop', kind: 'loss', active: true, severity: 'critical' }, T0 + MIN, p);
    expect(JSON.stringify(first)).toBe(snapshot);
  });
});

describe('signals', () => {
  it('a worse, longer path raises path_worse, hop_count_change and as_path_change', () => {
    const v = judge(series(SHORT, 10, 0), series(LONG, 10, 10), [], DEFAULT_POLICY);
    expect(changeSignals('shop', v, 's').map((s) => s.kind)).toEqual(['path_worse', 'hop_count_change', 'as_path_change']);
  });

  it('degradation raises path_worse plus per-hop loss and latency at the hop where it begins', () => {
    const v = judge(series(SHORT, 10, 0), series(DEGRADED, 10, 10, (i) => (i % 3 === 0 ? { lost: { 2: 1, 3: 1 } } : {})), [], DEFAULT_POLICY);
    expect(changeSignals('shop', v, 's').map((s) => `${s.kind} ${s.scope ?? ''}`)).toEqual([
      'path_worse ',
      'loss hop:10.99.12.2',
      'latency hop:10.99.12.2',
    ]);
  });

  it('conditions: unreachable, latency over the absolute threshold, loss only with enough probes', () => {
    const policy = mergePolicy(DEFAULT_POLICY, { latencyAlertMs: 30, lossAlertPct: 5 });
    const describe = (runs: ReturnType<typeof series>) =>
      conditionSignals('shop', runs, policy).map((s) => `${s.kind}=${s.active}`);
    expect(describe(series(SHORT, 10, 0))).toEqual(['unreachable=false', 'latency=false', 'loss=false']);
    expect(describe(series(DEGRADED, 10, 0, (i) => (i % 3 === 0 ? { lost: { 3: 1 } } : {})))).toEqual([
      'unreachable=false',
      'latency=true',
      'loss=true',
    ]);
    expect(describe(series(DEGRADED, 2, 0))).toEqual(['unreachable=false', 'latency=true']);
    expect(describe(series(CUT, 3, 0))).toEqual(['unreachable=true']);
  });
});
