import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/probe/parsers/errors.js';
import { parseTcptraceroute } from '../../../src/probe/parsers/tcptraceroute.js';
import { fixture, expectParseError } from '../fixture.js';

describe('parseTcptraceroute', () => {
  it('real tcptraceroute 1.5 output with names, bare addresses, stars and an interrupted last line', () => {
    const obs = parseTcptraceroute(fixture('tcptraceroute/jescarri-tinyconf-troubleshooting.tcptraceroute.out'));
    expect(obs.target).toEqual({ name: '3.88.100.61', address: '3.88.100.61' });
    expect(obs.tool).toBe('tcptraceroute');
    expect(obs.method).toBe('tcp');
    expect(obs.hops).toHaveLength(10);
    expect(obs.hops[0]?.probes).toEqual([
      { ip: '192.168.2.1', rttMs: 0.503 },
      { ip: '192.168.2.1', rttMs: 0.401 },
      { ip: '192.168.2.1', rttMs: 0.333 },
    ]);
    expect(obs.hops[2]?.probes[0]).toEqual({ ip: '173.205.56.221', rttMs: 0.767, name: 'xe-4-0-3.cr0-van1.ip4.gtt.net' });
    expect(obs.hops[9]).toMatchObject({ ttl: 10, sent: 1, received: 0 });
    expect(obs.reached).toBe(false);
    expect(obs.signature).toBe(
      '192.168.2.1|97.107.189.129|173.205.56.221|141.136.108.189|76.74.1.10|150.222.76.133|52.95.63.147|*|*|*',
    );
  });

  it('[closed] on the destination means reached (loopback recording, header from stderr)', () => {
    const obs = parseTcptraceroute(fixture('loopback/tcptraceroute-127.0.0.1.txt'));
    expect(obs.hops[0]?.probes).toEqual([
      { ip: '127.0.0.1', rttMs: 0.084, annotation: '[closed]' },
      { ip: '127.0.0.1', rttMs: 0.06, annotation: '[closed]' },
    ]);
    expect(obs.reached).toBe(true);
    expect(obs.rtt?.min).toBe(0.06);
  });

  it('[open] without a header (stdout only) still means reached', () => {
    const obs = parseTcptraceroute(' 1  192.0.2.1  1.0 ms\n 2  192.0.2.9 [open]  2.0 ms\n');
    expect(obs.reached).toBe(true);
    expect(obs.rtt?.avg).toBe(2);
  });

  it('named target in the header', () => {
    const obs = parseTcptraceroute('Tracing the path to www.example.com (192.0.2.9) on TCP port 443 (https), 30 hops max\n 1  192.0.2.9 [open]  2.0 ms\n');
    expect(obs.target).toEqual({ name: 'www.example.com', address: '192.0.2.9' });
  });

  it.each([
    { text: 'Selected device eth0, address 10.0.0.1, port 1 for outgoing packets\n', code: 'NO_HOPS' },
    { text: 'tcptraceroute: unknown host nope\n', code: 'UNEXPECTED_LINE' },
    { text: '', code: 'EMPTY_OUTPUT' },
  ])('garbage -> $code', ({ text, code }) => {
    expectParseError(() => parseTcptraceroute(text), code);
  });
});
