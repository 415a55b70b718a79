import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/core/clock.js';
import { ManualClock } from '../../src/core/clock.js';
import type { PathObservation } from '../../src/probe/types.js';
import { LONG, MIN, observation, T0, type HopSpec } from '../correlate/builders.js';
import { waitFor as waitForShared } from '../helpers/processes.js';

/** Resolves when pred() holds, polling every 25 ms; fails after `ms` naming what it waited for (a wait, not a timed assertion). */
export async function waitFor(what: string, pred: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  await waitForShared(what, pred, ms, 25);
}

/** The lab's long path, 40 ms slower from hop 2 on: after the short path, a confirmed path_worse. */
export const SLOW_LONG: HopSpec[] = LONG.map((h, i) => (i >= 1 ? { ...h, rtt: h.rtt + 40 } : h));

/** A daemon of the test cluster: HTTP on port 0, BMP and probing off, relay polling every 100 ms. */
export function clusterApp(name: string, uri: string, roles: string[], clock: Clock, quorum = 1): App {
  return new App({
    clock,
    config: parseConfig(
      {
        instance: { name },
        storage: { uri, writeQueue: { flushIntervalMs: 50 } },
        http: { port: 0, apiToken: 'cluster-test-token-0123456789' },
        bmp: { enabled: false },
        probing: { enabled: false },
        log: { level: 'silent' },
        correlation: { burst: { enabled: false } },
        cluster: { roles, relay: { enabled: true, pollIntervalMs: 100 }, quorum: { pathWorse: quorum } },
      },
      'test',
      {},
    ),
  });
}

/**
 * Emits observations as a vantage's prober would (stored, then on its bus), one per minute
 * mark; resolves once the app's correlator has judged it (a target's first observation waits
 * for its stored runs, correlation.resumeBaselines).
 */
export function observer(clock: ManualClock) {
  let n = 0;
  return async (app: App, vantage: string, hops: HopSpec[], minute: number): Promise<PathObservation> => {
    clock.set(T0 + minute * MIN);
    const obs: PathObservation = { ...observation(hops, { minute, id: (++n).toString(16).padStart(24, '0'), targetId: 'shop' }), vantage };
    app.storage.observations.append(obs);
    app.bus.emit('observation', obs);
    await app.correlator?.idle();
    return obs;
  };
}
