/**
 * The Route Monitoring fast path (bgp/bmp/fast-route-monitoring.ts) must give exactly what the
 * general decoder gives: the same NDJSON lines (key order included) and counters, for every
 * real capture under test/fixtures/bmp, the synthetic tables, hand-built withdraws, ADD-PATH
 * and 2-octet-AS messages, and corrupted copies (where it must decline, not guess).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTable, prng } from '../../../bench/lib/gen-table.js';
import { BmpSession } from '../../../bgp/bmp-normalize.js';
import { BmpFramer } from '../../../bgp/bmp/framer.js';
import type { RouteEvent } from '../../../bgp/types.js';
import { bgp, bmp, open, peerHeader, routeMonitoring, u16, u32, updateBody } from './bytes.js';
import { ARRIVAL, FIXTURES, fixture } from './helpers.js';

interface Decoded {
  lines: string[];
  counters: BmpSession['counters'];
  fast: number;
  messages: number;
}

/** Frames the stream in `chunk`-byte pieces and decodes it with one session. */
function decode(stream: Buffer, fastPath: boolean, chunk = 65536): Decoded {
  const framer = new BmpFramer();
  const session = new BmpSession('192.0.2.254', { fastPath });
  const events: RouteEvent[] = [];
  let messages = 0;
  try {
    for (let off = 0; off < stream.length; off += chunk) {
      const n = framer.frame(stream.subarray(off, off + chunk));
      for (let i = 0; i < n; i++) {
        const s = framer.frameStarts[i]!;
        session.decodeInto(framer.frameBuffer, s, framer.frameEnds[i]!, framer.frameBase + s, ARRIVAL, events);
      }
      messages += n;
    }
  } catch {
    // Broken framing (a corrupted length): both decoders see the same messages before it.
  }
  return { lines: events.map((e) => JSON.stringify(e)), counters: session.counters, fast: session.fastPathMessages, messages };
}

function expectSame(stream: Buffer, chunk?: number): Decoded {
  const fast = decode(stream, true, chunk);
  const general = decode(stream, false, chunk);
  expect(general.fast).toBe(0);
  expect(fast.lines).toEqual(general.lines);
  expect(fast.counters).toEqual(general.counters);
  return fast;
}

const captures = ['netgauze', 'pmacct', 'lab'].flatMap((dir) =>
  readdirSync(join(FIXTURES, dir))
    .filter((f) => f.endsWith('.bmp') || f.endsWith('.bin'))
    .map((f) => `${dir}/${f}`),
);

