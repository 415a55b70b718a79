import { describe, expect, it } from 'vitest';
import { BmpFramer } from '../../../bgp/bmp/framer.js';
import { DecodeError } from '../../../bgp/errors.js';
import { decodeBmpStream, BmpSession } from '../../../bgp/bmp-normalize.js';
import type { RouteEvent } from '../../../bgp/types.js';
import { ARRIVAL, fixture, prng } from './helpers.js';
import { bmp, u32 } from './bytes.js';

const STREAMS = [
  'pmacct/200-traffic-00.bmp',
  'pmacct/201-traffic-00.bmp',
  'pmacct/204-traffic-00.bmp',
  'pmacct/205-traffic-00.bmp',
  'pmacct/400-traffic-00.bmp',
  'netgauze/evpn__198.51.100.154_16436-192.0.2.1_1790.bmp',
  'netgauze/example__10.215.131.44_39613-10.110.110.249_1790.bmp',
  'netgauze/ipv4_unicast_all__192.85.2.1_62503-192.85.2.2_10000.bmp',
  'lab/bmp-frr.bin',
  'lab/bmp-gobgp.bin',
];

function decodeChunked(buf: Buffer, cuts: number[]): RouteEvent[] {
  const framer = new BmpFramer();
  const session = new BmpSession('r');
  const events: RouteEvent[] = [];
  let prev = 0;
  for (const cut of [...cuts, buf.length]) {
    const msgs = framer.push(buf.subarray(prev, cut));
    msgs.forEach((m, i) => events.push(...session.decode(m, framer.lastOffsets[i]!, ARRIVAL)));
    prev = cut;
  }
  framer.end();
  return events;
}

describe('BmpFramer', () => {
  it.each(STREAMS)('%s: random chunk boundaries give the same events as one push', (name) => {
    const buf = fixture(name);
    const whole = decodeBmpStream(buf, 'r', { arrivalTime: ARRIVAL }).events;
    expect(whole.length).toBeGreaterThan(0);
    const rnd = prng(name.length * 7919);
    for (let round = 0; round < 5; round++) {
      const cuts = new Set<number>();
      const n = 1 + Math.floor(rnd() * 200);
      for (let i = 0; i < n; i++) cuts.add(1 + Math.floor(rnd() * (buf.length - 1)));
      expect(decodeChunked(buf, [...cuts].sort((a, b) => a - b))).toEqual(whole);
    }
  });

  it('delivers byte-by-byte input with the right stream offsets', () => {
    const a = bmp(4, [0, 0, 0, 1, 0x41]); // initiation, string TLV "A"
    const b = bmp(4, [0, 2, 0, 1, 0x42]); // initiation, sysName "B"
    const buf = Buffer.concat([a, b]);
    const framer = new BmpFramer();
    const got: Array<[number, string]> = [];
    for (let i = 0; i < buf.length; i++) {
      const msgs = framer.push(buf.subarray(i, i + 1));
      msgs.forEach((m, j) => got.push([framer.lastOffsets[j]!, m.toString('hex')]));
    }
    expect(got).toEqual([
      [0, a.toString('hex')],
      [a.length, b.toString('hex')],
    ]);
    expect(framer.bufferedBytes).toBe(0);
  });

  it.each([
    ['version 2', [2, ...u32(6), 4], 'BMP_BAD_VERSION'],
    ['length 5', [3, ...u32(5), 4], 'BMP_BAD_LENGTH'],
    ['length 4 GB', [3, 0xff, 0xff, 0xff, 0xff, 0], 'BMP_BAD_LENGTH'],
  ])('rejects %s as broken framing (session-reset)', (_name, bytes, code) => {
    const framer = new BmpFramer();
    let err: unknown;
    try {
      framer.push(Buffer.from(bytes as number[]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).code).toBe(code);
    expect((err as DecodeError).severity).toBe('session-reset');
    expect(() => framer.push(Buffer.from([3]))).toThrow(DecodeError);
  });

  it('honours a configured maximum length', () => {
    const framer = new BmpFramer({ maxMessageLength: 100 });
    expect(() => framer.push(Buffer.from([3, ...u32(101), 0]))).toThrow(/outside 6..100/);
  });

  it('hands out good messages before a break, then fails', () => {
    const good = bmp(4, [0, 0, 0, 1, 0x41]);
    const framer = new BmpFramer();
    const msgs = framer.push(Buffer.concat([good, Buffer.from([9, 0, 0, 0, 6, 4])]));
    expect(msgs).toHaveLength(1);
    expect(framer.error?.code).toBe('BMP_BAD_VERSION');
    expect(() => framer.end()).toThrow(DecodeError);
  });

  it('end() reports a truncated last message', () => {
    const framer = new BmpFramer();
    framer.push(bmp(4, [0, 0, 0, 1, 0x41]).subarray(0, 8));
    expect(() => framer.end()).toThrow(/incomplete/);
  });

  it('decodeBmpStream turns a framing error into one error event and stops', () => {
    const good = bmp(4, [0, 0, 0, 1, 0x41]);
    const { events, counters } = decodeBmpStream(Buffer.concat([good, Buffer.from([3, 0xff, 0xff, 0xff, 0xff, 0]), good]), 'r', {
      arrivalTime: ARRIVAL,
    });
    expect(events.map((e) => e.type)).toEqual(['initiation', 'error']);
    const err = events[1]!;
    expect(err.type === 'error' && [err.code, err.offset, err.severity]).toEqual(['BMP_BAD_LENGTH', good.length, 'session-reset']);
    expect(counters.errors).toEqual({ BMP_BAD_LENGTH: 1 });
  });
});
