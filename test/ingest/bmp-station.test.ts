import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouteEvent } from '../../bgp/types.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { BmpStation, type BmpStationConfig } from '../../src/ingest/bmp-station.js';
import { openTcp, until } from '../helpers/processes.js';

/** A minimal BMP message: common header (version 3, length, type) + payload. */
function bmpMessage(type: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const h = Buffer.alloc(6);
  h[0] = 3; // version
  h.writeUInt32BE(6 + payload.length, 1); // length
  h[5] = type; // message type
  return Buffer.concat([h, payload]);
}

/** A stub decoder: one event per message, carrying its type and offset, so ordering is checkable. */
function stubDecoder(router: string) {
  return {
    decodeInto(buf: Buffer, start: number, _end: number, offset: number, arrival: Date, out: RouteEvent[]): void {
      if (buf[start + 5] === 99) throw new Error('decoder bug');
      out.push({ type: 'error', source: 'bmp', router, time: arrival.toISOString(), code: `T${buf[start + 5]}`, offset, message: 'stub', severity: 'message-skip' });
    },
  };
}

const BASE: BmpStationConfig = { host: '127.0.0.1', port: 0, allow: [], maxSessions: 4, idleTimeoutSec: 0, maxMessageBytes: 65_536, record: false };

let station: BmpStation | null = null;
let telemetry: Telemetry;
const received: RouteEvent[] = [];
const ended: string[] = [];

async function startStation(cfg: Partial<BmpStationConfig> = {}) {
  telemetry = new Telemetry({ defaultMetrics: false });
  received.length = 0;
  ended.length = 0;
  station = new BmpStation({
    config: { ...BASE, ...cfg },
    decoder: stubDecoder,
    sink: (ev) => received.push(...ev),
    telemetry,
    log: silentLogger(),
    clock: systemClock,
    recordDir: '/tmp',
    onSessionEnd: (r) => ended.push(r),
  });
  await station.start();
  return station.address().port;
}

function sessions(): unknown[] {
  return (station!.status().sessions as unknown[]) ?? [];
}

afterEach(async () => {
  await station?.stop();
  station = null;
});

describe('BmpStation', () => {
  it('frames messages split over any chunk boundary and many per chunk, in order', async () => {
    const port = await startStation();
    const stream = Buffer.concat(Array.from({ length: 50 }, (_, i) => bmpMessage(i % 7, Buffer.alloc(i * 3, i))));
    const s = await openTcp(port);
    // Seeded chunking: sizes 1..40 bytes.
    let seed = 7;
    for (let p = 0; p < stream.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 40);
      s.write(stream.subarray(p, p + n));
      p += n;
    }
    await until(() => received.length === 50);
    expect(received.map((e) => (e as { code: string }).code)).toEqual(Array.from({ length: 50 }, (_, i) => `T${i % 7}`));
    // Offsets are stream offsets of each message.
    const offsets = received.map((e) => (e as { offset: number }).offset);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(6);
    s.destroy();
    await until(() => ended.length === 1);
    expect(ended).toEqual(['127.0.0.1']);
  });

  it('closes only the session whose framing breaks (bad version, 4 GB length), and counts it', async () => {
    const port = await startStation();
    const good = await openTcp(port);
    const bad = await openTcp(port);
    const huge = Buffer.from([3, 0xff, 0xff, 0xff, 0xff, 0]);
    bad.write(Buffer.concat([bmpMessage(4), huge]));
    await new Promise((r) => bad.on('close', r));
    const garbage = await openTcp(port);
    garbage.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await new Promise((r) => garbage.on('close', r));
    good.write(bmpMessage(5));
    await until(() => received.some((e) => (e as { code: string }).code === 'T5'));
    expect(received.filter((e) => (e as { code: string }).code === 'T4')).toHaveLength(1); // the message before the break was kept
    const rejected = telemetry.health().rejected.bmp!;
    expect(rejected.BMP_BAD_LENGTH).toBe(1);
    expect(rejected.BMP_BAD_VERSION).toBe(1);
    expect(rejected.truncated_message).toBeUndefined();
    expect(sessions()).toHaveLength(1);
    good.destroy();
  });

  it('a decoder exception costs one message, not the session', async () => {
    const port = await startStation();
    const s = await openTcp(port);
    s.write(Buffer.concat([bmpMessage(1), bmpMessage(99), bmpMessage(2)]));
    await until(() => received.length === 2);
    expect(telemetry.health().rejected.bmp).toMatchObject({ decoder_exception: 1 });
    expect(sessions()).toHaveLength(1);
    s.destroy();
  });

  it('counts a connection that stops mid-message', async () => {
    const port = await startStation();
    const s = await openTcp(port);
    s.write(bmpMessage(1, Buffer.alloc(100)).subarray(0, 50));
    await until(() => (station!.status().totals as { bytes: number }).bytes === 50);
    s.destroy();
    await until(() => telemetry.health().rejected.bmp?.truncated_message === 1);
  });

  it('refuses routers outside the allowlist and beyond maxSessions', async () => {
    const port = await startStation({ allow: ['192.0.2.0/24'] });
    const s = connect(port, '127.0.0.1');
    await new Promise((r) => s.on('close', r));
    expect(telemetry.health().rejected.bmp).toEqual({ not_allowed: 1 });
    await station!.stop();

    const port2 = await startStation({ maxSessions: 2, allow: ['127.0.0.0/8'] });
    const a = await openTcp(port2);
    const b = await openTcp(port2);
    await until(() => sessions().length === 2);
    const c = connect(port2, '127.0.0.1');
    await new Promise((r) => c.on('close', r));
    expect(telemetry.health().rejected.bmp).toEqual({ max_sessions: 1 });
    a.destroy();
    b.destroy();
  });

  it('survives 1,000 connects and aborts without leaking sessions', async () => {
    const port = await startStation({ maxSessions: 2000 });
    for (let round = 0; round < 10; round++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const s = await openTcp(port);
          if (i % 2) s.write(bmpMessage(3).subarray(0, 3));
          s.destroy();
        }),
      );
    }
    // A client's connect completes in the kernel before the station's accept runs: on a busy
    // machine the last ones may still be unaccepted when the open sessions first reach zero.
    const accepted = () => (station!.status().totals as { connections: number }).connections;
    await until(() => accepted() === 1000 && sessions().length === 0);
    expect(accepted()).toBe(1000);
    expect(sessions()).toEqual([]);
  });

  it('closes idle sessions when configured', async () => {
    const port = await startStation({ idleTimeoutSec: 1 });
    const s = await openTcp(port);
    await new Promise((r) => s.on('close', r));
    expect(telemetry.health().rejected.bmp).toEqual({ idle_timeout: 1 });
  });
});
