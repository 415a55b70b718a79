/**
 * The per-session caches of the hot path (decoded attribute blocks, per-peer header text) must
 * not change what is decoded: hand-built cases for what is and is not reused, then the
 * synthetic table (and a corrupted copy of it) decoded with and without the caches.
 */
import { describe, expect, it } from 'vitest';
import { generateTable, prng } from '../../../bench/lib/gen-table.js';
import { AttributeCache, keyHash, type BlockScan } from '../../../bgp/bgp/attribute-cache.js';
import { decodeUpdateBody, type UpdateOptions } from '../../../bgp/bgp/update.js';
import { BmpSession } from '../../../bgp/bmp-normalize.js';
import { BmpFramer } from '../../../bgp/bmp/framer.js';
import { decodeBmpMessage } from '../../../bgp/bmp/message.js';
import { PeerHeaderCache } from '../../../bgp/bmp/peer-header.js';
import { DecodeError } from '../../../bgp/errors.js';
import { Reader } from '../../../bgp/reader.js';
import type { RouteEvent } from '../../../bgp/types.js';
import { u32, updateBody } from '../bmp/bytes.js';

const ORIGIN_IGP = [0x40, 1, 1, 0];
const AS_PATH = [0x40, 2, 10, 2, 2, ...u32(65001), ...u32(64500)]; // AS_SEQUENCE 65001 64500
const NEXT_HOP = [0x40, 3, 4, 192, 0, 2, 1];
const COMMUNITIES = [0xc0, 8, 4, 0xfd, 0xe9, 0, 100]; // 65001:100
/** MP_REACH_NLRI: IPv6 unicast, next hop 2001:db8::1, then one prefix. */
function mpReach(prefix: number[]): number[] {
  const v = [0, 2, 1, 16, 0x20, 1, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1, 0, ...prefix];
  return [0x80, 14, v.length, ...v];
}

function withCache(cache: AttributeCache, fourOctetAsn = true): UpdateOptions {
  return { fourOctetAsn, addPath: () => false, attributeCache: cache };
}

function decode(attrs: number[], nlri: number[], opts: UpdateOptions) {
  return decodeUpdateBody(new Reader(Buffer.from(updateBody([], attrs, nlri)), 0, undefined, 1000), opts);
}

