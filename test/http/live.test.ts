import { createServer, type Server as HttpServer } from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/core/bus.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { LiveChannel } from '../../src/http/live.js';
import type { ClientToServerEvents, LiveMtu, LiveObservation, ServerToClientEvents } from '../../src/http/live-events.js';
import type { PmtuMeasurement } from '../../src/probe/pmtu/types.js';
import type { PathObservation } from '../../src/probe/types.js';
import type { PathChangeRecord } from '../../src/storage/repositories.js';

function run(targetId: string, signature: string, status: 'ok' | 'failed' = 'ok'): PathObservation {
  return {
    targetId,
    target: { name: `${targetId}-name`, address: '192.0.2.1' },
    tool: 'traceroute',
    method: 'icmp',
    vantage: 'fra',
    startedAt: '2026-11-21T10:00:00.000Z',
    durationMs: 10,
    hops: [],
    reached: status === 'ok',
    rtt: status === 'ok' ? { min: 1, avg: 2, max: 3, stdev: 0.5, median: 2.25 } : null,
    loss: status === 'ok' ? 0 : 1,
    signature,
    status,
    ...(status === 'failed' ? { error: { code: 'PROBE_TIMEOUT', message: 'timed out' } } : {}),
  };
}

function change(targetId: string): PathChangeRecord {
  return { id: `c-${targetId}`, targetId, targetName: targetId, vantage: 'fra', time: '2026-11-21T10:00:00.000Z', verdict: { verdict: 'worse' }, attribution: null, sentence: `${targetId} got worse`, routeEvents: [], beforeObservationIds: [], afterObservationIds: [], cause: 'none' };
}

/** The live channel over a real Socket.IO server on port 0 and a real client. */
describe('LiveChannel', () => {
  let http: HttpServer;
  let io: SocketServer<ClientToServerEvents, ServerToClientEvents>;
  let bus: EventBus<SmokeTraceEvents>;
  let live: LiveChannel;
  let telemetry: Telemetry;
  const clients: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];

  beforeEach(async () => {
    http = createServer();
    io = new SocketServer(http);
    bus = new EventBus<SmokeTraceEvents>();
    telemetry = new Telemetry();
    live = new LiveChannel(io, bus, { intervalMs: 20, maxBatch: 3 }, telemetry, silentLogger());
    live.start();
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    live.stop();
    await new Promise((resolve) => io.close(resolve));
  });

  async function client(filter?: Parameters<ClientToServerEvents['subscribe']>[0]) {
    const port = (http.address() as { port: number }).port;
    const c: Socket<ServerToClientEvents, ClientToServerEvents> = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    clients.push(c);
    const runs: LiveObservation[] = [];
    const dropped: number[] = [];
    const changes: string[] = [];
    const mtus: LiveMtu[] = [];
    c.on('path.mtu', (m) => mtus.push(m));
    c.on('observations', (b) => {
      runs.push(...b.items);
      dropped.push(b.dropped);
    });
    c.on('path.change', (x) => changes.push(x.targetId));
    await new Promise<void>((resolve) => c.on('connect', () => resolve()));
    if (filter) await new Promise<void>((resolve) => c.emit('subscribe', filter, resolve));
    return { runs, dropped, changes, mtus };
  }

  it('sends probe runs in batches, marking a run whose path differs from the previous one of its target', async () => {
    const all = await client();
    bus.emit('observation', run('shop', 'a|b'));
    bus.emit('observation', run('shop', 'a|b'));
    bus.emit('observation', run('shop', 'a|c'));
    await expect.poll(() => all.runs.length).toBe(3);
    expect(all.runs.map((r) => [r.targetId, r.pathChanged])).toEqual([['shop', false], ['shop', false], ['shop', true]]);
    expect(all.runs[0]).toMatchObject({ targetName: 'shop-name', vantage: 'fra', rttMs: 2.25, hops: 0, reached: true, error: null });
    // A failed run neither changes the path nor replaces its signature.
    bus.emit('observation', run('shop', '*', 'failed'));
    bus.emit('observation', run('shop', 'a|c'));
    await expect.poll(() => all.runs.length).toBe(5);
    expect(all.runs.slice(3).map((r) => [r.status, r.pathChanged, r.error])).toEqual([['failed', false, 'timed out'], ['ok', false, null]]);
  });

  it('counts the runs beyond a batch as dropped, and on the telemetry', async () => {
    const all = await client();
    for (let i = 0; i < 5; i++) bus.emit('observation', run(`t${i}`, 'x'));
    await expect.poll(() => all.runs.length).toBe(3);
    expect(all.dropped).toEqual([2]);
    expect(JSON.stringify(telemetry.health())).toContain('batch_overflow');
  });

  it('narrows runs and path changes to the subscribed targets', async () => {
    const mine = await client({ targets: ['shop'] });
    const all = await client();
    bus.emit('observation', run('other', 'x'));
    bus.emit('observation', run('shop', 'x'));
    bus.emit('path.change', change('other'));
    bus.emit('path.change', change('shop'));
    await expect.poll(() => all.runs.length + all.changes.length).toBe(4);
    await expect.poll(() => mine.runs.length + mine.changes.length).toBe(2);
    expect(mine.runs.map((r) => r.targetId)).toEqual(['shop']);
    expect(mine.changes).toEqual(['shop']);
  });

  it('sends path MTU measurements to the subscribed targets, marking a value that differs from the previous one', async () => {
    const mtu = (targetId: string, pathMtu: number | null, extra: Partial<PmtuMeasurement> = {}): PmtuMeasurement => ({
      targetId,
      target: { name: `${targetId}.example`, address: '192.0.2.1' },
      vantage: 'fra',
      measuredAt: '2026-11-21T10:00:00.000Z',
      durationMs: 50,
      tool: 'tracepath',
      pathMtu,
      limit: pathMtu !== null && pathMtu < 1500 ? { ttl: 2, ip: '192.0.2.9', mtu: pathMtu, asn: 65001 } : null,
      reached: pathMtu !== null,
      hopCount: 3,
      status: 'ok',
      ...extra,
    });
    const mine = await client({ targets: ['shop'] });
    bus.emit('path.mtu', mtu('shop', 1500));
    bus.emit('path.mtu', mtu('other', 1500));
    bus.emit('path.mtu', mtu('shop', null, { status: 'failed', reached: false, error: { code: 'PROBE_TIMEOUT', message: 'timed out' } }));
    bus.emit('path.mtu', mtu('shop', 1400));
    await expect.poll(() => mine.mtus.length).toBe(3);
    expect(mine.mtus.map((m) => [m.targetId, m.pathMtu, m.previousMtu, m.changed, m.error])).toEqual([
      ['shop', 1500, null, false, null],
      ['shop', null, 1500, false, 'timed out'],
      ['shop', 1400, 1500, true, null],
    ]);
    expect(mine.mtus[2]!.limit).toEqual({ ttl: 2, ip: '192.0.2.9', mtu: 1400, asn: 65001 });
  });
});
