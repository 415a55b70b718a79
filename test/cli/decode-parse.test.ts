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

  it('reports garbage as error events and exits 0 with a count on stderr', async () => {
    const { code, lines, stderr } = await stdoutOf(['decode', 'bmp', '/etc/hostname']);
    expect(code).toBe(0);
    expect(lines).toEqual([expect.objectContaining({ type: 'error', code: expect.stringMatching(/^BMP_/), offset: 0 })]);
    expect(stderr).toMatch(/1 decode error/);
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
