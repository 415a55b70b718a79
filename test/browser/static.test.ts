import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Hapi from '@hapi/hapi';
import { describe, expect, it } from 'vitest';
import { packageRoot, registerStatic } from '../../src/http/static.js';

describe('the static web UI route', () => {
  it('answers / with a "run npm run build" page (503) when web/dist is missing', async () => {
    const server = Hapi.server();
    registerStatic(server, { dir: join(mkdtempSync(join(tmpdir(), 'st-nodist-')), 'dist') });
    const r = await server.inject('/');
    expect(r.statusCode).toBe(503);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.payload).toContain('npm run build');
  });

  it('serves index.html at / and hashed assets with a long cache, nothing outside dist', async () => {
    const dist = mkdtempSync(join(tmpdir(), 'st-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>SmokeTrace</title>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    const server = Hapi.server();
    registerStatic(server, { dir: dist });
    const index = await server.inject('/');
    expect(index.statusCode).toBe(200);
    expect(index.payload).toContain('<title>SmokeTrace</title>');
    const js = await server.inject('/assets/index-abc123.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('max-age=31536000');
    expect((await server.inject('/assets/%2e%2e/%2e%2e/package.json')).statusCode).toBe(404);
  });

  it('finds the package root from src/http', () => {
    const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
    expect(packageRoot()).toBe(root);
    // The built daemon runs from dist/src/http: the same root, so web/dist is found there too.
    expect(packageRoot(join(root, 'dist', 'src', 'http'))).toBe(root);
  });
});
