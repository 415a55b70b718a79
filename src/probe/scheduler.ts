/**
 * ProbeScheduler: runs every enabled target every intervalSec (± jitter),
 * never two runs of one target at once, within global and per-tool
 * concurrency limits, killing each run at its timeout.
 *
 * Time: schedules live in this class (a due time per target), not in cron
 * expressions. A coarse tick source calls tick() once a second (node-cron by
 * default, `* * * * * *`); tick() starts whatever is due according to the
 * injected clock. Tests pass `tick: null` (and call tick() themselves) or
 * `intervalTickSource()` under vitest fake timers, so no test waits for real.
 * Timeouts use the injected `timers` (global setTimeout by default, which
 * vitest fake timers replace).
 *
 * The run function is injected (the tool adapters' runProbe in the daemon):
 * it gets an AbortSignal and its own timeoutMs; the scheduler aborts the
 * signal at the timeout and, if the run still has not settled after a grace
 * period, considers it finished (counted as abandoned) and frees its slot.
 * Nothing thrown by the run, the resolver, prepare or onObservation escapes.
 */
import cron from 'node-cron';
import type { Clock } from '../core/clock.js';
import { ConcurrencyLimiter, type Slot } from './limiter.js';
import type { Resolution } from './resolve.js';
import type { Target, TargetTool } from './target.js';
import type { PathObservation } from './types.js';

export type OnDemandReason = 'api' | 'bgp' | 'manual';
export type RunReason = 'scheduled' | OnDemandReason;

export interface RunContext {
  signal: AbortSignal;
  /** Time left for this run; the run function should enforce it itself too. */
  timeoutMs: number;
  reason: RunReason;
  /** The IP literal to probe (resolved at this run when a resolver is configured, else target.host). */
  address: string;
}
export type RunFn = (target: Target, ctx: RunContext) => Promise<PathObservation>;
export type ResolveFn = (target: Target, signal: AbortSignal) => Promise<Resolution>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
/** Calls onTick about once a second until stopped. */
export interface TickSource {
  start(onTick: () => void): void;
  stop(): void;
}
/** The subset of a pino logger used here. */
export interface SchedulerLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerOptions {
  clock: Clock;
  run: RunFn;
  /**
   * Turns a finished run's observation into the one that is published (the daemon gives it
   * its id and the RIB annotation): onObservation and runNow get what it returns. Default: as is.
   */
  prepare?: (obs: PathObservation, info: { target: Target; reason: RunReason }) => PathObservation;
  onObservation: (obs: PathObservation, info: { target: Target; reason: RunReason }) => void;
  concurrency: { global: number; perTool: Partial<Record<TargetTool, number>> };
  /** Each gap between two scheduled runs is intervalSec × (1 ± jitterPct/100); 0..50. */
  jitterPct: number;
  /** Waiting runs beyond this are dropped (scheduled) or refused (on demand) and counted. Default 1000. */
  maxQueue?: number;
  /** How long after its timeout a run that ignores the abort still holds its slot. Default 5 s. */
  graceMs?: number;
  /** Uniform [0, 1); inject seededRandom(n) for deterministic jitter. */
  random?: () => number;
  resolve?: ResolveFn;
  vantage?: string;
  log?: SchedulerLogger;
  timers?: Timers;
  /** Default: node-cron every second. null: no automatic ticks (call tick()). */
  tick?: TickSource | null;
  /** Size of the scheduling-lag sample window. Default 2048. */
  lagWindow?: number;
}

export type RunNowRefusal = 'UNKNOWN_TARGET' | 'DISABLED' | 'QUEUE_FULL' | 'STOPPED' | 'REMOVED';
export type RunNowResult =
  | { ok: true; observation: PathObservation; /** True when it joined a run already queued or running. */ joined: boolean }
  | { ok: false; code: RunNowRefusal; message: string };

export interface SchedulerStats {
  targets: number;
  scheduled: number;
  queued: number;
  running: { total: number; perTool: Record<string, number> };
  runs: {
    started: number;
    /** Every run that ended, whatever the outcome (failed, timedOut and abandoned are subsets). */
    finished: number;
    failed: number;
    timedOut: number;
    /** Ignored the abort and was given up on at timeout + grace. */
    abandoned: number;
    skippedStillRunning: number;
    dropped: number;
    onDemand: number;
    joined: number;
  };
  /** Scheduled start minus due time (tick granularity + queue wait), over the last lagWindow runs. */
  lagMs: { samples: number; p50: number | null; p99: number | null; max: number | null };
}

type RunEnd = { ok: true; observation: PathObservation } | { ok: false; code: RunNowRefusal; message: string };

