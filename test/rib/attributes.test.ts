/** The interner's identity memo (shared frozen arrays from the decoder) must give what the text key gives. */
import { describe, expect, it } from 'vitest';
import type { RouteAttributes } from '../../bgp/types.js';
import { AttributeInterner } from '../../src/rib/attributes.js';

const frozen = <T>(a: T[]): T[] => Object.freeze(a) as T[];

function attrs(over: Partial<RouteAttributes> = {}): RouteAttributes {
  return { nextHop: '192.0.2.1', origin: 'igp', asPath: frozen([65001, 65002]), med: null, localPref: null, communities: frozen(['65001:1']), largeCommunities: frozen([]), extCommunities: frozen([]), ...over };
}

describe('AttributeInterner', () => {
  it('reuses the entry of the same shared arrays, and tells apart what differs in any field', () => {
    const i = new AttributeInterner();
    const a = attrs();
    const e1 = i.acquire(a);
    expect(i.acquire({ ...a })).toBe(e1);
    expect(e1.refs).toBe(2);
    // Same AS_PATH array, another next hop or MED: another set.
    const e2 = i.acquire({ ...a, nextHop: '192.0.2.9' });
    const e3 = i.acquire({ ...a, med: 5 });
    expect(new Set([e1, e2, e3]).size).toBe(3);
    // Equal contents in other (unfrozen) arrays: the text key still finds the set.
    expect(i.acquire(attrs({ asPath: [65001, 65002], communities: ['65001:1'] }))).toBe(e1);
    expect(i.size).toBe(3);
  });

  it('never revives a released set', () => {
    const i = new AttributeInterner();
    const a = attrs();
    const e1 = i.acquire(a);
    i.release(e1);
    expect(i.size).toBe(0);
    const e2 = i.acquire({ ...a });
    expect(e2).not.toBe(e1);
    expect(e2.refs).toBe(1);
    expect(i.size).toBe(1);
  });
});
