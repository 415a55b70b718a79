/**
 * ProbeScheduler: runs every enabled target every intervalSec (± jitter),
 * never two runs of one target at once, within global and per-tool
 * concurrency limits, killing each run at its timeout.
 *
 * Time: schedules are a due time per target (scheduling/due.ts), not cron
 * expressions. A coarse tick source (scheduling/ticks.ts) calls tick() once a
 * second (node-cron by default, `* * * * * *`); tick() starts whatever is due
 * according to the injected clock. Tests pass `tick: null` (and call tick() themselves) or
 * `intervalTickSource()` under vitest fake timers, so no test waits for real.
 * Timeouts use the injected `timers` (global setTimeout by default, which
 * vitest fake timers replace).
 *
 * The run function is injected (the tool adapters' runProbe in the daemon):
 * it gets an AbortSignal and its own timeoutMs; the scheduler aborts the
 * signal at the timeout and, if the run still has not settled after a grace
 * period, considers it finished (counted as abandoned) and frees its slot.
 * A run that fails, is refused or is given up on becomes a failed observation
 * or a refusal (scheduling/runs.ts); the public types are in scheduling/types.ts.
 * Nothing thrown by the run, the resolver, prepare or onObservation escapes.
 */
import { ConcurrencyLimiter, type Slot } from './limiter.js';
import { DueTable, type DueEntry } from './scheduling/due.js';
import { LagWindow } from './scheduling/lag.js';
import { failedRunObservation, newRun, refusal, zeroCounts, type ActiveRun, type RunEnd } from './scheduling/runs.js';
import { cronTickSource, defaultTimers, type TickSource, type Timers } from './scheduling/ticks.js';
import type { OnDemandReason, RunNowRefusal, RunNowResult, RunReason, SchedulerOptions, SchedulerStats } from './scheduling/types.js';
import type { Target } from './target.js';
import type { PathObservation } from './types.js';

export type {
  OnDemandReason,
  ResolveFn,
  RunContext,
  RunFn,
  RunNowRefusal,
  RunNowResult,
  RunReason,
  SchedulerLogger,
  SchedulerOptions,
  SchedulerStats,
} from './scheduling/types.js';
export { cronTickSource, intervalTickSource, type TickSource, type Timers } from './scheduling/ticks.js';
export { seededRandom } from '../core/random.js';

export class ProbeScheduler {
  private readonly entries: DueTable<ActiveRun>;
  private readonly limiter: ConcurrencyLimiter;
  private readonly timers: Timers;
  private readonly tickSource: TickSource | null;
  private readonly graceMs: number;
  private readonly lag: LagWindow;
  private started = false;
  private dropping = false;
  private readonly counts = zeroCounts();

  constructor(private readonly opts: SchedulerOptions) {
    this.entries = new DueTable(opts.jitterPct, opts.random ?? Math.random);
    this.limiter = new ConcurrencyLimiter({
      global: opts.concurrency.global,
      perKey: Object.fromEntries(Object.entries(opts.concurrency.perTool).filter((kv): kv is [string, number] => kv[1] !== undefined)),
      maxQueue: opts.maxQueue ?? 1000,
    });
    this.timers = opts.timers ?? defaultTimers;
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
    for (const id of this.entries.ids()) if (!wanted.has(id)) this.remove(id);
    for (const t of targets) this.upsert(t, this.entries.spreadMs(t.intervalSec));
  }

  /** Adds or updates one target; a new one is due after `firstDelayMs` (default: at the next tick). */
  upsert(target: Target, firstDelayMs = 0): void {
    this.entries.upsert(target, this.opts.clock.nowMs(), firstDelayMs);
  }

  /** Stops scheduling a target; a queued or running run of it is cancelled (its result is not emitted). */
  remove(id: string): boolean {
    const e = this.entries.delete(id);
    if (!e) return false;
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
      if (!this.entries.isDue(e, now)) continue;
      const due = this.entries.advance(e, now);
      if (e.active) this.counts.skippedStillRunning++;
      else this.launch(e, 'scheduled', due, false);
    }
  }

  stats(): SchedulerStats {
    const l = this.limiter.stats();
    return {
      targets: this.entries.size,
      scheduled: this.entries.scheduledCount(),
      queued: l.queued,
      running: { total: l.running, perTool: l.runningPerKey },
      runs: { ...this.counts },
      lagMs: this.lag.summary(),
    };
  }

  private launch(e: DueEntry<ActiveRun>, reason: RunReason, dueMs: number, urgent: boolean): ActiveRun | null {
    const run = newRun(e.target, reason, dueMs);
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
    // The run stopped because the scheduler aborted it at the timeout: say so, not "cancelled".
    if (run.timedOut && observation.error?.code === 'CANCELLED') {
      observation.error = { code: 'TIMEOUT', message: `killed at its ${run.target.timeoutSec} s timeout (${observation.error.message})` };
    }
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
    return failedRunObservation(run, code, message, this.opts.clock.nowMs(), this.opts.vantage ?? 'local');
  }
}
