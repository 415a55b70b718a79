import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cliOutput as rawOut, runCli } from '../helpers/daemon.js';

const F = new URL('../fixtures/', import.meta.url).pathname;

async function stdoutOf(args: string[]) {
  const d = runCli(args, {});
  const exit = await d.exited;
  return { code: exit.code, lines: d.logs, stderr: d.stderr };
}

describe('smoketrace decode', () => {
  it('prints one NDJSON event per line for a real gobgpd BMP capture, Loc-RIB routes without a Peer Up included', async () => {
    const { code, lines } = await stdoutOf(['decode', 'bmp', `${F}bmp/lab/bmp-gobgp.bin`, '--router', 'gobgpd']);
    expect(code).toBe(0);
    expect(lines.every((l) => !l.nonJson)).toBe(true);
    const types = lines.map((l) => l.type);
    expect(types[0]).toBe('initiation');
    expect(types).toContain('peer_up');
    expect(types).toContain('announce');
    const locRib = lines.filter((l) => l.type === 'announce' && (l.peer as { type: string }).type === 'loc-rib');
    expect(locRib.length).toBeGreaterThan(0);
    expect(lines.every((l) => l.router === 'gobgpd' && l.source === 'bmp')).toBe(true);
  });

  it('decodes ExaBGP JSON lines from a real lab session into the same event shape', async () => {
    const { code, lines } = await stdoutOf(['decode', 'exabgp', `${F}exabgp/lab/exabgp-session.jsonl`]);
    expect(code).toBe(0);
    const a = lines.find((l) => l.type === 'announce')!;
    expect(a).toMatchObject({ source: 'exabgp', afi: expect.any(String), prefix: expect.any(String), asPath: expect.any(Array) });
    expect(lines.some((l) => l.type === 'peer_up')).toBe(true);
  });

  it('reads BMP out of a packet capture (pcap, or gzipped pcapng), each stream named by its router, with a summary on stderr', async () => {
    const { code, lines, stderr } = await stdoutOf(['decode', 'bmp', `${F}bmp/pcap/evpn.pcap`]);
    expect(code).toBe(0);
    expect(new Set(lines.map((l) => l.router))).toEqual(new Set(['198.51.100.44', '198.51.100.154']));
    expect(lines.filter((l) => l.type === 'error')).toEqual([]);
    expect(stderr).toMatch(/capture: 31 packets, 2 TCP streams with data/);
    expect(stderr).toMatch(/198\.51\.100\.154:16436 -> 192\.0\.2\.1:1790: 25606 bytes, BMP$/m);
    const ng = await stdoutOf(['decode', 'bmp', `${F}bmp/pcap/lab-bmp-bgp.pcapng.gz`, '--port', '11020']);
    expect(ng.code).toBe(0);
    expect(ng.lines).toHaveLength(189);
    expect(ng.stderr).toMatch(/10\.99\.1\.1:45280 -> 10\.99\.1\.2:11019: 56502 bytes, skipped \(not to port 11020\)/);
  });

  it('reports garbage as error events and exits 0 with a count on stderr', async () => {
    const { code, lines, stderr } = await stdoutOf(['decode', 'bmp', '/etc/hostname']);
    expect(code).toBe(0);
    expect(lines).toEqual([expect.objectContaining({ type: 'error', code: expect.stringMatching(/^BMP_/), offset: 0 })]);
    expect(stderr).toMatch(/1 decode error/);
  });
});

