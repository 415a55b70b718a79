/**
 * ProbeScheduler under vitest fake timers: Date, setTimeout and the 1 s tick
 * (intervalTickSource) all move only through vi.advanceTimersByTimeAsync, so
 * nothing waits for real and every figure below is exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { ConcurrencyLimiter, type Slot } from '../../src/probe/limiter.js';
import {
  ProbeScheduler,
  cronTickSource,
  intervalTickSource,
  seededRandom,
  type RunContext,
  type RunReason,
  type SchedulerOptions,
} from '../../src/probe/scheduler.js';
import { validateTargetInput, type Target, type TargetInput } from '../../src/probe/target.js';
import type { PathObservation } from '../../src/probe/types.js';

const T0 = Date.UTC(2026, 0, 1);
const dateClock: Clock = { now: () => new Date(), nowMs: () => Date.now() };
const since = (): number => Date.now() - T0;

function target(id: string, over: Partial<TargetInput> = {}): Target {
  const r = validateTargetInput({ id, name: id, host: '192.0.2.1', tool: 'traceroute', intervalSec: 60, timeoutSec: 30, ...over }, { allowPrivate: true, deny: [] });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.target;
}

type Behaviour = { ms: number; onAbort: 'stop' | 'ignore' } | { throws: string };

interface Call {
  id: string;
  tool: string;
  at: number;
  ctx: RunContext;
  abortedAt?: number;
  endedAt?: number;
}

/** A fake tool: each run lasts `behaviour(target).ms` of fake time and records concurrency. */
class FakeTool {
  calls: Call[] = [];
  global = 0;
  maxGlobal = 0;
  readonly perTool = new Map<string, number>();
  readonly maxPerTool = new Map<string, number>();
  readonly perTarget = new Map<string, number>();
  maxPerTarget = 0;

  constructor(public behaviour: (t: Target) => Behaviour = () => ({ ms: 5_000, onAbort: 'stop' })) {}

  run = (t: Target, ctx: RunContext): Promise<PathObservation> => {
    const b = this.behaviour(t);
    if ('throws' in b) return Promise.reject(new Error(b.throws));
    const call: Call = { id: t.id, tool: t.tool, at: since(), ctx };
    this.calls.push(call);
    this.bump(t, +1);
    return new Promise((resolve) => {
      const end = (status: 'ok' | 'failed'): void => {
        if (call.endedAt !== undefined) return;
        call.endedAt = since();
        this.bump(t, -1);
        resolve(observation(t, ctx.address, status));
      };
      const timer = setTimeout(() => end('ok'), b.ms);
      ctx.signal.addEventListener('abort', () => {
        call.abortedAt = since();
        if (b.onAbort === 'stop') {
          clearTimeout(timer);
          end('failed');
        }
      });
    });
  };

  starts(id: string): number[] {
    return this.calls.filter((c) => c.id === id).map((c) => c.at);
  }

  private bump(t: Target, d: number): void {
    this.global += d;
    this.maxGlobal = Math.max(this.maxGlobal, this.global);
    const n = (this.perTool.get(t.tool) ?? 0) + d;
    this.perTool.set(t.tool, n);
    this.maxPerTool.set(t.tool, Math.max(this.maxPerTool.get(t.tool) ?? 0, n));
    const m = (this.perTarget.get(t.id) ?? 0) + d;
    this.perTarget.set(t.id, m);
    this.maxPerTarget = Math.max(this.maxPerTarget, m);
  }
}

function observation(t: Target, address: string, status: 'ok' | 'failed'): PathObservation {
  return {
    target: { name: t.name, address },
    tool: t.tool,
    method: t.method,
    vantage: 'test',
    startedAt: new Date().toISOString(),
    durationMs: 0,
    hops: [],
    reached: status === 'ok',
    rtt: null,
    loss: status === 'ok' ? 0 : 1,
    signature: status === 'ok' ? address : '',
    status,
    ...(status === 'failed' ? { error: { code: 'CANCELLED', message: 'aborted' } } : {}),
  };
}

interface Setup {
  sched: ProbeScheduler;
  tool: FakeTool;
  seen: Array<{ obs: PathObservation; reason: RunReason }>;
}

