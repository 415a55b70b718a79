import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type RunningDaemon } from '../helpers/daemon.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { requireTool } from '../helpers/processes.js';

const TOKEN = 'test-token-0123456789abcdef';

/** The targets API of a real daemon on real storage, probing loopback with the real traceroute. */
describe('targets API', () => {
  let d: RunningDaemon;
  const call = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    fetch(`${d.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    requireTool('traceroute', 'traceroute');
    const dir = mkdtempSync(join(tmpdir(), 'st-targets-'));
    writeFileSync(
      join(dir, 'c.yaml'),
      `http:\n  apiToken: ${TOKEN}\nbmp:\n  enabled: false\nprobing:\n  addressPolicy:\n    allowPrivate: true\n  targets:\n    - name: cfg-loop\n      host: 127.0.0.1\n      tool: traceroute\n      intervalSec: 3600\n`,
    );
    d = runCli(['start', '--config', join(dir, 'c.yaml')], { MONGODB_URI: await uniqueDbUri('targets') });
    await d.waitForLog((l) => l.msg === 'smoketrace started');
  }, 60_000);

  afterAll(async () => {
    d?.child.kill('SIGTERM');
    await d?.exited;
  });

  it('lists config targets', async () => {
    const r = await call('GET', '/api/targets');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { targets: Array<{ id: string; source: string }> }).targets).toEqual([expect.objectContaining({ id: 'cfg-loop', source: 'config' })]);
  });

  it('adds a target, probes it now with the real tool, and serves its observations and latest path', async () => {
    const add = await call('POST', '/api/targets', { name: 'loop6', host: '::1', tool: 'traceroute', method: 'icmp', intervalSec: 3600, labels: { env: 'test' } });
    expect(add.status).toBe(201);
    expect(await add.json()).toMatchObject({ id: 'loop6', source: 'api', method: 'icmp' });

    const probe = await call('POST', '/api/targets/loop6/probe');
    expect(probe.status).toBe(200);
    const { observation } = (await probe.json()) as { observation: { status: string; reached: boolean; targetId: string; vantage: string; hops: Array<{ probes: Array<{ ip: string }> }>; labels: Record<string, string> } };
    expect(observation).toMatchObject({ status: 'ok', reached: true, targetId: 'loop6', vantage: 'smoketrace', labels: { env: 'test' } });
    expect(observation.hops.at(-1)!.probes[0]!.ip).toBe('::1');

    const list = await (await call('GET', '/api/targets/loop6/observations')).json() as { observations: unknown[] };
    expect(list.observations.length).toBeGreaterThanOrEqual(1);
    const latest = await call('GET', '/api/targets/loop6/latest');
    expect(latest.status).toBe(200);
    expect(((await latest.json()) as { targetId: string }).targetId).toBe('loop6');
  });

  it('refuses bad targets with 400 and every problem, and unknown or config ones with 404/409', async () => {
    for (const host of ['; rm -rf /', '-oProxyCommand=x', '$(reboot)', 'a'.repeat(300), '300.1.1.1']) {
      const r = await call('POST', '/api/targets', { name: 'bad', host, tool: 'traceroute' });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { problems: Array<{ path: string }> }).problems.map((p) => p.path)).toContain('host');
    }
    const many = await call('POST', '/api/targets', { name: 'has space', host: 'x..y', tool: 'nmap', intervalSec: 1 });
    expect(((await many.json()) as { problems: Array<{ path: string }> }).problems.map((p) => p.path).sort()).toEqual(['host', 'intervalSec', 'name', 'tool']);
    expect((await call('PUT', '/api/targets/cfg-loop', { name: 'cfg-loop', host: '127.0.0.2', tool: 'traceroute' })).status).toBe(409);
    expect((await call('DELETE', '/api/targets/cfg-loop')).status).toBe(409);
    expect((await call('DELETE', '/api/targets/nope')).status).toBe(404);
    expect((await call('POST', '/api/targets/nope/probe')).status).toBe(404);
    expect((await call('POST', '/api/targets', { name: 'loop6', host: '::1', tool: 'traceroute' })).status).toBe(409);
  });

  it('needs the token for changes', async () => {
    expect((await call('POST', '/api/targets', { name: 'x', host: '127.0.0.1', tool: 'traceroute' }, null)).status).toBe(401);
    expect((await call('POST', '/api/targets', { name: 'x', host: '127.0.0.1', tool: 'traceroute' }, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await call('GET', '/api/targets', undefined, null)).status).toBe(200);
  });

  it('changes and removes an API target', async () => {
    const put = await call('PUT', '/api/targets/loop6', { name: 'loop6', host: '::1', tool: 'traceroute', intervalSec: 600 });
    expect(put.status).toBe(200);
    expect(((await put.json()) as { intervalSec: number }).intervalSec).toBe(600);
    expect((await call('DELETE', '/api/targets/loop6')).status).toBe(204);
    expect((await call('GET', '/api/targets/loop6')).status).toBe(404);
  });
});
