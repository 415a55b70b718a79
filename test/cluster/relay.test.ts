import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/core/bus.js';
import { ManualClock } from '../../src/core/clock.js';
import type { RouteChange, SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { decodeRelayDoc, RateBound, RelayDecodeError, SeenSet, type RelayDoc } from '../../src/cluster/relay-codec.js';
import { MemoryRelayStore } from '../../src/cluster/relay-store.js';
import { Relay } from '../../src/cluster/relay.js';
import { planRoles, type Role } from '../../src/cluster/roles.js';
import type { StoredAlert } from '../../src/storage/repositories.js';
import { announce, observation, peer, T0 } from '../correlate/builders.js';

/** Relays driven by hand (poll() and flush() called by the test, no timers involved) over one in-memory store. */
function node(store: MemoryRelayStore, clock: ManualClock, vantage: string, roles: Role[], relay: Record<string, unknown> = {}) {
  const bus = new EventBus<SmokeTraceEvents>(silentLogger());
  const config = parseConfig({ cluster: { relay: { enabled: true, ...relay } } }, 'test', {}).cluster.relay;
  const r = new Relay({ config, store, bus, vantage, plan: planRoles(roles), clock, log: silentLogger(), instanceId: `${vantage}-instance` });
  const seen: Array<{ type: string; payload: unknown }> = [];
  for (const t of ['observation', 'alert', 'path.change', 'path.mtu', 'route.change', 'route.event'] as const) bus.on(t, 'test', (p) => void seen.push({ type: t, payload: p }));
  return { bus, relay: r, seen };
}

const alert = (vantage: string, id: string): { action: 'open'; alert: StoredAlert } => ({
  action: 'open',
  alert: { id, targetId: 'shop', kind: 'path_worse', state: 'open', severity: 'major', openedAt: new Date(T0).toISOString(), updatedAt: new Date(T0).toISOString(), resolvedAt: null, summary: 's', flapping: false, vantage },
});

const change = (minute: number): RouteChange => ({ event: announce(peer('10.99.1.1', 65001), `10.${minute}.0.0/16`, [65001, [65002, 65003]], minute), change: 'new', previous: null });

const started: Relay[] = [];
afterEach(async () => {
  for (const r of started.splice(0)) await r.stop();
});

async function startAll(...nodes: Array<{ relay: Relay }>) {
  for (const n of nodes) {
    await n.relay.start();
    started.push(n.relay);
  }
}

describe('Relay', () => {
  it('carries events to the other instance once, never back, and never republishes what it received', async () => {
    const store = new MemoryRelayStore();
    const clock = new ManualClock(T0);
    const a = node(store, clock, 'fra', ['collector', 'prober', 'correlator']);
    const b = node(store, clock, 'nyc', ['ui']);
    await startAll(a, b);
    const obs = { ...observation([{ ip: '10.99.100.10', rtt: 1 }]), vantage: 'fra' };
    a.bus.emit('observation', obs);
    a.bus.emit('alert', alert('fra', 'x1'));
    await a.relay.flush();
    expect(store.docs.map((d) => [d.type, d.vantage, d.instance])).toEqual([
      ['observation', 'fra', 'fra-instance'],
      ['alert', 'fra', 'fra-instance'],
    ]);

    await b.relay.poll();
    await b.relay.poll(); // the overlap reads them again: skipped as duplicates
    expect(b.seen.map((s) => s.type)).toEqual(['observation', 'alert']);
    expect(b.seen[0]!.payload).toEqual(obs);
    expect(b.relay.originOf(b.seen[0]!.payload as object)).toMatchObject({ vantage: 'fra', instance: 'fra-instance', roles: ['collector', 'prober', 'correlator'] });
    expect(b.relay.isLocal(b.seen[0]!.payload as object)).toBe(false);
    expect(b.relay.counters).toMatchObject({ received: 2, duplicates: 2 });

    await b.relay.flush();
    expect(store.docs).toHaveLength(2); // b published nothing back
    await a.relay.poll();
    expect(a.seen.map((s) => s.type)).toEqual(['observation', 'alert']); // only its own emits: nothing came back
    expect(a.relay.counters.received).toBe(0);
  });

  it('carries path MTU measurements, so a ui daemon shows every vantage\'s on its live channel', async () => {
    const store = new MemoryRelayStore();
    const clock = new ManualClock(T0);
    const a = node(store, clock, 'fra', ['prober', 'correlator']);
    const b = node(store, clock, 'central', ['ui']);
    await startAll(a, b);
    const m = { targetId: 'shop', target: { name: 'shop.example', address: '10.99.100.10' }, vantage: 'fra', measuredAt: new Date(T0).toISOString(), durationMs: 40, tool: 'tracepath' as const, pathMtu: 1400, limit: null, reached: true, hopCount: 3, status: 'ok' as const };
    a.bus.emit('path.mtu', m);
    await a.relay.flush();
    await b.relay.poll();
    expect(b.seen).toEqual([{ type: 'path.mtu', payload: m }]);
  });

  it('publishes what a listener derives while a relayed event is re-emitted (not a loop: a new event)', async () => {
    const store = new MemoryRelayStore();
    const clock = new ManualClock(T0);
    const a = node(store, clock, 'fra', ['correlator']);
    const b = node(store, clock, 'nyc', ['correlator']);
    await startAll(a, b);
    b.bus.on('alert', 'derive', ({ alert: al }) => {
      if (al.vantage === 'fra') b.bus.emit('alert', alert('nyc', `re-${al.id}`));
    });
    a.bus.emit('alert', alert('fra', 'x1'));
    await a.relay.flush();
    await b.relay.poll();
    await b.relay.flush();
    expect(store.docs.map((d) => d.vantage)).toEqual(['fra', 'nyc']);
    await a.relay.poll();
    expect(a.seen.map((s) => (s.payload as { alert: StoredAlert }).alert.id)).toEqual(['x1', 're-x1']);
  });

  it('route changes: rate-bounded at the publisher, shown as live route events only where no feed makes them, never fed to a correlator', async () => {
    const store = new MemoryRelayStore();
    const clock = new ManualClock(T0);
    const collector = node(store, clock, 'fra', ['collector'], { routeChangesPerSec: 3 });
    const otherCollector = node(store, clock, 'nyc', ['collector', 'correlator']);
    const ui = node(store, clock, 'central', ['ui', 'correlator']);
    await startAll(collector, otherCollector, ui);
    for (let i = 0; i < 5; i++) collector.bus.emit('route.change', change(i));
    clock.advance(1000);
    collector.bus.emit('route.change', change(9));
    await collector.relay.flush();
    expect(store.docs.filter((d) => d.type === 'route.change')).toHaveLength(4);
    expect(collector.relay.counters.routeChangesDropped).toBe(2);

    await ui.relay.poll();
    expect(ui.seen.filter((s) => s.type === 'route.change')).toEqual([]);
    expect(ui.seen.filter((s) => s.type === 'route.event').map((s) => (s.payload as { prefix: string }).prefix)).toEqual([
      '10.0.0.0/16',
      '10.1.0.0/16',
      '10.2.0.0/16',
      '10.9.0.0/16',
    ]);
    // AS_SET inside the AS path (a nested array) survives the trip.
    expect(ui.seen[0]!.payload).toMatchObject({ asPath: [65001, [65002, 65003]] });

    await otherCollector.relay.poll();
    expect(otherCollector.seen).toEqual([]);
    expect(otherCollector.relay.counters.routeChangesIgnored).toBe(4);
  });

  it('reads again at once while reads come back full, and skips documents it cannot decode', async () => {
    const store = new MemoryRelayStore();
    const clock = new ManualClock(T0);
    const a = node(store, clock, 'fra', ['prober'], { maxPerPoll: 10, overlapMs: 0 });
    const b = node(store, clock, 'nyc', ['ui'], { maxPerPoll: 10, overlapMs: 0 });
    await startAll(a, b);
    for (let i = 0; i < 25; i++) {
      clock.advance(1);
      a.bus.emit('alert', alert('fra', `a${i}`));
    }
    await a.relay.flush();
    const bad: RelayDoc = { id: 'f'.repeat(24), instance: 'x', vantage: 'x', roles: [], type: 'alert', payload: '{oops', atMs: clock.nowMs() };
    await store.insert([bad]);
    await b.relay.poll();
    expect(b.seen).toHaveLength(25);
    expect(b.relay.counters.decodeFailed).toBe(1);
  });

  it('deletes documents past retention', async () => {
    const store = new MemoryRelayStore();
    const clock = new ManualClock(T0);
    await store.insert([{ id: '1'.repeat(24), instance: 'x', vantage: 'x', roles: [], type: 'alert', payload: '{}', atMs: T0 - 6 * 60_000 }]);
    await store.insert([{ id: '2'.repeat(24), instance: 'x', vantage: 'x', roles: [], type: 'alert', payload: '{}', atMs: T0 - 60_000 }]);
    const a = node(store, clock, 'fra', ['ui'], { retentionMinutes: 5 });
    await (a.relay as unknown as { expire(): Promise<void> }).expire();
    expect(store.docs.map((d) => d.id[0])).toEqual(['2']);
    expect(a.relay.counters.deleted).toBe(1);
  });
});

describe('relay codec', () => {
  it.each([
    ['unknown type', { type: 'route.event', payload: '{}' }],
    ['not JSON', { type: 'alert', payload: '{' }],
    ['not an object', { type: 'alert', payload: '42' }],
    ['null', { type: 'alert', payload: 'null' }],
  ])('refuses %s with a typed error', (_n, d) => {
    const doc = { id: 'i', instance: 'x', vantage: 'v', roles: [], atMs: 0, ...d } as RelayDoc;
    expect(() => decodeRelayDoc(doc)).toThrow(RelayDecodeError);
  });

  it('SeenSet forgets the oldest beyond its capacity', () => {
    const s = new SeenSet(2);
    expect([s.add('a'), s.add('b'), s.add('a'), s.add('c'), s.add('a')]).toEqual([true, true, false, true, true]);
    expect(s.size).toBe(2);
  });

  it('RateBound allows perSec per whole second', () => {
    const r = new RateBound(2);
    expect([r.take(0), r.take(10), r.take(999), r.take(1000), r.take(1500), r.take(1999)]).toEqual([true, true, false, true, true, false]);
    expect(new RateBound(0).take(0)).toBe(false);
  });
});
