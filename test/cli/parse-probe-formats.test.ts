/**
 * `smoketrace parse FORMAT FILE` for every format issue 4 names (traceroute,
 * mtr-json, mtr-raw, tcptraceroute, scamper-json) on lab recordings, with the
 * JSON shape it promises, and `smoketrace probe` with --tool/--method for the
 * tools other than traceroute, against 127.0.0.1 / ::1 with the real tools.
 */
import { describe, expect, it } from 'vitest';
import type { PathObservation } from '../../src/probe/types.js';
import { cliOutput as run } from '../helpers/daemon.js';

const F = new URL('../fixtures/probe/', import.meta.url).pathname;
const LAB_SHORT = ['10.99.1.1', '10.99.12.2', '10.99.100.10'];

async function parsed(args: string[]): Promise<PathObservation> {
  const r = await run(args);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as PathObservation;
}

const firstIps = (o: PathObservation) => o.hops.map((h) => h.probes.find((p) => p.ip !== null)?.ip ?? null);

describe('smoketrace parse: every format', () => {
  it.each([
    ['traceroute', 'lab/traceroute-udp-short.txt', []],
    ['mtr-json', 'lab/mtr-short.json', []],
    ['mtr-raw', 'lab/mtr-raw-short.txt', ['--target', '10.99.100.10']],
    ['tcptraceroute', 'lab/tcptraceroute-short.txt', []],
    ['scamper-json', 'lab/scamper-icmp-paris-short.json', []],
  ] as const)('%s %s: the lab path, reached, in the promised shape', async (format, file, extra) => {
    const o = await parsed(['parse', format, `${F}${file}`, ...extra]);
    expect(o).toMatchObject({ tool: format.split('-')[0], target: { address: '10.99.100.10', name: expect.any(String) }, reached: true, status: 'ok' });
    expect(firstIps(o)).toEqual(LAB_SHORT);
    expect(o.hops[0]).toMatchObject({ ttl: 1, probes: expect.arrayContaining([expect.objectContaining({ ip: '10.99.1.1', rttMs: expect.any(Number) })]) });
    expect(o.signature).toBe(LAB_SHORT.join('|'));
  });

  it('"*" timeouts are {ip: null, rttMs: null}; names kept without -n (jc CentOS recording)', async () => {
    const o = await parsed(['parse', 'traceroute', `${F}jc/centos-7.7/traceroute.out`]);
    expect(o.target).toEqual({ name: 'www.cnn.com', address: '151.101.197.67' });
    expect(o.hops[2]).toMatchObject({ ttl: 3, probes: [{ ip: null, rttMs: null }, { ip: null, rttMs: null }, { ip: null, rttMs: null }] });
    expect(o.hops[0]!.probes[0]).toEqual({ ip: '192.168.1.254', rttMs: 4.024, name: 'dsldevice.attlocal.net' });
  });

  it('annotations stay on their probe (lab !N), IPv6 addresses as printed', async () => {
    const n = await parsed(['parse', 'traceroute', `${F}lab/traceroute-icmp-unreachable.txt`]);
    expect(n.hops[0]!.probes).toEqual([{ ip: '10.99.1.1', rttMs: 0.031, annotation: '!N' }, { ip: null, rttMs: null }, { ip: null, rttMs: null }]);
    expect(n.reached).toBe(false);
    const v6 = await parsed(['parse', 'traceroute', `${F}lab/traceroute6-udp-short.txt`]);
    expect(firstIps(v6)).toEqual(['2001:db8:1::1', '2001:db8:12::2', '2001:db8:100::10']);
  });

  it('a scamper file with several traces prints an array', async () => {
    const r = await run(['parse', 'scamper-json', `${F}loopback/scamper-icmp-paris-two-targets.json`]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as PathObservation[]).map((o) => o.target.address).sort()).toEqual(['127.0.0.1', '::1']);
  });
});

describe('smoketrace probe --tool --method', () => {
  it.each([
    ['127.0.0.1', 'mtr', 'udp'],
    ['::1', 'mtr', 'icmp'],
    ['127.0.0.1', 'tcptraceroute', 'tcp'],
    ['127.0.0.1', 'scamper', 'tcp'],
    ['::1', 'scamper', 'icmp-paris'],
  ])('%s with %s %s: reached in one hop', async (address, tool, method) => {
    const o = await parsed(['probe', address, '--tool', tool, '--method', method, '--probes', '1', '--max-hops', '3', '--timeout', '15']);
    expect(o).toMatchObject({ status: 'ok', reached: true, tool, method, vantage: 'cli', target: { name: address, address }, signature: address });
  });

  it('a hostname is resolved and the address it probed recorded beside the name (localhost from /etc/hosts, -4)', async () => {
    const o = await parsed(['probe', 'localhost', '--ipv4', '--tool', 'traceroute', '--method', 'icmp', '--probes', '1', '--max-hops', '3', '--timeout', '15']);
    expect(o).toMatchObject({ status: 'ok', reached: true, target: { name: 'localhost', address: '127.0.0.1' }, signature: '127.0.0.1' });
  });

  it('an unsupported method is refused before anything runs', async () => {
    const r = await run(['probe', '127.0.0.1', '--tool', 'scamper', '--method', 'udp']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid probe: method/);
  });
});
