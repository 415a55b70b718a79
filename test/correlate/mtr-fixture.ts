/**
 * Test-only reader of the lab's `mtr --json` recordings into PathObservations
 * (the real mtr parser lives in src/probe; this keeps the correlator tests
 * independent of it). mtr gives aggregates only, so hops carry stats and
 * counts and a single reply (the host and its last RTT).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hop, PathObservation } from '../../src/probe/types.js';
import { MIN, T0, TARGET } from './builders.js';

interface MtrHub {
  count: number;
  host: string;
  'Loss%': number;
  Snt: number;
  Last: number;
  Avg: number;
  Best: number;
  Wrst: number;
  StDev: number;
}

/** Lab topology (see test/fixtures/correlate/PROVENANCE.md). */
export function labAsn(ip: string): number | null {
  const third = ip.split('.')[2];
  const table: Record<string, number> = { '1': 65001, '12': 65002, '24': 65002, '100': 65002, '13': 65003, '34': 65004 };
  return third === undefined ? null : (table[third] ?? null);
}

export function loadMtr(file: string, minute: number, id: string): PathObservation {
  const path = fileURLToPath(new URL(`../fixtures/correlate/${file}`, import.meta.url));
  const hubs = (JSON.parse(readFileSync(path, 'utf8')) as { report: { hubs: MtrHub[] } }).report.hubs;
  const hops: Hop[] = hubs.map((h) => {
    const received = Math.round(h.Snt * (1 - h['Loss%'] / 100));
    return {
      ttl: h.count,
      probes: [{ ip: h.host, rttMs: h.Last }],
      sent: h.Snt,
      received,
      loss: h['Loss%'] / 100,
      rtt: { min: h.Best, avg: h.Avg, max: h.Wrst, stdev: h.StDev, last: h.Last },
      asn: labAsn(h.host),
    };
  });
  const last = hops[hops.length - 1];
  return {
    id,
    targetId: 'shop',
    target: TARGET,
    tool: 'mtr',
    method: 'icmp',
    vantage: 'lab',
    startedAt: new Date(T0 + minute * MIN).toISOString(),
    durationMs: 1000,
    hops,
    reached: hubs[hubs.length - 1]?.host === TARGET.address,
    rtt: last?.rtt ?? null,
    loss: last?.loss ?? 1,
    signature: hubs.map((h) => h.host).join('|'),
    status: 'ok',
  };
}
