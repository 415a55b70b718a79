/**
 * The one builder of a failed PathObservation: a run that produced no path
 * (tool missing, timeout, cancelled, garbage output, refused request, the
 * resolver refused the host, ...) is still stored and published, with its
 * reason, so the scheduler, the tool runners and the scamper pool all
 * describe failures the same way.
 */
import type { PathObservation } from './types.js';

/** What a run that failed still knows about itself. */
export type FailedRun = Pick<PathObservation, 'target' | 'tool' | 'method' | 'vantage' | 'startedAt' | 'durationMs' | 'targetId'>;

export function failedRun(run: FailedRun, code: string, message: string): PathObservation {
  return {
    ...(run.targetId !== undefined ? { targetId: run.targetId } : {}),
    target: run.target,
    tool: run.tool,
    method: run.method,
    vantage: run.vantage,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    hops: [],
    reached: false,
    rtt: null,
    loss: 1,
    signature: '',
    status: 'failed',
    error: { code, message },
  };
}
