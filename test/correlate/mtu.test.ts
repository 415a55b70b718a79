import { describe, expect, it } from 'vitest';
import { EMPTY_ALERT_STATE, step, type AlertAction, type AlertState } from '../../src/correlate/alerts.js';
import { describeMtuDrop, EMPTY_MTU_STATE, mtuSeverity, mtuSteps, observeMtu, type MtuState } from '../../src/correlate/mtu.js';
import { DEFAULT_POLICY } from '../../src/correlate/policy.js';
import type { PmtuLimit, PmtuMeasurement } from '../../src/probe/pmtu/types.js';

const T0 = Date.UTC(2026, 0, 1, 14, 0);
const MIN = 60_000;
const LIMIT: PmtuLimit = { ttl: 2, ip: '192.0.2.1', mtu: 1400, asn: 65001 };

function m(minute: number, pathMtu: number | null, extra: Partial<PmtuMeasurement> = {}): PmtuMeasurement {
  return {
    id: `m${minute}`,
    targetId: 'shop',
    target: { name: 'shop.example', address: '198.51.100.10' },
    vantage: 'v1',
    measuredAt: new Date(T0 + minute * MIN).toISOString(),
    durationMs: 100,
    tool: 'tracepath',
    pathMtu,
    limit: pathMtu !== null && pathMtu < 1500 ? { ...LIMIT, mtu: pathMtu } : null,
    reached: pathMtu !== null,
    hopCount: 3,
    status: 'ok',
    ...extra,
  };
}

/** Feeds measurements; returns per step: [change as "from->to" or "", signal as "+"/"-"/"" ]. */
function run(values: Array<number | null>, confirmAfter = 2): { trace: string[]; state: MtuState } {
  let state = EMPTY_MTU_STATE;
  const trace: string[] = [];
  values.forEach((v, i) => {
    const r = observeMtu(state, m(i * 10, v), { policy: { confirmAfter }, targetName: 'shop.example', nowMs: T0 + i * 10 * MIN });
    state = r.state;
    trace.push(`${r.change ? `${r.change.fromMtu}->${r.change.toMtu}` : ''}${r.signal === null ? '' : r.signal.active ? '+' : '-'}`);
  });
  return { trace, state };
}

describe('observeMtu', () => {
  it.each([
    { name: 'steady', values: [1500, 1500, 1500], trace: ['-', '-', '-'], reference: 1500 },
    { name: 'drop confirmed on the 2nd run, alert held while low', values: [1500, 1400, 1400, 1400], trace: ['-', '-', '1500->1400+', '+'], reference: 1500 },
    { name: 'one odd run changes nothing', values: [1500, 1400, 1500, 1500], trace: ['-', '-', '-', '-'], reference: 1500 },
    { name: 'drop then restored (needs confirming too)', values: [1500, 1400, 1400, 1500, 1500], trace: ['-', '-', '1500->1400+', '+', '1400->1500-'], reference: 1500 },
    { name: 'further drop while low', values: [1500, 1400, 1400, 1300, 1300], trace: ['-', '-', '1500->1400+', '+', '1400->1300+'], reference: 1500 },
    { name: 'partial recovery stays low', values: [1500, 1300, 1300, 1400, 1400], trace: ['-', '-', '1500->1300+', '+', '1300->1400+'], reference: 1500 },
    { name: 'a rise becomes the new reference, no alert', values: [1400, 1500, 1500, 1400, 1400], trace: ['-', '-', '1400->1500-', '-', '1500->1400+'], reference: 1500 },
    { name: 'unknown runs say nothing and do not break a confirmation', values: [1500, 1400, null, 1400], trace: ['-', '-', '', '1500->1400+'], reference: 1500 },
    { name: 'nothing known yet', values: [null, null], trace: ['', ''], reference: null },
  ])('$name', ({ values, trace, reference }) => {
    const r = run(values);
    expect(r.trace).toEqual(trace);
    expect(r.state.reference).toBe(reference);
  });

  it('confirmAfter 1: the first different run counts', () => {
    expect(run([1500, 1400, 1500], 1).trace).toEqual(['-', '1500->1400+', '1400->1500-']);
  });

  it('a failed run is ignored even if it carries a number', () => {
    const s: MtuState = { reference: 1500, lowered: null, candidate: null };
    const r = observeMtu(s, m(0, 1400, { status: 'failed' }), { policy: { confirmAfter: 1 }, targetName: 'x', nowMs: T0 });
    expect(r).toEqual({ state: s, change: null, signal: null });
  });

  it('the active signal: since the first low run, the limiting router, severity, numbers, evidence', () => {
    let state = observeMtu(EMPTY_MTU_STATE, m(0, 1500), { policy: { confirmAfter: 2 }, targetName: 'shop.example', nowMs: T0 }).state;
    state = observeMtu(state, m(2, 1400), { policy: { confirmAfter: 2 }, targetName: 'shop.example', nowMs: T0 + 2 * MIN }).state;
    const r = observeMtu(state, m(12, 1400, { limit: null }), { policy: { confirmAfter: 2 }, targetName: 'shop.example', nowMs: T0 + 12 * MIN, asNames: new Map([[65001, 'Example Transit']]) });
    expect(r.change).toEqual({ fromMtu: 1500, toMtu: 1400, direction: 'lower', sinceMs: T0 + 2 * MIN, limit: LIMIT });
    expect(r.signal).toMatchObject({ targetId: 'shop', kind: 'mtu_change', active: true, severity: 'minor', numbers: { referenceMtu: 1500, pathMtu: 1400, limit: LIMIT }, evidence: { observationIds: ['m12'] } });
    expect(r.signal?.summary).toBe(
      'Since 14:02 UTC the largest packet that reaches shop.example without fragmentation is 1400 bytes instead of 1500 (100 bytes less); the limit is at 192.0.2.1 (hop 2, AS 65001 (Example Transit)), measured with tracepath. Bigger packets rely on ICMP "fragmentation needed" messages getting back; where those are filtered, connections stall.',
    );
  });
});