interface ActiveRun {
  target: Target;
  reason: RunReason;
  dueMs: number;
  state: 'queued' | 'running' | 'done';
  controller: AbortController;
  admission?: { cancel(): boolean; promote(): void };
  slot?: Slot;
  startedMs?: number;
  address?: string;
  timedOut: boolean;
  /** Set when stop()/remove() cancels it: its result is not emitted. */
  cancelled?: RunNowRefusal;
  timers: unknown[];
  done: Promise<RunEnd>;
  settle: (end: RunEnd) => void;
}

interface Entry {
  target: Target;
  /** Next due time; null when disabled. */
  nextDueMs: number | null;
  lastDueMs: number | null;
  active: ActiveRun | null;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class ProbeScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly limiter: ConcurrencyLimiter;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly tickSource: TickSource | null;
  private readonly graceMs: number;
  private readonly lag: LagWindow;
  private started = false;
  private dropping = false;
  private readonly counts = {
    started: 0,
    finished: 0,
    failed: 0,
    timedOut: 0,
    abandoned: 0,
    skippedStillRunning: 0,
    dropped: 0,
    onDemand: 0,
    joined: 0,
  };

  constructor(private readonly opts: SchedulerOptions) {
    if (!(opts.jitterPct >= 0 && opts.jitterPct <= 50)) throw new RangeError('jitterPct must be within 0..50');
    this.limiter = new ConcurrencyLimiter({
      global: opts.concurrency.global,
      perKey: Object.fromEntries(Object.entries(opts.concurrency.perTool).filter((kv): kv is [string, number] => kv[1] !== undefined)),
      maxQueue: opts.maxQueue ?? 1000,
    });
    this.timers = opts.timers ?? defaultTimers;
    this.random = opts.random ?? Math.random;
    this.tickSource = opts.tick === undefined ? cronTickSource() : opts.tick;
    this.graceMs = opts.graceMs ?? 5_000;
    this.lag = new LagWindow(opts.lagWindow ?? 2048);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.tickSource?.start(() => {
      try {
        this.tick();
      } catch (err) {
        // Never expected; a tick source must not die from it either way.
        this.opts.log?.error({ err }, 'probe scheduler tick failed');
      }
    });
  }

  /** Stops ticking, drops queued runs, aborts running ones; resolves when every run has settled (or been given up on). */
  async stop(): Promise<void> {
    this.started = false;
    this.tickSource?.stop();
    const pending: Promise<RunEnd>[] = [];
    for (const e of this.entries.values()) {
      if (e.active) pending.push(this.cancel(e.active, 'STOPPED', 'the scheduler stopped'));
    }
    await Promise.all(pending);
  }

  /** Replaces the whole target set; unchanged targets keep their schedule, new ones are spread over their first interval. */
  setTargets(targets: readonly Target[]): void {
    const wanted = new Set(targets.map((t) => t.id));
    for (const id of [...this.entries.keys()]) if (!wanted.has(id)) this.remove(id);
    for (const t of targets) this.upsert(t, this.random() * t.intervalSec * 1000);
  }

  /** Adds or updates one target; a new one is due after `firstDelayMs` (default: at the next tick). */
  upsert(target: Target, firstDelayMs = 0): void {
    const now = this.opts.clock.nowMs();
    const e = this.entries.get(target.id);
    if (!e) {
      this.entries.set(target.id, { target, nextDueMs: target.enabled ? now + firstDelayMs : null, lastDueMs: null, active: null });
      return;
    }
    const before = e.target;
    e.target = target;
    if (!target.enabled) e.nextDueMs = null;
    else if (!before.enabled || e.nextDueMs === null) e.nextDueMs = now + firstDelayMs;
    else if (before.intervalSec !== target.intervalSec) {
      e.nextDueMs = Math.max(now, (e.lastDueMs ?? now) + this.gapMs(target.intervalSec));
    }
  }

  /** Stops scheduling a target; a queued or running run of it is cancelled (its result is not emitted). */
  remove(id: string): boolean {
    const e = this.entries.get(id);
    if (!e) return false;
    this.entries.delete(id);
    if (e.active) void this.cancel(e.active, 'REMOVED', `target ${id} was removed`);
    return true;
  }