describe('smoketrace replay bmp from a capture', () => {
  /** A TCP listener that keeps what it receives; `received` resolves when the sender closes. */
  async function sink() {
    let resolveDone: (b: Buffer) => void = () => {};
    const received = new Promise<Buffer>((r) => (resolveDone = r));
    const server = createServer((sock) => {
      const parts: Buffer[] = [];
      sock.on('data', (b) => parts.push(b));
      sock.on('end', () => resolveDone(Buffer.concat(parts)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { port: (server.address() as AddressInfo).port, received, close: () => server.close() };
  }

  it('sends the BMP stream of the router chosen with --from, byte for byte; without --from it names the choices', async () => {
    const s = await sink();
    try {
      const d = runCli(['replay', 'bmp', `${F}bmp/pcap/lab-bmp-bgp.pcapng.gz`, '--to', `127.0.0.1:${s.port}`, '--from', '10.99.1.1:45280'], {});
      expect((await d.exited).code).toBe(0);
      expect((await s.received).equals(readFileSync(`${F}bmp/lab/bmp-frr.bin`))).toBe(true);
      expect(d.stderr).toMatch(/replayed 506 BMP messages \(56502 bytes\)/);
    } finally {
      s.close();
    }
    const both = runCli(['replay', 'bmp', `${F}bmp/pcap/lab-bmp-bgp.pcapng.gz`, '--to', '127.0.0.1:9'], {});
    expect((await both.exited).code).not.toBe(0);
    expect(both.stderr).toMatch(/the capture holds 2 BMP streams: choose one with --from ADDRESS:PORT/);
    expect(both.stderr).toMatch(/127\.0\.0\.1:49134 -> 127\.0\.0\.1:11020: 19026 bytes, BMP/);
  });
});

describe('smoketrace parse', () => {
  it('prints the PathObservation of a saved traceroute, hops as in the lab', async () => {
    const d = runCli(['parse', 'traceroute', `${F}probe/lab/traceroute-udp-long.txt`], {});
    let out = '';
    d.child.stdout!.removeAllListeners('data');
    d.child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    expect((await d.exited).code).toBe(0);
    const obs = JSON.parse(out) as { tool: string; reached: boolean; hops: Array<{ ttl: number; probes: Array<{ ip: string }> }> };
    expect(obs.tool).toBe('traceroute');
    expect(obs.reached).toBe(true);
    expect(obs.hops.map((h) => h.probes[0]!.ip)).toEqual(['10.99.1.1', '10.99.13.3', '10.99.34.4', '10.99.24.2', '10.99.100.10']);
  });

  it('parses scamper trace -M text output (path MTU per hop)', async () => {
    const { code, stdout } = await rawOut(['parse', 'scamper-pmtud', `${F}probe/pmtu/scamper-pmtud-1400.txt`]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ tool: 'scamper', reached: true, pathMtu: 1400 });
  });

  it('fails with a clear message on garbage', async () => {
    const { code, stderr } = await stdoutOf(['parse', 'mtr-json', '/etc/hostname']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/smoketrace parse: .*mtr JSON/);
  });
});

describe('smoketrace probe', () => {
  it('runs a real traceroute to loopback and prints the observation', async () => {
    const d = runCli(['probe', '127.0.0.1', '--tool', 'traceroute', '--method', 'icmp', '--timeout', '15'], {});
    let out = '';
    d.child.stdout!.removeAllListeners('data');
    d.child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    expect((await d.exited).code).toBe(0);
    const obs = JSON.parse(out) as { status: string; reached: boolean; tool: string; hops: Array<{ probes: Array<{ ip: string }> }> };
    expect(obs).toMatchObject({ status: 'ok', reached: true, tool: 'traceroute' });
    expect(obs.hops[0]!.probes[0]!.ip).toBe('127.0.0.1');
  });

  it('--tool tracepath prints the path MTU (loopback: 65535, the IPv4 length limit under lo\'s 65536)', async () => {
    const { code, stdout } = await rawOut(['probe', '127.0.0.1', '--tool', 'tracepath', '--timeout', '15']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'ok', reached: true, tool: 'tracepath', pathMtu: 65535 });
  });

  it('--tool tracepath refuses another method', async () => {
    const { code, stderr } = await rawOut(['probe', '127.0.0.1', '--tool', 'tracepath', '--method', 'icmp']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/tracepath sends UDP only/);
  });

  it('refuses a target that is not an address or a hostname, before anything runs', async () => {
    const d = runCli(['probe', '$(reboot)'], {});
    expect((await d.exited).code).toBe(1);
    expect(d.stderr).toMatch(/invalid probe: host/);
  });
});
