/**
 * Overview data for N targets, written through the real store (its write queue,
 * as the daemon writes). Used by test/http/overview.test.ts and bench/overview.ts.
 *
 * Target i (ids "t00000", ...), `now` the overview's clock:
 * - `runs` observations, one a minute before now, median RTT i + run index ms;
 * - i % 3 == 0: two path changes in the last 24 h (one "worse", one "better")
 *   and one three days ago;
 * - i % 5 == 0: an alert opened 90 min ago, resolved 30 min ago (60 min);
 * - i % 7 == 0: an alert opened two days ago and still open (the whole 24 h);
 * - i % 11 == 0: an alert resolved two days ago (outside the period).
 */
import type { PathObservation } from '../../src/probe/types.js';
import type { PathChangeRecord, Storage, StoredAlert } from '../../src/storage/repositories.js';

export const targetId = (i: number) => `t${String(i).padStart(5, '0')}`;
const MIN = 60_000;

function observation(i: number, run: number, now: number): PathObservation {
  const median = i + run;
  return {
    targetId: targetId(i),
    target: { name: targetId(i), address: '192.0.2.1' },
    tool: 'traceroute',
    method: 'icmp',
    vantage: 'bench',
    startedAt: new Date(now - (run + 1) * MIN).toISOString(),
    durationMs: 100,
    hops: [],
    reached: true,
    rtt: { min: median - 0.5, avg: median, max: median + 0.5, stdev: 0.2, median },
    loss: 0,
    signature: '192.0.2.1',
    status: 'ok',
  };
}

function change(i: number, n: number, at: number, verdict: string): PathChangeRecord {
  return {
    id: `${targetId(i)}-c${n}`,
    targetId: targetId(i),
    targetName: targetId(i),
    vantage: 'bench',
    time: new Date(at).toISOString(),
    verdict: { verdict, numbers: { hops: { before: 3, after: 4 } } },
    attribution: null,
    sentence: `${targetId(i)} changed`,
    routeEvents: [],
    beforeObservationIds: [],
    afterObservationIds: [],
    cause: 'none',
  };
}

function alert(i: number, n: number, openedAt: number, resolvedAt: number | null): StoredAlert {
  return {
    id: `${targetId(i)}-a${n}`,
    targetId: targetId(i),
    kind: 'path_worse',
    scope: 'e2e',
    state: resolvedAt === null ? 'open' : 'resolved',
    severity: 'major',
    openedAt: new Date(openedAt).toISOString(),
    updatedAt: new Date(resolvedAt ?? openedAt).toISOString(),
    resolvedAt: resolvedAt === null ? null : new Date(resolvedAt).toISOString(),
    summary: `${targetId(i)} worse`,
    flapping: false,
    vantage: 'bench',
  };
}

/** Writes the data set and waits until it is stored. */
export async function seedOverview(storage: Storage, opts: { targets: number; runs: number; now: number }): Promise<void> {
  const { now } = opts;
  for (let i = 0; i < opts.targets; i++) {
    for (let r = 0; r < opts.runs; r++) storage.observations.append(observation(i, r, now));
    if (i % 3 === 0) {
      storage.pathChanges.append(change(i, 1, now - 120 * MIN, 'worse'));
      storage.pathChanges.append(change(i, 2, now - 60 * MIN, 'better'));
      storage.pathChanges.append(change(i, 3, now - 3 * 24 * 60 * MIN, 'worse'));
    }
    if (i % 5 === 0) storage.alerts.put(alert(i, 1, now - 90 * MIN, now - 30 * MIN));
    if (i % 7 === 0) storage.alerts.put(alert(i, 2, now - 2 * 24 * 60 * MIN, null));
    if (i % 11 === 0) storage.alerts.put(alert(i, 3, now - 3 * 24 * 60 * MIN, now - 2 * 24 * 60 * MIN));
    // Let the write queue drain now and then instead of holding everything in memory.
    if (i % 500 === 499) await storage.flush();
  }
  await storage.flush();
}