  /**
   * Runs a target now (API, BGP-triggered bursts), ahead of scheduled runs in
   * the queue. If the target is already queued or running, waits for that run.
   */
  runNow(targetId: string, reason: OnDemandReason): Promise<RunNowResult> {
    const e = this.entries.get(targetId);
    if (!this.started) return Promise.resolve(refusal('STOPPED', 'the scheduler is not running'));
    if (!e) return Promise.resolve(refusal('UNKNOWN_TARGET', `no target with id ${targetId}`));
    if (!e.target.enabled) return Promise.resolve(refusal('DISABLED', `target ${targetId} is disabled`));
    this.counts.onDemand++;
    if (e.active) {
      this.counts.joined++;
      e.active.admission?.promote();
      return e.active.done.then((end) => (end.ok ? { ...end, joined: true } : end));
    }
    const run = this.launch(e, reason, this.opts.clock.nowMs(), true);
    if (!run) return Promise.resolve(refusal('QUEUE_FULL', 'too many runs are waiting'));
    return run.done.then((end) => (end.ok ? { ...end, joined: false } : end));
  }

  /** Starts every due target. Called by the tick source; public for tests and custom tick sources. */
  tick(): void {
    if (!this.started) return;
    const now = this.opts.clock.nowMs();
    for (const e of this.entries.values()) {
      if (e.nextDueMs === null || e.nextDueMs > now) continue;
      const due = e.nextDueMs;
      e.lastDueMs = due;
      const next = due + this.gapMs(e.target.intervalSec);
      // Far behind (process suspended, clock jump): restart the rhythm from now rather than bursting.
      e.nextDueMs = next > now ? next : now + this.gapMs(e.target.intervalSec);
      if (e.active) this.counts.skippedStillRunning++;
      else this.launch(e, 'scheduled', due, false);
    }
  }

  stats(): SchedulerStats {
    const l = this.limiter.stats();
    let scheduled = 0;
    for (const e of this.entries.values()) if (e.nextDueMs !== null) scheduled++;
    return {
      targets: this.entries.size,
      scheduled,
      queued: l.queued,
      running: { total: l.running, perTool: l.runningPerKey },
      runs: { ...this.counts },
      lagMs: this.lag.summary(),
    };
  }

  /** intervalSec × (1 ± jitter), in ms. */
  private gapMs(intervalSec: number): number {
    const j = (this.opts.jitterPct / 100) * (2 * this.random() - 1);
    return intervalSec * 1000 * (1 + j);
  }

  private launch(e: Entry, reason: RunReason, dueMs: number, urgent: boolean): ActiveRun | null {
    let settle!: (end: RunEnd) => void;
    const done = new Promise<RunEnd>((r) => (settle = r));
    const run: ActiveRun = { target: e.target, reason, dueMs, state: 'queued', controller: new AbortController(), timedOut: false, timers: [], done, settle };
    e.active = run;
    const admission = this.limiter.acquire(run.target.tool, (slot) => this.begin(run, slot), urgent);
    if (admission.status === 'rejected') {
      e.active = null;
      this.counts.dropped++;
      if (!this.dropping) this.opts.log?.warn({ target: e.target.id, queued: this.limiter.queued }, 'probe queue full, dropping runs');
      this.dropping = true;
      return null;
    }
    if (admission.status === 'queued') run.admission = admission;
    return run;
  }

  private begin(run: ActiveRun, slot: Slot): void {
    run.state = 'running';
    run.slot = slot;
    run.admission = undefined;
    if (this.limiter.queued === 0) this.dropping = false;
    const now = this.opts.clock.nowMs();
    run.startedMs = now;
    this.counts.started++;
    if (run.reason === 'scheduled') this.lag.add(now - run.dueMs);
    const timeoutMs = run.target.timeoutSec * 1000;
    run.timers.push(
      this.timers.setTimeout(() => {
        run.timedOut = true;
        this.counts.timedOut++;
        run.controller.abort(new Error(`probe timed out after ${timeoutMs} ms`));
        this.giveUpAfterGrace(run, 'TIMEOUT', `timed out after ${timeoutMs} ms and ignored the abort`);
      }, timeoutMs),
    );
    void this.execute(run, timeoutMs).then((obs) => this.finish(run, obs));
  }

  private async execute(run: ActiveRun, timeoutMs: number): Promise<PathObservation> {
    const { target, controller } = run;
    try {
      let address = target.host;
      if (this.opts.resolve) {
        const r = await this.opts.resolve(target, controller.signal);
        if (!r.ok) return this.failed(run, r.code, r.message);
        address = r.address;
      }
      run.address = address;
      const left = Math.max(1, timeoutMs - (this.opts.clock.nowMs() - (run.startedMs ?? 0)));
      return await this.opts.run(target, { signal: controller.signal, timeoutMs: left, reason: run.reason, address });
    } catch (err) {
      this.opts.log?.warn({ target: target.id, err }, 'probe run threw');
      return this.failed(run, 'RUN_ERROR', err instanceof Error ? err.message : String(err));
    }
  }