function setup(over: Partial<SchedulerOptions> = {}, tool = new FakeTool()): Setup {
  const seen: Setup['seen'] = [];
  const sched = new ProbeScheduler({
    clock: dateClock,
    run: tool.run,
    onObservation: (obs, info) => seen.push({ obs, reason: info.reason }),
    concurrency: { global: 100, perTool: {} },
    jitterPct: 0,
    graceMs: 5_000,
    tick: intervalTickSource(1000),
    random: seededRandom(1),
    ...over,
  });
  return { sched, tool, seen };
}

const advance = (ms: number): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('intervals and jitter', () => {
  it('runs a target every intervalSec (jitter 0), first at the next tick', async () => {
    const { sched, tool, seen } = setup();
    sched.upsert(target('a', { intervalSec: 60 }));
    sched.start();
    await advance(600_000);
    expect(tool.starts('a')).toEqual([1_000, 60_000, 120_000, 180_000, 240_000, 300_000, 360_000, 420_000, 480_000, 540_000, 600_000]);
    expect(seen).toHaveLength(10); // the run started at 600 s is still running
    expect(seen.every((s) => s.reason === 'scheduled' && s.obs.targetId === 'a')).toBe(true);
    await sched.stop();
  });

  it('keeps every gap within ±jitterPct (plus one tick) and actually varies it', async () => {
    const { sched, tool } = setup({ jitterPct: 10, random: seededRandom(42) });
    const ids = Array.from({ length: 20 }, (_, i) => `t${i}`);
    sched.setTargets(ids.map((id) => target(id, { intervalSec: 60, timeoutSec: 10 })));
    sched.start();
    await advance(60 * 60_000);
    const gaps: number[] = [];
    for (const id of ids) {
      const s = tool.starts(id);
      expect(s.length).toBeGreaterThanOrEqual(55);
      for (let i = 1; i < s.length; i++) gaps.push(s[i]! - s[i - 1]!);
    }
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(54_000 - 1_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(66_000 + 1_000);
    expect(Math.min(...gaps)).toBeLessThan(56_000);
    expect(Math.max(...gaps)).toBeGreaterThan(64_000);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    expect(Math.abs(mean - 60_000)).toBeLessThan(1_500);
    // setTargets spreads first runs over the first interval instead of bursting at once.
    const firsts = new Set(ids.map((id) => tool.starts(id)[0]));
    expect(firsts.size).toBeGreaterThan(10);
    expect(Math.max(...[...firsts].map(Number))).toBeLessThanOrEqual(61_000);
    await sched.stop();
  });

  it('is deterministic with a seeded random', async () => {
    const runOnce = async (seed: number): Promise<number[]> => {
      const { sched, tool } = setup({ jitterPct: 20, random: seededRandom(seed) });
      sched.setTargets([target('a'), target('b')]);
      sched.start();
      await advance(20 * 60_000);
      await sched.stop();
      return tool.calls.map((c) => c.at);
    };
    const first = await runOnce(7);
    vi.setSystemTime(T0);
    expect(await runOnce(7)).toEqual(first);
    vi.setSystemTime(T0);
    expect(await runOnce(8)).not.toEqual(first);
  });

  it('refuses a jitter outside 0..50 %', () => {
    expect(() => setup({ jitterPct: 60 })).toThrow(/jitterPct/);
  });
});

describe('concurrency', () => {
  it('never exceeds the global and per-tool limits, and reaches them', async () => {
    const tools = ['traceroute', 'mtr', 'scamper', 'tcptraceroute'] as const;
    const fake = new FakeTool(() => ({ ms: 20_000, onAbort: 'stop' }));
    const { sched, tool, seen } = setup({ concurrency: { global: 5, perTool: { mtr: 2, traceroute: 3, scamper: 1 } } }, fake);
    sched.setTargets(Array.from({ length: 40 }, (_, i) => target(`c${i}`, { tool: tools[i % 4]!, intervalSec: 60 })));
    sched.start();
    let maxQueued = 0;
    for (let s = 0; s < 600; s++) {
      await advance(1_000);
      const st = sched.stats();
      maxQueued = Math.max(maxQueued, st.queued);
      expect(st.running.total).toBe(tool.global);
    }
    expect(tool.maxGlobal).toBe(5);
    expect(tool.maxPerTool.get('mtr')).toBe(2);
    expect(tool.maxPerTool.get('traceroute')).toBeLessThanOrEqual(3);
    expect(tool.maxPerTool.get('scamper')).toBe(1);
    expect(maxQueued).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(100);
    await sched.stop();
  });

  it('drops scheduled runs beyond the queue bound, counts them and logs once', async () => {
    const warn = vi.fn();
    const fake = new FakeTool(() => ({ ms: 50_000, onAbort: 'stop' }));
    const { sched } = setup({ concurrency: { global: 1, perTool: {} }, maxQueue: 2, log: { warn, error: vi.fn() } }, fake);
    for (const id of ['a', 'b', 'c', 'd', 'e']) sched.upsert(target(id, { timeoutSec: 55 }));
    sched.start();
    await advance(1_000);
    const st = sched.stats();
    expect([st.running.total, st.queued, st.runs.dropped]).toEqual([1, 2, 2]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![1]).toBe('probe queue full, dropping runs');
    await sched.stop();
  });

  it('measures scheduling lag including queue wait', async () => {
    const fake = new FakeTool(() => ({ ms: 5_000, onAbort: 'stop' }));
    const { sched } = setup({ concurrency: { global: 1, perTool: {} } }, fake);
    for (const id of ['a', 'b', 'c']) sched.upsert(target(id));
    sched.start();
    await advance(20_000);
    expect(sched.stats().lagMs).toEqual({ samples: 3, p50: 6_000, p99: 11_000, max: 11_000 });
    await sched.stop();
  });
});

describe('one run per target', () => {
  it('skips a due run while the previous one still runs, and never overlaps', async () => {
    // Runs last 9.9 s; gaps are 10 s ± 20 %, so some due times find the run still going.
    const fake = new FakeTool(() => ({ ms: 9_900, onAbort: 'stop' }));
    const { sched, tool } = setup({ jitterPct: 20, random: seededRandom(3) }, fake);
    sched.setTargets([target('x', { intervalSec: 10, timeoutSec: 10 }), target('y', { intervalSec: 10, timeoutSec: 10 })]);
    sched.start();
    await advance(30 * 60_000);
    const st = sched.stats();
    expect(tool.maxPerTarget).toBe(1);
    expect(st.runs.skippedStillRunning).toBeGreaterThan(10);
    expect(st.runs.started).toBe(tool.calls.length);
    for (const id of ['x', 'y']) {
      const calls = tool.calls.filter((c) => c.id === id);
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.at).toBeGreaterThanOrEqual(calls[i - 1]!.endedAt!);
    }
    await sched.stop();
  });

  it('a run outlasting its slot is skipped exactly, then the rhythm resumes', async () => {
    const fake = new FakeTool(() => ({ ms: 60_000, onAbort: 'stop' }));
    const { sched, tool } = setup({}, fake);
    sched.upsert(target('a', { intervalSec: 10, timeoutSec: 9.5 }));
    sched.start();
    await advance(45_000);
    // started at 1 s, aborted at 10.5 s: the 10 s slot is skipped; 20 s, 30 s, 40 s run.
    expect(tool.starts('a')).toEqual([1_000, 20_000, 30_000, 40_000]);
    expect(sched.stats().runs.skippedStillRunning).toBe(1);
    await sched.stop();
  });
});

