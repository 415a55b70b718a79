/**
 * Adapters run for real against loopback only (127.0.0.1 / ::1) with the
 * tools installed on this machine; failure modes use tiny shell scripts as
 * the binary (missing, hanging, garbage, failing) and an injected execa.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeRequest } from '../../../src/probe/tools/request.js';
import { runProbe, type ExecaLike } from '../../../src/probe/tools/run.js';
import { runScamperBatch } from '../../../src/probe/tools/scamper-batch.js';

function installed(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v "$1"', 'sh', bin], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const v4: ProbeRequest = { tool: 'traceroute', address: '127.0.0.1', method: 'udp', probesPerHop: 2, maxHops: 3, waitSec: 1, ipVersion: 4 };
const v6: ProbeRequest = { ...v4, address: '::1', ipVersion: 6 };
const RUN = { timeoutMs: 20_000 };

const REAL: { name: string; req: ProbeRequest; bin: string }[] = [
  { name: 'traceroute udp v4', req: v4, bin: 'traceroute' },
  { name: 'traceroute icmp v4', req: { ...v4, method: 'icmp' }, bin: 'traceroute' },
  { name: 'traceroute tcp v4', req: { ...v4, method: 'tcp', port: 9 }, bin: 'traceroute' },
  { name: 'traceroute udp v6', req: v6, bin: 'traceroute' },
  { name: 'mtr json v4', req: { ...v4, tool: 'mtr', method: 'icmp' }, bin: 'mtr' },
  { name: 'mtr raw v4', req: { ...v4, tool: 'mtr', method: 'icmp', mtrFormat: 'raw' }, bin: 'mtr' },
  { name: 'mtr json udp v6', req: { ...v6, tool: 'mtr', method: 'udp' }, bin: 'mtr' },
  { name: 'tcptraceroute v4', req: { ...v4, tool: 'tcptraceroute', method: 'tcp' }, bin: 'tcptraceroute' },
  { name: 'scamper icmp-paris v4', req: { ...v4, tool: 'scamper', method: 'icmp-paris' }, bin: 'scamper' },
  { name: 'scamper icmp-paris v6', req: { ...v6, tool: 'scamper', method: 'icmp-paris' }, bin: 'scamper' },
  { name: 'scamper udp-paris v4', req: { ...v4, tool: 'scamper', method: 'udp-paris' }, bin: 'scamper' },
  // Reached on IPv4 loopback only thanks to -O rawtcp (see SCAMPER_GLOBAL_OPTIONS in args.ts).
  { name: 'scamper tcp v4 (RST from a closed port)', req: { ...v4, tool: 'scamper', method: 'tcp', port: 9 }, bin: 'scamper' },
  { name: 'scamper tcp v6 (RST from a closed port)', req: { ...v6, tool: 'scamper', method: 'tcp', port: 9 }, bin: 'scamper' },
  { name: 'tracepath v4', req: { ...v4, tool: 'tracepath' }, bin: 'tracepath' },
  { name: 'tracepath v6', req: { ...v6, tool: 'tracepath' }, bin: 'tracepath' },
];

describe('runProbe against loopback with the installed tools', () => {
  it.each(REAL)('$name', async ({ req, bin }) => {
    if (!installed(bin)) {
      const obs = await runProbe(req, RUN);
      expect(obs.error?.code).toBe('TOOL_MISSING');
      return;
    }
    const obs = await runProbe({ ...req, targetName: 'lo' }, { ...RUN, vantage: 'test' });
    expect(obs.error).toBeUndefined();
    expect(obs.status).toBe('ok');
    expect(obs.reached).toBe(true);
    expect(obs.signature).toBe(req.address);
    expect(obs.hops[0]?.ttl).toBe(1);
    expect(obs.target).toEqual({ name: 'lo', address: req.address });
    expect(obs).toMatchObject({ tool: req.tool, method: req.method, vantage: 'test' });
    expect(obs.durationMs).toBeGreaterThanOrEqual(0);
    if (req.tool === 'tracepath') expect(obs.pathMtu).toBeGreaterThan(1000);
  });

  it('scamper udp-paris on ::1 gets no reply: ok, not reached', async () => {
    if (!installed('scamper')) return;
    const obs = await runProbe({ ...v6, tool: 'scamper', method: 'udp-paris', maxHops: 2 }, RUN);
    expect(obs).toMatchObject({ status: 'ok', reached: false, signature: '*|*' });
  });

  it('runScamperBatch: one observation per target, in request order', async () => {
    if (!installed('scamper')) return;
    const reqs: ProbeRequest[] = [
      { ...v6, tool: 'scamper', method: 'icmp-paris' },
      { ...v4, tool: 'scamper', method: 'icmp-paris' },
      { ...v4, tool: 'scamper', method: 'icmp-paris', address: 'not-an-ip' },
    ];
    const obs = await runScamperBatch(reqs, 20, RUN);
    expect(obs.map((o) => [o.target.address, o.status, o.reached])).toEqual([
      ['::1', 'ok', true],
      ['127.0.0.1', 'ok', true],
      ['not-an-ip', 'failed', false],
    ]);
    expect(obs[2]?.error?.code).toBe('BAD_REQUEST');
  });
});

describe('runProbe failure modes never throw', () => {
  let dir = '';
  const script = (name: string, body: string): string => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`);
    chmodSync(p, 0o755);
    return p;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'smoketrace-probe-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('missing binary -> TOOL_MISSING naming the Debian package', async () => {
    for (const [tool, pkg] of [['traceroute', 'traceroute'], ['mtr', 'mtr-tiny'], ['tcptraceroute', 'tcptraceroute'], ['scamper', 'scamper'], ['tracepath', 'iputils-tracepath']] as const) {
      const method = tool === 'scamper' ? 'icmp-paris' : tool === 'mtr' ? 'icmp' : tool === 'tcptraceroute' ? 'tcp' : 'udp';
      const obs = await runProbe({ ...v4, tool, method }, { ...RUN, binary: join(dir, 'no-such-tool') });
      expect(obs).toMatchObject({ status: 'failed', reached: false, hops: [], loss: 1, rtt: null });
      expect(obs.error?.code).toBe('TOOL_MISSING');
      expect(obs.error?.message).toContain(`install the Debian package ${pkg}`);
    }
  });

  // `exec sleep`: the script itself hangs. (A grandchild that keeps the stdout
  // pipe open after the SIGKILL would hold execa until it exits: known limit.)
  it('hanging command -> TIMEOUT (killed)', async () => {
    const obs = await runProbe(v4, { timeoutMs: 300, binary: script('hang.sh', 'exec sleep 30') });
    expect(obs.error?.code).toBe('TIMEOUT');
  });

  it('abort signal -> CANCELLED', async () => {
    const ac = new AbortController();
    const p = runProbe(v4, { timeoutMs: 20_000, signal: ac.signal, binary: script('hang2.sh', 'exec sleep 30') });
    setTimeout(() => ac.abort(), 100);
    expect((await p).error?.code).toBe('CANCELLED');
  });

  it('garbage output -> PARSE_ERROR with the parser code', async () => {
    const obs = await runProbe(v4, { ...RUN, binary: script('garbage.sh', 'echo "hello, I am not traceroute"') });
    expect(obs.status).toBe('failed');
    expect(obs.error?.code).toBe('PARSE_ERROR');
    expect(obs.error?.message).toContain('UNEXPECTED_LINE');
  });

  it('non-zero exit -> TOOL_FAILED with exit code and stderr excerpt', async () => {
    const obs = await runProbe({ ...v4, tool: 'mtr', method: 'icmp' }, { ...RUN, binary: script('fail.sh', 'echo "mtr: Failure to open raw sockets" >&2; exit 1') });
    expect(obs.error?.code).toBe('TOOL_FAILED');
    expect(obs.error?.message).toContain('exit code 1');
    expect(obs.error?.message).toContain('Failure to open raw sockets');
  });

  it('crash (killed by a signal) -> TOOL_FAILED naming the signal', async () => {
    const obs = await runProbe(v4, { ...RUN, binary: script('crash.sh', 'kill -SEGV $$') });
    expect(obs.error).toEqual({ code: 'TOOL_FAILED', message: 'traceroute failed: killed by SIGSEGV' });
  });

  it('the script receives the argv array verbatim (no shell), target last', async () => {
    const echo = script('args.sh', 'for a in "$@"; do printf "%s\\n" "$a" >&2; done; exit 2');
    const obs = await runProbe({ ...v4, tool: 'scamper', method: 'udp-paris' }, { ...RUN, binary: echo });
    expect(obs.error?.message).toContain('-c\ntrace -P udp-paris -q 2 -w 1 -m 3\n-i\n127.0.0.1');
  });

  it('refused target: nothing is executed, BAD_REQUEST', async () => {
    let calls = 0;
    const spy: ExecaLike = async () => {
      calls++;
      return { exitCode: 0, stdout: '' };
    };
    for (const address of ['; rm -rf /', '-oProxyCommand=x', '$(reboot)', 'example.com']) {
      const obs = await runProbe({ ...v4, address }, { ...RUN, execaImpl: spy });
      expect(obs.error?.code).toBe('BAD_REQUEST');
    }
    expect(calls).toBe(0);
  });

  it('execaImpl receives file, args and safe options', async () => {
    const seen: { file: string; args: readonly string[]; options: Record<string, unknown> }[] = [];
    const fake: ExecaLike = async (file, args, options) => {
      seen.push({ file, args, options });
      return { exitCode: 0, stdout: 'traceroute to 127.0.0.1 (127.0.0.1), 3 hops max, 60 byte packets\n 1  127.0.0.1  0.05 ms  0.04 ms\n' };
    };
    const ac = new AbortController();
    const obs = await runProbe(v4, { timeoutMs: 1234, signal: ac.signal, execaImpl: fake, now: () => new Date('2025-05-05T00:00:00Z') });
    expect(obs).toMatchObject({ status: 'ok', reached: true, startedAt: '2025-05-05T00:00:00.000Z', durationMs: 0 });
    expect(seen[0]?.file).toBe('traceroute');
    expect(seen[0]?.args.at(-1)).toBe('127.0.0.1');
    expect(seen[0]?.options).toMatchObject({ reject: false, timeout: 1234, killSignal: 'SIGKILL', cancelSignal: ac.signal });
    expect(seen[0]?.options.shell).toBeUndefined();
  });
});
