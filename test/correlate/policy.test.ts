import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, mergePolicy, policyForTarget, type PolicySet } from '../../src/correlate/policy.js';

describe('policy', () => {
  const set: PolicySet = {
    defaults: DEFAULT_POLICY,
    overrides: { shop: { confirmAfter: 3, rttMedianDeltaMs: undefined as unknown as number, latencyAlertMs: 80 } },
  };

  it('merges a target override on top of the defaults, ignoring undefined values', () => {
    const p = policyForTarget(set, 'shop');
    expect([p.confirmAfter, p.latencyAlertMs, p.rttMedianDeltaMs]).toEqual([3, 80, DEFAULT_POLICY.rttMedianDeltaMs]);
  });

  it('gives the defaults to targets without an override and to unnamed runs', () => {
    expect(policyForTarget(set, 'blog')).toEqual(DEFAULT_POLICY);
    expect(policyForTarget(set, undefined)).toEqual(DEFAULT_POLICY);
  });

  it('never changes the defaults', () => {
    mergePolicy(DEFAULT_POLICY, { confirmAfter: 9 }).confirmAfter = 10;
    expect(DEFAULT_POLICY.confirmAfter).toBe(2);
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
  });
});
