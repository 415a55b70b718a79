/**
 * Every tool adapter and method for real through a router, in three network
 * namespaces made here (probe -- router -- target, IPv4 and IPv6): the hops
 * found must be the router's and the target's addresses, in that order. The
 * tools run inside the probe namespace through `ip netns exec` (the execa
 * seam of runProbe, argv only). Needs root (CI runs as root); the namespaces
 * (named by pid) are removed in afterAll.
 */
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeRequest } from '../../../src/probe/tools/request.js';
import { runProbe, type ExecaLike } from '../../../src/probe/tools/run.js';
import type { PathObservation } from '../../../src/probe/types.js';
import { requireTool } from '../../helpers/processes.js';

// Named by this process so that two test runs at once do not share namespaces.
const NS = { probe: `stprobe-${process.pid}-p`, router: `stprobe-${process.pid}-r`, target: `stprobe-${process.pid}-t` };
const V4 = { probe: '10.252.1.1', router: '10.252.1.2', routerFar: '10.252.2.1', target: '10.252.2.2' };
const V6 = { probe: '2001:db8:252:1::1', router: '2001:db8:252:1::2', routerFar: '2001:db8:252:2::1', target: '2001:db8:252:2::2' };

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}
function sysctl(ns: string, ...settings: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', ...settings], { stdio: ['ignore', 'ignore', 'pipe'] });
}
function removeNamespaces(): void {
  for (const ns of Object.values(NS)) {
    try {
      ip('netns', 'del', ns);
    } catch {
      // absent
    }
  }
}

/** SIOCETHTOOL ETHTOOL_STXCSUM 0: TX checksum offload off on the interface named in argv[1]. */
const TX_CSUM_OFF = [
  'import ctypes, fcntl, socket, struct, sys',
  "buf = ctypes.create_string_buffer(struct.pack('II', 0x17, 0))",
  's = socket.socket()',
  "fcntl.ioctl(s.fileno(), 0x8946, struct.pack('16sP', sys.argv[1].encode(), ctypes.addressof(buf)))",
].join('\n');

/** runProbe's execa, run inside the probe namespace. */
const inProbeNs: ExecaLike = (file, args, options) => execa('ip', ['netns', 'exec', NS.probe, file, ...args], options);