describe('BMP fast path', () => {
  it.each(captures)('decodes the capture %s as the general decoder does', (rel) => {
    expectSame(fixture(rel));
  });

  it('takes most one-prefix UPDATEs of the synthetic tables and decodes them as the general decoder does', () => {
    for (const packed of [false, true]) {
      const table = generateTable({ ipv4: 3000, ipv6: 600, seed: 9, attributeSets: 50, packed });
      const d = expectSame(table.stream, 4096 + 7);
      expect(d.lines.filter((l) => l.startsWith('{"type":"announce"'))).toHaveLength(3600);
      // Every Route Monitoring but the two End-of-RIBs, blocks seen for the first time included
      // (the fast path decodes and keeps them); the Initiation and Peer Up go the general way.
      expect(d.fast).toBe(d.messages - 4);
    }
  });

  it('decodes corrupted copies of the synthetic table as the general decoder does', () => {
    const table = generateTable({ ipv4: 1500, ipv6: 300, seed: 4, attributeSets: 30 });
    for (const seed of [1, 2, 3]) {
      const rnd = prng(seed);
      const bad = Buffer.from(table.stream);
      const framer = new BmpFramer();
      for (const m of framer.push(bad)) {
        // Bytes of the peer header, BGP header, UPDATE lengths, attributes and NLRI (not the BMP length).
        if (m[5] === 0 && rnd() < 0.2) m[6 + Math.floor(rnd() * (m.length - 6))] = Math.floor(rnd() * 256);
      }
      const d = expectSame(bad);
      expect(d.lines.some((l) => l.startsWith('{"type":"error"'))).toBe(true);
    }
  });

  it('decodes withdraws, MP_UNREACH, ADD-PATH, 2-octet AS paths and End-of-RIB as the general decoder does', () => {
    const origin = [0x40, 1, 1, 0];
    const asPath4 = [0x40, 2, 10, 2, 2, ...u32(65001), ...u32(64500)];
    const asPath2 = [0x40, 2, 6, 2, 2, ...u16(65001), ...u16(64500)];
    const nextHop = [0x40, 3, 4, 192, 0, 2, 1];
    const mpReach = (nlri: number[]) => {
      const v = [0, 2, 1, 32, 0x20, 1, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1, 0xfe, 0x80, ...new Array<number>(13).fill(0), 1, 0, ...nlri];
      return [0x80, 14, v.length, ...v];
    };
    const mpUnreach = (nlri: number[]) => [0x80, 15, 3 + nlri.length, 0, 2, 1, ...nlri];
    const v6a = [48, 0x20, 1, 0x0d, 0xb8, 0, 1];
    const v6b = [64, 0x20, 1, 0x0d, 0xb8, 0, 2, 0, 3];
    const addPathPeer = { address: [192, 0, 2, 9] };
    // Peer Up of 192.0.2.9 with ADD-PATH send/receive for IPv4 unicast on both OPENs.
    const addPathCap = [69, 4, 0, 1, 1, 3];
    const peerUp = bmp(3, [
      ...peerHeader(addPathPeer),
      ...new Array<number>(12).fill(0), 192, 0, 2, 2, // local address
      ...u16(179), ...u16(40000),
      ...bgp(1, open(65002, addPathCap)),
      ...bgp(1, open(65001, addPathCap)),
    ]);
    const stream = Buffer.concat([
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...nextHop], [24, 203, 0, 113])),
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...nextHop], [24, 198, 51, 100, 16, 10, 1, 0, 0])), // /0 too
      routeMonitoring(updateBody([24, 203, 0, 113, 22, 10, 2, 4], [], [])),
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...mpReach(v6a)], [])),
      routeMonitoring(updateBody([], [...mpReach([...v6b, ...v6a]), ...origin, ...asPath4], [])),
      routeMonitoring(updateBody([], [...mpUnreach(v6a)], [])),
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...mpUnreach(v6b), ...mpReach(v6a)], [])),
      routeMonitoring(updateBody([], [...mpUnreach([])], [])), // End-of-RIB IPv6
      routeMonitoring(updateBody([], [], [])), // End-of-RIB IPv4
      // 2-octet AS paths (A flag), the same block under both widths.
      routeMonitoring(updateBody([], [...origin, ...asPath2, ...nextHop], [24, 203, 0, 114]), { flags: 0x20 }),
      routeMonitoring(updateBody([], [...origin, ...asPath2, ...nextHop], [24, 203, 0, 115]), { flags: 0x20 }),
      routeMonitoring(updateBody([], [...origin, ...asPath2, ...nextHop], [24, 203, 0, 116])),
      // ADD-PATH: path ids before each prefix once the Peer Up says so; before it, guessed.
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...nextHop], [...u32(7), 24, 203, 0, 117]), addPathPeer),
      peerUp,
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...nextHop], [...u32(7), 24, 203, 0, 117, ...u32(8), 24, 203, 0, 117]), addPathPeer),
      routeMonitoring(updateBody([...u32(8), 24, 203, 0, 117], [], []), addPathPeer),
      // Missing NEXT_HOP for classic NLRI (reported), then a post-policy view and another timestamp.
      routeMonitoring(updateBody([], [...origin, ...asPath4], [24, 203, 0, 118])),
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...nextHop], [24, 203, 0, 119]), { flags: 0x40, tsSec: 1_700_000_100 }),
      // Peer Down of the ADD-PATH peer: its state is forgotten, path ids guessed again.
      bmp(2, [...peerHeader(addPathPeer), 2, ...u16(0)]),
      routeMonitoring(updateBody([], [...origin, ...asPath4, ...nextHop], [24, 203, 0, 120]), addPathPeer),
    ]);
    for (const chunk of [stream.length, 1, 17]) {
      const d = expectSame(stream, chunk);
      expect(d.fast).toBeGreaterThanOrEqual(8);
    }
    const lines = decode(stream, true).lines.map((l) => JSON.parse(l) as RouteEvent);
    // Cache counters: a block the fast path decodes and keeps, then declines the message for
    // (no NEXT_HOP), counts as decoded once; the general decoder then finds it kept.
    const noNextHop = routeMonitoring(updateBody([], [...origin, ...asPath4], [24, 203, 0, 118]));
    const again = routeMonitoring(updateBody([], [...origin, ...asPath4, ...nextHop], [24, 203, 0, 119]));
    const cacheUse = (fastPath: boolean, ...messages: Buffer[]) => {
      const session = new BmpSession('192.0.2.254', { fastPath });
      const out: RouteEvent[] = [];
      for (const m of messages) session.decodeInto(m, 0, m.length, 0, ARRIVAL, out);
      return [session.fastPathMessages, session.attributeCache.misses, session.attributeCache.hits];
    };
    expect(cacheUse(true, noNextHop)).toEqual([0, 1, 1]);
    expect(cacheUse(false, noNextHop)).toEqual([0, 1, 0]);
    expect(cacheUse(true, again, again)).toEqual([2, 1, 1]);
    expect(lines.filter((e) => e.type === 'withdraw').map((e) => ('prefix' in e ? `${e.prefix}#${e.pathId}` : ''))).toEqual([
      '203.0.113.0/24#null',
      '10.2.4.0/22#null',
      '2001:db8:1::/48#null',
      '2001:db8:2:3::/64#null',
      '203.0.117.0/24#8',
    ]);
  });
});
