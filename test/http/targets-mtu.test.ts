import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type RunningDaemon } from '../helpers/daemon.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { requireTool } from '../helpers/processes.js';

const TOKEN = 'test-token-0123456789abcdef';

interface MtuBody {
  target: string;
  enabled: boolean;
  latest: { pathMtu: number; tool: string; vantage: string } | null;
  changes: Array<{ mtu: number; since: string }>;
  measurements: Array<{ pathMtu: number | null; status: string }>;
}

/** probing.pmtu in a real daemon: tracepath on its schedule against loopback, stored in FerretDB, served by the API. */
describe('path MTU API', () => {
  let d: RunningDaemon;
  const get = (path: string) => fetch(`${d.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });

  beforeAll(async () => {
    requireTool('tracepath', 'iputils-tracepath');
    const dir = mkdtempSync(join(tmpdir(), 'st-mtu-'));
    writeFileSync(
      join(dir, 'c.yaml'),
      `http:\n  apiToken: ${TOKEN}\nbmp:\n  enabled: false\nprobing:\n  pmtu:\n    enabled: true\n    intervalSec: 10\n  addressPolicy:\n    allowPrivate: true\n  targets:\n    - name: loop\n      host: 127.0.0.1\n      tool: traceroute\n      intervalSec: 3600\n`,
    );
    d = runCli(['start', '--config', join(dir, 'c.yaml')], { MONGODB_URI: await uniqueDbUri('mtuapi') });
    await d.waitForLog((l) => l.msg === 'smoketrace started');
  }, 60_000);

  afterAll(async () => {
    d?.child.kill('SIGTERM');
    await d?.exited;
  });

  it('measures on the schedule and serves the latest value, the changes and the history', async () => {
    // The first run falls within the first interval (10 s, spread): poll at most 40 s.
    let body: MtuBody | null = null;
    for (let i = 0; i < 80; i++) {
      const r = await get('/api/targets/loop/mtu');
      expect(r.status).toBe(200);
      body = (await r.json()) as MtuBody;
      if (body.latest) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect(body?.latest).toMatchObject({ pathMtu: 65535, tool: 'tracepath', vantage: 'smoketrace' });
    expect(body?.enabled).toBe(true);
    expect(body?.changes).toEqual([{ mtu: 65535, since: expect.any(String), tool: 'tracepath', limit: null }]);
    expect(body?.measurements[0]).toMatchObject({ pathMtu: 65535, status: 'ok' });
  }, 60_000);

  it('the latest path carries the path MTU once a traceroute exists', async () => {
    const probe = await fetch(`${d.url}/api/targets/loop/probe`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(probe.status).toBe(200);
    const latest = (await (await get('/api/targets/loop/latest')).json()) as { tool: string; pathMtu: number; pathMtuMeasuredAt: string };
    expect(latest).toMatchObject({ tool: 'traceroute', pathMtu: 65535 });
    expect(Date.parse(latest.pathMtuMeasuredAt)).toBeGreaterThan(0);
  }, 60_000);

  it('404 for an unknown target, 400 for a bad range', async () => {
    expect((await get('/api/targets/nope/mtu')).status).toBe(404);
    expect((await get('/api/targets/loop/mtu?since=yesterday')).status).toBe(400);
  });
});
