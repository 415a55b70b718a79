import { describe, expect, it } from 'vitest';
import { parseScamperPmtud } from '../../../src/probe/parsers/scamper-pmtud.js';
import { parseTracepath } from '../../../src/probe/parsers/tracepath.js';
import { pmtuArgs, runPmtu, toMeasurement } from '../../../src/probe/pmtu/measure.js';
import { fixture } from '../fixture.js';

const tp = (file: string, address: string) => parseTracepath(fixture(`pmtu/${file}`), { target: { address, name: 'tgt' }, vantage: 'v1', startedAt: '2026-01-01T14:02:00.000Z' });

describe('toMeasurement', () => {
  it.each([
    { name: 'tracepath 1500', obs: () => tp('tracepath-1500.txt', '10.98.2.2'), tool: 'tracepath' as const, pathMtu: 1500, limit: null },
    { name: 'tracepath drop found', obs: () => tp('tracepath-1400-found.txt', '10.98.2.2'), tool: 'tracepath' as const, pathMtu: 1400, limit: { ttl: 1, ip: '10.98.1.1', mtu: 1400 } },
    { name: 'tracepath6 drop found', obs: () => tp('tracepath6-1400-found.txt', '2001:db8:98:2::2'), tool: 'tracepath' as const, pathMtu: 1400, limit: { ttl: 1, ip: '2001:db8:98:1::1', mtu: 1400 } },
    { name: 'tracepath cached (no router said it)', obs: () => tp('tracepath-1400-cached.txt', '10.98.2.2'), tool: 'tracepath' as const, pathMtu: 1400, limit: null },
    { name: 'tracepath unreached', obs: () => tp('tracepath-unreached.txt', '10.98.2.99'), tool: 'tracepath' as const, pathMtu: null, limit: null },
    { name: 'scamper 1400', obs: () => parseScamperPmtud(fixture('pmtu/scamper-pmtud-1400.txt')), tool: 'scamper' as const, pathMtu: 1400, limit: { ttl: 1, ip: '10.98.1.1', mtu: 1400 } },
    { name: 'scamper 1500', obs: () => parseScamperPmtud(fixture('pmtu/scamper-pmtud-1500.txt')), tool: 'scamper' as const, pathMtu: 1500, limit: null },
    { name: 'scamper inferred from silence', obs: () => parseScamperPmtud(fixture('pmtu/scamper-pmtud-inferred.txt')), tool: 'scamper' as const, pathMtu: null, limit: null, code: 'MTU_INFERRED' },
    { name: 'scamper unreached', obs: () => parseScamperPmtud(fixture('pmtu/scamper-pmtud-unreached.txt')), tool: 'scamper' as const, pathMtu: null, limit: null },
  ] as Array<{ name: string; obs: () => ReturnType<typeof tp>; tool: 'tracepath' | 'scamper'; pathMtu: number | null; limit: unknown; code?: string }>)('$name', ({ obs, tool, pathMtu, limit, code }) => {
    const m = toMeasurement(obs(), tool, 'shop');
    expect(m).toMatchObject({ targetId: 'shop', tool, pathMtu, limit, status: 'ok' });
    if (pathMtu === null) expect(m.error?.code).toBe(code ?? 'NOT_REACHED');
    else expect(m.error).toBeUndefined();
  });

  it('carries the limiting hop\'s origin AS when the hop is annotated', () => {
    const obs = tp('tracepath-1400-found.txt', '10.98.2.2');
    obs.hops[0]!.asn = 65001;
    expect(toMeasurement(obs, 'tracepath', 'shop').limit).toEqual({ ttl: 1, ip: '10.98.1.1', mtu: 1400, asn: 65001 });
  });

  it('a failed run keeps its error and has no MTU', () => {
    const obs = { ...tp('tracepath-1500.txt', '10.98.2.2'), status: 'failed' as const, error: { code: 'TIMEOUT', message: 'killed' } };
    expect(toMeasurement(obs, 'tracepath', 'shop')).toMatchObject({ pathMtu: null, limit: null, status: 'failed', error: { code: 'TIMEOUT' } });
  });
});

describe('pmtuArgs', () => {
  const base = { address: '192.0.2.9', ipVersion: 4 as const, maxHops: 20, waitSec: 1.5 };
  it('tracepath and scamper argv', () => {
    expect(pmtuArgs({ ...base, tool: 'tracepath' })).toEqual(['-4', '-n', '-m', '20', '192.0.2.9']);
    expect(pmtuArgs({ ...base, tool: 'scamper' })).toEqual(['-O', 'text', '-c', 'trace -M -P udp-paris -q 1 -w 2 -m 20', '-i', '192.0.2.9']);
  });
  it('refuses a non-literal target before running anything', async () => {
    const obs = await runPmtu({ ...base, tool: 'tracepath', address: '-oProxyCommand=x' }, { timeoutMs: 1000, execaImpl: () => { throw new Error('must not run'); } });
    expect(obs).toMatchObject({ status: 'failed', error: { code: 'BAD_REQUEST' } });
  });
});

describe('runPmtu with the real tools on loopback', () => {
  it.each(['tracepath', 'scamper'] as const)('%s 127.0.0.1', async (tool) => {
    const obs = await runPmtu({ tool, address: '127.0.0.1', ipVersion: 4, maxHops: 3, waitSec: 1 }, { timeoutMs: 20_000, vantage: 't' });
    expect(obs.status, JSON.stringify(obs.error)).toBe('ok');
    const m = toMeasurement(obs, tool, 'lo');
    expect(m.reached).toBe(true);
    if (tool === 'tracepath') expect(m.pathMtu).toBe(65535); // loopback's 65536 capped by the IPv4 length field
    // scamper 20211212 does no PMTUD towards a loopback address: reached, no MTU, said so.
    else expect(m).toMatchObject({ pathMtu: null, error: { code: 'NO_MTU' } });
  });
  it('a missing binary: TOOL_MISSING naming the package', async () => {
    const obs = await runPmtu({ tool: 'tracepath', address: '127.0.0.1', ipVersion: 4, maxHops: 3, waitSec: 1 }, { timeoutMs: 5000, binary: '/nonexistent/tracepath' });
    expect(obs.error?.code).toBe('TOOL_MISSING');
    expect(obs.error?.message).toContain('iputils-tracepath');
  });
});
