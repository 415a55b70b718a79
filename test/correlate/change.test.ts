import { describe, expect, it } from 'vitest';
import { baselineFrom, baselineStats, updateBaseline } from '../../src/correlate/baseline.js';
import { classifyObservation, emptyChangeState, observe, type ChangeResult } from '../../src/correlate/change.js';
import { DEFAULT_POLICY, mergePolicy, type JudgePolicy } from '../../src/correlate/policy.js';
import type { PathObservation } from '../../src/probe/types.js';
import { CUT, LONG, SHORT, observation, series, type HopSpec } from './builders.js';

function run(observations: PathObservation[], policy: JudgePolicy = DEFAULT_POLICY): ChangeResult[] {
  let state = emptyChangeState('shop');
  const results: ChangeResult[] = [];
  for (const obs of observations) {
    const r = observe(state, obs, policy);
    state = r.state;
    results.push(r.result);
  }
  return results;
}

const statuses = (rs: ChangeResult[]) => rs.map((r) => r.status);

const ECMP_A: HopSpec[] = [SHORT[0]!, { ip: '10.99.12.2', asn: 65002, rtt: 0.1 }, SHORT[2]!];
const ECMP_B: HopSpec[] = [SHORT[0]!, { ip: '10.99.12.6', asn: 65002, rtt: 0.1 }, SHORT[2]!];
const SILENT_HOP2: HopSpec[] = [SHORT[0]!, { ip: null, rtt: 0 }, SHORT[2]!];
/** Same addresses as SHORT, but hop 2 now annotated with another AS (re-origination). */
const SHORT_OTHER_AS: HopSpec[] = [SHORT[0]!, { ip: '10.99.12.2', asn: 65009, rtt: 0.1 }, { ...SHORT[2]!, asn: 65009 }];

interface Case {
  name: string;
  runs: PathObservation[];
  policy?: Partial<JudgePolicy>;
  expectStatuses: ChangeResult['status'][];
  /** Checks on the confirmed change, when one is expected. */
  reasons?: string[];
  divergeTtl?: number;
}

const learned = () => series(SHORT, 3, 0);

const cases: Case[] = [
  {
    name: 'ECMP: runs alternating between two load-balanced hop-2 routers never change the path',
    runs: Array.from({ length: 10 }, (_, i) => observation(i % 2 === 0 ? ECMP_A : ECMP_B, { minute: i })),
    expectStatuses: ['learning', 'learning', 'learning', 'inside', 'inside', 'inside', 'inside', 'inside', 'inside', 'inside'],
  },
  {
    name: 'ECMP seen once after learning is learned, so alternation stops being news',
    runs: [...learned(), observation(ECMP_B, { minute: 3 }), ...series(SHORT, 1, 4), observation(ECMP_B, { minute: 5 }), observation(ECMP_B, { minute: 6 })],
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'inside', 'inside', 'inside'],
  },
  {
    name: 'one lost probe and a fully silent hop where an address is known are not changes',
    runs: [...learned(), observation(SHORT, { minute: 3, lost: { 2: 1 } }), observation(SILENT_HOP2, { minute: 4 }), observation(SILENT_HOP2, { minute: 5 })],
    expectStatuses: ['learning', 'learning', 'learning', 'inside', 'inside', 'inside'],
  },
  {
    name: 'one noisy RTT sample is not a change',
    runs: [...learned(), observation(SHORT, { minute: 3, extraRtt: (i) => (i === 0 ? 900 : 0) }), ...series(SHORT, 1, 4)],
    expectStatuses: ['learning', 'learning', 'learning', 'inside', 'inside'],
  },
  {
    name: 'short -> long is confirmed after 2 consecutive runs, diverging at TTL 2',
    runs: [...learned(), ...series(LONG, 2, 3)],
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'confirmed'],
    reasons: ['NEW_ADDRESS', 'HOP_COUNT', 'AS_PATH'],
    divergeTtl: 2,
  },
  {
    name: 'a single long run between short ones is a transient, not a change',
    runs: [...learned(), ...series(LONG, 1, 3), ...series(SHORT, 2, 4)],
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'inside', 'inside'],
  },
  {
    name: 'confirmAfter 3 (per-target override) needs a third run',
    runs: [...learned(), ...series(LONG, 3, 3)],
    policy: { confirmAfter: 3 },
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'pending', 'confirmed'],
    reasons: ['NEW_ADDRESS', 'HOP_COUNT', 'AS_PATH'],
    divergeTtl: 2,
  },
  {
    name: 'a probe method change is not a path change: the new method learns its own baseline',
    runs: [...learned(), ...series(LONG, 3, 3, () => ({ method: 'icmp' })), ...series(LONG, 1, 6, () => ({ method: 'icmp' }))],
    expectStatuses: ['learning', 'learning', 'learning', 'learning', 'learning', 'learning', 'inside'],
  },
  {
    name: 'the path is cut (hop 1 answers !N): unreachable, diverging after the last answering hop',
    runs: [...learned(), ...series(CUT, 2, 3, () => ({ lastAnnotation: '!N' }))],
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'confirmed'],
    reasons: ['UNREACHABLE'],
    divergeTtl: 2,
  },
  {
    name: 'recovery from an unreachable baseline is a change',
    runs: [...series(CUT, 3, 0), ...series(SHORT, 2, 3)],
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'confirmed'],
    reasons: ['NEW_ADDRESS', 'REACHABLE'],
    divergeTtl: 2,
  },
  {
    name: 'same addresses, different AS annotations: an AS-level path change at TTL 2',
    runs: [...learned(), ...series(SHORT_OTHER_AS, 2, 3)],
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'confirmed'],
    reasons: ['AS_PATH'],
    divergeTtl: 2,
  },
  {
    name: 'after a confirmed change the new path is the baseline: flipping back is a new change',
    runs: [...learned(), ...series(LONG, 3, 3), ...series(SHORT, 2, 6)],
    expectStatuses: ['learning', 'learning', 'learning', 'pending', 'confirmed', 'inside', 'pending', 'confirmed'],
    reasons: ['NEW_ADDRESS', 'HOP_COUNT', 'AS_PATH'],
    divergeTtl: 2,
  },
];

