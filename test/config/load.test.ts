import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { schemaKeyPaths } from '../../src/config/keys.js';

const EXAMPLE = new URL('../../config/smoketrace.example.yaml', import.meta.url).pathname;

function problems(raw: unknown, env: Record<string, string> = {}) {
  try {
    parseConfig(raw, 'test', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('loads the example file through the schema', () => {
    const cfg = loadConfig(EXAMPLE, {});
    expect(cfg.http.port).toBe(8080);
    expect(cfg.storage.retention.routeEventsDays).toBe(30);
  });

  it('the example documents every key of the schema', () => {
    const example = parseDocument(readFileSync(EXAMPLE, 'utf8')).toJS() as Record<string, unknown>;
    const get = (path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], example);
    const missing = schemaKeyPaths(configSchema).filter((p) => get(p) === undefined);
    expect(missing).toEqual([]);
  });

  it('the example states the defaults: it parses to the same as no file at all', () => {
    expect(loadConfig(EXAMPLE, {})).toEqual(loadConfig(undefined, {}));
  });

  it('runs with no file at all', () => {
    const cfg = loadConfig(undefined, {});
    expect(cfg.http.host).toBe('127.0.0.1');
    expect(cfg.storage.uri).toBeNull();
    expect(cfg.storage.dataDir).toBe('./data');
    expect(Object.isFrozen(cfg.storage.retention)).toBe(true);
  });

  it.each([
    ['wrong type', { http: { port: 'eighty' } }, 'http.port'],
    ['unknown key', { http: { prot: 8080 } }, 'http.prot'],
    ['unknown top-level key', { htp: {} }, 'htp'],
    ['bad address', { http: { host: '300.1.2.3' } }, 'http.host'],
    ['out-of-range number', { http: { port: 70000 } }, 'http.port'],
    ['negative retention', { storage: { retention: { routeEventsDays: -1 } } }, 'storage.retention.routeEventsDays'],
    ['bad enum', { log: { level: 'loud' } }, 'log.level'],
    ['bad URI', { storage: { uri: 'postgres://x' } }, 'storage.uri'],
    ['bad vantage name', { instance: { name: 'has space' } }, 'instance.name'],
  ])('reports a %s with its key path', (_kind, raw, path) => {
    const p = problems(raw);
    expect(p.map((x) => x.path)).toEqual([path]);
    expect(p[0]!.message.length).toBeGreaterThan(3);
  });

  it('reports every problem at once', () => {
    const p = problems({ http: { port: -1, host: 'nope', extra: 1 }, storage: { writeQueue: { batchSize: 0 } } });
    expect(p.map((x) => x.path).sort()).toEqual(['http.extra', 'http.host', 'http.port', 'storage.writeQueue.batchSize']);
  });

  it('applies environment overrides over the file', () => {
    const cfg = parseConfig({ http: { port: 9000 } }, 'test', {
      MONGODB_URI: 'mongodb://db.example:27017/x',
      SMOKETRACE_HTTP_HOST: '::1',
      SMOKETRACE_HTTP_PORT: '0',
      SMOKETRACE_DATA_DIR: '/var/lib/smoketrace',
    });
    expect(cfg.storage.uri).toBe('mongodb://db.example:27017/x');
    expect(cfg.http).toMatchObject({ host: '::1', port: 0 });
    expect(cfg.storage.dataDir).toBe('/var/lib/smoketrace');
  });

  it('names the environment variable behind a bad value', () => {
    const p = problems({}, { SMOKETRACE_HTTP_PORT: 'abc' });
    expect(p).toEqual([expect.objectContaining({ path: 'http.port', env: 'SMOKETRACE_HTTP_PORT' })]);
  });

  it('reports YAML syntax errors and unreadable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-cfg-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'http:\n  port: 8080\n   host: x\n');
    expect(() => loadConfig(bad, {})).toThrow(/YAML syntax/);
    expect(() => loadConfig(join(dir, 'missing.yaml'), {})).toThrow(/cannot read the file/);
  });

  it('rejects a document that is not a mapping', () => {
    expect(problems(['a', 'b'])).toEqual([{ path: '', message: 'the configuration must be a mapping of keys' }]);
  });
});

describe('probing targets in the configuration', () => {
  const target = { name: 'shop', host: '198.51.100.7', tool: 'mtr' };
  it('accepts targets and fills in their defaults', () => {
    const cfg = parseConfig({ probing: { targets: [target] } }, 'test', {});
    expect(cfg.probing.targets[0]).toMatchObject({ id: 'shop', method: 'icmp', intervalSec: 60, enabled: true });
  });

  it('refuses injection attempts, duplicates and addresses the policy forbids, each with its key path', () => {
    const p = problems({
      probing: {
        addressPolicy: { allowPrivate: false, deny: ['198.51.100.0/24'] },
        targets: [
          { name: 'a', host: '; rm -rf /', tool: 'traceroute' },
          { name: 'b', host: '-oProxyCommand=x', tool: 'traceroute' },
          { name: 'c', host: '10.0.0.1', tool: 'traceroute' },
          { name: 'd', host: '198.51.100.9', tool: 'traceroute' },
          { name: 'e', host: '192.0.2.1', tool: 'traceroute' },
          { name: 'e', host: '192.0.2.2', tool: 'traceroute' },
        ],
      },
    });
    expect(p.map((x) => x.path)).toEqual([
      'probing.targets.0.host',
      'probing.targets.1.host',
      'probing.targets.2.host',
      'probing.targets.3.host',
      'probing.targets.5.id',
    ]);
  });
});