describe('timeouts', () => {
  it('aborts the run through its AbortSignal at timeoutSec and passes timeoutMs to the run', async () => {
    const fake = new FakeTool(() => ({ ms: 60_000, onAbort: 'stop' }));
    const { sched, tool, seen } = setup({}, fake);
    sched.upsert(target('a', { timeoutSec: 12 }));
    sched.start();
    await advance(20_000);
    const call = tool.calls[0]!;
    expect(call.ctx.timeoutMs).toBe(12_000);
    expect(call.abortedAt).toBe(13_000);
    expect(call.ctx.signal.reason).toBeInstanceOf(Error);
    expect((call.ctx.signal.reason as Error).message).toMatch(/timed out after 12000 ms/);
    expect(seen.map((s) => s.obs.status)).toEqual(['failed']);
    expect(sched.stats().runs).toMatchObject({ started: 1, finished: 1, failed: 1, timedOut: 1, abandoned: 0 });
    await sched.stop();
  });

  it('a run that stops on the timeout abort is stored as TIMEOUT, not as the CANCELLED its tool reports', async () => {
    const { sched, seen } = setup({}, new FakeTool(() => ({ ms: 60_000, onAbort: 'stop' })));
    sched.upsert(target('a', { timeoutSec: 12 }));
    sched.upsert(target('b', { intervalSec: 3600 }), 30_000);
    sched.start();
    const asked = sched.runNow('b', 'api'); // aborted by stop() below, not by a timeout
    await advance(20_000);
    expect(seen.map((s) => [s.obs.targetId, s.obs.error])).toEqual([['a', { code: 'TIMEOUT', message: 'killed at its 12 s timeout (aborted)' }]]);
    await sched.stop();
    expect(await asked).toMatchObject({ ok: false, code: 'STOPPED' });
  });

  it('gives up on a run that ignores the abort at timeout + grace, frees its slot, ignores its late result', async () => {
    const fake = new FakeTool((t) => (t.id === 'stubborn' ? { ms: 100_000, onAbort: 'ignore' } : { ms: 1_000, onAbort: 'stop' }));
    const { sched, tool, seen } = setup({ concurrency: { global: 1, perTool: {} }, graceMs: 4_000 }, fake);
    sched.upsert(target('stubborn', { timeoutSec: 10 }));
    sched.start();
    await advance(1_000);
    sched.upsert(target('other'));
    await advance(14_000 - 1); // 15 s - 1 ms: still holding the only slot
    expect(tool.starts('other')).toEqual([]);
    await advance(1);
    expect(tool.starts('other')).toEqual([15_000]);
    expect(seen[0]!.obs).toMatchObject({ targetId: 'stubborn', status: 'failed', error: { code: 'TIMEOUT' } });
    expect(sched.stats().runs).toMatchObject({ timedOut: 1, abandoned: 1 });
    await advance(100_000); // the first stubborn run finally resolves "ok" at 101 s: ignored
    expect(tool.calls[0]!.endedAt).toBe(101_000);
    const stubborn = seen.filter((s) => s.obs.targetId === 'stubborn').map((s) => s.obs.error?.code);
    expect(stubborn).toEqual(['TIMEOUT', 'TIMEOUT']); // runs started at 1 s and 60 s
    await sched.stop();
  });
});

