/**
 * The correlator's route-change buffer (src/correlate/route-buffer.ts): which held changes
 * overlap a set of prefixes must be what parsePrefix + overlaps say of each change's text,
 * through pruning and compaction (the parsed prefixes move with their changes).
 */
import { describe, expect, it } from 'vitest';
import type { PeerRef } from '../../bgp/types.js';
import type { RouteChange } from '../../src/core/events.js';
import { overlaps, parsePrefix, PrefixMatcher } from '../../src/correlate/prefix.js';
import { RouteChangeBuffer } from '../../src/correlate/route-buffer.js';

const peer: PeerRef = { address: '192.0.2.1', asn: 64500, bgpId: '192.0.2.1', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false };
const T0 = Date.parse('2030-01-01T00:00:00Z');

function change(prefix: string, ms: number): RouteChange {
  return { event: { type: 'withdraw', source: 'bmp', time: new Date(ms).toISOString(), router: 'r1', peer, afi: prefix.includes(':') ? 'ipv6' : 'ipv4', safi: 'unicast', prefix, pathId: null }, change: 'withdraw', previous: null };
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

function held(b: RouteChangeBuffer, fromMs: number, watched: string[]): string[] {
  const out: string[] = [];
  b.forEachOverlapping(fromMs, new PrefixMatcher(watched.map((w) => parsePrefix(w)!)), (c) => out.push(c.event.prefix));
  return out;
}

describe('RouteChangeBuffer', () => {
  it('finds the changes overlapping the watched prefixes: covering, more specific, same; not neighbours or the other family', () => {
    const b = new RouteChangeBuffer();
    for (const p of ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.2.0.0/16', '11.0.0.0/8', '0.0.0.0/0', '2001:db8::/32', '2001:db8:1::/48', '2001:db9::/32', '::ffff:10.1.2.0/120', 'junk'])
      b.push(change(p, T0), T0);
    expect(held(b, T0, ['10.1.2.0/24'])).toEqual(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '0.0.0.0/0']);
    expect(held(b, T0, ['2001:db8:1:2::/64'])).toEqual(['2001:db8::/32', '2001:db8:1::/48']);
    expect(held(b, T0, ['10.1.2.0/24', '2001:db9::1'])).toEqual(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '0.0.0.0/0', '2001:db9::/32']);
    expect(held(b, T0 + 1, ['10.1.2.0/24'])).toEqual([]);
    expect(held(b, T0, [])).toEqual([]);
  });

  it('drops the oldest beyond maxEvents and those older than the cut, by event time', () => {
    const b = new RouteChangeBuffer();
    for (let i = 0; i < 10; i++) b.push(change(`10.0.${i}.0/24`, T0 + i * 1000), T0);
    b.prune(8, 0);
    expect(b.size).toBe(8);
    expect(held(b, 0, ['10.0.0.0/16'])[0]).toBe('10.0.2.0/24');
    b.prune(100, T0 + 5000);
    expect(held(b, 0, ['10.0.0.0/16'])).toEqual(['10.0.5.0/24', '10.0.6.0/24', '10.0.7.0/24', '10.0.8.0/24', '10.0.9.0/24']);
    // An unreadable time counts as the time it was pushed.
    b.push({ ...change('10.0.99.0/24', 0), event: { ...change('10.0.99.0/24', 0).event, time: 'yesterday' } }, T0 + 9999);
    b.prune(100, T0 + 9000);
    expect(held(b, T0 + 9500, ['10.0.99.0/24'])).toEqual(['10.0.99.0/24']);
  });

  it('agrees with parsePrefix + overlaps on 200,000 random changes, through pruning and compaction', () => {
    const r = rng(11);
    const v4 = () => `${Math.floor(r() * 4) + 10}.${Math.floor(r() * 4)}.${Math.floor(r() * 256)}.0/${[0, 7, 8, 12, 16, 20, 24, 32][Math.floor(r() * 8)]}`;
    const v6 = () => `2001:db8:${Math.floor(r() * 4).toString(16)}::/${[16, 32, 36, 48, 64][Math.floor(r() * 5)]}`;
    const b = new RouteChangeBuffer();
    const all: Array<{ prefix: string; ms: number }> = [];
    for (let i = 0; i < 200_000; i++) {
      const prefix = r() < 0.8 ? v4() : v6();
      const ms = T0 + i * 10;
      b.push(change(prefix, ms), ms);
      all.push({ prefix, ms });
      if (i % 20_000 === 19_999) {
        // Keep at most 70,000, then ask, so the parsed prefixes go through compactions.
        b.prune(70_000, 0);
        const watched = [v4(), v4(), v6()];
        const from = T0 + (i - 50_000) * 10;
        const parsed = watched.map((w) => parsePrefix(w)!);
        const want = all
          .slice(Math.max(0, all.length - 70_000))
          .filter((c) => c.ms >= from && parsed.some((w) => overlaps(w, parsePrefix(c.prefix)!)))
          .map((c) => c.prefix);
        expect(held(b, from, watched)).toEqual(want);
      }
    }
    expect(b.size).toBe(70_000);
  });
});
