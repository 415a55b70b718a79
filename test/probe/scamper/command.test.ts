import { describe, expect, it } from 'vitest';
import { traceCommandLine, type ScamperTraceRequest } from '../../../src/probe/scamper/command.js';
import { RequestError } from '../../../src/probe/tools/request.js';

const base: ScamperTraceRequest = { address: '192.0.2.1', method: 'icmp-paris', probesPerHop: 3, waitSec: 1, maxHops: 30 };

describe('traceCommandLine', () => {
  it.each([
    ['icmp-paris', base, 7, 'trace -U 7 -P icmp-paris -q 3 -w 1 -m 30 192.0.2.1'],
    ['udp-paris on IPv6', { ...base, method: 'udp-paris', address: '2001:db8::1' }, 1, 'trace -U 1 -P udp-paris -q 3 -w 1 -m 30 2001:db8::1'],
    ['tcp with port and first TTL', { ...base, method: 'tcp', port: 443, firstTtl: 2 }, 4294967295, 'trace -U 4294967295 -P tcp -q 3 -w 1 -m 30 -f 2 -d 443 192.0.2.1'],
    ['fractional wait rounded up', { ...base, waitSec: 1.5 }, 2, 'trace -U 2 -P icmp-paris -q 3 -w 2 -m 30 192.0.2.1'],
  ] as const)('%s', (_name, req, userid, want) => {
    expect(traceCommandLine(req as ScamperTraceRequest, userid)).toBe(want);
  });

  it.each([
    ['a hostname', { ...base, address: 'example.com' }, 'BAD_ADDRESS'],
    ['an injected second command', { ...base, address: '192.0.2.1\nshutdown now' }, 'BAD_ADDRESS'],
    ['an option-looking target', { ...base, address: '-P' }, 'BAD_ADDRESS'],
    ['a zone id', { ...base, address: 'fe80::1%eth0' }, 'BAD_ADDRESS'],
    ['a method the pool does not run', { ...base, method: 'icmp' }, 'UNSUPPORTED'],
    ['too many probes', { ...base, probesPerHop: 11 }, 'BAD_OPTION'],
  ])('refuses %s', (_name, req, code) => {
    try {
      traceCommandLine(req as ScamperTraceRequest, 1);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RequestError);
      expect((e as RequestError).code).toBe(code);
    }
  });

  it('refuses a userid outside uint32', () => {
    expect(() => traceCommandLine(base, 2 ** 32)).toThrow(RequestError);
  });
});