describe('on-demand runs', () => {
  it('runs an idle target at once and resolves with its observation', async () => {
    const { sched, tool, seen } = setup();
    sched.upsert(target('a'), 30_000);
    sched.start();
    const p = sched.runNow('a', 'api');
    expect(tool.starts('a')).toEqual([0]);
    await advance(5_000);
    const r = await p;
    expect(r).toMatchObject({ ok: true, joined: false, observation: { targetId: 'a', status: 'ok' } });
    expect(seen.map((s) => s.reason)).toEqual(['api']);
    expect(sched.stats().runs).toMatchObject({ onDemand: 1, started: 1 });
    await sched.stop();
  });

  it('publishes and resolves with what prepare returns; a throwing prepare is logged and the run published as is', async () => {
    const error = vi.fn();
    let fail = false;
    const { sched, seen } = setup({
      prepare: (obs, info) => {
        if (fail) throw new Error('rib gone');
        return { ...obs, id: `${info.target.id}-${info.reason}`, hops: [{ ttl: 1, probes: [], sent: 1, received: 0, loss: 1, asn: 64512, prefix: '192.0.2.0/24' }] };
      },
      log: { warn: vi.fn(), error },
    });
    sched.upsert(target('a'), 30_000);
    sched.start();
    const p = sched.runNow('a', 'api');
    await advance(5_000);
    const r = await p;
    expect(r).toMatchObject({ ok: true, observation: { id: 'a-api', targetId: 'a', hops: [{ asn: 64512, prefix: '192.0.2.0/24' }] } });
    expect(r.ok && r.observation).toBe(seen[0]?.obs);
    fail = true;
    const q = sched.runNow('a', 'bgp');
    await advance(5_000);
    const r2 = await q;
    expect(r2).toMatchObject({ ok: true, observation: { targetId: 'a', status: 'ok', hops: [] } });
    expect(r2.ok && r2.observation.id).toBeUndefined();
    expect(r2.ok && r2.observation).toBe(seen[1]?.obs);
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ target: 'a' }), 'observation preparation failed');
    await sched.stop();
  });

  it('joins a run already in progress instead of overlapping', async () => {
    const { sched, tool } = setup();
    sched.upsert(target('a'));
    sched.start();
    await advance(2_000);
    const [r1, r2] = await Promise.all([sched.runNow('a', 'bgp'), sched.runNow('a', 'api'), advance(5_000)]);
    expect(tool.calls).toHaveLength(1);
    expect(r1).toMatchObject({ ok: true, joined: true });
    expect(r1.ok && r2.ok && r1.observation).toBe(r2.ok && r2.observation);
    expect(sched.stats().runs.joined).toBe(2);
    await sched.stop();
  });

  it('goes ahead of queued scheduled runs, and promotes a queued run it joins', async () => {
    const fake = new FakeTool(() => ({ ms: 5_000, onAbort: 'stop' }));
    const { sched, tool } = setup({ concurrency: { global: 1, perTool: {} } }, fake);
    for (const id of ['a', 'b', 'c']) sched.upsert(target(id));
    sched.upsert(target('d'), 600_000);
    sched.start();
    await advance(1_000); // a runs, b and c wait
    const pd = sched.runNow('d', 'bgp');
    const pc = sched.runNow('c', 'api');
    await advance(20_000);
    expect(tool.calls.map((c) => [c.id, c.at])).toEqual([
      ['a', 1_000],
      ['d', 6_000],
      ['c', 11_000],
      ['b', 16_000],
    ]);
    expect(await pd).toMatchObject({ ok: true, joined: false });
    expect(await pc).toMatchObject({ ok: true, joined: true });
    await sched.stop();
  });

  it('refuses unknown and disabled targets, a full queue, and a stopped scheduler', async () => {
    const fake = new FakeTool(() => ({ ms: 50_000, onAbort: 'stop' }));
    const { sched } = setup({ concurrency: { global: 1, perTool: {} }, maxQueue: 1 }, fake);
    sched.upsert(target('a', { timeoutSec: 55 }));
    sched.upsert(target('b', { timeoutSec: 55 }));
    sched.upsert(target('c'), 100_000);
    sched.upsert(target('off', { enabled: false }));
    expect(await sched.runNow('a', 'api')).toMatchObject({ ok: false, code: 'STOPPED' });
    sched.start();
    await advance(1_000);
    expect(await sched.runNow('nope', 'api')).toEqual({ ok: false, code: 'UNKNOWN_TARGET', message: 'no target with id nope' });
    expect(await sched.runNow('off', 'api')).toMatchObject({ ok: false, code: 'DISABLED' });
    expect(await sched.runNow('c', 'api')).toMatchObject({ ok: false, code: 'QUEUE_FULL' });
    await sched.stop();
  });
});

