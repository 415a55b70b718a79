/** The interner's identity memo (shared frozen arrays from the decoder) must give what the text key gives. */
import { describe, expect, it } from 'vitest';
import type { RouteAttributes } from '../../bgp/types.js';
import { AttributeInterner, attributesKey, type InternedAttributes } from '../../src/rib/attributes.js';
import { seededRandom } from '../../src/core/random.js';

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

  it('the last entry is found by contents: fresh equal arrays, and an array changed in place after acquire', () => {
    const i = new AttributeInterner();
    // Unfrozen arrays, new ones per route (as the ExaBGP parser gives for each line).
    const mk = () => ({ ...attrs(), asPath: [65001, [65003, 65004]], communities: ['65001:1', '65001:2'] }) as RouteAttributes;
    const a = mk();
    const e1 = i.acquire(a);
    expect(i.acquire(mk())).toBe(e1);
    // The stored set is a frozen copy: changing the caller's array does not change it, and the
    // changed array is another set.
    (a.asPath as number[]).push(65005);
    const e2 = i.acquire(a);
    expect(e2).not.toBe(e1);
    expect(e1.attrs.asPath).toEqual([65001, [65003, 65004]]);
    expect(e2.attrs.asPath).toEqual([65001, [65003, 65004], 65005]);
    // Back to e1's contents right after e2: found through the text key.
    expect(i.acquire(mk())).toBe(e1);
    expect(e1.refs).toBe(3);
  });

  it('gives one entry per distinct text key, over random sequences of sets, copies, releases and in-place changes', () => {
    const r = seededRandom(11);
    const int = (n: number) => Math.floor(r() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
    const variant = (): RouteAttributes => {
      const a: RouteAttributes = {
        nextHop: pick(['192.0.2.1', '192.0.2.2', null]),
        origin: pick(['igp', 'incomplete'] as const),
        asPath: pick([[65001], [65001, 65002], [65001, [65002, 65003]], [65001, [65003, 65002]], []]).map((x) => (typeof x === 'number' ? x : [...x])),
        med: pick([null, 0, 10]),
        localPref: pick([null, 100]),
        communities: pick([[], ['65001:1'], ['65001:1', '65001:2']]).slice(),
        largeCommunities: pick([[], ['65001:1:2']]).slice(),
        extCommunities: pick([[], ['target:65001:1']]).slice(),
      };
      const maybe = int(6);
      if (maybe === 0) a.atomicAggregate = pick([true, false]);
      if (maybe === 1) a.aggregator = pick([null, { asn: 65001, address: '192.0.2.9' }, { asn: 65002, address: '192.0.2.9' }]);
      if (maybe === 2) a.clusterList = pick([[], ['192.0.2.7']]).slice();
      if (maybe === 3) a.originatorId = '192.0.2.8';
      if (maybe === 4) a.confedPath = pick([[], [65010]]).slice();
      if (maybe === 5) a.unknownAttributes = pick([[], [99]]).slice();
      return a;
    };
    const copy = (a: RouteAttributes): RouteAttributes => ({
      ...a,
      asPath: a.asPath.map((x) => (typeof x === 'number' ? x : [...x])),
      communities: [...a.communities],
      ...(a.clusterList ? { clusterList: [...a.clusterList] } : {}),
    });
    const i = new AttributeInterner();
    const held: InternedAttributes[] = [];
    const live = new Map<string, InternedAttributes>();
    let prev = variant();
    for (let step = 0; step < 20_000; step++) {
      const op = int(10);
      if (op < 2 && held.length > 0) {
        const e = held.splice(int(held.length), 1)[0]!;
        i.release(e);
        if (e.refs === 0) live.delete(attributesKey(e.attrs));
        continue;
      }
      let a: RouteAttributes;
      if (op < 6) a = copy(prev); // the next route of the same UPDATE or line
      else if (op < 7) {
        a = prev; // the same object, changed in place since
        if (a.asPath.length > 0 && typeof a.asPath[0] === 'number') (a.asPath as number[])[0] = pick([65001, 65002]);
        else a.communities.push('65001:9');
      } else a = variant();
      const e = i.acquire(a);
      const key = attributesKey(a);
      expect(attributesKey(e.attrs)).toBe(key);
      const known = live.get(key);
      if (known !== undefined) expect(e).toBe(known);
      live.set(key, e);
      held.push(e);
      prev = a;
    }
    expect(i.size).toBe(live.size);
  });
});
