import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Alert } from '../../src/correlate/alerts.js';
import type { PathObservation } from '../../src/probe/types.js';
import type { StoredAlert } from '../../src/storage/repositories.js';
import { SHORT, T0 } from '../correlate/builders.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { clusterApp, observer, SLOW_LONG, waitFor } from './helpers.js';

/**
 * Three daemons in one process on one MongoDB-wire store (FerretDB via
 * MONGODB_URI): two vantages that collect, probe and correlate ("fra",
 * "nyc") and one UI-only instance ("central"). Observations are fed on each
 * vantage's own bus (the lab's short path, then the long path 40 ms slower:
 * a confirmed path_worse). The relay carries observations and alerts across;
 * with a quorum of 2, one vantage alone is not notified, the second makes it.
 */

describe('several vantages on one MongoDB', () => {
  const clock = new ManualClock(T0);
  const apps: Record<'fra' | 'nyc' | 'central', App> = {} as never;
  const notified: Record<string, Alert[]> = { fra: [], nyc: [], central: [] };
  const busAlerts: Record<string, StoredAlert[]> = { fra: [], nyc: [], central: [] };
  const busObservations: Record<string, PathObservation[]> = { fra: [], nyc: [], central: [] };
  const socketAlerts: Record<string, StoredAlert[]> = { nyc: [], central: [] };
  const sockets: Socket[] = [];

  const emit = observer(clock);
  const observe = (vantage: 'fra' | 'nyc', hops: typeof SHORT, minute: number) => emit(apps[vantage], vantage, hops, minute);

  const connect = async (app: App, into: StoredAlert[]) => {
    const socket = ioClient(app.http.url(), { transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    socket.on('alert', (a: { alert: StoredAlert }) => void into.push(a.alert));
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
  };

  const pathWorse = (list: StoredAlert[], vantage: string) => list.filter((a) => a.kind === 'path_worse' && a.vantage === vantage);

  beforeAll(async () => {
    const uri = await uniqueDbUri('cluster');
    apps.fra = clusterApp('fra', uri, ['collector', 'prober', 'correlator'], clock, 2);
    apps.nyc = clusterApp('nyc', uri, ['collector', 'prober', 'correlator', 'ui'], clock, 2);
    apps.central = clusterApp('central', uri, ['ui'], clock, 2);
    for (const [name, app] of Object.entries(apps)) {
      app.bus.on('alert.notify', 'test', (a) => void notified[name]!.push(a));
      app.bus.on('alert', 'test', (a) => void busAlerts[name]!.push(a.alert));
      app.bus.on('observation', 'test', (o) => void busObservations[name]!.push(o));
      await app.start();
    }
    await connect(apps.nyc, socketAlerts.nyc!);
    await connect(apps.central, socketAlerts.central!);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const app of Object.values(apps)) await app?.stop();
  }, 60_000);

  it('builds only the services of each role', () => {
    expect(apps.fra.correlator).not.toBeNull();
    expect(apps.central.correlator).toBeNull();
    expect(apps.central.cluster.plan).toMatchObject({ ui: true, collector: false, correlator: false });
    expect(apps.central.cluster.gate).toBeNull();
    expect(apps.fra.cluster.relay?.instance).not.toBe(apps.nyc.cluster.relay?.instance);
  });

  it('one vantage alone: path_worse opens at fra, is relayed, and is not notified (quorum 2)', async () => {
    for (let m = 1; m <= 5; m++) await observe('fra', SHORT, m);
    await observe('fra', SLOW_LONG, 6.1);
    await observe('fra', SLOW_LONG, 7);
    expect(pathWorse(busAlerts.fra!, 'fra').map((a) => a.state)).toEqual(['open']);
    // The relay brings fra's alert to the others' buses with its vantage.
    await waitFor('fra alert at nyc and central', () => pathWorse(busAlerts.nyc!, 'fra').length > 0 && pathWorse(busAlerts.central!, 'fra').length > 0);
    expect(pathWorse(busAlerts.fra!, 'fra')[0]).toMatchObject({ vantage: 'fra', vantages: ['fra'] });
    expect(Object.values(notified).flat().filter((a) => a.kind === 'path_worse')).toEqual([]);
    expect(apps.fra.cluster.gate!.counters.held).toBe(1);
  });

  it('observations carry their vantage across instances, and nyc does not judge fra observations', async () => {
    await waitFor('fra observations at central', () => busObservations.central!.length >= 7);
    expect(new Set(busObservations.central!.map((o) => o.vantage))).toEqual(new Set(['fra']));
    expect(busObservations.nyc!.filter((o) => o.vantage === 'fra')).toHaveLength(7);
    expect(apps.nyc.correlator!.counters.observations).toBe(0);
    expect(apps.nyc.correlator!.counters.skipped).toBe(7);
  });

  it('a second vantage makes the quorum: exactly one notification, and both stored alerts see both vantages', async () => {
    for (let m = 8; m <= 12; m++) await observe('nyc', SHORT, m);
    await observe('nyc', SLOW_LONG, 13.1);
    await observe('nyc', SLOW_LONG, 14);
    expect(pathWorse(busAlerts.nyc!, 'nyc')[0]).toMatchObject({ state: 'open', vantage: 'nyc', vantages: ['fra', 'nyc'] });
    // nyc sees the quorum at once; fra (the first name of the agreeing set) speaks for it once nyc's alert reaches it.
    await waitFor('the quorum notification at fra', () => notified.fra!.some((a) => a.kind === 'path_worse'));
    await new Promise((r) => setTimeout(r, 400)); // a few more relay reads: nothing else may be notified
    const worse = Object.values(notified).flat().filter((a) => a.kind === 'path_worse');
    expect(worse).toHaveLength(1);
    expect(worse[0]!.targetId).toBe('shop');
    expect(apps.nyc.cluster.gate!.counters.covered).toBe(1);
    expect(apps.fra.cluster.gate!.counters.released).toBe(1);

    await apps.fra.storage.flush();
    await apps.nyc.storage.flush();
    const stored = (await apps.central.storage.alerts.list({ state: 'open', targetId: 'shop' })).filter((a) => a.kind === 'path_worse');
    expect(stored.map((a) => [a.vantage, a.vantages]).sort()).toEqual([
      ['fra', ['fra', 'nyc']],
      ['nyc', ['fra', 'nyc']],
    ]);
    expect(new Set(stored.map((a) => a.id)).size).toBe(2);
  });

  it('Socket.IO clients on other instances receive the alerts raised elsewhere', async () => {
    await waitFor('alerts of both vantages on central socket', () =>
      ['fra', 'nyc'].every((v) => pathWorse(socketAlerts.central!, v).length > 0),
    );
    // nyc's socket gets fra's alert through the relay (fra itself runs no UI).
    expect(pathWorse(socketAlerts.nyc!, 'fra').length).toBeGreaterThan(0);
    // fra re-stores its alert once nyc agrees; that update crosses too.
    await waitFor("fra's alert updated with both vantages on central socket", () =>
      pathWorse(socketAlerts.central!, 'fra').some((a) => Array.isArray(a.vantages) && a.vantages.length === 2),
    );
  });

  it('GET /api/targets/{id}/vantages compares the path from each vantage', async () => {
    const res = await fetch(`${apps.central.http.url()}/api/targets/shop/vantages`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { vantages: Array<{ vantage: string; asPath: number[]; reached: boolean; runs: number; openAlerts: Array<{ kind: string }> }>; asPathsDiffer: boolean };
    expect(body.vantages.map((v) => [v.vantage, v.asPath, v.runs])).toEqual([
      ['fra', [65001, 65003, 65004, 65002], 7],
      ['nyc', [65001, 65003, 65004, 65002], 7],
    ]);
    expect(body.vantages.every((v) => v.openAlerts.some((a) => a.kind === 'path_worse'))).toBe(true);
    expect(body.asPathsDiffer).toBe(false);
    // fra runs no UI: its HTTP server answers health, not the API.
    expect((await fetch(`${apps.fra.http.url()}/api/targets/shop/vantages`)).status).toBe(404);
    expect((await fetch(`${apps.fra.http.url()}/api/health`)).status).toBe(200);
  });

  it('stored observations keep their vantage, and the relay counts what it did', async () => {
    await apps.nyc.storage.flush();
    const obs = await apps.central.storage.observations.forTarget('shop', { limit: 100 });
    expect(obs.filter((o) => o.vantage === 'fra')).toHaveLength(7);
    expect(obs.filter((o) => o.vantage === 'nyc')).toHaveLength(7);
    const r = apps.central.cluster.relay!.counters;
    expect(r.received).toBeGreaterThanOrEqual(14);
    expect(r.decodeFailed).toBe(0);
    expect(apps.central.cluster.relay!.counters.published).toBe(0);
    const health = (await (await fetch(`${apps.central.http.url()}/api/health`)).json()) as { components: Record<string, { details?: Record<string, unknown> }> };
    expect(JSON.stringify(health)).toContain('central');
  });
});
