/** RetentionJob's pass: each kind deleted on its own, and a stop ends a pass between rounds. */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import type { Storage } from '../../src/storage/repositories.js';
import { RetentionJob } from '../../src/storage/retention.js';

const CFG = { routeEventsDays: 30, observationsDays: 90, alertsDays: 365, intervalMinutes: 60 };
type Delete = (cutoff: Date, more?: () => boolean) => Promise<number>;

/** A storage whose repositories only delete, each with the given function (default: deletes 1). */
function storage(over: Partial<Record<'routeEvents' | 'observations' | 'pathChanges' | 'pathMtu' | 'alerts', Delete>> = {}): Storage {
  const repo = (f: Delete = async () => 1) => ({ deleteOlderThan: f });
  return {
    isAvailable: () => true,
    routeEvents: repo(over.routeEvents),
    observations: repo(over.observations),
    pathChanges: repo(over.pathChanges),
    pathMtu: repo(over.pathMtu),
    alerts: repo(over.alerts),
  } as unknown as Storage;
}

describe('RetentionJob', () => {
  it('deletes each kind before its own cutoff', async () => {
    const clock = new ManualClock(Date.parse('2026-11-21T00:00:00Z'));
    const cutoffs: Record<string, string> = {};
    const at = (k: string): Delete => async (c) => ((cutoffs[k] = c.toISOString()), 2);
    const job = new RetentionJob(storage({ routeEvents: at('r'), observations: at('o'), pathChanges: at('p'), pathMtu: at('m'), alerts: at('a') }), CFG, clock, silentLogger());
    expect(await job.runOnce()).toEqual({ routeEvents: 2, observations: 2, pathChanges: 2, pathMtu: 2, alerts: 2, failed: [] });
    expect(cutoffs).toEqual({ r: '2026-10-22T00:00:00.000Z', o: '2026-08-23T00:00:00.000Z', p: '2026-08-23T00:00:00.000Z', m: '2026-08-23T00:00:00.000Z', a: '2025-11-21T00:00:00.000Z' });
  });

  it('a kind whose delete fails costs only that kind: the others are deleted, the failure reported', async () => {
    const job = new RetentionJob(storage({ routeEvents: () => Promise.reject(new Error('too many SQL variables')) }), CFG, new ManualClock(), silentLogger());
    const r = await job.runOnce();
    expect(r).toEqual({ routeEvents: 0, observations: 1, pathChanges: 1, pathMtu: 1, alerts: 1, failed: ['routeEvents'] });
    expect(job.lastRun?.result).toEqual(r);
  });

  it('shows on /api/health: degraded while the last pass failed a kind, up again after a pass without failure', async () => {
    const telemetry = new Telemetry({ defaultMetrics: false });
    let fail = true;
    const job = new RetentionJob(
      storage({ alerts: async () => (fail ? Promise.reject(new Error('boom')) : 3) }),
      CFG,
      new ManualClock(Date.parse('2026-11-21T00:00:00Z')),
      silentLogger(),
      telemetry,
    );
    await job.start();
    expect(telemetry.health().components['retention']).toEqual({ status: 'up', details: { lastRun: null, intervalMinutes: 60 } });
    await job.runOnce();
    expect(telemetry.health().components['retention']).toMatchObject({ status: 'degraded', details: { lastRun: { at: '2026-11-21T00:00:00.000Z', result: { failed: ['alerts'] } } } });
    fail = false;
    await job.runOnce();
    expect(telemetry.health().components['retention']).toMatchObject({ status: 'up', details: { lastRun: { result: { alerts: 3, failed: [] } } } });
    await job.stop();
    expect(telemetry.health().components['retention']).toBeUndefined();
  });

  it('stop() ends a pass in progress after its current round, and no pass starts after it', async () => {
    let release: () => void = () => {};
    const asked: boolean[] = [];
    const later: string[] = [];
    const job = new RetentionJob(
      storage({
        // A long delete: its first round waits, then it asks whether to go on.
        routeEvents: async (_c, more) => {
          await new Promise<void>((r) => (release = r));
          asked.push(more!());
          return 20_000;
        },
        observations: async () => (later.push('observations'), 1),
      }),
      CFG,
      new ManualClock(),
      silentLogger(),
    );
    const pass = job.runOnce();
    await new Promise((r) => setTimeout(r, 10));
    const stopped = job.stop();
    release();
    await stopped;
    expect(asked).toEqual([false]);
    expect(later).toEqual([]);
    expect((await pass)?.routeEvents).toBe(20_000);
    expect(await job.runOnce()).toBeNull();
  });
});