describe('AttributeCache', () => {
  it('reuses the frozen attributes of an identical block, decoding each NLRI', () => {
    const cache = new AttributeCache();
    const attrs = [...ORIGIN_IGP, ...AS_PATH, ...NEXT_HOP, ...COMMUNITIES];
    const a = decode(attrs, [24, 203, 0, 113], withCache(cache));
    const b = decode(attrs, [24, 198, 51, 100], withCache(cache));
    expect(b.attributes).toBe(a.attributes);
    expect(Object.isFrozen(a.attributes) && Object.isFrozen(a.attributes?.asPath)).toBe(true);
    expect(b.announced[0]!.prefixes).toEqual([{ prefix: '198.51.100.0/24', pathId: null }]);
    expect(b.attributes).toEqual(decode(attrs, [24, 198, 51, 100], { fourOctetAsn: true, addPath: () => false }).attributes);
    expect([cache.hits, cache.misses, cache.size]).toEqual([1, 1, 1]);
  });

  it('leaves MP_REACH_NLRI out of the key: its next hop and NLRI are decoded every time', () => {
    const cache = new AttributeCache();
    const a = decode([...ORIGIN_IGP, ...AS_PATH, ...mpReach([32, 0x20, 1, 0x0d, 0xb8])], [], withCache(cache));
    const b = decode([...mpReach([48, 0x2a, 0, 0, 1, 0, 2]), ...ORIGIN_IGP, ...AS_PATH], [], withCache(cache));
    expect(b.attributes).toBe(a.attributes);
    expect(b.announced[0]).toMatchObject({ afi: 'ipv6', nextHop: '2001:db8::1', prefixes: [{ prefix: '2a00:1:2::/48', pathId: null }] });
  });

  it('keys by AS_PATH width: the same bytes read with 4-octet ASNs are decoded again', () => {
    const cache = new AttributeCache();
    // Parses both ways: 2-octet, three AS_SEQUENCEs [1] [513] [2]; 4-octet, two [66049] [33619970].
    const path = [2, 1, 0, 1, 2, 1, 2, 1, 2, 1, 0, 2];
    const attrs = [...ORIGIN_IGP, 0x40, 2, path.length, ...path, ...NEXT_HOP];
    expect(decode(attrs, [24, 203, 0, 113], withCache(cache, false)).attributes?.asPath).toEqual([1, 513, 2]);
    expect(decode(attrs, [24, 203, 0, 113], withCache(cache, true)).attributes?.asPath).toEqual([66049, 33619970]);
    expect(decode(attrs, [24, 203, 0, 113], withCache(cache, false)).attributes?.asPath).toEqual([1, 513, 2]);
    expect([cache.hits, cache.size]).toEqual([1, 2]);
  });

  it('never stores a block that raised an issue: the issue (with its offset) comes back each time', () => {
    const cache = new AttributeCache();
    const attrs = [...ORIGIN_IGP, ...AS_PATH, ...NEXT_HOP, 0xc0, 7, 5, 0, 0, 0, 0, 0]; // AGGREGATOR of 5 octets
    const first = decode(attrs, [24, 203, 0, 113], withCache(cache));
    const second = decode(attrs, [24, 203, 0, 113], withCache(cache));
    expect(second.issues).toEqual(first.issues);
    expect(second.issues.map((e) => [e.code, e.offset])).toEqual([['ATTR_BAD_LENGTH', 1004 + 4 + 13 + 7]]);
    expect(cache.size).toBe(0);
  });

  it('a bad MP_REACH after a cached block still costs the message', () => {
    const cache = new AttributeCache();
    decode([...ORIGIN_IGP, ...AS_PATH, ...mpReach([32, 0x20, 1, 0x0d, 0xb8])], [], withCache(cache));
    const bad = [...ORIGIN_IGP, ...AS_PATH, 0x40, 14, 5, 0, 2, 1, 0, 0]; // wrong flags for MP_REACH
    const run = (opts: UpdateOptions) => {
      try {
        decode(bad, [], opts);
        return null;
      } catch (e) {
        return e instanceof DecodeError ? [e.code, e.offset, e.severity, e.message] : e;
      }
    };
    expect(run(withCache(cache))).toEqual(run({ fourOctetAsn: true, addPath: () => false }));
    expect((run(withCache(cache)) as unknown[])[0]).toBe('ATTR_BAD_MP_REACH');
  });

  it('grows its table as blocks come (a full table has a few hundred thousand): every block kept is found again', () => {
    const cache = new AttributeCache();
    const small = cache.slotCount;
    const block = (med: number) => [...ORIGIN_IGP, ...AS_PATH, ...NEXT_HOP, 0x80, 4, 4, ...u32(med)];
    for (let med = 0; med < 20_000; med++) decode(block(med), [24, 203, 0, 113], withCache(cache));
    expect(cache.size).toBe(20_000);
    expect(cache.slotCount).toBeGreaterThanOrEqual(40_000);
    expect(small).toBeLessThan(cache.slotCount);
    const hits = cache.hits;
    for (let med = 0; med < 20_000; med += 7) decode(block(med), [24, 203, 0, 113], withCache(cache));
    expect(cache.hits - hits).toBe(Math.ceil(20_000 / 7));
    expect(cache.size).toBe(20_000);
  });

  it('tells apart blocks that differ in one octet, wherever it is (compared four octets at a time, then the rest)', () => {
    // COMMUNITIES of 1 to 3 values after ORIGIN, AS_PATH, NEXT_HOP: key lengths 28, 32 and 36,
    // so the changed octet falls in a whole word or in the tail, in each position of a word.
    const fresh = { fourOctetAsn: true, addPath: () => false };
    const cache = new AttributeCache();
    const blocks: number[][] = [];
    for (let n = 1; n <= 3; n++) {
      const values = Array.from({ length: 4 * n }, (_, i) => 10 + i);
      const block = (v: number[]) => [...ORIGIN_IGP, ...AS_PATH, ...NEXT_HOP, 0xc0, 8, v.length, ...v];
      blocks.push(block(values));
      for (let i = 0; i < values.length; i++) blocks.push(block(values.map((x, k) => (k === i ? x + 1 : x))));
    }
    for (const b of blocks) decode(b, [24, 203, 0, 113], withCache(cache));
    expect([cache.size, cache.hits]).toEqual([blocks.length, 0]);
    for (const b of blocks) expect(decode(b, [24, 203, 0, 113], withCache(cache)).attributes).toEqual(decode(b, [24, 203, 0, 113], fresh).attributes);
    expect(cache.hits).toBe(blocks.length);
  });

  it('tells apart blocks of the same length and hash: the key octets are compared', () => {
    // Key: ORIGIN, AS_PATH, NEXT_HOP, COMMUNITIES with three values (39 octets). Vary octets
    // 27-29 (inside two words read by the two hash lanes) until two blocks hash alike: a 32-bit
    // hash, so expected after about 80,000 tries (bounded).
    const fresh = { fourOctetAsn: true, addPath: () => false };
    const base = [...ORIGIN_IGP, ...AS_PATH, ...NEXT_HOP, 0xc0, 8, 12, ...new Array<number>(12).fill(7)];
    const block = (v: number) => {
      const b = Buffer.from(base);
      b.writeUIntBE(v, 27, 3);
      return b;
    };
    const scanner = new AttributeCache();
    const scan: BlockScan = { count: 0, mpReachAt: -1, mpUnreachAt: -1, keyLength: 0 };
    const seen = new Map<number, number>();
    let pair: number[] | null = null;
    for (let v = 0; v < 1 << 20 && pair === null; v++) {
      const b = block(v);
      scanner.scan(b, 0, b.length, scan);
      const h = keyHash(b, 0, b.length, scan, true);
      const other = seen.get(h);
      if (other === undefined) seen.set(h, v);
      else pair = [other, v];
    }
    expect(pair).not.toBeNull();
    const [x, y] = pair!.map((v) => [...block(v)]) as [number[], number[]];
    const cache = new AttributeCache();
    decode(x, [24, 203, 0, 113], withCache(cache));
    const second = decode(y, [24, 203, 0, 113], withCache(cache));
    expect([cache.hits, cache.size]).toEqual([0, 2]);
    expect(second.attributes).toEqual(decode(y, [24, 203, 0, 113], fresh).attributes);
    expect(second.attributes).not.toEqual(decode(x, [24, 203, 0, 113], fresh).attributes);
    expect(decode(x, [24, 203, 0, 113], withCache(cache)).attributes).toEqual(decode(x, [24, 203, 0, 113], fresh).attributes);
    expect(decode(y, [24, 203, 0, 113], withCache(cache)).attributes).toEqual(second.attributes);
    expect(cache.hits).toBe(2);
  });

  it('starts afresh when full', () => {
    const cache = new AttributeCache(2);
    for (const med of [1, 2, 3]) decode([...ORIGIN_IGP, ...AS_PATH, ...NEXT_HOP, 0x80, 4, 4, ...u32(med)], [24, 203, 0, 113], withCache(cache));
    expect(cache.size).toBe(1);
  });
});

