import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as ioClient } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/daemon.js';
import { uniqueDbUri } from '../helpers/mongo.js';

const EXAMPLE = 'config/smoketrace.example.yaml';

describe('the smoketrace daemon as a process', () => {
  it('starts on real storage, answers /api/health 200, serves /metrics and Socket.IO, and exits 0 on SIGTERM', async () => {
    const d = runCli(['start', '--config', EXAMPLE], { MONGODB_URI: await uniqueDbUri('daemon') });
    try {
      await d.waitForLog((l) => l.msg === 'smoketrace started');
      const health = await fetch(`${d.url}/api/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { status: string; components: Record<string, { status: string }> };
      expect(body.status).toBe('healthy');
      expect(body.components.storage?.status).toBe('up');
      expect(body.components.http?.status).toBe('up');

      const metrics = await (await fetch(`${d.url}/metrics`)).text();
      expect(metrics).toContain('smoketrace_storage_queue_depth');
      expect(metrics).toContain('smoketrace_process_cpu_seconds_total');

      const socket = ioClient(d.url!, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((resolve, reject) => {
        socket.on('connect', () => resolve());
        socket.on('connect_error', reject);
      });
      socket.close();

      const started = Date.now();
      d.child.kill('SIGTERM');
      const exit = await d.exited;
      expect(exit.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(d.logs.some((l) => l.msg === 'smoketrace stopped')).toBe(true);
      expect(d.logs.every((l) => !l.nonJson)).toBe(true);
    } finally {
      d.child.kill('SIGKILL');
    }
  });

  it('exits 1 with a clear error naming the URI (password masked) when MongoDB is unreachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-cfg-'));
    writeFileSync(join(dir, 'fast.yaml'), 'storage:\n  connectTimeoutMs: 1500\n');
    const d = runCli(['start', '--config', join(dir, 'fast.yaml')], { MONGODB_URI: 'mongodb://ops:hunter2@127.0.0.1:1/smoketrace' });
    const exit = await d.exited;
    expect(exit.code).toBe(1);
    expect(d.stderr).toContain('cannot connect to MongoDB at mongodb://ops:****@127.0.0.1:1/smoketrace');
    expect(d.stderr).not.toContain('hunter2');
  });

  it('waits for MongoDB when configured to, reporting degraded (503), and still stops cleanly', async () => {
    const d = runCli(['start'], { MONGODB_URI: 'mongodb://127.0.0.1:1/smoketrace', SMOKETRACE_WAIT_FOR_DB: 'true' });
    try {
      await d.waitForLog((l) => l.msg === 'smoketrace started');
      const r = await fetch(`${d.url}/api/health`);
      expect(r.status).toBe(503);
      const body = (await r.json()) as { status: string; components: Record<string, { status: string; details: { state: string } }> };
      expect(body.status).toBe('degraded');
      expect(body.components.storage).toMatchObject({ status: 'degraded', details: { state: 'connecting' } });
      d.child.kill('SIGINT');
      expect((await d.exited).code).toBe(0);
    } finally {
      d.child.kill('SIGKILL');
    }
  });

  it('refuses a bad config, naming each wrong key, and never starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'instance:\n  name: two words\nhttp:\n  hots: 127.0.0.1\nstorage:\n  retention:\n    routeEventsDays: zero\n');
    const d = runCli(['start', '--config', file], {});
    expect((await d.exited).code).toBe(1);
    expect(d.stderr).toContain('instance.name');
    expect(d.stderr).toContain('http.hots: unknown key');
    expect(d.stderr).toContain('storage.retention.routeEventsDays');
    expect(d.logs.some((l) => l.msg === 'http listening')).toBe(false);
  });

  it('config check prints every problem and exits 1; a good file exits 0', async () => {
    const good = runCli(['config', 'check', EXAMPLE], {});
    expect((await good.exited).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'st-bad-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'http:\n  host: not-an-ip\n  port: 99999\nlog:\n  level: loud\n');
    const bad = runCli(['config', 'check', file], {});
    expect((await bad.exited).code).toBe(1);
    expect(bad.stderr).toMatch(/http\.host: must be an IP address/);
    expect(bad.stderr).toMatch(/log\.level/);
    expect(bad.stderr).toMatch(/http\.port: Too big/);
  });

  it('prints --version and --help', async () => {
    const v = runCli(['--version'], {});
    expect((await v.exited).code).toBe(0);
    expect(v.logs.map((l) => l.msg).join('')).toMatch(/^\d+\.\d+\.\d+/);
    const h = runCli(['--help'], {});
    expect((await h.exited).code).toBe(0);
    expect(h.logs.map((l) => l.msg).join('\n')).toContain('config');
  });
});
