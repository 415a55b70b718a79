/**
 * Bounded fuzzing with a seeded PRNG: real messages mutated (byte flips, truncation, growth,
 * length fields) and random frames. The decoder may only throw DecodeError; the session may
 * only produce events (error events for problems), never throw.
 */
import { describe, expect, it } from 'vitest';
import { BmpSession, decodeBmpStream } from '../../../bgp/bmp-normalize.js';
import { BmpFramer } from '../../../bgp/bmp/framer.js';
import { decodeBmpMessage } from '../../../bgp/bmp/message.js';
import { DecodeError } from '../../../bgp/errors.js';
import { ARRIVAL, fixture, prng } from './helpers.js';

const SOURCES = [
  'pmacct/201-traffic-00.bmp',
  'pmacct/205-traffic-00.bmp',
  'netgauze/ipv4_unicast_all__192.85.2.1_62503-192.85.2.2_10000.bmp',
  'netgauze/ipv4_unicast_path_marking__192.85.2.1_62503-192.85.2.2_10000.bmp',
  'lab/bmp-frr.bin',
  'lab/bmp-gobgp.bin',
];
const EVENT_TYPES = new Set(['announce', 'withdraw', 'eor', 'peer_up', 'peer_down', 'initiation', 'termination', 'stats', 'mirror', 'error']);

function corpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const s of SOURCES) out.push(...new BmpFramer().push(fixture(s)));
  return out;
}

function withLength(m: Buffer): Buffer {
  m.writeUInt32BE(m.length, 1);
  return m;
}

function mutate(base: Buffer, rnd: () => number): Buffer {
  const m = Buffer.from(base);
  const pick = Math.floor(rnd() * 5);
  if (pick === 0) {
    const n = 1 + Math.floor(rnd() * 8);
    for (let i = 0; i < n; i++) m[6 + Math.floor(rnd() * (m.length - 6))] = Math.floor(rnd() * 256);
    return withLength(m);
  }
  if (pick === 1) return withLength(Buffer.from(m.subarray(0, 6 + Math.floor(rnd() * (m.length - 6)))));
  if (pick === 2) {
    const extra = Buffer.alloc(1 + Math.floor(rnd() * 40));
    for (let i = 0; i < extra.length; i++) extra[i] = Math.floor(rnd() * 256);
    return withLength(Buffer.concat([m, extra]));
  }
  if (pick === 3 && m.length > 8) {
    // Overwrite a 16-bit field with an extreme value (lengths live everywhere in BMP/BGP).
    const at = 6 + Math.floor(rnd() * (m.length - 8));
    m.writeUInt16BE([0, 1, 0xff, 0xffff, m.length][Math.floor(rnd() * 5)]! & 0xffff, at);
    return withLength(m);
  }
  const rand = Buffer.alloc(6 + Math.floor(rnd() * 120));
  for (let i = 0; i < rand.length; i++) rand[i] = Math.floor(rnd() * 256);
  rand[0] = rnd() < 0.5 ? 3 : 4;
  rand[5] = Math.floor(rnd() * 8);
  return withLength(rand);
}

describe('fuzz', () => {
  it('2,000 mutated and random frames: only DecodeError / error events', () => {
    const rnd = prng(20240601);
    const pool = corpus();
    const session = new BmpSession('fuzz');
    let errors = 0;
    let decoded = 0;
    for (let i = 0; i < 2000; i++) {
      const m = mutate(pool[Math.floor(rnd() * pool.length)]!, rnd);
      try {
        decodeBmpMessage(m, 0);
        decoded++;
      } catch (e) {
        expect(e).toBeInstanceOf(DecodeError);
        expect((e as DecodeError).offset).toBeGreaterThanOrEqual(0);
        expect((e as DecodeError).offset).toBeLessThanOrEqual(m.length);
        errors++;
      }
      const events = session.decode(m, 0, ARRIVAL);
      for (const e of events) expect(EVENT_TYPES.has(e.type)).toBe(true);
      expect(() => JSON.stringify(events)).not.toThrow();
    }
    // The mix must exercise both paths, else the fuzzer proves nothing.
    expect(errors).toBeGreaterThan(100);
    expect(decoded).toBeGreaterThan(100);
  });

  it('random byte streams through decodeBmpStream never throw', () => {
    const rnd = prng(7);
    for (let i = 0; i < 200; i++) {
      const buf = Buffer.alloc(Math.floor(rnd() * 300));
      for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(rnd() * 256);
      if (buf.length > 0 && rnd() < 0.7) buf[0] = 3;
      const { events } = decodeBmpStream(buf, 'r', { arrivalTime: ARRIVAL, maxMessageLength: 4096 });
      for (const e of events) expect(EVENT_TYPES.has(e.type)).toBe(true);
    }
  });
});
