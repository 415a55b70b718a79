/**
 * The path MTU schedule: every target measured every probing.pmtu.intervalSec
 * by tracepath or scamper's PMTUD, stored and published as `path.mtu`.
 *
 * A second ProbeScheduler instance rather than a second tool inside the
 * traceroute schedule: the MTU changes rarely and needs its own, slower rhythm
 * and its own concurrency limit; the scheduler stays one-run-per-target as it
 * is (no overlap, timeout kill, jitter, on-demand runs come for free); and the
 * full-size tracepath/scamper probes never land in the observation series that
 * change detection, the judge and the latency charts read.
 */
import { randomBytes } from 'node:crypto';
import type { ProbingConfig } from '../../config/schema.js';
import type { EventBus } from '../../core/bus.js';
import type { Clock } from '../../core/clock.js';
import type { SmokeTraceEvents } from '../../core/events.js';
import type { PathMtuRepository } from '../../storage/repositories.js';
import { annotateHops, type OriginLookup } from '../annotate.js';
import { resolveTarget } from '../resolve.js';
import { ProbeScheduler, type RunContext, type SchedulerLogger, type SchedulerStats, type TickSource } from '../scheduler.js';
import type { Target } from '../target.js';
import type { RunOptions } from '../tools/run.js';
import type { PathObservation } from '../types.js';
import { runPmtu, toMeasurement } from './measure.js';
import type { PmtuMeasurement } from './types.js';

export interface PmtuProberDeps {
  config: ProbingConfig;
  vantage: string;
  store: Pick<PathMtuRepository, 'append'>;
  rib: OriginLookup;
  bus: EventBus<SmokeTraceEvents>;
  clock: Clock;
  log: SchedulerLogger;
  /** Test seams: the tool runner's options (binary, execaImpl), the tick source (null: call tick()). */
  runOptions?: Partial<RunOptions>;
  tick?: TickSource | null;
}

export type PmtuRunResult = { ok: true; measurement: PmtuMeasurement } | { ok: false; code: string; message: string };

export class PmtuProber {
  readonly scheduler: ProbeScheduler;
  private readonly last = new Map<string, PmtuMeasurement>();
  private readonly counts = { measured: 0, failed: 0, changed: 0 };

  constructor(private readonly deps: PmtuProberDeps) {
    const cfg = deps.config.pmtu;
    this.scheduler = new ProbeScheduler({
      clock: deps.clock,
      run: (target, ctx) => this.run(target, ctx),
      resolve: (target, signal) => resolveTarget(target, deps.config.addressPolicy, { signal }),
      onObservation: (obs, info) => this.record(obs, info.target),
      // One limit for all PMTU runs, apart from the traceroute limits.
      concurrency: { global: cfg.concurrency, perTool: {} },
      jitterPct: deps.config.jitterPct,
      vantage: deps.vantage,
      log: deps.log,
      ...(deps.tick === undefined ? {} : { tick: deps.tick }),
    });
  }

  /** A target as the PMTU schedule sees it: its own interval and timeout. */
  private view(t: Target): Target {
    return { ...t, intervalSec: this.deps.config.pmtu.intervalSec, timeoutSec: this.deps.config.pmtu.timeoutSec };
  }

  setTargets(targets: readonly Target[]): void {
    this.scheduler.setTargets(targets.map((t) => this.view(t)));
  }

  upsert(t: Target): void {
    this.scheduler.upsert(this.view(t));
  }

  remove(id: string): void {
    this.scheduler.remove(id);
    this.last.delete(id);
  }

  start(): void {
    this.scheduler.start();
  }

  stop(): Promise<void> {
    return this.scheduler.stop();
  }

  /** Measures a target now (API, CLI, tests); joins a run already under way. */
  async runNow(targetId: string): Promise<PmtuRunResult> {
    const r = await this.scheduler.runNow(targetId, 'api');
    if (!r.ok) return r;
    const m = this.last.get(targetId);
    return m ? { ok: true, measurement: m } : { ok: false, code: 'NOT_RECORDED', message: `no measurement recorded for ${targetId}` };
  }

  stats(): { tool: string; intervalSec: number; measured: number; failed: number; changed: number; scheduler: SchedulerStats } {
    return { tool: this.deps.config.pmtu.tool, intervalSec: this.deps.config.pmtu.intervalSec, ...this.counts, scheduler: this.scheduler.stats() };
  }

  private run(target: Target, ctx: RunContext): Promise<PathObservation> {
    return runPmtu(
      {
        tool: this.deps.config.pmtu.tool,
        address: ctx.address,
        ipVersion: ctx.address.includes(':') ? 6 : 4,
        maxHops: target.maxHops,
        waitSec: 1,
        targetName: target.name,
      },
      { signal: ctx.signal, timeoutMs: ctx.timeoutMs, vantage: this.deps.vantage, now: () => this.deps.clock.now(), ...this.deps.runOptions },
    );
  }

  private record(obs: PathObservation, target: Target): void {
    const annotated = obs.status === 'ok' ? annotateHops(obs, this.deps.rib) : obs;
    const m: PmtuMeasurement = { ...toMeasurement(annotated, this.deps.config.pmtu.tool, target.id), id: randomBytes(12).toString('hex') };
    this.counts.measured++;
    if (m.status === 'failed') this.counts.failed++;
    const before = this.last.get(target.id);
    if (before?.pathMtu != null && m.pathMtu !== null && before.pathMtu !== m.pathMtu) this.counts.changed++;
    this.last.set(target.id, m);
    this.deps.store.append(m);
    this.deps.bus.emit('path.mtu', m);
  }
}
