/**
 * Bounded, seeded fuzzing of real lines: text-level mutations (flips, cuts, insertions) and
 * JSON-level mutations (a random node replaced by a value of another type). The parser must
 * never throw; a line yields either one error event and nothing else, or no error at all.
 */
import { describe, expect, it } from 'vitest';
import { ExabgpParser } from '../../../bgp/exabgp/index.js';
import type { RouteEvent } from '../../../bgp/types.js';
import { ARRIVAL, fixtureLines } from './helpers.js';

/** Numerical Recipes LCG: deterministic and small; quality is irrelevant for picking mutations. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

const corpus = [
  ...fixtureLines('lab/exabgp-session.jsonl'),
  ...fixtureLines('lusis-exabgp_exporter/exabgp.log').slice(0, 120),
  ...fixtureLines('exabgp-qa/ci-json-lines.tsv').slice(0, 60).map((r) => r.slice(r.indexOf('\t') + 1).replace(/^\d+:\w+:/, '')),
];
const ALPHABET = '{}[]":,0123456789.-e/abcfnrtu \\\u0001';
const WEIRD_VALUES: unknown[] = [null, true, -1, 1.5, 4294967296, '', 'x', [], {}, [[]], { nlri: 5 }, '10.0.0.0/33', 1e300];

function mutateText(line: string, r: () => number): string {
  const pos = Math.floor(r() * line.length);
  switch (Math.floor(r() * 4)) {
    case 0:
      return line.slice(0, pos);
    case 1:
      return line.slice(0, pos) + ALPHABET[Math.floor(r() * ALPHABET.length)] + line.slice(pos + 1);
    case 2:
      return line.slice(0, pos) + ALPHABET[Math.floor(r() * ALPHABET.length)] + line.slice(pos);
    default:
      return line.slice(0, pos) + line.slice(pos + 1 + Math.floor(r() * 10));
  }
}

function mutateJson(line: string, r: () => number): string {
  const root = JSON.parse(line) as unknown;
  const nodes: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((c, i) => (nodes.push({ parent: v, key: i }), walk(c)));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, c] of Object.entries(v)) {
        nodes.push({ parent: v as Record<string, unknown>, key: k });
        walk(c);
      }
    }
  };
  walk(root);
  const target = nodes[Math.floor(r() * nodes.length)];
  if (target !== undefined) {
    (target.parent as Record<string | number, unknown>)[target.key] = WEIRD_VALUES[Math.floor(r() * WEIRD_VALUES.length)];
  }
  return JSON.stringify(root);
}

function checkOutcome(events: RouteEvent[]): void {
  const errors = events.filter((e) => e.type === 'error');
  if (errors.length > 0) {
    expect(events).toHaveLength(1);
    expect(errors[0]).toMatchObject({ source: 'exabgp', offset: 1, severity: 'message-skip' });
  }
}

describe('ExabgpParser fuzz (seeded, bounded)', () => {
  it.each([
    ['text mutations', mutateText, 11],
    ['JSON node mutations', mutateJson, 23],
  ] as const)('%s never throw and yield at most one lone error event', (_name, mutate, seed) => {
    const r = rng(seed);
    let errors = 0;
    const parser = new ExabgpParser('fuzz');
    for (let i = 0; i < 3000; i++) {
      const base = corpus[Math.floor(r() * corpus.length)] ?? '';
      const mutated = mutate(base, r);
      let events: RouteEvent[] = [];
      expect(() => {
        events = parser.parseLine(mutated, 1, ARRIVAL);
      }).not.toThrow();
      checkOutcome(events);
      if (events.some((e) => e.type === 'error')) errors++;
    }
    // The mutations really break lines (the test would be empty otherwise).
    expect(errors).toBeGreaterThan(300);
    expect(parser.counters.errors).toBe(errors);
  });
});