describe('live changes', () => {
  it('a removed target stops being scheduled; its running run is aborted and not emitted', async () => {
    const fake = new FakeTool(() => ({ ms: 20_000, onAbort: 'stop' }));
    const { sched, tool, seen } = setup({}, fake);
    sched.upsert(target('a'));
    sched.upsert(target('b'));
    sched.start();
    await advance(70_000); // a ran at 1 s and is running again since 60 s
    expect(tool.starts('a')).toEqual([1_000, 60_000]);
    const waiting = sched.runNow('a', 'api');
    expect(sched.remove('a')).toBe(true);
    expect(sched.remove('a')).toBe(false);
    await advance(300_000);
    expect(tool.starts('a')).toEqual([1_000, 60_000]);
    expect(tool.calls.filter((c) => c.id === 'a').map((c) => c.abortedAt)).toEqual([undefined, 70_000]);
    expect(await waiting).toMatchObject({ ok: false, code: 'REMOVED' });
    expect(seen.filter((s) => s.obs.targetId === 'a').map((s) => s.obs.status)).toEqual(['ok']);
    expect(tool.starts('b').length).toBeGreaterThan(5);
    expect(sched.stats().targets).toBe(1);
    await sched.stop();
  });

  it('a changed interval takes effect from the last due time', async () => {
    const { sched, tool } = setup();
    sched.upsert(target('a', { intervalSec: 60, timeoutSec: 5 }));
    sched.start();
    await advance(61_000); // runs at 1 s and 60 s
    sched.upsert(target('a', { intervalSec: 20, timeoutSec: 5 }));
    await advance(60_000);
    expect(tool.starts('a')).toEqual([1_000, 60_000, 80_000, 100_000, 120_000]);
    await sched.stop();
  });

  it('disabling stops runs, re-enabling resumes at the next tick, other changes keep the schedule', async () => {
    const { sched, tool } = setup();
    sched.upsert(target('a', { timeoutSec: 5 }));
    sched.start();
    await advance(2_000);
    sched.upsert(target('a', { timeoutSec: 5, enabled: false }));
    await advance(300_000);
    expect(tool.starts('a')).toEqual([1_000]);
    expect(sched.stats().scheduled).toBe(0);
    sched.upsert(target('a', { timeoutSec: 5 }));
    await advance(1_000);
    expect(tool.starts('a')).toEqual([1_000, 303_000]);
    sched.upsert(target('a', { timeoutSec: 5, host: '192.0.2.99' }));
    await advance(60_000);
    expect(tool.starts('a')).toEqual([1_000, 303_000, 362_000]);
    expect(tool.calls.at(-1)!.ctx.address).toBe('192.0.2.99');
    await sched.stop();
  });

  it('setTargets removes what is absent and keeps the schedule of what stays', async () => {
    const { sched, tool } = setup();
    sched.setTargets([target('a'), target('b')]);
    sched.start();
    await advance(120_000);
    const aBefore = tool.starts('a');
    sched.setTargets([target('a'), target('c')]);
    await advance(120_000);
    expect(tool.starts('b').every((t) => t <= 120_000)).toBe(true);
    expect(tool.starts('c').length).toBeGreaterThan(0);
    const a = tool.starts('a');
    expect(a.slice(0, aBefore.length)).toEqual(aBefore);
    for (let i = 1; i < a.length; i++) expect(a[i]! - a[i - 1]!).toBeGreaterThanOrEqual(59_000);
    await sched.stop();
  });
});

