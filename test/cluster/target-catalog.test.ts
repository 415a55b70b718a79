import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { mergeCatalog } from '../../src/cluster/target-catalog.js';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { targetSchema, type Target } from '../../src/probe/target.js';
import { uniqueDbUri } from '../helpers/mongo.js';

const TOKEN = 'catalog-test-token-0123456789';
const target = (id: string, host = '127.0.0.1'): Target => targetSchema.parse({ id, name: id, host, tool: 'traceroute', intervalSec: 86_400 });

/**
 * Two probing vantages and one UI-only daemon on one MongoDB-wire store: the UI lists
 * (and opens) every vantage's targets, and says where to change the ones it does not probe.
 */
describe('target catalog across vantages', () => {
  const apps: Record<'fra' | 'nyc' | 'central', App> = {} as never;
  const app = (name: string, uri: string, roles: string[], targets: Target[]): App =>
    new App({
      clock: systemClock,
      config: parseConfig(
        {
          instance: { name },
          storage: { uri, writeQueue: { flushIntervalMs: 50 } },
          http: { port: 0, apiToken: TOKEN },
          bmp: { enabled: false },
          log: { level: 'silent' },
          probing: { addressPolicy: { allowPrivate: true }, targets: targets.map((t) => ({ id: t.id, name: t.name, host: t.host, tool: t.tool, intervalSec: t.intervalSec })) },
          correlation: { burst: { enabled: false } },
          cluster: { roles },
        },
        'test',
        {},
      ),
    });
  const api = async (a: App, path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${a.http.url()}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers } });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const listed = async (a: App) => ((await api(a, '/api/targets')).body.targets as Array<{ id: string; vantages: string[] }>).map((t) => [t.id, t.vantages]);

  beforeAll(async () => {
    const uri = await uniqueDbUri('catalog');
    // Started in this order: each start publishes, then reads what the earlier ones published.
    apps.fra = app('fra', uri, ['prober'], [target('shop'), target('fra-only')]);
    apps.nyc = app('nyc', uri, ['prober', 'ui'], [target('shop'), target('nyc-only')]);
    apps.central = app('central', uri, ['ui'], []);
    for (const a of Object.values(apps)) await a.start();
  }, 60_000);

  afterAll(async () => {
    for (const a of Object.values(apps)) await a?.stop();
  }, 60_000);

  it('a UI-only daemon lists every vantage\'s targets with the vantages that probe each', async () => {
    expect(await listed(apps.central)).toEqual([
      ['fra-only', ['fra']],
      ['nyc-only', ['nyc']],
      ['shop', ['fra', 'nyc']],
    ]);
    const one = await api(apps.central, '/api/targets/fra-only');
    expect(one).toMatchObject({ status: 200, body: { id: 'fra-only', host: '127.0.0.1', vantages: ['fra'] } });
    // The target pages' reads work for targets probed elsewhere.
    expect((await api(apps.central, '/api/targets/fra-only/observations')).status).toBe(200);
    expect((await api(apps.central, '/api/overview')).body.targets).toBe(3);
  });

  it('a UI with its own prober lists its targets and the others\' too', async () => {
    expect(await listed(apps.nyc)).toEqual([
      ['fra-only', ['fra']],
      ['nyc-only', ['nyc']],
      ['shop', ['fra', 'nyc']],
    ]);
  });

  it('changes go to a prober that probes the target: 409 saying where, otherwise', async () => {
    const post = await api(apps.central, '/api/targets', { method: 'POST', body: JSON.stringify({ name: 'new', host: '127.0.0.1', tool: 'traceroute' }) });
    expect(post.status).toBe(409);
    expect(post.body.message).toMatch(/no prober role/);
    const put = await api(apps.nyc, '/api/targets/fra-only', { method: 'PUT', body: JSON.stringify({ name: 'fra-only', host: '127.0.0.2', tool: 'traceroute' }) });
    expect(put.status).toBe(409);
    expect(put.body.message).toMatch(/probed by vantage fra/);
    expect((await api(apps.nyc, '/api/targets/fra-only/probe?wait=false', { method: 'POST' })).status).toBe(409);
    expect((await api(apps.nyc, '/api/targets/fra-only', { method: 'DELETE' })).status).toBe(409);
  });

  it('a target added or removed at a vantage appears or goes at the UI after a round', async () => {
    const added = await api(apps.nyc, '/api/targets', { method: 'POST', body: JSON.stringify({ name: 'extra', host: '127.0.0.3', tool: 'traceroute', intervalSec: 86_400 }) });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    await apps.nyc.targetCatalog.tick();
    await apps.central.targetCatalog.tick();
    expect(await listed(apps.central)).toContainEqual(['extra', ['nyc']]);
    expect((await api(apps.nyc, '/api/targets/extra', { method: 'DELETE' })).status).toBe(204);
    await apps.nyc.targetCatalog.tick();
    await apps.central.targetCatalog.tick();
    expect((await listed(apps.central)).map(([id]) => id)).not.toContain('extra');
    expect(apps.central.targetCatalog.health()).toMatchObject({ status: 'up', details: { otherVantages: ['fra', 'nyc'], published: 0 } });
  });
});

describe('mergeCatalog', () => {
  const at = (ms: number) => new Date(ms).toISOString();
  it('keeps the local definition, adds other vantages by id, and leaves out stale vantages and its own old entries', () => {
    const now = 10_000_000;
    const merged = mergeCatalog(
      'nyc',
      [target('shop', '192.0.2.1')],
      [
        { vantage: 'fra', target: target('shop', '192.0.2.99'), publishedAt: at(now - 1_000) },
        { vantage: 'fra', target: target('fra-only'), publishedAt: at(now - 1_000) },
        { vantage: 'old', target: target('gone'), publishedAt: at(now - 3_600_001) },
        { vantage: 'nyc', target: target('removed-here'), publishedAt: at(now) },
      ],
      now,
      3_600_000,
    );
    expect(merged.map((t) => [t.id, t.host, t.vantages])).toEqual([
      ['fra-only', '127.0.0.1', ['fra']],
      ['shop', '192.0.2.1', ['fra', 'nyc']],
    ]);
  });
});
