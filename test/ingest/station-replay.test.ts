import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BmpSession } from '../../bgp/bmp-normalize.js';
import type { RouteEvent } from '../../bgp/types.js';
import { decodeBmp } from '../../src/cli/decode.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { BmpStation } from '../../src/ingest/bmp-station.js';

const FIXTURES = new URL('../fixtures/bmp/', import.meta.url).pathname;

/** Every raw BMP capture we have: real routers (Cisco, Huawei, Juniper, FRR, gobgpd). */
function captures(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.bmp') || e.name.endsWith('.bin')) out.push(p);
    }
  };
  walk(FIXTURES);
  return out.sort();
}

/** Events minus arrival-dependent times (the station and the file decoder run at different moments). */
function comparable(events: RouteEvent[]): unknown[] {
  return events.map((e) => ({ ...e, time: undefined, router: undefined }));
}

let seed = 12345;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
}

describe('every capture through the TCP station, split at random chunk boundaries, equals the file decoder', () => {
  const received = new Map<string, RouteEvent[]>();
  let station: BmpStation;
  let port = 0;

  beforeAll(async () => {
    station = new BmpStation({
      config: { host: '127.0.0.1', port: 0, allow: [], maxSessions: 8, idleTimeoutSec: 0, maxMessageBytes: 16 << 20, record: false },
      decoder: (router) => new BmpSession(router),
      sink: (events) => {
        // One connection at a time in this test, so all events belong to the current capture.
        const list = received.get('current') ?? [];
        list.push(...events);
        received.set('current', list);
      },
      telemetry: new Telemetry({ defaultMetrics: false }),
      log: silentLogger(),
      clock: systemClock,
      recordDir: '/tmp',
    });
    await station.start();
    port = station.address().port;
  });

  afterAll(() => station.stop());

  const files = captures();
  it('has captures to replay', () => expect(files.length).toBeGreaterThanOrEqual(10));

  it.each(files.map((f) => [f.slice(FIXTURES.length), f]))('%s', async (_name, file) => {
    const bytes = readFileSync(file);
    const expected: RouteEvent[] = [];
    await decodeBmp(Readable.from([bytes]), 'x', (e) => expected.push(e));
    received.set('current', []);
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    for (let p = 0; p < bytes.length; ) {
      const n = 1 + rand(3000);
      socket.write(bytes.subarray(p, p + n));
      p += n;
      if (rand(4) === 0) await new Promise((r) => setImmediate(r));
    }
    socket.end();
    await new Promise((r) => socket.on('close', r));
    const deadline = Date.now() + 5000;
    // Trailing framing errors of the file decoder ("stream ended mid-message") are the station's "truncated" counter instead.
    const want = expected.filter((e) => !(e.type === 'error' && e.code === 'BMP_TRAILING_DATA'));
    while ((received.get('current') ?? []).length < want.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(comparable(received.get('current')!)).toEqual(comparable(want));
  });
});
