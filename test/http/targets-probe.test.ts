/**
 * POST /api/targets/{id}/probe answers with the observation as stored and
 * published: its id and the hop annotation (origin AS, covering prefix) from
 * the live RIB. Real traceroute on 127.0.0.1, real store (FerretDB in CI), a
 * real Rib holding a route that covers 127.0.0.1.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Hapi from '@hapi/hapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { EventBus } from '../../src/core/bus.js';
import { systemClock } from '../../src/core/clock.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { registerTargetRoutes } from '../../src/http/routes/targets.js';
import { TargetCatalog } from '../../src/cluster/target-catalog.js';
import type { LookupFn } from '../../src/probe/resolve.js';
import { ProbeService } from '../../src/probe/service.js';
import type { PathObservation } from '../../src/probe/types.js';
import { Rib } from '../../src/rib/index.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { requireTool } from '../helpers/processes.js';
import { announce } from '../rib/events.js';

/** A fake DNS for hostname targets (no query leaves the machine): name -> addresses, or absent (ENOTFOUND). */
const zone = new Map<string, string[]>([['denied.test', ['192.0.2.77']]]);
const lookup: LookupFn = async (hostname) => {
  const addrs = zone.get(hostname);
  if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('POST /api/targets/{id}/probe returns the annotated observation', () => {
  let store: MongoStore;
  let bus: EventBus<SmokeTraceEvents>;
  let config: Config;
  let prober: ProbeService;
  let server: Hapi.Server;
  const published: PathObservation[] = [];

  beforeAll(async () => {
    requireTool('traceroute', 'traceroute');
    config = parseConfig(
      {
        storage: { uri: await uniqueDbUri('probe_annot'), connectTimeoutMs: 5000 },
        probing: {
          addressPolicy: { allowPrivate: true, deny: ['192.0.2.0/24'] },
          targets: [{ id: 'lo', name: 'lo', host: '127.0.0.1', tool: 'traceroute', method: 'icmp', probesPerHop: 2, maxHops: 3, timeoutSec: 10, intervalSec: 86400, labels: { env: 'test' } }],
        },
      },
      'test',
      {},
    );
    store = new MongoStore({ config: config.storage, log: silentLogger(), clock: systemClock });
    await store.start();
    const rib = new Rib();
    rib.apply(announce('127.0.0.0/8', { asPath: [65001, 64512] }));
    bus = new EventBus<SmokeTraceEvents>();
    bus.on('observation', 'test', (o) => {
      published.push(o);
    });
    prober = new ProbeService({
      config: config.probing,
      vantage: 'probe-test',
      storage: store,
      // The composition root's adapter (src/app.ts): longest-prefix match of an address.
      rib: { covering: (address) => rib.lookup(address), originAsn: (address) => rib.originAsn(address) },
      bus,
      telemetry: new Telemetry(),
      log: silentLogger(),
      clock: systemClock,
      lookup,
    });
    await prober.start();
    server = Hapi.server();
    // The directory over this prober alone (nothing published by other vantages in this database).
    const directory = new TargetCatalog({ vantage: 'probe-test', repo: store.targetCatalog, local: () => prober.list(), clock: systemClock, log: silentLogger() });
    registerTargetRoutes(server, { prober, directory, storage: store });
  }, 60_000);

  afterAll(async () => {
    await prober?.stop();
    await store?.stop();
  });

  it('answers with the id, labels and ASN/prefix of the stored and published copy', async () => {
    const r = await server.inject({ method: 'POST', url: '/api/targets/lo/probe' });
    expect(r.statusCode, r.payload).toBe(200);
    const { observation, joined } = JSON.parse(r.payload) as { observation: PathObservation; joined: boolean };
    expect(joined).toBe(false);
    expect(observation).toMatchObject({ status: 'ok', reached: true, targetId: 'lo', vantage: 'probe-test', labels: { env: 'test' } });
    expect(observation.id).toMatch(/^[0-9a-f]{24}$/);
    expect(observation.hops.map((h) => [h.probes[0]?.ip, h.asn, h.prefix])).toEqual([['127.0.0.1', 64512, '127.0.0.0/8']]);

    // The bus got the very same observation (one run, one publication).
    expect(published).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(published[0]))).toEqual(observation);

    // The stored copy (read back through the API) is the same run with the same annotation.
    const latest = await server.inject('/api/targets/lo/latest');
    expect(latest.statusCode).toBe(200);
    const stored = JSON.parse(latest.payload) as PathObservation;
    expect(stored.id).toBe(observation.id);
    expect(stored.hops).toEqual(observation.hops);
    expect(stored.signature).toBe(observation.signature);
  });

  const probe = async (id: string): Promise<PathObservation> => {
    const r = await server.inject({ method: 'POST', url: `/api/targets/${id}/probe` });
    expect(r.statusCode, r.payload).toBe(200);
    return (JSON.parse(r.payload) as { observation: PathObservation }).observation;
  };
  const post = (body: object) => server.inject({ method: 'POST', url: '/api/targets', payload: body });

  it('resolves a hostname at every run and records the address it probed', async () => {
    zone.set('byname.test', ['127.0.0.1']);
    const add = await post({ name: 'byname', host: 'byname.test', tool: 'traceroute', method: 'icmp', probesPerHop: 1, maxHops: 3, timeoutSec: 10, intervalSec: 86400 });
    expect(add.statusCode, add.payload).toBe(201);
    const first = await probe('byname');
    expect(first).toMatchObject({ status: 'ok', reached: true, target: { name: 'byname', address: '127.0.0.1' }, signature: '127.0.0.1' });
    zone.set('byname.test', ['::1']); // the name now points elsewhere: the next run follows it
    const second = await probe('byname');
    expect(second).toMatchObject({ status: 'ok', reached: true, target: { name: 'byname', address: '::1' }, signature: '::1' });
    zone.delete('byname.test'); // the name is gone: the run is stored as failed with the reason
    const third = await probe('byname');
    expect(third).toMatchObject({ status: 'failed', reached: false, target: { name: 'byname', address: 'byname.test' }, error: { code: 'UNRESOLVABLE' } });
    expect(third.error?.message).toContain('ENOTFOUND');
  });

  it('refuses at the API a name that does not resolve or resolves only to a refused address', async () => {
    for (const [host, why] of [
      ['nowhere.invalid', /^UNRESOLVABLE: cannot resolve nowhere\.invalid: .*ENOTFOUND/],
      ['denied.test', /denied\.test resolves to a refused address: .*192\.0\.2\.77/],
      ['192.0.2.9', /192\.0\.2\.9.*192\.0\.2\.0\/24/], // a literal in a denied CIDR: refused by validation, no lookup
    ] as const) {
      const r = await post({ name: 'refused', host, tool: 'traceroute' });
      expect(r.statusCode, r.payload).toBe(400);
      const problems = (JSON.parse(r.payload) as { problems: Array<{ path: string; message: string }> }).problems;
      expect(problems).toEqual([{ path: 'host', message: expect.stringMatching(why) }]);
    }
    expect(prober.get('refused')).toBeUndefined();
    expect((await server.inject('/api/targets/refused')).statusCode).toBe(404);
  });

  it('refuses the same at the config boundary: start-up fails with a ConfigError naming each target', async () => {
    const cfg = parseConfig(
      {
        probing: {
          addressPolicy: { allowPrivate: true, deny: ['192.0.2.0/24'] },
          targets: [
            { id: 'ok', name: 'ok', host: '127.0.0.1', tool: 'traceroute' },
            { id: 'gone', name: 'gone', host: 'nowhere.invalid', tool: 'traceroute' },
            { id: 'denied', name: 'denied', host: 'denied.test', tool: 'traceroute' },
          ],
        },
      },
      'test',
      {},
    );
    const svc = new ProbeService({ ...deps(), config: cfg.probing, lookup });
    const err = await svc.start().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.path)).toEqual(['probing.targets.1.host', 'probing.targets.2.host']);
    expect((err as ConfigError).message).toMatch(/target "gone": UNRESOLVABLE/);
    expect(svc.list()).toEqual([]);
    await svc.stop();
  });

  it('keeps a config target whose name the resolver cannot answer for now (EAI_AGAIN at boot): runs retry it', async () => {
    const cfg = parseConfig({ probing: { targets: [{ id: 'later', name: 'later', host: 'dns-down.test', tool: 'traceroute' }] } }, 'test', {});
    const eaiAgain: LookupFn = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), { code: 'EAI_AGAIN' });
    };
    const svc = new ProbeService({ ...deps(), config: cfg.probing, lookup: eaiAgain });
    await svc.start();
    try {
      expect(svc.get('later')).toMatchObject({ source: 'config', host: 'dns-down.test' });
      const r = await svc.runNow('later', 'manual');
      expect(r).toMatchObject({ ok: true, observation: { status: 'failed', error: { code: 'UNRESOLVABLE', message: expect.stringMatching(/EAI_AGAIN/) } } });
    } finally {
      await svc.stop();
    }
  });

  it('serves observations by ?since=&until= (inclusive, newest first, limit) and refuses a bad range', async () => {
    const a = await probe('lo');
    await new Promise((r) => setTimeout(r, 5));
    const b = await probe('lo');
    expect(Date.parse(b.startedAt)).toBeGreaterThan(Date.parse(a.startedAt));
    const ids = async (query: string): Promise<string[]> => {
      const r = await server.inject(`/api/targets/lo/observations${query}`);
      expect(r.statusCode, r.payload).toBe(200);
      return (JSON.parse(r.payload) as { observations: PathObservation[] }).observations.map((o) => o.id as string);
    };
    const q = (k: string, v: string) => `${k}=${encodeURIComponent(v)}`;
    expect(await ids(`?${q('since', a.startedAt)}&${q('until', b.startedAt)}`)).toEqual([b.id, a.id]);
    expect(await ids(`?${q('since', b.startedAt)}`)).toEqual([b.id]);
    expect((await ids(`?${q('until', a.startedAt)}`)).slice(0, 1)).toEqual([a.id]);
    expect(await ids(`?${q('since', a.startedAt)}&limit=1`)).toEqual([b.id]);
    expect(await ids(`?${q('since', new Date(Date.parse(b.startedAt) + 1).toISOString())}`)).toEqual([]);
    const bad = await server.inject('/api/targets/lo/observations?since=yesterday&limit=0');
    expect(bad.statusCode).toBe(400);
    expect((JSON.parse(bad.payload) as { problems: Array<{ path: string }> }).problems.map((p) => p.path).sort()).toEqual(['limit', 'since']);
    const latest = JSON.parse((await server.inject('/api/targets/lo/latest')).payload) as PathObservation;
    expect(latest.id).toBe(b.id);
  });

  it('runs a target on a probe.request from the bus (BGP-triggered bursts)', async () => {
    const before = published.length;
    const seen = new Promise<PathObservation>((resolve) => {
      bus.on('observation', 'test-once', (o) => {
        if (o.targetId === 'lo') resolve(o);
      });
    });
    bus.emit('probe.request', { targetId: 'lo', reason: 'bgp-trigger', cause: { prefix: '127.0.0.0/8', type: 'withdraw', time: new Date().toISOString() } });
    const o = await seen;
    bus.off('test-once');
    expect(o).toMatchObject({ targetId: 'lo', status: 'ok', reached: true });
    expect(published.length).toBe(before + 1);
  });

  /** The deps of a second ProbeService on the same store (no RIB). */
  function deps() {
    return {
      config: config.probing,
      vantage: 'probe-test-2',
      storage: store,
      rib: { covering: () => null, originAsn: () => null },
      bus: new EventBus<SmokeTraceEvents>(),
      telemetry: new Telemetry(),
      log: silentLogger(),
      clock: systemClock,
    };
  }

  it('a tool that prints garbage, crashes, hangs or is missing: stored as failed with its reason, and the next run works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-flaky-'));
    const script = (name: string, body: string): string => {
      const p = join(dir, name);
      writeFileSync(p, `#!/bin/sh\n${body}\n`);
      chmodSync(p, 0o755);
      return p;
    };
    const cfg = parseConfig(
      { probing: { addressPolicy: { allowPrivate: true }, targets: [{ id: 'flaky', name: 'flaky', host: '127.0.0.1', tool: 'traceroute', method: 'icmp', probesPerHop: 1, maxHops: 3, timeoutSec: 2, intervalSec: 86400 }] } },
      'test',
      {},
    );
    const runOptions: { binary?: string } = {};
    const svc = new ProbeService({ ...deps(), config: cfg.probing, runOptions });
    await svc.start();
    try {
      const steps: Array<[string | undefined, string]> = [
        [script('garbage.sh', 'echo "hello, I am not traceroute"'), 'PARSE_ERROR'],
        [script('crash.sh', 'kill -SEGV $$'), 'TOOL_FAILED'],
        [script('hang.sh', 'exec sleep 60'), 'TIMEOUT'],
        [join(dir, 'no-such-tool'), 'TOOL_MISSING'],
        [undefined, 'ok'],
      ];
      const got: string[] = [];
      for (const [binary, _want] of steps) {
        if (binary === undefined) delete runOptions.binary;
        else runOptions.binary = binary;
        const r = await svc.runNow('flaky', 'manual');
        got.push(r.ok ? (r.observation.error?.code ?? r.observation.status) : `refused ${r.code}`);
      }
      expect(got).toEqual(steps.map((s) => s[1]));
      await store.flush();
      const stored = await store.observations.forTarget('flaky', { limit: 10 });
      expect(stored.map((o) => o.error?.code ?? o.status).reverse()).toEqual(steps.map((s) => s[1]));
      expect(stored.find((o) => o.error?.code === 'TOOL_MISSING')?.error?.message).toMatch(/install the Debian package traceroute/);
      expect(stored.find((o) => o.error?.code === 'TOOL_FAILED')?.error?.message).toBe('traceroute failed: killed by SIGSEGV');
      expect(svc.scheduler.stats().runs).toMatchObject({ started: 5, finished: 5, failed: 4 });
    } finally {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