describe('path change detection', () => {
  it.each(cases)('$name', (c) => {
    const results = run(c.runs, mergePolicy(DEFAULT_POLICY, c.policy));
    expect(statuses(results)).toEqual(c.expectStatuses);
    const confirmed = results.filter((r) => r.status === 'confirmed');
    if (c.reasons === undefined) {
      expect(confirmed).toEqual([]);
      return;
    }
    const last = confirmed[confirmed.length - 1];
    if (last?.status !== 'confirmed') throw new Error('no confirmed change');
    expect([...last.change.reasons].sort()).toEqual([...c.reasons].sort());
    expect(last.change.divergeTtl).toBe(c.divergeTtl);
    expect(last.change.after.length).toBe(mergePolicy(DEFAULT_POLICY, c.policy).confirmAfter);
  });

  it('a confirmed change carries the old baseline as "before" and the first outside run time', () => {
    const results = run([...learned(), ...series(LONG, 2, 3)]);
    const last = results[4];
    if (last?.status !== 'confirmed') throw new Error('expected a confirmed change');
    expect(last.change.before.map((o) => o.id)).toEqual(['obs-0', 'obs-1', 'obs-2']);
    expect(last.change.after.map((o) => o.id)).toEqual(['obs-3', 'obs-4']);
    expect(last.change.changeTimeMs).toBe(Date.parse(last.change.after[0]!.startedAt));
  });

  it('failed runs are skipped and do not break a pending streak', () => {
    const failed = { ...observation(SHORT, { minute: 4 }), status: 'failed' as const };
    const results = run([...learned(), ...series(LONG, 1, 3), failed, ...series(LONG, 1, 5)]);
    expect(statuses(results)).toEqual(['learning', 'learning', 'learning', 'pending', 'skipped', 'confirmed']);
  });
});

describe('baseline', () => {
  it('keeps the per-TTL address sets, signatures, hop counts and AS paths of the window', () => {
    const b = baselineFrom([observation(ECMP_A, { minute: 0 }), observation(ECMP_B, { minute: 1 })], DEFAULT_POLICY);
    if (b === null) throw new Error('no baseline');
    expect([...(b.addressesByTtl.get(2) ?? [])].sort()).toEqual(['10.99.12.2', '10.99.12.6']);
    expect(b.signatures.size).toBe(2);
    expect([...b.hopCounts]).toEqual([[3, 2]]);
    expect([...b.asPaths]).toEqual([['65001 65002', 2]]);
    const stats = baselineStats(b);
    expect(stats.rtt?.count).toBe(6);
    expect(stats.loss).toEqual({ sent: 6, received: 6, fraction: 0 });
  });

  it('drops observations beyond the count and the age window, without touching its input', () => {
    const policy = mergePolicy(DEFAULT_POLICY, { baselineMaxObservations: 3, baselineMaxAgeMs: 10 * 60_000 });
    const b1 = baselineFrom(series(SHORT, 3, 0), policy);
    if (b1 === null) throw new Error('no baseline');
    const b2 = updateBaseline(b1, observation(LONG, { minute: 3, id: 'long' }), policy);
    expect(b1.entries.length).toBe(3);
    expect(b2.entries.map((e) => e.obs.id)).toEqual(['obs-1', 'obs-2', 'long']);
    const b3 = updateBaseline(b2, observation(LONG, { minute: 30, id: 'late' }), policy);
    expect(b3.entries.map((e) => e.obs.id)).toEqual(['late']);
    expect(b3.addressesByTtl.get(2)?.has('10.99.12.2')).toBe(false);
  });

  it('ignores runs of another method (one baseline per method)', () => {
    const b = baselineFrom(series(SHORT, 2, 0), DEFAULT_POLICY);
    if (b === null) throw new Error('no baseline');
    expect(updateBaseline(b, observation(LONG, { method: 'icmp' }), DEFAULT_POLICY)).toBe(b);
  });

  it('classifies nothing against an empty baseline', () => {
    const b = baselineFrom([], DEFAULT_POLICY);
    expect(b).toBeNull();
    const one = baselineFrom(series(SHORT, 1, 0), DEFAULT_POLICY);
    if (one === null) throw new Error('no baseline');
    expect(classifyObservation(one, observation(SHORT))).toBeNull();
    expect(classifyObservation(one, observation(LONG))?.newAddresses.map((a) => a.ttl)).toEqual([2, 3, 4, 5]);
  });
});
