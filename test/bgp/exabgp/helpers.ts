import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { ExabgpParser } from '../../../bgp/exabgp/index.js';
import type { RouteEvent } from '../../../bgp/types.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/exabgp/', import.meta.url));
export const ARRIVAL = new Date('2024-01-01T00:00:00.000Z');

export function fixtureText(rel: string): string {
  const buf = readFileSync(FIXTURES + rel);
  return rel.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
}

export function fixtureLines(rel: string): string[] {
  return fixtureText(rel).split('\n').filter((l) => l.trim() !== '');
}

/** Runs every line through one parser; returns the events and the parser. */
export function parseAll(lines: string[], router = 'r1'): { events: RouteEvent[]; parser: ExabgpParser } {
  const parser = new ExabgpParser(router);
  const events: RouteEvent[] = [];
  lines.forEach((line, i) => events.push(...parser.parseLine(line, i + 1, ARRIVAL)));
  return { events, parser };
}

export function countByType(events: RouteEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.type] = (out[e.type] ?? 0) + 1;
  return out;
}

/** A 4.x update line around the given "message" object. */
export function line4(message: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    exabgp: '4.0.1',
    time: 1700000000.5,
    host: 'h',
    pid: 1,
    ppid: 1,
    counter: 1,
    type: 'update',
    neighbor: {
      address: { local: '192.0.2.2', peer: '192.0.2.1' },
      asn: { local: 65000, peer: 65001 },
      direction: 'receive',
      message,
      ...extra,
    },
  });
}
