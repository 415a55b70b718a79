/**
 * The route backlog between the pipeline and the write queue: it hands the queue a window of
 * documents as it drains, keeps order, builds the stored change, and when bounded coalesces
 * and drops, counting both (stats and the rejected counter behind /api/health and /metrics).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnnounceEvent, RouteEvent, WithdrawEvent } from '../../bgp/types.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { RouteBacklog } from '../../src/ingest/route-backlog.js';
import type { StoredRouteEvent } from '../../src/storage/repositories.js';

const PEER = { address: '192.0.2.1', asn: 65001, bgpId: '192.0.2.1', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false } as const;

function announce(prefix: string, asPath: number[] = [65001]): AnnounceEvent {
  return {
    type: 'announce', source: 'bmp', time: '2030-01-01T00:00:00.000Z', router: 'r1', peer: PEER, afi: 'ipv4', safi: 'unicast', prefix,
    pathId: null, nextHop: '192.0.2.1', origin: 'igp', asPath, med: null, localPref: null, communities: [], largeCommunities: [], extCommunities: [],
  };
}

function withdraw(prefix: string): WithdrawEvent {
  return { type: 'withdraw', source: 'bmp', time: '2030-01-01T00:00:01.000Z', router: 'r1', peer: PEER, afi: 'ipv4', safi: 'unicast', prefix, pathId: null, cause: 'bgp' };
}

/** A write queue that holds what it is given until drain() (the database writing it). */
class QueueDouble {
  held: StoredRouteEvent[] = [];
  written: StoredRouteEvent[] = [];
  readonly routeEvents = { append: (docs: StoredRouteEvent[]) => void this.held.push(...docs) };
  readonly queue = { depth: () => this.held.length };
  drain(n = Infinity): void {
    this.written.push(...this.held.splice(0, n));
  }
}

let backlog: RouteBacklog | null = null;
afterEach(() => backlog?.stop());

function make(maxEvents: number, window: number) {
  const storage = new QueueDouble();
  const telemetry = new Telemetry({ defaultMetrics: false });
  backlog = new RouteBacklog(storage, { maxEvents, window, pumpMs: 5 }, telemetry, silentLogger(), systemClock);
  return { storage, telemetry, backlog };
}

describe('RouteBacklog', () => {
  it('hands the write queue a window at a time, in order, with the change of each event', async () => {
    const { storage, backlog } = make(1000, 4);
    const events: RouteEvent[] = [];
    for (let i = 0; i < 10; i++) {
      const a = announce(`10.0.${i}.0/24`);
      events.push(a);
      backlog.pushChange(a, 'new');
    }
    backlog.pushChange(withdraw('10.0.0.0/24'), 'withdraw');
    backlog.push({ type: 'eor', source: 'bmp', time: '2030-01-01T00:00:02.000Z', router: 'r1', peer: PEER, afi: 'ipv4', safi: 'unicast' });
    backlog.pump();
    expect(storage.held).toHaveLength(4);
    expect(backlog.depth).toBe(8);
    storage.drain(3);
    // The timer tops the queue up again as it drains.
    for (let i = 0; i < 200 && backlog.depth > 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
      storage.drain(2);
    }
    storage.drain();
    expect(backlog.depth).toBe(0);
    expect(storage.written.map((d) => [d.type, 'prefix' in d ? d.prefix : null, d.change ?? null])).toEqual([
      ...events.map((e) => ['announce', (e as AnnounceEvent).prefix, 'new']),
      ['withdraw', '10.0.0.0/24', 'withdraw'],
      ['eor', null, null],
    ]);
    expect(backlog.stats).toMatchObject({ handed: 12, coalesced: 0, dropped: 0, peak: 12 });
  });

  it('coalesces pending changes of one route above half its bound, counted', () => {
    const { storage, telemetry, backlog } = make(10, 2);
    for (let i = 0; i < 8; i++) backlog.pushChange(announce(`10.1.${i}.0/24`), 'new');
    backlog.pump(); // two handed, six waiting
    backlog.pushChange(announce('10.2.0.0/24'), 'new'); // 7 waiting: above half, indexed from now on
    backlog.push({ ...announce('10.2.0.0/24', [65001, 65002]), change: 'replace', changed: ['as_path'], previousAsPath: [65001] });
    backlog.pushChange(withdraw('10.2.0.0/24'), 'withdraw');
    expect(backlog.depth).toBe(7);
    expect(backlog.stats.coalesced).toBe(2);
    expect(telemetry.rejectedSnapshot()).toEqual({ ingest: { backlog_coalesced: 2 } });
    for (let i = 0; i < 10 && backlog.depth > 0; i++) {
      storage.drain();
      backlog.pump();
    }
    storage.drain();
    expect(storage.written).toHaveLength(9);
    const last = storage.written.filter((d) => 'prefix' in d && d.prefix === '10.2.0.0/24');
    expect(last.map((d) => [d.type, d.change])).toEqual([['withdraw', 'withdraw']]);
  });

  it('drops the oldest beyond its bound, counted', () => {
    const { storage, telemetry, backlog } = make(6, 1);
    for (let i = 0; i < 10; i++) backlog.pushChange(announce(`10.3.${i}.0/24`), 'new');
    expect(backlog.depth).toBe(6);
    expect(backlog.stats.dropped).toBe(4);
    expect(telemetry.rejectedSnapshot()['ingest']).toEqual({ backlog_full: 4 });
    for (let i = 0; i < 6; i++) {
      backlog.pump();
      storage.drain();
    }
    expect(storage.written.map((d) => ('prefix' in d ? d.prefix : ''))).toEqual(['10.3.4.0/24', '10.3.5.0/24', '10.3.6.0/24', '10.3.7.0/24', '10.3.8.0/24', '10.3.9.0/24']);
  });
});
