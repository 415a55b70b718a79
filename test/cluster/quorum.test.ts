import { describe, expect, it } from 'vitest';
import { agreeingVantages, applyAlert, decide, type QuorumView } from '../../src/cluster/quorum.js';

describe('decide: N of M vantages', () => {
  it.each([
    ['quorum 1: always notify, alone', ['fra'], 'fra', 1, 'notify'],
    ['quorum 1: every vantage notifies its own', ['fra', 'nyc'], 'nyc', 1, 'notify'],
    ['quorum 2, one vantage: wait', ['fra'], 'fra', 2, 'wait'],
    ['quorum 2, two agree, first name speaks', ['fra', 'nyc'], 'fra', 2, 'notify'],
    ['quorum 2, two agree, the other is covered', ['fra', 'nyc'], 'nyc', 2, 'covered'],
    ['unsorted input: the smallest name still speaks', ['nyc', 'fra'], 'fra', 2, 'notify'],
    ['quorum 3, two agree: wait', ['fra', 'nyc'], 'nyc', 3, 'wait'],
    ['quorum 2, three agree, third is covered', ['ams', 'fra', 'nyc'], 'nyc', 2, 'covered'],
  ] as const)('%s', (_name, agreeing, self, quorum, expected) => {
    expect(decide(agreeing, self, quorum)).toBe(expected);
  });
});

describe('applyAlert: who has path_worse open', () => {
  it('adds, keeps, and removes vantages per target, reporting when the set changed', () => {
    const view: QuorumView = new Map();
    const steps: Array<[Parameters<typeof applyAlert>[1], boolean, string[]]> = [
      [{ targetId: 't', vantage: 'nyc', id: 'n1', state: 'open' }, true, ['nyc']],
      [{ targetId: 't', vantage: 'fra', id: 'f1', state: 'open' }, true, ['fra', 'nyc']],
      [{ targetId: 't', vantage: 'fra', id: 'f1', state: 'updated' }, false, ['fra', 'nyc']],
      // A resolve of an older alert of that vantage does not remove the newer one.
      [{ targetId: 't', vantage: 'fra', id: 'f0', state: 'resolved' }, false, ['fra', 'nyc']],
      [{ targetId: 't', vantage: 'fra', id: 'f1', state: 'resolved' }, true, ['nyc']],
      [{ targetId: 'u', vantage: 'fra', id: 'f2', state: 'open' }, true, ['nyc']],
      [{ targetId: 't', vantage: 'nyc', id: 'n1', state: 'resolved' }, true, []],
    ];
    for (const [fact, changed, agreeingOnT] of steps) {
      expect(applyAlert(view, fact)).toBe(changed);
      expect(agreeingVantages(view, 't')).toEqual(agreeingOnT);
    }
    expect([...view.keys()]).toEqual(['u']);
  });
});
