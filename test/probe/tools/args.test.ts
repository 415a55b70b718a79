import { describe, expect, it } from 'vitest';
import { mtrArgs, scamperArgs, scamperBatchArgs, tcptracerouteArgs, toolArgs, tracepathArgs, tracerouteArgs } from '../../../src/probe/tools/args.js';
import { RequestError, type ProbeRequest } from '../../../src/probe/tools/request.js';

const base: ProbeRequest = { tool: 'traceroute', address: '192.0.2.9', method: 'udp', probesPerHop: 3, maxHops: 30, waitSec: 2, ipVersion: 4 };

describe('argument arrays', () => {
  it.each([
    { name: 'traceroute udp', fn: tracerouteArgs, req: base, want: ['-4', '-n', '-e', '-q', '3', '-w', '2', '-m', '30', '192.0.2.9'] },
    { name: 'traceroute icmp first TTL', fn: tracerouteArgs, req: { ...base, method: 'icmp', firstTtl: 2 }, want: ['-4', '-n', '-e', '-I', '-q', '3', '-w', '2', '-m', '30', '-f', '2', '192.0.2.9'] },
    { name: 'traceroute tcp v6', fn: tracerouteArgs, req: { ...base, method: 'tcp', port: 443, address: '2001:db8::9', ipVersion: 6 }, want: ['-6', '-n', '-e', '-T', '-p', '443', '-q', '3', '-w', '2', '-m', '30', '2001:db8::9'] },
    { name: 'mtr json icmp', fn: mtrArgs, req: { ...base, tool: 'mtr', method: 'icmp' }, want: ['--json', '-n', '-e', '-4', '-c', '3', '-G', '2', '-m', '30', '192.0.2.9'] },
    { name: 'mtr raw tcp', fn: mtrArgs, req: { ...base, tool: 'mtr', method: 'tcp', port: 22, mtrFormat: 'raw' }, want: ['--raw', '-n', '-e', '-4', '-T', '-P', '22', '-c', '3', '-G', '2', '-m', '30', '192.0.2.9'] },
    { name: 'mtr udp', fn: mtrArgs, req: { ...base, tool: 'mtr', method: 'udp' }, want: ['--json', '-n', '-e', '-4', '-u', '-c', '3', '-G', '2', '-m', '30', '192.0.2.9'] },
    { name: 'tcptraceroute (port after host: its grammar)', fn: tcptracerouteArgs, req: { ...base, tool: 'tcptraceroute', method: 'tcp', waitSec: 0.5, port: 443 }, want: ['-n', '-q', '3', '-w', '1', '-m', '30', '192.0.2.9', '443'] },
    { name: 'scamper icmp-paris', fn: scamperArgs, req: { ...base, tool: 'scamper', method: 'icmp-paris' }, want: ['-O', 'json', '-O', 'rawtcp', '-c', 'trace -P icmp-paris -q 3 -w 2 -m 30', '-i', '192.0.2.9'] },
    { name: 'scamper tcp port', fn: scamperArgs, req: { ...base, tool: 'scamper', method: 'tcp', port: 443, firstTtl: 3 }, want: ['-O', 'json', '-O', 'rawtcp', '-c', 'trace -P tcp -q 3 -w 2 -m 30 -f 3 -d 443', '-i', '192.0.2.9'] },
    { name: 'tracepath', fn: tracepathArgs, req: { ...base, tool: 'tracepath' }, want: ['-4', '-n', '-m', '30', '192.0.2.9'] },
  ] as { name: string; fn: (r: ProbeRequest) => string[]; req: ProbeRequest; want: string[] }[])('$name', ({ fn, req, want }) => {
    expect(fn(req)).toEqual(want);
    expect(toolArgs({ ...req, tool: req.tool })).toEqual(fn(req));
  });

  it('scamper batch: one command, -p budget, every address after -i', () => {
    const reqs = [{ ...base, tool: 'scamper', method: 'udp-paris' }, { ...base, tool: 'scamper', method: 'udp-paris', address: '192.0.2.10' }] as ProbeRequest[];
    expect(scamperBatchArgs(reqs, 50)).toEqual(['-O', 'json', '-O', 'rawtcp', '-p', '50', '-c', 'trace -P udp-paris -q 3 -w 2 -m 30', '-i', '192.0.2.9', '192.0.2.10']);
    expect(() => scamperBatchArgs([reqs[0] as ProbeRequest, { ...base, tool: 'scamper', method: 'tcp' }], 50)).toThrow(/share the trace options/);
    expect(() => scamperBatchArgs(reqs, 0)).toThrow(RequestError);
  });
});

describe('refused requests', () => {
  it.each([
    '; rm -rf /',
    '-oProxyCommand=x',
    '$(reboot)',
    '`reboot`',
    'example.com',
    'localhost',
    '192.0.2.9; reboot',
    '192.0.2.9 -f 1',
    '--help',
    '',
    '1.2.3.4\n-I',
    'fe80::1%-oX',
    '999.1.1.1',
  ])('target %j', (address) => {
    for (const tool of ['traceroute', 'mtr', 'tcptraceroute', 'scamper', 'tracepath'] as const) {
      const method = tool === 'scamper' ? 'icmp-paris' : tool === 'tcptraceroute' ? 'tcp' : 'udp';
      let caught: unknown;
      try {
        toolArgs({ ...base, tool, method, address });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(RequestError);
      expect((caught as RequestError).code).toBe('BAD_ADDRESS');
    }
  });

  it.each([
    { name: 'family mismatch', req: { ...base, address: '::1' }, code: 'BAD_ADDRESS' },
    { name: 'probes 0', req: { ...base, probesPerHop: 0 }, code: 'BAD_OPTION' },
    { name: 'probes fractional', req: { ...base, probesPerHop: 1.5 }, code: 'BAD_OPTION' },
    { name: 'maxHops 300', req: { ...base, maxHops: 300 }, code: 'BAD_OPTION' },
    { name: 'wait NaN', req: { ...base, waitSec: Number.NaN }, code: 'BAD_OPTION' },
    { name: 'firstTtl > maxHops', req: { ...base, firstTtl: 31 }, code: 'BAD_OPTION' },
    { name: 'port 70000', req: { ...base, port: 70000 }, code: 'BAD_OPTION' },
    { name: 'traceroute paris', req: { ...base, method: 'udp-paris' }, code: 'UNSUPPORTED' },
    { name: 'tcptraceroute v6', req: { ...base, tool: 'tcptraceroute', method: 'tcp', address: '::1', ipVersion: 6 }, code: 'UNSUPPORTED' },
    { name: 'tracepath icmp', req: { ...base, tool: 'tracepath', method: 'icmp' }, code: 'UNSUPPORTED' },
  ] as { name: string; req: ProbeRequest; code: string }[])('$name -> $code', ({ req, code }) => {
    expect(() => toolArgs(req)).toThrow(expect.objectContaining({ code }) as Error);
  });
});
