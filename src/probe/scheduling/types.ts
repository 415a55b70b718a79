/**
 * The probe scheduler's public contract: what a run gets and returns, the
 * options, the on-demand answer and the statistics.
 */
import type { Clock } from '../../core/clock.js';
import type { Resolution } from '../resolve.js';
import type { Target, TargetTool } from '../target.js';
import type { PathObservation } from '../types.js';
import type { LagSummary } from './lag.js';
import type { TickSource, Timers } from './ticks.js';

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
  lagMs: LagSummary;
}
