/**
 * Every lab recording, every path state: the hops must be the lab's routers
 * and reached must match the state. "cut" shuts r1-r2, so traffic takes the
 * long way round (same hops as "long"); "unreachable" = r1 answers !N.
 */
import { describe, expect, it } from 'vitest';
import { parseMtrJson } from '../../../src/probe/parsers/mtr-json.js';
import { parseMtrRaw } from '../../../src/probe/parsers/mtr-raw.js';
import { parseScamperJsonAll } from '../../../src/probe/parsers/scamper-json.js';
import { parseTcptraceroute } from '../../../src/probe/parsers/tcptraceroute.js';
import { parseTraceroute } from '../../../src/probe/parsers/traceroute.js';
import type { PathObservation } from '../../../src/probe/types.js';
import { LAB6_LONG, LAB6_SHORT, LAB_LONG, LAB_SHORT, fixture } from '../fixture.js';

type State = 'short' | 'long' | 'degraded' | 'cut' | 'unreachable';
const STATES: State[] = ['short', 'long', 'degraded', 'cut', 'unreachable'];

function expected(state: State, v6: boolean): { hops: string[]; reached: boolean } {
  const short = v6 ? LAB6_SHORT : LAB_SHORT;
  const long = v6 ? LAB6_LONG : LAB_LONG;
  if (state === 'unreachable') return { hops: [short[0] as string], reached: false };
  return { hops: state === 'long' || state === 'cut' ? long : short, reached: true };
}

interface Row {
  file: (s: State) => string;
  parse: (text: string) => PathObservation;
  v6: boolean;
}

const V4 = { target: { address: '10.99.100.10' } };

const ROWS: Record<string, Row> = {
  'traceroute udp': { file: (s) => `traceroute-udp-${s}.txt`, parse: (t) => parseTraceroute(t), v6: false },
  'traceroute icmp': { file: (s) => `traceroute-icmp-${s}.txt`, parse: (t) => parseTraceroute(t, { method: 'icmp' }), v6: false },
  'traceroute tcp': { file: (s) => `traceroute-tcp-${s}.txt`, parse: (t) => parseTraceroute(t, { method: 'tcp' }), v6: false },
  traceroute6: { file: (s) => `traceroute6-udp-${s}.txt`, parse: (t) => parseTraceroute(t), v6: true },
  tcptraceroute: { file: (s) => `tcptraceroute-${s}.txt`, parse: (t) => parseTcptraceroute(t), v6: false },
  'mtr --json': { file: (s) => `mtr-${s}.json`, parse: (t) => parseMtrJson(t), v6: false },
  'mtr6 --json': { file: (s) => `mtr6-${s}.json`, parse: (t) => parseMtrJson(t), v6: true },
  'mtr --raw': { file: (s) => `mtr-raw-${s}.txt`, parse: (t) => parseMtrRaw(t, V4), v6: false },
  'scamper icmp-paris': { file: (s) => `scamper-icmp-paris-${s}.json`, parse: (t) => parseScamperJsonAll(t)[0] as PathObservation, v6: false },
  'scamper udp-paris (warts->json)': { file: (s) => `scamper-udp-paris-${s}.warts.json`, parse: (t) => parseScamperJsonAll(t)[0] as PathObservation, v6: false },
};

const CASES = Object.entries(ROWS).flatMap(([tool, row]) => STATES.map((state) => ({ tool, state, row })));

describe('lab recordings: hops and reached for every tool and path state', () => {
  it.each(CASES)('$tool $state', ({ state, row }) => {
    const obs = row.parse(fixture(`lab/${row.file(state)}`));
    const want = expected(state, row.v6);
    expect(obs.status).toBe('ok');
    expect(obs.signature).toBe(want.hops.join('|'));
    expect(obs.reached).toBe(want.reached);
    expect(obs.hops.map((h) => h.ttl)).toEqual(want.hops.map((_, i) => i + 1));
    if (want.reached) {
      expect(obs.rtt).not.toBeNull();
      if (state === 'degraded') expect(obs.rtt?.min).toBeGreaterThan(40);
      else expect(obs.rtt?.max).toBeLessThan(1);
    } else {
      expect(obs.rtt).toBeNull();
      expect(obs.loss).toBe(1);
    }
  });

  it('unreachable: the !N is kept on the probe (traceroute, tcptraceroute, scamper)', () => {
    expect(parseTraceroute(fixture('lab/traceroute-icmp-unreachable.txt')).hops[0]?.probes[0]?.annotation).toBe('!N');
    expect(parseTraceroute(fixture('lab/traceroute6-udp-unreachable.txt')).hops[0]?.probes.map((p) => p.annotation)).toEqual(['!N', '!N', '!N']);
    expect(parseTcptraceroute(fixture('lab/tcptraceroute-unreachable.txt')).hops[0]?.probes[0]?.annotation).toBe('!N');
    expect(parseScamperJsonAll(fixture('lab/scamper-icmp-paris-unreachable.json'))[0]?.hops[0]?.probes[0]?.annotation).toBe('!N');
  });

  it('mtr --raw unreachable: r1 answering every TTL (mtr keeps probing after !N) is one hop', () => {
    const obs = parseMtrRaw(fixture('lab/mtr-raw-unreachable.txt'), V4);
    expect(obs.hops).toHaveLength(1);
    expect(obs.hops[0]).toMatchObject({ sent: 3, received: 3 });
  });

  it('degraded: loss shows at the destination (traceroute icmp 1 of 3 lost, mtr -c 30 13.3 %)', () => {
    expect(parseTraceroute(fixture('lab/traceroute-icmp-degraded.txt')).loss).toBeCloseTo(1 / 3, 9);
    const c30 = parseMtrJson(fixture('lab/mtr-degraded-c30.json'));
    expect(c30.loss).toBeCloseTo(0.13333, 5);
    expect(c30.hops[2]).toMatchObject({ sent: 30, received: 26 });
    expect(c30.signature).toBe(LAB_SHORT.join('|'));
  });

  // Why: the lab's veths leave scamper's IPv6 UDP checksum partial (TX offload), the routers quote
  // that value back and scamper matches udp-paris replies by checksum (test/probe/tools/netns.test.ts).
  it('scamper udp-paris IPv6 traces of the lab got no reply: all-"*" hops, not reached', () => {
    for (const s of STATES) {
      const v6 = parseScamperJsonAll(fixture(`lab/scamper-udp-paris-${s}.warts.json`))[1] as PathObservation;
      expect(v6.target.address).toBe('2001:db8:100::10');
      expect(v6).toMatchObject({ reached: false, signature: '*|*|*|*|*' });
      expect(v6.hops[0]).toMatchObject({ sent: 3, received: 0 });
    }
  });

  it('mtr6 json uses IPv6 target from the header', () => {
    expect(parseMtrJson(fixture('lab/mtr6-short.json')).target).toEqual({ name: '2001:db8:100::10', address: '2001:db8:100::10' });
  });
});
