import { describe, expect, it } from 'vitest';
import { BmpFramer } from '../../bgp/bmp/framer.js';
import { BmpSession } from '../../bgp/bmp-normalize.js';
import type { AnnounceEvent, RouteEvent } from '../../bgp/types.js';
import { fullTableAt, generateTable, PEER, scaleArg } from '../../bench/lib/gen-table.js';

function decodeAll(stream: Buffer): { events: RouteEvent[]; sizes: number[] } {
  const framer = new BmpFramer();
  const session = new BmpSession('198.51.100.7');
  const arrival = new Date('2030-01-01T00:00:00Z');
  const events: RouteEvent[] = [];
  const sizes: number[] = [];
  // Odd chunk size: messages straddle chunks, as from a socket.
  for (let off = 0; off < stream.length; off += 7001) {
    const msgs = framer.push(stream.subarray(off, off + 7001));
    msgs.forEach((m, i) => {
      sizes.push(m.length);
      for (const e of session.decode(m, framer.lastOffsets[i] ?? 0, arrival)) events.push(e);
    });
  }
  expect(framer.bufferedBytes).toBe(0);
  return { events, sizes };
}

const count = (events: RouteEvent[], type: string) => events.filter((e) => e.type === type).length;
const announces = (events: RouteEvent[]) => events.filter((e): e is AnnounceEvent => e.type === 'announce');
/** What an announce says about its route, for comparing the two encodings. */
const routeFacts = (a: AnnounceEvent) =>
  JSON.stringify([a.afi, a.nextHop, a.origin, a.asPath, a.med, a.communities, a.largeCommunities, a.extCommunities, a.aggregator ?? null, a.atomicAggregate ?? false]);

describe('generateTable (synthetic BMP full table)', () => {
  const opts = { ipv4: 3000, ipv6: 800, seed: 7 };
  const table = generateTable(opts);
  const { events, sizes } = decodeAll(table.stream);

  it('decodes without errors into initiation, peer up, one announce per unique prefix and two End-of-RIB', () => {
    expect(count(events, 'error')).toBe(0);
    expect(events[0]?.type).toBe('initiation');
    const up = events[1];
    expect(up?.type).toBe('peer_up');
    if (up?.type !== 'peer_up') return;
    expect(up.peer).toMatchObject({ address: PEER.address, asn: PEER.asn, type: 'global' });
    expect(up.receivedOpen?.capabilities).toMatchObject({ fourOctetAsn: true, multiprotocol: ['ipv4 unicast', 'ipv6 unicast'] });
    const a = announces(events);
    expect(a.filter((e) => e.afi === 'ipv4')).toHaveLength(opts.ipv4);
    expect(a.filter((e) => e.afi === 'ipv6')).toHaveLength(opts.ipv6);
    expect(new Set(a.map((e) => e.prefix)).size).toBe(table.routes);
    expect(events.filter((e) => e.type === 'eor').map((e) => (e.type === 'eor' ? e.afi : ''))).toEqual(['ipv4', 'ipv6']);
    expect(events).toHaveLength(table.storedEvents);
    expect(sizes).toHaveLength(table.messages);
  });

  it('has a realistic attribute mix', () => {
    const a = announces(events);
    const share = (f: (e: AnnounceEvent) => boolean) => a.filter(f).length / a.length;
    expect(share((e) => e.communities.length > 0)).toBeGreaterThan(0.4);
    expect(share((e) => e.largeCommunities.length > 0)).toBeGreaterThan(0.03);
    expect(share((e) => e.med !== null)).toBeGreaterThan(0.25);
    expect(share((e) => e.asPath.some((x) => typeof x === 'number' && x > 65535))).toBeGreaterThan(0.2);
    expect(a.every((e) => e.asPath[0] === PEER.asn)).toBe(true);
    expect(share((e) => e.prefix.endsWith('/24'))).toBeGreaterThan(0.4);
    expect(new Set(a.map(routeFacts)).size).toBeGreaterThan(table.attributeSets * 0.5);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateTable(opts).stream.equals(table.stream)).toBe(true);
    expect(generateTable({ ...opts, seed: 8 }).stream.equals(table.stream)).toBe(false);
  });

  it('packed mode carries the same routes in fewer UPDATEs of at most 4096 octets', () => {
    const packed = generateTable({ ...opts, packed: true });
    const d = decodeAll(packed.stream);
    expect(count(d.events, 'error')).toBe(0);
    expect(packed.messages).toBeLessThan(table.messages / 5);
    expect(d.sizes).toHaveLength(packed.messages);
    // BMP common header (6) + per-peer header (42) + the BGP UPDATE.
    expect(Math.max(...d.sizes.slice(2).map((s) => s - 48))).toBeLessThanOrEqual(4096);
    const facts = (list: RouteEvent[]) => new Map(announces(list).map((e) => [e.prefix, routeFacts(e)]));
    expect(facts(d.events)).toEqual(facts(events));
  });

  it('keeps packed UPDATEs within 4096 octets when one attribute set carries many prefixes', () => {
    const dense = generateTable({ ipv4: 4000, ipv6: 1500, attributeSets: 2, packed: true, seed: 3 });
    const d = decodeAll(dense.stream);
    expect(count(d.events, 'error')).toBe(0);
    expect(announces(d.events)).toHaveLength(5500);
    expect(Math.max(...d.sizes.slice(2).map((s) => s - 48))).toBeLessThanOrEqual(4096);
    expect(Math.max(...d.sizes.slice(2).map((s) => s - 48))).toBeGreaterThan(3500);
  });

  it('keeps prefixes unique where short lengths crowd their space (100k IPv4)', () => {
    const big = generateTable({ ipv4: 100_000, ipv6: 0, packed: true, seed: 11 });
    const a = announces(decodeAll(big.stream).events);
    expect(a).toHaveLength(100_000);
    expect(new Set(a.map((e) => e.prefix)).size).toBe(100_000);
  });

  it('reads the scale argument', () => {
    expect(scaleArg(['node', 'x', '0.1'])).toBe(0.1);
    expect(scaleArg(['node', 'x'], 0.5)).toBe(process.env.BENCH_SCALE ? Number(process.env.BENCH_SCALE) : 0.5);
    expect(() => scaleArg(['node', 'x', 'abc'])).toThrow(/positive number/);
    expect(fullTableAt(1)).toEqual({ ipv4: 1_000_000, ipv6: 200_000 });
  });
});