describe('stop()', () => {
  it('aborts in-flight runs, refuses queued ones, resolves when settled and stops ticking', async () => {
    const fake = new FakeTool(() => ({ ms: 30_000, onAbort: 'stop' }));
    const { sched, tool } = setup({ concurrency: { global: 1, perTool: {} } }, fake);
    sched.upsert(target('a'));
    sched.upsert(target('b'));
    sched.start();
    await advance(1_000);
    const queued = sched.runNow('b', 'api');
    let stopped = false;
    const p = sched.stop().then(() => (stopped = true));
    await Promise.resolve();
    await p;
    expect(stopped).toBe(true);
    expect(tool.calls[0]!.abortedAt).toBe(1_000);
    expect(await queued).toMatchObject({ ok: false, code: 'STOPPED' });
    await advance(600_000);
    expect(tool.calls).toHaveLength(1);
    expect(sched.stats()).toMatchObject({ queued: 0, running: { total: 0 } });
  });

  it('waits at most the grace period for a run that ignores the abort', async () => {
    const fake = new FakeTool(() => ({ ms: 50_000, onAbort: 'ignore' }));
    const { sched } = setup({ graceMs: 3_000 }, fake);
    sched.upsert(target('a', { timeoutSec: 55 }));
    sched.start();
    await advance(1_000);
    let stopped = false;
    const p = sched.stop().then(() => (stopped = true));
    await advance(2_999);
    expect(stopped).toBe(false);
    await advance(1);
    await p;
    expect(sched.stats().runs).toMatchObject({ abandoned: 1 });
  });
});

