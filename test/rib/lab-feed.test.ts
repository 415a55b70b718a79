/** The lab's ExaBGP bulk recording (20,000 prefixes added then deleted) through parser + RIB. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ExabgpParser } from '../../bgp/exabgp/index.js';
import { Rib } from '../../src/rib/index.js';

const lines = gunzipSync(readFileSync(new URL('../fixtures/exabgp/lab/exabgp-bulk.jsonl.gz', import.meta.url))).toString('utf8').split('\n');

describe('ExaBGP lab bulk recording -> Rib', () => {
  it('grows to 20,012 routes, shrinks back as withdrawn, and the peer_down flushes the rest', () => {
    const parser = new ExabgpParser('lab');
    const rib = new Rib();
    let max = 0;
    const tally: Record<string, number> = {};
    let flushed = 0;
    lines.forEach((line, i) => {
      for (const event of parser.parseLine(line, i + 1, new Date(0))) {
        for (const c of rib.apply(event)) {
          tally[c.kind] = (tally[c.kind] ?? 0) + 1;
          if (event.type === 'peer_down' && c.kind === 'removed') flushed++;
        }
        max = Math.max(max, rib.size);
        if (event.type === 'peer_down') expect(rib.size).toBe(0);
      }
    });
    expect(max).toBe(20012);
    expect(flushed).toBe(12);
    expect(tally).toEqual({ added: 20012, removed: 20012 });
    expect(rib.lookup('10.99.1.1')).toBeNull();
    expect(rib.attributeSets).toBe(0);
  });

  it('mid-way, LPM finds the bulk prefixes with their origin AS', () => {
    const parser = new ExabgpParser('lab');
    const rib = new Rib();
    for (const [i, line] of lines.entries()) {
      const events = parser.parseLine(line, i + 1, new Date(0));
      if (events.some((e) => e.type === 'withdraw')) break;
      for (const e of events) rib.apply(e);
    }
    expect(rib.size).toBe(20012);
    expect(rib.lookup('10.130.196.77')?.prefix).toBe('10.130.196.0/24');
    expect(rib.originAsn('10.130.196.77')).toBe(65201);
    expect(rib.peerCounts()).toEqual([expect.objectContaining({ router: 'lab', ipv4: 20006, ipv6: 6 })]);
  });
});
