/** Shared helpers of the BMP decoder tests: fixture loading and per-message summaries. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BmpSession } from '../../../bgp/bmp-normalize.js';
import { BmpFramer } from '../../../bgp/bmp/framer.js';
import { decodeBmpMessage, type BmpMessage } from '../../../bgp/bmp/message.js';
import { DecodeError } from '../../../bgp/errors.js';
import type { RouteEvent } from '../../../bgp/types.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/bmp');
export const ARRIVAL = new Date('2030-01-01T00:00:00Z');

export function fixture(rel: string): Buffer {
  return readFileSync(join(FIXTURES, rel));
}

export function jsonLines<T = unknown>(rel: string): T[] {
  return readFileSync(join(FIXTURES, rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface DecodedMessage {
  offset: number;
  length: number;
  message: BmpMessage | null;
  events: RouteEvent[];
  otherFamilies: string[];
}

/** Frames a stream and decodes each message with both the typed decoder and a session. */
export function decodeMessages(buf: Buffer, router = 'test'): DecodedMessage[] {
  const framer = new BmpFramer();
  const msgs = framer.push(buf);
  framer.end();
  const session = new BmpSession(router);
  return msgs.map((m, i) => {
    const offset = framer.lastOffsets[i]!;
    let message: BmpMessage | null = null;
    try {
      message = decodeBmpMessage(m, offset).message;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
    const before = { ...session.counters.otherFamilies };
    const events = session.decode(m, offset, ARRIVAL);
    const otherFamilies = Object.keys(session.counters.otherFamilies).filter(
      (k) => (session.counters.otherFamilies[k] ?? 0) > (before[k] ?? 0),
    );
    return { offset, length: m.length, message, events, otherFamilies };
  });
}

import { seededRandom as prng } from '../../../src/core/random.js';
export { prng };