describe('failures never escape', () => {
  it('a throwing run becomes a failed RUN_ERROR observation; a throwing consumer is logged', async () => {
    const error = vi.fn();
    const fake = new FakeTool(() => ({ throws: 'boom' }));
    const seen: PathObservation[] = [];
    const { sched } = setup(
      {
        onObservation: (o) => {
          seen.push(o);
          throw new Error('consumer down');
        },
        log: { warn: vi.fn(), error },
      },
      fake,
    );
    sched.upsert(target('a'));
    sched.start();
    await advance(1_000);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ targetId: 'a', status: 'failed', error: { code: 'RUN_ERROR', message: 'boom' }, target: { address: '192.0.2.1' } });
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ target: 'a' }), 'observation consumer failed');
    expect(sched.stats().runs).toMatchObject({ started: 1, finished: 1, failed: 1 });
    await sched.stop();
  });

  it('resolves the host at each run, passes the address to the run, and reports refusals as failed observations', async () => {
    const answers = ['192.0.2.5', '10.0.0.1'];
    const { sched, tool, seen } = setup({
      resolve: async (t) => {
        const address = answers.shift()!;
        return address.startsWith('10.')
          ? { ok: false, code: 'PRIVATE_ADDRESS', message: `${t.host} resolves to a refused address` }
          : { ok: true, address, family: 4 };
      },
    });
    sched.upsert(target('h', { host: 'probe.example', intervalSec: 10, timeoutSec: 8 }));
    sched.start();
    await advance(11_000);
    expect(tool.calls.map((c) => c.ctx.address)).toEqual(['192.0.2.5']);
    expect(seen.map((s) => [s.obs.status, s.obs.error?.code])).toEqual([
      ['ok', undefined],
      ['failed', 'PRIVATE_ADDRESS'],
    ]);
    await sched.stop();
  });
});

describe('tick sources', () => {
  it('node-cron ticks once a second under fake timers', async () => {
    const src = cronTickSource();
    let n = 0;
    src.start(() => n++);
    await advance(10_000);
    src.stop();
    expect(n).toBeGreaterThanOrEqual(9);
    expect(n).toBeLessThanOrEqual(11);
    const after = n;
    await advance(5_000);
    expect(n).toBe(after);
  });
});

describe('ConcurrencyLimiter', () => {
  it('grants FIFO per key without letting a saturated key block others', () => {
    const lim = new ConcurrencyLimiter({ global: 3, perKey: { a: 1 }, maxQueue: 10 });
    const order: string[] = [];
    const slots: Slot[] = [];
    const ask = (key: string, name: string, urgent = false): string =>
      lim.acquire(
        key,
        (s) => {
          order.push(name);
          slots.push(s);
        },
        urgent,
      ).status;
    expect([ask('a', 'a1'), ask('a', 'a2'), ask('b', 'b1'), ask('a', 'a3'), ask('b', 'b2'), ask('b', 'b3')]).toEqual([
      'granted',
      'queued',
      'granted',
      'queued',
      'granted',
      'queued',
    ]);
    expect(lim.stats()).toMatchObject({ running: 3, queued: 3, runningPerKey: { a: 1, b: 2 } });
    slots[0]!.release(); // a1 done: a2 is next for key a
    slots[0]!.release(); // idempotent
    expect(order).toEqual(['a1', 'b1', 'b2', 'a2']);
    expect(ask('c', 'c1', true)).toBe('queued');
    slots[1]!.release(); // b1 done: urgent c1 before b3
    expect(order.at(-1)).toBe('c1');
  });

  it('rejects beyond maxQueue and cancels queued requests', () => {
    const lim = new ConcurrencyLimiter({ global: 1, perKey: {}, maxQueue: 1 });
    const granted: string[] = [];
    let slot: Slot | undefined;
    lim.acquire('k', (s) => (slot = s));
    const q = lim.acquire('k', () => granted.push('q'));
    expect(lim.acquire('k', () => granted.push('r')).status).toBe('rejected');
    expect(q.status === 'queued' && q.cancel()).toBe(true);
    slot!.release();
    expect(granted).toEqual([]);
    expect(lim.stats()).toEqual({ running: 0, runningPerKey: { k: 0 }, queued: 0, rejected: 1 });
  });

  it('refuses limits below 1', () => {
    expect(() => new ConcurrencyLimiter({ global: 0, perKey: {}, maxQueue: 1 })).toThrow(RangeError);
    expect(() => new ConcurrencyLimiter({ global: 1, perKey: { a: 0 }, maxQueue: 1 })).toThrow(/a must be/);
  });
});