describe('PeerHeaderCache', () => {
  it('gives the same header, with each message its own timestamp', () => {
    const table = generateTable({ ipv4: 20, ipv6: 5, seed: 3 });
    const framer = new BmpFramer();
    const messages = framer.push(table.stream);
    const cache = new PeerHeaderCache();
    const peers = (c?: PeerHeaderCache) =>
      messages.map((m, i) => {
        const copy = Buffer.from(m);
        if (copy[5] === 0) copy.writeUInt32BE(1_700_000_000 + i, 6 + 34); // per-message timestamp
        const msg = decodeBmpMessage(copy, 0, c).message;
        return 'peer' in msg ? msg.peer : null;
      });
    expect(peers(cache)).toEqual(peers());
    expect(new Set(peers(cache).map((p) => p?.tsSec)).size).toBeGreaterThan(20);
  });
});

describe('BmpSession with its caches', () => {
  /** The events of a stream, decoded by a session (caches on) or message by message with fresh sessions. */
  function events(stream: Buffer, fresh: boolean): RouteEvent[] {
    const framer = new BmpFramer();
    const messages = framer.push(stream);
    const offsets = framer.lastOffsets;
    const arrival = new Date('2024-05-01T00:00:00Z');
    let session = new BmpSession('r');
    const out: RouteEvent[] = [];
    for (let i = 0; i < messages.length; i++) {
      if (fresh && i > 1) {
        // A new session per message sees every block and header once; keep the Peer Up state.
        session = new BmpSession('r');
        session.decode(messages[1]!, offsets[1]!, arrival);
      }
      for (const e of session.decode(messages[i]!, offsets[i]!, arrival)) out.push(e);
    }
    return out;
  }

  const table = generateTable({ ipv4: 2000, ipv6: 400, seed: 11, attributeSets: 40 });

  it('decodes the synthetic table as sessions without reuse do', () => {
    const cached = events(table.stream, false);
    expect(cached.filter((e) => e.type === 'announce')).toHaveLength(2400);
    expect(cached).toEqual(events(table.stream, true));
  });

  it('decodes a corrupted copy of it (errors included) as sessions without reuse do', () => {
    const rnd = prng(5);
    const bad = Buffer.from(table.stream);
    const framer = new BmpFramer();
    for (const m of framer.push(bad)) {
      if (m[5] === 0 && rnd() < 0.3) m[6 + 42 + 19 + 4 + Math.floor(rnd() * Math.min(40, m.length - 71))] = Math.floor(rnd() * 256);
    }
    const cached = events(bad, false);
    expect(cached.some((e) => e.type === 'error')).toBe(true);
    expect(cached).toEqual(events(bad, true));
  });
});
