/**
 * The pool against the real scamper (Debian 20211212) on loopback only. A pool
 * at 1 packet per second makes "still in flight" deterministic: a loopback
 * trace needs one packet, so the second trace cannot be answered before ~1 s.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/core/bus.js';
import { systemClock } from '../../src/core/clock.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { ScamperPool, type ScamperPoolOptions, type ScamperTraceRequest } from '../../src/probe/scamper-pool.js';
import { ProbeService, poolConcurrency } from '../../src/probe/service.js';
import type { PathObservation } from '../../src/probe/types.js';
import type { Storage } from '../../src/storage/repositories.js';
import { isAlive as alive } from '../helpers/processes.js';

const hasScamper = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v scamper'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const pools: ScamperPool[] = [];
function pool(opts: Partial<ScamperPoolOptions> = {}): ScamperPool {
  const p = new ScamperPool({ pps: 1000, maxInFlight: 200, vantage: 'test', restart: { minMs: 50, maxMs: 200 }, ...opts });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop()));
});

const req = (address: string, extra: Partial<ScamperTraceRequest> = {}): ScamperTraceRequest => ({ address, method: 'icmp-paris', probesPerHop: 3, waitSec: 1, maxHops: 30, ...extra });
/** Waits until the first (1 pps) trace is answered, so the next ones are queued in scamper's budget. */
async function busyPool(): Promise<ScamperPool> {
  const p = pool({ pps: 1 });
  const first = await p.trace(req('127.0.0.1'), { timeoutMs: 10_000 });
  expect(first.status).toBe('ok');
  return p;
}

describe.skipIf(!hasScamper)('ScamperPool (real scamper, loopback)', () => {
  it.each([
    ['127.0.0.1', 'icmp-paris'],
    ['::1', 'icmp-paris'],
    ['127.0.0.1', 'udp-paris'],
    // tcp to a local IPv4 address is answered only because the pool runs scamper with -O rawtcp.
    ['127.0.0.1', 'tcp'],
    ['::1', 'tcp'],
  ] as const)('traces %s with %s: one hop, reached', async (address, method) => {
    const p = pool();
    const obs = await p.trace(req(address, { method, targetName: 'lo' }), { timeoutMs: 10_000 });
    expect(obs).toMatchObject({ status: 'ok', tool: 'scamper', method, vantage: 'test', reached: true, signature: address, target: { name: 'lo', address } });
    expect(obs.hops).toHaveLength(1);
    expect(obs.hops[0]!.probes[0]!.ip).toBe(address);
    expect(p.stats()).toMatchObject({ state: 'ready', requested: 1, sent: 1, ok: 1, starts: 1, deaths: 0 });
  });

  it('answers 50 concurrent traces, each with its own result', async () => {
    const p = pool();
    const addrs = Array.from({ length: 50 }, (_, i) => (i % 5 === 4 ? '::1' : `127.0.0.${i + 1}`));
    const obs = await Promise.all(addrs.map((a) => p.trace(req(a, { method: i5(a) }), { timeoutMs: 20_000 })));
    expect(obs.map((o) => o.status)).toEqual(addrs.map(() => 'ok'));
    expect(obs.map((o) => o.target.address)).toEqual(addrs);
    expect(obs.map((o) => o.hops[0]?.probes[0]?.ip)).toEqual(addrs);
    expect(p.stats()).toMatchObject({ requested: 50, sent: 50, ok: 50, inFlight: 0, waiting: 0, unmatched: 0 });
  });

  it('keeps at most maxInFlight traces in scamper; the rest wait in the pool', async () => {
    const p = pool({ maxInFlight: 5 });
    await p.start();
    const all = Array.from({ length: 20 }, (_, i) => p.trace(req(`127.0.1.${i + 1}`), { timeoutMs: 20_000 }));
    expect(p.stats()).toMatchObject({ inFlight: 5, waiting: 15, sent: 5 });
    const obs = await Promise.all(all);
    expect(obs.every((o) => o.status === 'ok')).toBe(true);
    expect(p.stats()).toMatchObject({ sent: 20, ok: 20, inFlight: 0 });
  });

  it('a trace without result in time resolves TIMEOUT and is halted in scamper', async () => {
    const p = await busyPool();
    const obs = await p.trace(req('127.0.0.2'), { timeoutMs: 200 });
    expect(obs).toMatchObject({ status: 'failed', error: { code: 'TIMEOUT' } });
    await vi.waitFor(() => expect(p.stats().inFlight).toBe(0), { timeout: 5000 });
    // The HALTED result came back and was dropped, not delivered.
    expect(p.stats()).toMatchObject({ halted: 1, late: 1, failed: { TIMEOUT: 1 } });
  });

  it('abort resolves CANCELLED, before and after sending', async () => {
    const p = await busyPool();
    const ac = new AbortController();
    const pending = p.trace(req('127.0.0.3'), { timeoutMs: 10_000, signal: ac.signal });
    ac.abort();
    expect(await pending).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(await p.trace(req('127.0.0.4'), { timeoutMs: 10_000, signal: ac.signal })).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(p.stats().failed).toEqual({ CANCELLED: 2 });
  });

  it('scamper killed mid-flight: pending traces fail SCAMPER_DIED, the pool restarts and serves the next one', async () => {
    const p = await busyPool();
    const pid = p.pid as number;
    const pending = [p.trace(req('127.0.0.5'), { timeoutMs: 20_000 }), p.trace(req('::1'), { timeoutMs: 20_000 })];
    await vi.waitFor(() => expect(p.stats().inFlight).toBe(2));
    process.kill(pid, 'SIGKILL');
    for (const obs of await Promise.all(pending)) {
      expect(obs).toMatchObject({ status: 'failed', error: { code: 'SCAMPER_DIED' } });
      expect(obs.error?.message).toMatch(/SIGKILL/);
    }
    const next = await p.trace(req('127.0.0.6'), { timeoutMs: 10_000 });
    expect(next).toMatchObject({ status: 'ok', reached: true });
    expect(p.pid).not.toBe(pid);
    expect(p.stats()).toMatchObject({ starts: 2, deaths: 1, lostOnDeath: 2, state: 'ready' });
    expect(p.stats().lastError).toMatch(/SIGKILL/);
  });

  it('stop() ends scamper and cancels what is pending; later traces are refused', async () => {
    const p = await busyPool();
    const pid = p.pid as number;
    const pending = p.trace(req('127.0.0.7'), { timeoutMs: 20_000 });
    await p.stop();
    expect(await pending).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
    expect(alive(pid)).toBe(false);
    expect(p.stats()).toMatchObject({ state: 'stopped', pid: null, deaths: 0 });
    expect(await p.trace(req('127.0.0.1'), { timeoutMs: 1000 })).toMatchObject({ status: 'failed', error: { code: 'CANCELLED' } });
  });

  it('refuses a bad request without sending it', async () => {
    const p = pool();
    expect(await p.trace(req('localhost'), { timeoutMs: 1000 })).toMatchObject({ status: 'failed', error: { code: 'BAD_REQUEST' } });
    expect(await p.trace(req('127.0.0.1', { method: 'icmp' as 'tcp' }), { timeoutMs: 1000 })).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    expect(p.stats()).toMatchObject({ sent: 0, starts: 0 });
  });
});

