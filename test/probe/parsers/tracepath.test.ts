import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/probe/parsers/errors.js';
import { parseTracepath } from '../../../src/probe/parsers/tracepath.js';
import { fixture, expectParseError } from '../fixture.js';

describe('parseTracepath', () => {
  it('loopback IPv4 recording: reached, Resume pmtu', () => {
    const obs = parseTracepath(fixture('loopback/tracepath-127.0.0.1.txt'));
    expect(obs).toMatchObject({ reached: true, pathMtu: 65535, signature: '127.0.0.1', tool: 'tracepath', target: { address: '127.0.0.1' } });
    expect(obs.hops[0]?.probes).toEqual([{ ip: '127.0.0.1', rttMs: 0.081, annotation: 'reached' }]);
  });

  it('loopback IPv6 recording: [LOCALHOST] skipped, two probes at TTL 1', () => {
    const obs = parseTracepath(fixture('loopback/tracepath-1.txt'));
    expect(obs.hops).toHaveLength(1);
    expect(obs.hops[0]).toMatchObject({ ttl: 1, sent: 2, received: 2 });
    expect(obs.pathMtu).toBe(65536);
  });

  // SYNTHETIC in the iputils tracepath layout (tracepath.c print formats).
  it('no reply, pmtu change, asymm, names, not reached', () => {
    const text = [
      ' 1?: [LOCALHOST]                      pmtu 1500',
      ' 1:  gw.example (192.0.2.1)                               0.512ms',
      ' 1:  gw.example (192.0.2.1)                               0.431ms pmtu 1492',
      ' 2:  no reply',
      ' 3:  198.51.100.3                                         4.100ms asymm  4',
      '     Too many hops: pmtu 1492',
      '     Resume: pmtu 1492',
    ].join('\n');
    const obs = parseTracepath(text, { target: { address: '203.0.113.9' } });
    expect(obs.pathMtu).toBe(1492);
    expect(obs.reached).toBe(false);
    expect(obs.signature).toBe('192.0.2.1|*|198.51.100.3');
    expect(obs.hops[0]?.probes[0]).toEqual({ ip: '192.0.2.1', rttMs: 0.512, name: 'gw.example' });
  });

  it('namespace recordings at MTU 1500, IPv4 and IPv6', () => {
    for (const [file, address] of [['pmtu/tracepath-1500.txt', '10.98.2.2'], ['pmtu/tracepath6-1500.txt', '2001:db8:98:2::2']] as const) {
      const obs = parseTracepath(fixture(file), { target: { address } });
      expect(obs).toMatchObject({ reached: true, pathMtu: 1500 });
      expect(obs.hops.flatMap((h) => h.probes).some((p) => p.pmtu !== undefined)).toBe(false);
    }
  });

  it('namespace recording, first run after the link went to 1400: the router\'s "pmtu 1400" reply kept on its probe', () => {
    for (const [file, router, address] of [
      ['pmtu/tracepath-1400-found.txt', '10.98.1.1', '10.98.2.2'],
      ['pmtu/tracepath6-1400-found.txt', '2001:db8:98:1::1', '2001:db8:98:2::2'],
    ] as const) {
      const obs = parseTracepath(fixture(file), { target: { address } });
      expect(obs).toMatchObject({ reached: true, pathMtu: 1400 });
      expect(obs.hops[1]?.probes[0]).toMatchObject({ ip: router, pmtu: 1400 });
      expect(obs.hops[1]?.probes[1]).toMatchObject({ ip: address, annotation: 'reached' });
    }
  });

  it('namespace recording with the kernel\'s cached PMTU: 1400 from [LOCALHOST], no router reply carries it', () => {
    const obs = parseTracepath(fixture('pmtu/tracepath-1400-cached.txt'), { target: { address: '10.98.2.2' } });
    expect(obs).toMatchObject({ reached: true, pathMtu: 1400, signature: '10.98.1.1|10.98.2.2' });
    expect(obs.hops.flatMap((h) => h.probes).some((p) => p.pmtu !== undefined)).toBe(false);
  });

  it('namespace recording of an absent host: !H kept, not reached', () => {
    const obs = parseTracepath(fixture('pmtu/tracepath-unreached.txt'), { target: { address: '10.98.2.99' } });
    expect(obs).toMatchObject({ reached: false, pathMtu: 1400 });
    expect(obs.hops[1]?.probes[0]).toEqual({ ip: '10.98.1.1', rttMs: 1992.088, annotation: '!H' });
  });

  it.each([
    { text: 'tracepath: 192.0.2.1: Name or service not known', code: 'UNEXPECTED_LINE' },
    { text: ' 1:  not an address here', code: 'BAD_TOKEN' },
    { text: ' 1?: [LOCALHOST]  pmtu 1500\n     Resume: pmtu 1500', code: 'NO_HOPS' },
    { text: '', code: 'EMPTY_OUTPUT' },
  ])('garbage -> $code', ({ text, code }) => {
    expectParseError(() => parseTracepath(text), code);
  });
});