describe('mtuSeverity and describeMtuDrop', () => {
  it.each([
    [1500, 'minor'],
    [1280, 'minor'],
    [1279, 'major'],
    [576, 'major'],
  ] as const)('%i -> %s', (mtu, sev) => expect(mtuSeverity(mtu)).toBe(sev));

  it('without a known limit, on another day', () => {
    expect(describeMtuDrop({ targetName: 'db', fromMtu: 9000, toMtu: 1500, sinceMs: T0, nowMs: T0 + 86_400_000, limit: null })).toBe(
      'Since 2026-01-01 14:00 UTC the largest packet that reaches db without fragmentation is 1500 bytes instead of 9000 (7500 bytes less). Bigger packets rely on ICMP "fragmentation needed" messages getting back; where those are filtered, connections stall.',
    );
  });
});

describe('MTU signals through the alert state machine', () => {
  it('opens once (hold-down), updates while low, resolves after the clear time when the MTU is back', () => {
    const policy = { ...DEFAULT_POLICY, alertHoldDownMs: 5 * MIN, alertClearAfterMs: 15 * MIN };
    let mtu = EMPTY_MTU_STATE;
    let alerts: AlertState = EMPTY_ALERT_STATE;
    const log: string[] = [];
    const values = [1500, 1400, 1400, 1400, 1400, 1500, 1500, 1500, 1500];
    values.forEach((v, i) => {
      const now = T0 + i * 10 * MIN;
      const r = observeMtu(mtu, m(i * 10, v), { policy, targetName: 'shop.example', nowMs: now });
      mtu = r.state;
      if (!r.signal) return;
      const s = step(alerts, r.signal, now, policy);
      alerts = s.state;
      log.push(s.actions.filter((a: AlertAction) => a.kind !== 'notify').map((a) => `${i}:${a.kind}`).join(','));
    });
    // Confirmed at run 2 (pending), open at run 3 after the hold-down, updates at 4 and at 5
    // (1500 seen once: not confirmed yet, still low); back confirmed at run 6, clean from
    // then, resolved at run 8 (20 min >= 15).
    expect(log.filter((x) => x !== '')).toEqual(['3:open', '4:update', '5:update', '8:resolve']);
  });
});

describe('mtuSteps', () => {
  it('distinct consecutive values, oldest first, unknown runs skipped, a limit filled in from a later run of the same value', () => {
    const history = [m(40, 1500), m(30, 1400), m(20, null), m(10, 1400, { limit: null }), m(15, 1400), m(0, 1500)];
    expect(mtuSteps(history)).toEqual([
      { mtu: 1500, since: m(0, 1500).measuredAt, tool: 'tracepath', limit: null },
      { mtu: 1400, since: m(10, 1400).measuredAt, tool: 'tracepath', limit: LIMIT },
      { mtu: 1500, since: m(40, 1500).measuredAt, tool: 'tracepath', limit: null },
    ]);
  });
});
