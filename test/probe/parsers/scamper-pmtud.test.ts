import { describe, expect, it } from 'vitest';
import { parseScamperPmtud } from '../../../src/probe/parsers/scamper-pmtud.js';
import { expectParseError, fixture } from '../fixture.js';

describe('parseScamperPmtud (scamper -O text, trace -M)', () => {
  it('namespace recording, router-target link at 1400: path MTU 1400, per-hop MTUs on the probes', () => {
    const obs = parseScamperPmtud(fixture('pmtu/scamper-pmtud-1400.txt'));
    expect(obs).toMatchObject({ tool: 'scamper', method: 'udp-paris', reached: true, pathMtu: 1400, target: { address: '10.98.2.2' }, signature: '10.98.1.1|10.98.2.2' });
    expect(obs.hops.map((h) => h.probes[0]?.pmtu)).toEqual([1500, 1400]);
    // scamper 20211212's RTT underflow on the PMTUD-probed hop, kept as printed.
    expect(obs.hops[0]?.probes[0]?.rttMs).toBe(4294967.25);
  });

  it('namespace recording at 1500 with a silent first hop', () => {
    const obs = parseScamperPmtud(fixture('pmtu/scamper-pmtud-1500.txt'));
    expect(obs).toMatchObject({ reached: true, pathMtu: 1500, signature: '*|10.98.2.2' });
    expect(obs.hops[0]?.probes).toEqual([{ ip: null, rttMs: null }]);
  });

  it('namespace recording where the router\'s ICMP rate limit ate the packet-too-big: [*mtu: 1280] is no path MTU', () => {
    const obs = parseScamperPmtud(fixture('pmtu/scamper-pmtud-inferred.txt'));
    expect(obs).toMatchObject({ reached: true, pathMtu: null, signature: '10.98.1.1|*|10.98.2.2' });
    expect(obs.hops[2]?.probes[0]).toEqual({ ip: '10.98.2.2', rttMs: 0.036, annotation: '[*mtu: 1280]' });
  });

  it('unreached (!H): no path MTU, the annotation kept', () => {
    const obs = parseScamperPmtud(fixture('pmtu/scamper-pmtud-unreached.txt'));
    expect(obs).toMatchObject({ reached: false, pathMtu: null, target: { address: '10.98.2.99' } });
    expect(obs.hops[1]?.probes[0]).toEqual({ ip: '10.98.1.1', rttMs: 3073.361, annotation: '!H', pmtu: 1400 });
    expect(obs.hops).toHaveLength(4);
  });

  it('IPv6 recording with no replies: parsed, not reached', () => {
    const obs = parseScamperPmtud(fixture('pmtu/scamper6-pmtud-1400.txt'));
    expect(obs).toMatchObject({ reached: false, pathMtu: null, target: { address: '2001:db8:98:2::2' } });
    expect(obs.hops).toHaveLength(5);
  });

  // SYNTHETIC in the scamper_trace_text.c layout: several replies at one TTL, *mtu, ptb, [closed].
  it('several replies per TTL, [*mtu: N] with ptb and nhmtu', () => {
    const text = [
      'traceroute from 192.0.2.1 to 198.51.100.9',
      ' 1  192.0.2.254  0.512 ms  0.498 ms [mtu: 1500]',
      ' 2  203.0.113.1  1.2 ms  203.0.113.5  1.4 ms [*mtu: 1480] ptb 203.0.113.9 nhmtu 1480!',
      ' 3  198.51.100.9  2.0 ms [closed] [mtu: 1480]',
    ].join('\n');
    const obs = parseScamperPmtud(text);
    expect(obs.pathMtu).toBe(1480);
    expect(obs.hops[0]?.probes).toEqual([{ ip: '192.0.2.254', rttMs: 0.512, pmtu: 1500 }, { ip: '192.0.2.254', rttMs: 0.498 }]);
    expect(obs.hops[1]?.probes.map((p) => p.ip)).toEqual(['203.0.113.1', '203.0.113.5']);
    expect(obs.hops[1]?.probes[0]?.annotation).toBe('[*mtu: 1480]');
    expect(obs.hops[2]?.probes[0]).toMatchObject({ annotation: '[closed]', pmtu: 1480 });
  });

  it.each([
    { text: '', code: 'EMPTY_OUTPUT' },
    { text: ' 1  10.0.0.1  0.1 ms', code: 'UNEXPECTED_LINE' },
    { text: 'traceroute from 10.0.0.2 to 10.0.0.1', code: 'NO_HOPS' },
    { text: 'traceroute to 10.0.0.1\n 1  10.0.0.1  garbage', code: 'BAD_TOKEN' },
    { text: 'traceroute to 10.0.0.1\n 1  0.5 ms', code: 'BAD_TOKEN' },
    { text: 'traceroute to nowhere\n 1  *', code: 'BAD_ADDRESS' },
    { text: 'traceroute to 10.0.0.1\n 1  *\ntraceroute to 10.0.0.2\n 1  *', code: 'UNEXPECTED_LINE' },
  ])('garbage -> $code', ({ text, code }) => {
    expectParseError(() => parseScamperPmtud(text), code);
  });
});
