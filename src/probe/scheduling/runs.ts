/**
 * One run of the probe scheduler from admission to its end, the counters of
 * all runs, and what a run that fails or is refused turns into: a failed
 * observation (stored like any other) or a RunNowRefusal for the caller.
 */
import { failedRun } from '../failed.js';
import type { Slot } from '../limiter.js';
import type { Target } from '../target.js';
import type { PathObservation } from '../types.js';
import type { RunNowRefusal, RunReason, SchedulerStats } from './types.js';

export type Refusal = { ok: false; code: RunNowRefusal; message: string };
export type RunEnd = { ok: true; observation: PathObservation } | Refusal;

export interface ActiveRun {
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

export function newRun(target: Target, reason: RunReason, dueMs: number): ActiveRun {
  let settle!: (end: RunEnd) => void;
  const done = new Promise<RunEnd>((r) => (settle = r));
  return { target, reason, dueMs, state: 'queued', controller: new AbortController(), timedOut: false, timers: [], done, settle };
}

export function refusal(code: RunNowRefusal, message: string): Refusal {
  return { ok: false, code, message };
}

export type RunCounts = SchedulerStats['runs'];

export function zeroCounts(): RunCounts {
  return { started: 0, finished: 0, failed: 0, timedOut: 0, abandoned: 0, skippedStillRunning: 0, dropped: 0, onDemand: 0, joined: 0 };
}

/** The failed observation of a run (resolver refusal, thrown run, timeout or cancel ignored past the grace period). */
export function failedRunObservation(run: ActiveRun, code: string, message: string, nowMs: number, vantage: string): PathObservation {
  const startedMs = run.startedMs ?? nowMs;
  return failedRun(
    {
      targetId: run.target.id,
      target: { name: run.target.name, address: run.address ?? run.target.host },
      tool: run.target.tool,
      method: run.target.method,
      vantage,
      startedAt: new Date(startedMs).toISOString(),
      durationMs: nowMs - startedMs,
    },
    code,
    message,
  );
}
