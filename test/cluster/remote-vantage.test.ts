import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Alert } from '../../src/correlate/alerts.js';
import type { StoredAlert } from '../../src/storage/repositories.js';
import { SHORT, T0 } from '../correlate/builders.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { clusterApp, observer, SLOW_LONG, waitFor } from './helpers.js';

/**
 * A prober-only vantage ("sin": no RIB, no correlator) and a central
 * correlator + UI. sin's observations cross through the relay and central
 * judges them with a correlator of their own: the alert is stored and
 * notified under sin's vantage, not central's.
 */
describe('a prober-only vantage judged by a correlator elsewhere', () => {
  const clock = new ManualClock(T0);
  let sin: App;
  let central: App;
  const notified: Alert[] = [];
  const alerts: StoredAlert[] = [];
  const observe = observer(clock);

  beforeAll(async () => {
    const uri = await uniqueDbUri('cluster_remote');
    sin = clusterApp('sin', uri, ['prober'], clock);
    central = clusterApp('central', uri, ['correlator', 'ui'], clock);
    central.bus.on('alert.notify', 'test', (a) => void notified.push(a));
    central.bus.on('alert', 'test', (a) => void alerts.push(a.alert));
    await sin.start();
    await central.start();
  }, 60_000);

  afterAll(async () => {
    await sin?.stop();
    await central?.stop();
  }, 60_000);

  it('opens, stores and notifies path_worse for sin at central', async () => {
    expect(sin.correlator).toBeNull();
    for (let m = 1; m <= 5; m++) await observe(sin, 'sin', SHORT, m);
    await observe(sin, 'sin', SLOW_LONG, 6.1);
    await observe(sin, 'sin', SLOW_LONG, 7);
    await waitFor('path_worse for sin at central', () => alerts.some((a) => a.kind === 'path_worse' && a.state === 'open'));
    const worse = alerts.find((a) => a.kind === 'path_worse')!;
    expect(worse.vantage).toBe('sin');
    expect(notified.filter((a) => a.kind === 'path_worse').map((a) => a.id)).toEqual([worse.id]);
    // central's own correlator judged none of them (they were measured elsewhere).
    expect(central.correlator!.counters.observations).toBe(0);
    expect(central.cluster.remote!.details()).toMatchObject({ observations: 7, vantages: { sin: { observations: 7, pathChanges: 1 } } });

    await central.storage.flush();
    const stored = await sin.storage.alerts.list({ state: 'open', targetId: 'shop' });
    expect(stored.map((a) => [a.kind, a.vantage])).toContainEqual(['path_worse', 'sin']);
    const changes = await sin.storage.pathChanges.forTarget('shop', {});
    expect(changes.map((c) => c.vantage)).toEqual(['sin']);
  });
});