describe('ScamperPool without the binary', () => {
  it('fails fast with TOOL_MISSING', async () => {
    const p = pool({ binary: '/nonexistent/scamper' });
    const obs = await p.trace(req('127.0.0.1'), { timeoutMs: 10_000 });
    expect(obs).toMatchObject({ status: 'failed', error: { code: 'TOOL_MISSING' } });
    expect(obs.error?.message).toMatch(/Debian package scamper/);
  });
});

describe('poolConcurrency (scheduler limits in pool mode)', () => {
  it.each([
    ['defaults', {}, { global: 208, perTool: { traceroute: 4, mtr: 2, tcptraceroute: 2, scamper: 200 } }],
    [
      'process tools capped at the configured global',
      { concurrency: { global: 3, perTool: { traceroute: 10 } }, scamper: { maxInFlight: 50 } },
      { global: 53, perTool: { traceroute: 3, mtr: 2, tcptraceroute: 2, scamper: 50 } },
    ],
  ])('%s', (_name, probing, want) => {
    expect(poolConcurrency(parseConfig({ probing }, 'test', {}).probing)).toEqual(want);
  });
});

/** A ProbeService with one scamper target on loopback; the storage only records appended observations. */
function service(mode: 'pool' | 'process', stored: PathObservation[]): ProbeService {
  const cfg = parseConfig(
    {
      probing: {
        scamper: { mode, pps: 100, maxInFlight: 10 },
        addressPolicy: { allowPrivate: true },
        targets: [{ id: 'lo', name: 'lo', host: '127.0.0.1', tool: 'scamper', method: 'icmp-paris', timeoutSec: 5, probesPerHop: 1 }],
      },
    },
    'test',
    {},
  );
  const storage = { isAvailable: () => false, observations: { append: (o: PathObservation) => stored.push(o) } } as unknown as Storage;
  return new ProbeService({
    config: cfg.probing,
    vantage: 'test',
    storage,
    rib: { covering: () => null, originAsn: () => null },
    bus: new EventBus<SmokeTraceEvents>(),
    telemetry: new Telemetry(),
    log: pino({ level: 'silent' }),
    clock: systemClock,
  });
}

describe.skipIf(!hasScamper)('ProbeService routes scamper targets by probing.scamper.mode', () => {
  it.each(['pool', 'process'] as const)('%s mode', async (mode) => {
    const stored: PathObservation[] = [];
    const svc = service(mode, stored);
    await svc.start();
    try {
      const r = await svc.runNow('lo', 'manual');
      expect(r).toMatchObject({ ok: true, observation: { status: 'ok', tool: 'scamper', reached: true, signature: '127.0.0.1', targetId: 'lo' } });
      expect(stored).toHaveLength(1);
      if (mode === 'pool') {
        expect(svc.scamperPool?.stats()).toMatchObject({ sent: 1, ok: 1 });
      } else {
        expect(svc.scamperPool).toBeNull();
      }
    } finally {
      await svc.stop();
    }
    if (mode === 'pool') expect(svc.scamperPool?.stats()).toMatchObject({ state: 'stopped', pid: null });
  });
});

function i5(a: string): 'icmp-paris' | 'udp-paris' {
  return a.endsWith('0') ? 'udp-paris' : 'icmp-paris';
}