beforeAll(() => {
  for (const [bin, pkg] of [['traceroute', 'traceroute'], ['mtr', 'mtr-tiny'], ['tcptraceroute', 'tcptraceroute'], ['scamper', 'scamper'], ['python3', 'python3']]) requireTool(bin as string, pkg as string);
  removeNamespaces();
  for (const ns of Object.values(NS)) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  ip('link', 'add', 'p0', 'netns', NS.probe, 'type', 'veth', 'peer', 'name', 'r0', 'netns', NS.router);
  ip('link', 'add', 'r1', 'netns', NS.router, 'type', 'veth', 'peer', 'name', 't0', 'netns', NS.target);
  const addr = (ns: string, dev: string, a4: string, a6: string): void => {
    ip('-n', ns, 'addr', 'add', `${a4}/30`, 'dev', dev);
    ip('-n', ns, '-6', 'addr', 'add', `${a6}/64`, 'dev', dev, 'nodad');
    ip('-n', ns, 'link', 'set', dev, 'up');
  };
  addr(NS.probe, 'p0', V4.probe, V6.probe);
  addr(NS.router, 'r0', V4.router, V6.router);
  addr(NS.router, 'r1', V4.routerFar, V6.routerFar);
  addr(NS.target, 't0', V4.target, V6.target);
  for (const [ns, gw4, gw6] of [[NS.probe, V4.router, V6.router], [NS.target, V4.routerFar, V6.routerFar]] as const) {
    ip('-n', ns, 'route', 'add', 'default', 'via', gw4);
    ip('-n', ns, '-6', 'route', 'add', 'default', 'via', gw6);
  }
  sysctl(NS.router, 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1');
  // Many traceroutes in a row: no ICMP rate limit on the routers that answer them.
  for (const ns of [NS.router, NS.target]) sysctl(ns, 'net.ipv4.icmp_ratelimit=0', 'net.ipv6.icmp.ratelimit=0');
}, 30_000);

afterAll(() => {
  removeNamespaces();
});

const base4: ProbeRequest = { tool: 'traceroute', address: V4.target, method: 'udp', probesPerHop: 2, maxHops: 5, waitSec: 1, ipVersion: 4 };
const base6: ProbeRequest = { ...base4, address: V6.target, ipVersion: 6 };

const CASES: Array<{ name: string; req: ProbeRequest }> = [];
for (const [fam, base] of [['v4', base4], ['v6', base6]] as const) {
  for (const method of ['udp', 'icmp', 'tcp'] as const) CASES.push({ name: `traceroute ${method} ${fam}`, req: { ...base, method, ...(method === 'tcp' ? { port: 80 } : {}) } });
  for (const method of ['icmp', 'udp', 'tcp'] as const) CASES.push({ name: `mtr --json ${method} ${fam}`, req: { ...base, tool: 'mtr', method } });
  CASES.push({ name: `mtr --raw icmp ${fam}`, req: { ...base, tool: 'mtr', method: 'icmp', mtrFormat: 'raw' } });
  for (const method of ['icmp-paris', 'udp-paris', 'tcp'] as const) {
    // udp-paris over IPv6 on a veth: see the test of its own below.
    if (!(method === 'udp-paris' && fam === 'v6')) CASES.push({ name: `scamper ${method} ${fam}`, req: { ...base, tool: 'scamper', method } });
  }
}
CASES.push({ name: 'tcptraceroute v4', req: { ...base4, tool: 'tcptraceroute', method: 'tcp' } });

const expectPath = (obs: PathObservation, hops: string[]): void => {
  expect(obs.error).toBeUndefined();
  expect(obs).toMatchObject({ status: 'ok', reached: true, signature: hops.join('|') });
  expect(obs.hops.slice(0, hops.length).map((h) => [h.ttl, h.probes.find((p) => p.ip !== null)?.ip])).toEqual(hops.map((a, i) => [i + 1, a]));
};

describe('every adapter through a router in namespaces', () => {
  it.each(CASES)('$name: router then target', async ({ req }) => {
    const fam = req.ipVersion === 4 ? V4 : V6;
    const obs = await runProbe({ ...req, targetName: 'ns-target' }, { timeoutMs: 20_000, execaImpl: inProbeNs, vantage: 'ns' });
    expectPath(obs, [fam.router, fam.target]);
    expect(obs).toMatchObject({ tool: req.tool, method: req.method, target: { name: 'ns-target', address: req.address } });
    const last = obs.hops.at(-1)!;
    expect(last.received).toBeGreaterThan(0);
    expect(last.rtt?.min).toBeGreaterThan(0);
    expect(obs.rtt?.avg).toBeGreaterThan(0);
  });

  it.each([
    ['traceroute -f', { ...base4, firstTtl: 2 }],
    ['traceroute -f v6', { ...base6, method: 'icmp', firstTtl: 2 }],
    ['mtr -f', { ...base4, tool: 'mtr', method: 'icmp', firstTtl: 2 }],
    ['tcptraceroute -f', { ...base4, tool: 'tcptraceroute', method: 'tcp', firstTtl: 2 }],
    ['scamper -f', { ...base4, tool: 'scamper', method: 'icmp-paris', firstTtl: 2 }],
  ] as Array<[string, ProbeRequest]>)('%s 2 starts at the target (TTL 2)', async (_name, req) => {
    const obs = await runProbe(req, { timeoutMs: 20_000, execaImpl: inProbeNs });
    expect(obs).toMatchObject({ status: 'ok', reached: true });
    expect(obs.hops.map((h) => [h.ttl, h.probes.find((p) => p.ip !== null)?.ip])).toEqual([[2, req.address]]);
  });

  // scamper sends IPv6 UDP probes through a UDP socket, so the kernel fills the
  // checksum; with TX checksum offload (veth, lo) it stays partial in the packet
  // (the same value in every probe), the router quotes it in its ICMPv6 error,
  // and scamper, which tells udp-paris probes apart by their checksum, drops
  // every reply. With the offload off (as on a real NIC, which fills it) the
  // same trace works. The ioctl is ETHTOOL_STXCSUM (no ethtool binary needed).
  it('scamper udp-paris v6: no reply matched on a veth with checksum offload, found once the offload is off', async () => {
    const req: ProbeRequest = { ...base6, tool: 'scamper', method: 'udp-paris' };
    const before = await runProbe(req, { timeoutMs: 20_000, execaImpl: inProbeNs });
    expect(before).toMatchObject({ status: 'ok', reached: false, signature: '*|*|*|*|*' });
    execFileSync('ip', ['netns', 'exec', NS.probe, 'python3', '-c', TX_CSUM_OFF, 'p0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    expectPath(await runProbe(req, { timeoutMs: 20_000, execaImpl: inProbeNs }), [V6.router, V6.target]);
  });

  it('-m 1 stops at the router: not reached, loss 1', async () => {
    for (const tool of ['traceroute', 'scamper'] as const) {
      const obs = await runProbe({ ...base4, tool, method: tool === 'scamper' ? 'udp-paris' : 'udp', maxHops: 1 }, { timeoutMs: 20_000, execaImpl: inProbeNs });
      expect(obs).toMatchObject({ status: 'ok', reached: false, loss: 1, rtt: null, signature: V4.router });
    }
  });
});
