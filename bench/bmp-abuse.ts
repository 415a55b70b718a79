/**
 * Bad input on the BMP port leaks nothing: rounds of abusive connections (garbage, a wrong
 * version, a 4 GB length, a connection that stops mid-message, connect-and-abort) against the
 * real station and decoder; prints sessions left, rejected counters, and heap/RSS after each
 * round (after GC). Flat numbers across rounds = no leak.
 *
 *   node --expose-gc --import tsx bench/bmp-abuse.ts [rounds=10] [perRound=1000]
 */
import { connect } from 'node:net';
import { BmpSession } from '../bgp/bmp-normalize.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { Telemetry } from '../src/core/telemetry.js';
import { BmpStation } from '../src/ingest/bmp-station.js';

const rounds = Number(process.argv[2] ?? 10);
const perRound = Number(process.argv[3] ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.warn('run with node --expose-gc for stable heap figures');

const telemetry = new Telemetry({ defaultMetrics: false });
let events = 0;
const station = new BmpStation({
  config: { host: '127.0.0.1', port: 0, allow: [], maxSessions: 2000, idleTimeoutSec: 0, maxMessageBytes: 16 << 20, record: false },
  decoder: (router) => new BmpSession(router),
  sink: (e) => void (events += e.length),
  telemetry,
  log: silentLogger(),
  clock: systemClock,
  recordDir: '/tmp',
});
await station.start();
const { port } = station.address();

/** One abusive connection of kind k. */
function abuse(k: number): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      switch (k % 5) {
        case 0: // garbage
          s.end(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
          break;
        case 1: // wrong version
          s.end(Buffer.from([9, 0, 0, 0, 6, 4]));
          break;
        case 2: // 4 GB length
          s.end(Buffer.from([3, 0xff, 0xff, 0xff, 0xff, 0]));
          break;
        case 3: // stops mid-message: header says 100 bytes, 20 arrive
          s.end(Buffer.concat([Buffer.from([3, 0, 0, 0, 100, 4]), Buffer.alloc(14)]));
          break;
        default: // connect and abort
          s.destroy();
      }
    });
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
}

const mib = (n: number) => (n / 2 ** 20).toFixed(1);
for (let r = 1; r <= rounds; r++) {
  for (let i = 0; i < perRound; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => abuse(i + j)));
  await new Promise((res) => setTimeout(res, 200));
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const sessions = (station.status().sessions as unknown[]).length;
  console.log(`round ${r}: ${r * perRound} connections, sessions open ${sessions}, heap ${mib(m.heapUsed)} MiB, rss ${mib(m.rss)} MiB`);
}
console.log('rejected', JSON.stringify(telemetry.health().rejected.bmp), 'events', events);
await station.stop();
