import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/probe/parsers/errors.js';
import { parseMtrRaw } from '../../../src/probe/parsers/mtr-raw.js';
import { fixture, fixtureJson, expectParseError } from '../fixture.js';

interface GpHop {
  resolvedAddress: string | null;
  stats: { min: number | null; max: number | null; avg: number | null; total: number; loss: number; rcv: number; stDev: number | null };
  timings: { rtt: number }[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * ipv6-mtr-success-ip.txt starts with "8::200f", the tail of a line cut off
 * in the upstream mock; the parser rejects it (tested below), so the
 * comparison drops that fragment.
 */
function rawOf(name: string): string {
  const text = fixture(`mtr-globalping-probe/${name}.txt`);
  return name === 'ipv6-mtr-success-ip' ? text.slice(text.indexOf('\n') + 1) : text;
}

describe('parseMtrRaw against globalping-probe expected JSON', () => {
  it.each([
    { name: 'mtr-success-raw', target: '1.1.1.1' },
    { name: 'ipv6-mtr-success-raw', target: '2a00:1450:4026:802::200e' },
    { name: 'ipv6-mtr-success-ip', target: '2a00:1450:4026:808::200f' },
  ])('$name: per-hop sent/rcv/loss/min/max/avg/stDev', ({ name, target }) => {
    const obs = parseMtrRaw(rawOf(name), { target: { address: target } });
    const want = fixtureJson<{ result: { hops: GpHop[] } }>(`mtr-globalping-probe/${name}.json`).result.hops;
    expect(obs.hops).toHaveLength(want.length);
    want.forEach((w, i) => {
      const hop = obs.hops[i];
      expect(hop?.ttl).toBe(i + 1);
      expect(hop?.sent).toBe(w.stats.total);
      expect(hop?.received).toBe(w.stats.rcv);
      expect(round1((hop?.loss ?? -1) * 100)).toBe(w.stats.loss);
      expect(hop?.rtt?.min ?? null).toBe(w.stats.min);
      expect(hop?.rtt?.max ?? null).toBe(w.stats.max);
      expect(hop?.rtt ? round1(hop.rtt.avg) : null).toBe(w.stats.avg);
      expect(hop?.rtt ? round1(hop.rtt.stdev) : null).toBe(w.stats.stDev);
      // Globalping names the hop by its last address; replies are listed in seq order.
      const ips = hop?.probes.flatMap((p) => (p.ip === null ? [] : [p.ip])) ?? [];
      expect(ips.length === 0 ? null : ips.includes(w.resolvedAddress as string)).toBe(w.resolvedAddress === null ? null : true);
      expect([...(hop?.probes.flatMap((p) => (p.rttMs === null ? [] : [p.rttMs])) ?? [])].sort()).toEqual(w.timings.map((t) => t.rtt).sort());
    });
  });

  it('the repeated last address ends the path even when the given target never answered', () => {
    const obs = parseMtrRaw(fixture('mtr-globalping-probe/mtr-success-raw.txt'), { target: { address: '1.1.1.1' } });
    expect(obs.hops).toHaveLength(9);
    expect(obs.reached).toBe(false);
  });

  it('a line fragment at the top of a capture is rejected with its line number', () => {
    expect(() => parseMtrRaw(fixture('mtr-globalping-probe/ipv6-mtr-success-ip.txt'))).toThrow(/line 1: mtr raw: unknown line "8::200f"/);
  });
});

interface NodeMtrCase {
  fixture: string;
  target?: string;
  expect: Record<string, { number?: number; ip?: string; rtts?: number[]; hostname?: string } | number | boolean | string>;
}

describe('parseMtrRaw against node-mtr expectations (old mtr: no x lines)', () => {
  const cases = fixtureJson<{ cases: NodeMtrCase[] }>('node-mtr/expected-from-test-traceroute.js.json').cases.filter((c) => c.target);
  it.each(cases)('$fixture', (c) => {
    const obs = parseMtrRaw(fixture(`node-mtr/${c.fixture}`), { target: { address: c.target as string } });
    expect(obs.hops[obs.hops.length - 1]?.ttl).toBe(c.expect.last_hop_number);
    for (const [key, want] of Object.entries(c.expect)) {
      if (!key.startsWith('hop_') || typeof want !== 'object') continue;
      const hop = obs.hops.find((h) => h.ttl === want.number);
      expect(hop?.probes.some((p) => p.ip === want.ip)).toBe(true);
      if (want.rtts) expect(hop?.probes.filter((p) => p.rttMs !== null).map((p) => p.rttMs)).toEqual(want.rtts);
      if (want.hostname) expect(hop?.probes.find((p) => p.ip === want.ip)?.name).toBe(want.hostname);
    }
    expect(obs.reached).toBe(true);
  });

  it('8.8.8.8: ECMP at hop 10, a silent hop 13, sent estimated from the rounds', () => {
    const obs = parseMtrRaw(fixture('node-mtr/normal_output_to_8.8.8.8.txt'), { target: { address: '8.8.8.8' } });
    expect(obs.signature.split('|')[9]).toBe('72.14.237.215,72.14.237.219');
    // ECMP: a reply belongs to the address of the latest h line of its position.
    expect(obs.hops[9]?.probes.slice(0, 3).map((p) => [p.ip, p.rttMs])).toEqual([
      ['72.14.237.215', 40.93],
      ['72.14.237.219', 42.106],
      ['72.14.237.219', 64.953],
    ]);
    expect(obs.hops[12]).toMatchObject({ ttl: 13, received: 0, loss: 1 });
    expect(obs.hops[0]).toMatchObject({ sent: 10, received: 10, loss: 0 });
  });

  it('without opts.target the path still ends at the repeat, but reached is unknown (false)', () => {
    const obs = parseMtrRaw(fixture('node-mtr/normal_output_to_8.8.8.8.txt'));
    expect(obs.hops).toHaveLength(14);
    expect(obs.reached).toBe(false);
  });
});

describe('parseMtrRaw: format details', () => {
  it('x/p sequence numbers pair replies with probes (loopback recording)', () => {
    const obs = parseMtrRaw(fixture('loopback/mtr-raw-127.0.0.1.txt'), { target: { address: '127.0.0.1' } });
    expect(obs.hops).toHaveLength(1);
    expect(obs.hops[0]?.probes.map((p) => p.rttMs)).toEqual([0.075, 0.082, 0.078]);
    expect(obs.signature).toBe('127.0.0.1');
  });

  it('lost probes are timeouts in sequence order (lab degraded)', () => {
    const obs = parseMtrRaw(fixture('lab/mtr-raw-degraded.txt'), { target: { address: '10.99.100.10' } });
    expect(obs.hops[2]?.probes).toEqual([
      { ip: '10.99.100.10', rttMs: 40.401 },
      { ip: null, rttMs: null },
      { ip: '10.99.100.10', rttMs: 40.414 },
    ]);
    expect(obs.loss).toBeCloseTo(1 / 3, 9);
  });

  it('names from d lines and MPLS from m lines (SYNTHETIC m line)', () => {
    const obs = parseMtrRaw('x 0 1\nh 0 192.0.2.1\nd 0 gw.example.net\nm 0 24000 0 1 1\np 0 1500 1\n', { target: { address: '192.0.2.1' } });
    expect(obs.hops[0]?.probes[0]).toEqual({ ip: '192.0.2.1', rttMs: 1.5, name: 'gw.example.net' });
    expect(obs.hops[0]?.mpls).toEqual([{ label: 24000, exp: 0, s: true, ttl: 1 }]);
  });

  it('only x lines (nothing answered) gives all-"*" hops, not an error', () => {
    const obs = parseMtrRaw('x 0 1\nx 1 2\nx 0 3\nx 1 4\n');
    expect(obs.signature).toBe('*|*');
    expect(obs.hops[0]).toMatchObject({ sent: 2, received: 0, loss: 1 });
  });

  it.each([
    { text: 'Failed to resolve host: Name or service not know\n', code: 'UNEXPECTED_LINE', line: 1 },
    { text: 'h 0 192.0.2.1\np zero 10\n', code: 'BAD_NUMBER', line: 2 },
    { text: 'h 0 not-an-ip\n', code: 'BAD_ADDRESS', line: 1 },
    { text: '\n\n', code: 'EMPTY_OUTPUT', line: 0 },
  ])('garbage -> $code', ({ text, code, line }) => {
    expectParseError(() => parseMtrRaw(text), code, line);
  });
});