  private finish(run: ActiveRun, obs: PathObservation, abandoned = false): void {
    if (run.state === 'done') return; // a late settle after being given up on
    run.state = 'done';
    for (const t of run.timers) this.timers.clearTimeout(t);
    const e = this.entries.get(run.target.id);
    if (e?.active === run) e.active = null;
    this.counts.finished++;
    if (abandoned) this.counts.abandoned++;
    const observation: PathObservation = { ...obs, targetId: run.target.id };
    if (!observation.labels && Object.keys(run.target.labels).length > 0) observation.labels = run.target.labels;
    if (observation.status === 'failed') this.counts.failed++;
    run.slot?.release();
    if (run.cancelled) {
      run.settle(refusal(run.cancelled, `run cancelled: ${run.cancelled}`));
      return;
    }
    const info = { target: run.target, reason: run.reason };
    let published = observation;
    try {
      if (this.opts.prepare) published = this.opts.prepare(observation, info);
    } catch (err) {
      this.opts.log?.error({ target: run.target.id, err }, 'observation preparation failed');
    }
    try {
      this.opts.onObservation(published, info);
    } catch (err) {
      this.opts.log?.error({ target: run.target.id, err }, 'observation consumer failed');
    }
    run.settle({ ok: true, observation: published });
  }

  private cancel(run: ActiveRun, code: RunNowRefusal, message: string): Promise<RunEnd> {
    run.cancelled ??= code;
    if (run.state === 'queued') {
      run.admission?.cancel();
      run.state = 'done';
      const e = this.entries.get(run.target.id);
      if (e?.active === run) e.active = null;
      run.settle(refusal(code, message));
    } else if (run.state === 'running') {
      run.controller.abort(new Error(message));
      this.giveUpAfterGrace(run, 'CANCELLED', `${message}; the run ignored the abort`);
    }
    return run.done;
  }

  private giveUpAfterGrace(run: ActiveRun, code: string, message: string): void {
    run.timers.push(this.timers.setTimeout(() => this.finish(run, this.failed(run, code, message), true), this.graceMs));
  }

  private failed(run: ActiveRun, code: string, message: string): PathObservation {
    const now = this.opts.clock.nowMs();
    const startedMs = run.startedMs ?? now;
    return {
      targetId: run.target.id,
      target: { name: run.target.name, address: run.address ?? run.target.host },
      tool: run.target.tool,
      method: run.target.method,
      vantage: this.opts.vantage ?? 'local',
      startedAt: new Date(startedMs).toISOString(),
      durationMs: now - startedMs,
      hops: [],
      reached: false,
      rtt: null,
      loss: 1,
      signature: '',
      status: 'failed',
      error: { code, message },
    };
  }
}

function refusal(code: RunNowRefusal, message: string): { ok: false; code: RunNowRefusal; message: string } {
  return { ok: false, code, message };
}

/** The last N lag samples, summarised on demand. */
class LagWindow {
  private readonly buf: Float64Array;
  private n = 0;
  constructor(size: number) {
    this.buf = new Float64Array(Math.max(1, size));
  }
  add(ms: number): void {
    this.buf[this.n % this.buf.length] = ms;
    this.n++;
  }
  summary(): SchedulerStats['lagMs'] {
    const count = Math.min(this.n, this.buf.length);
    if (count === 0) return { samples: 0, p50: null, p99: null, max: null };
    const sorted = this.buf.slice(0, count).sort();
    const at = (q: number): number => sorted[Math.min(count - 1, Math.ceil(q * count) - 1)] ?? 0;
    return { samples: count, p50: at(0.5), p99: at(0.99), max: sorted[count - 1] ?? 0 };
  }
}

/** The default tick: node-cron, every second (6-field expression with seconds). */
export function cronTickSource(expression = '* * * * * *'): TickSource {
  let task: ReturnType<typeof cron.createTask> | null = null;
  return {
    start(onTick) {
      // A missed tick is harmless (the next one starts whatever is due), so no warnings for it.
      task = cron.createTask(expression, () => onTick(), { name: 'probe-scheduler-tick', suppressMissedWarning: true });
      void task.start();
    },
    stop() {
      void task?.destroy();
      task = null;
    },
  };
}

/** A plain setInterval-style tick through the given timers (vitest fake timers, the benchmark). */
export function intervalTickSource(periodMs = 1000, timers: Timers = defaultTimers): TickSource {
  let handle: unknown = null;
  return {
    start(onTick) {
      const loop = (): void => {
        handle = timers.setTimeout(loop, periodMs);
        onTick();
      };
      handle = timers.setTimeout(loop, periodMs);
    },
    stop() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}

export { seededRandom } from '../core/random.js';
