import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type RunningDaemon } from '../helpers/daemon.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { freePort, Proc, requireTool, waitFor } from '../helpers/processes.js';

/**
 * Real BGP software on loopback, no namespaces needed: gobgpd (AS 65101,
 * 127.0.0.1) exports BMP (its Loc-RIB and Adj-RIB-In) to SmokeTrace's station
 * and peers over eBGP with ExaBGP (AS 65100, 127.0.0.2), whose api process is
 * `smoketrace exabgp-bridge` feeding the daemon. Routes are added and removed
 * with the gobgp CLI; the assertions read what a user sees through the API.
 */
const ROOT = new URL('../..', import.meta.url).pathname;

interface Peers {
  routers: Array<{ router: string; source: string; connected: boolean; peers: Array<{ peer: { address: string; asn: number; type: string }; state: string; routes: number }> }>;
}

describe('gobgpd over BMP and ExaBGP through the bridge, into one daemon', () => {
  let daemon: RunningDaemon;
  let gobgpd: Proc;
  let exabgp: Proc;
  let grpcPort = 0;
  const dir = mkdtempSync(join(tmpdir(), 'st-realbgp-'));

  const gobgp = async (...args: string[]) => {
    const p = new Proc('gobgp', ['-u', '127.0.0.1', '-p', String(grpcPort), ...args]);
    await new Promise((r) => p.child.once('exit', r));
    if (p.child.exitCode !== 0) throw new Error(`gobgp ${args.join(' ')}: ${p.output}`);
    return p.output;
  };
  const api = async <T>(path: string): Promise<T> => {
    const r = await fetch(`${daemon.url}${path}`);
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return (await r.json()) as T;
  };

  beforeAll(async () => {
    requireTool('gobgpd', 'gobgpd');
    requireTool('gobgp', 'gobgpd');
    requireTool('exabgp', 'exabgp');
    const [bmpPort, feedPort, bgpPort] = await Promise.all([freePort(), freePort(), freePort()]);
    grpcPort = await freePort();

    writeFileSync(join(dir, 'smoketrace.yaml'), `exabgp:\n  enabled: true\n  name: exabgp-lo\n`);
    daemon = runCli(['start', '--config', join(dir, 'smoketrace.yaml')], {
      MONGODB_URI: await uniqueDbUri('realbgp'),
      SMOKETRACE_BMP_PORT: String(bmpPort),
      SMOKETRACE_EXABGP_PORT: String(feedPort),
    });
    await daemon.waitForLog((l) => l.msg === 'smoketrace started');

    writeFileSync(
      join(dir, 'gobgpd.toml'),
      `[global.config]
  as = 65101
  router-id = "127.0.0.1"
  port = ${bgpPort}
  local-address-list = ["127.0.0.1"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.2"
    peer-as = 65100
  [neighbors.transport.config]
    local-address = "127.0.0.1"
    passive-mode = true
  [neighbors.timers.config]
    connect-retry = 1
    hold-time = 9
    keepalive-interval = 3
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
[[bmp-servers]]
  [bmp-servers.config]
    address = "127.0.0.1"
    port = ${bmpPort}
    route-monitoring-policy = "all"
    statistics-timeout = 15
`,
    );
    gobgpd = new Proc('gobgpd', ['-f', join(dir, 'gobgpd.toml'), '-p', '-l', 'info', '--api-hosts', `127.0.0.1:${grpcPort}`, '--pprof-disable']);

    writeFileSync(
      join(dir, 'exabgp.conf'),
      `process smoketrace {
    run ${process.execPath} --import ${join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')} ${join(ROOT, 'src/cli.ts')} exabgp-bridge --to tcp://127.0.0.1:${feedPort};
    encoder json;
}
neighbor 127.0.0.1 {
    local-as 65100;
    peer-as 65101;
    router-id 127.0.0.2;
    local-address 127.0.0.2;
    connect ${bgpPort};
    hold-time 9;
    family { ipv4 unicast; ipv6 unicast; }
    api { processes [ smoketrace ]; neighbor-changes; receive { parsed; update; open; notification; } }
}
`,
    );
    exabgp = new Proc('exabgp', ['--env', '/dev/null', join(dir, 'exabgp.conf')], {
      cwd: dir,
      env: {
        exabgp_api_ack: 'false',
        exabgp_daemon_daemonize: 'false',
        exabgp_daemon_drop: 'false',
        exabgp_daemon_user: 'root',
        exabgp_log_destination: 'stdout',
      },
    });
    await waitFor('gobgpd and ExaBGP established', async () => (await gobgp('neighbor')).includes('Establ'), 45_000).catch((e) => {
      throw new Error(`${e}\n--- gobgpd:\n${gobgpd.output}\n--- exabgp:\n${exabgp.output}`);
    });
  }, 90_000);

  afterAll(async () => {
    await exabgp?.kill();
    await gobgpd?.kill();
    daemon?.child.kill('SIGTERM');
    await daemon?.exited;
  });

  it('shows the BMP router and the ExaBGP feed with their peers up', async () => {
    const peers = await waitFor('both feeds on /api/peers', async () => {
      const p = await api<Peers>('/api/peers');
      const bmp = p.routers.find((r) => r.source === 'bmp');
      const exa = p.routers.find((r) => r.source === 'exabgp');
      return bmp?.peers.some((x) => x.state === 'up') && exa?.peers.some((x) => x.state === 'up') ? p : null;
    });
    const exa = peers.routers.find((r) => r.source === 'exabgp')!;
    expect(exa.router).toBe('exabgp-lo');
    expect(exa.peers[0]!.peer).toMatchObject({ address: '127.0.0.1', asn: 65101 });
    const bmp = peers.routers.find((r) => r.source === 'bmp')!;
    expect(bmp.router).toBe('127.0.0.1');
    expect(bmp.peers.map((p) => p.peer.address)).toContain('127.0.0.2');
  });

  it('records an announce and a withdraw from both feeds in the prefix history', async () => {
    await gobgp('global', 'rib', 'add', '203.0.113.0/24', '-a', 'ipv4');
    const announced = await waitFor('the announce from both feeds', async () => {
      const h = await api<{ peers: Array<{ router: string; current: { state: string; asPath: unknown[] } }> }>('/api/prefixes/203.0.113.0/24/history');
      const routers = new Set(h.peers.filter((p) => p.current.state === 'announced').map((p) => p.router));
      return routers.has('exabgp-lo') && routers.has('127.0.0.1') ? h : null;
    });
    // ExaBGP learned it over eBGP from AS 65101; gobgpd's Loc-RIB has it with an empty AS path (locally originated).
    expect(announced.peers.find((p) => p.router === 'exabgp-lo')!.current.asPath).toEqual([65101]);

    await gobgp('global', 'rib', 'del', '203.0.113.0/24', '-a', 'ipv4');
    await waitFor('the withdraw from both feeds', async () => {
      const h = await api<{ peers: Array<{ router: string; current: { state: string } }> }>('/api/prefixes/203.0.113.0%2F24/history');
      return h.peers.length >= 2 && h.peers.every((p) => p.current.state === 'withdrawn');
    });
  });

  it('also carries IPv6', async () => {
    await gobgp('global', 'rib', 'add', '2001:db8:100::/48', '-a', 'ipv6');
    await waitFor('the IPv6 announce via ExaBGP', async () => {
      const h = await api<{ peers: Array<{ router: string; current: { state: string } }> }>('/api/prefixes/2001:db8:100::%2F48/history');
      return h.peers.some((p) => p.router === 'exabgp-lo' && p.current.state === 'announced');
    });
  });
});
