/**
 * Correlator latency with a full table and many targets (issue targets: a route event on a
 * watched prefix starts the probe burst in <= 1 s; an observation's arrival to its verdict and
 * alert on Socket.IO takes <= 50 ms at p99 with 10,000 targets and a full table loaded).
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27117/ npx tsx bench/correlate-latency.ts [scale=1] [targets=10000] [samples=300] [load=pipeline]
 *
 * scale: fraction of the full table (1,000,000 IPv4 + 200,000 IPv6 routes) loaded into the RIB.
 * load: pipeline (default) feeds the table through the route pipeline as a feed does, so the
 * correlator's route-change buffer holds it (up to correlation.routeBuffer.maxEvents) and its
 * events queue for storage, as right after a router's table dump; rib puts the routes straight
 * into the RIB (the correlator sees no route changes: the steady state, half an hour later).
 * The whole daemon (App) runs with real MongoDB-wire storage (a database of its own, dropped at the
 * end), its HTTP server and Socket.IO; a socket.io-client on loopback receives the alerts.
 * Probing is off (no packets are sent anywhere): observations are synthetic, in the lab's path
 * shapes, and the burst is timed up to the probe request on the bus (the scheduler's own queueing
 * is measured by bench/scheduler.ts).
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { io as ioClient } from 'socket.io-client';
import type { AnnounceEvent, PeerRef } from '../bgp/types.js';
import { App } from '../src/app.js';
import { parseConfig } from '../src/config/load.js';
import { percentile } from '../src/correlate/stats.js';
import type { Hop, PathObservation } from '../src/probe/types.js';

const scale = Number(process.argv[2] ?? 1);
const targetCount = Number(process.argv[3] ?? 10_000);
const samples = Number(process.argv[4] ?? 300);
const load = process.argv[5] ?? 'pipeline';
if (load !== 'pipeline' && load !== 'rib') throw new Error(`load must be pipeline or rib, got ${load}`);
const base = process.env.MONGODB_URI;
if (!base) throw new Error('set MONGODB_URI (a MongoDB or FerretDB server)');
const dbName = `bench_correlate_${randomBytes(3).toString('hex')}`;
const uri = base.replace(/\/[^/?]*(\?|$)/, `/${dbName}$1`);

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const ms = (x: number) => `${x.toFixed(2)} ms`;

const peer: PeerRef = { address: '192.0.2.1', asn: 64500, bgpId: '192.0.2.1', type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut: false };
function announce(prefix: string, afi: 'ipv4' | 'ipv6', asPath: number[], time: string): AnnounceEvent {
  return { type: 'announce', source: 'bmp', time, router: 'bench', peer, afi, safi: 'unicast', prefix, pathId: null, nextHop: '192.0.2.1', origin: 'igp', asPath, med: null, localPref: 100, communities: [], largeCommunities: [], extCommunities: [] };
}

/** Target i lives in 10.(i>>8).(i&255).0/24 — inside the synthetic table, so routes cover it. */
const targetAddr = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.10`;
const targetPrefix = (i: number) => `10.${(i >> 8) & 255}.${i & 255}.0/24`;

function obs(i: number, long: boolean, t: number): PathObservation {
  const asns = long ? [64500, 65003, 65004, 65100 + (i % 50)] : [64500, 65100 + (i % 50)];
  const hops: Hop[] = asns.map((asn, k) => {
    const last = k === asns.length - 1;
    const ip = last ? targetAddr(i) : `172.16.${k}.${long ? 2 : 1}`;
    const rtt = (long ? 40 : 1) + k + rand() * 0.5;
    return { ttl: k + 1, probes: [0, 1, 2].map(() => ({ ip, rttMs: rtt })), sent: 3, received: 3, loss: 0, rtt: { min: rtt, avg: rtt, max: rtt, stdev: 0 }, asn, prefix: last ? targetPrefix(i) : null };
  });
  return {
    id: randomBytes(12).toString('hex'),
    targetId: `t${i}`,
    target: { name: `t${i}.example`, address: targetAddr(i) },
    tool: 'traceroute',
    method: 'udp',
    vantage: 'bench',
    startedAt: new Date(t).toISOString(),
    durationMs: 100,
    hops,
    reached: true,
    rtt: hops.at(-1)!.rtt!,
    loss: 0,
    signature: hops.map((h) => h.probes[0]!.ip).join('|'),
    status: 'ok',
  };
}

const config = parseConfig(
  { storage: { uri }, http: { port: 0 }, bmp: { enabled: false }, probing: { enabled: false }, log: { level: 'warn' }, correlation: { burst: { probes: 1, minGapSec: 0 } } },
  'bench',
  {},
);
const app = new App({ config });
await app.start();
console.log(`loadavg ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`);

// 1. The table: the targets' /24s first, then synthetic routes up to the scale.
const t0 = performance.now();
const now = new Date().toISOString();
const v4 = Math.round(1_000_000 * scale);
const v6 = Math.round(200_000 * scale);
let loaded = 0;
const batch: AnnounceEvent[] = [];
const add = (e: AnnounceEvent): void => {
  if (load === 'rib') app.rib.apply(e);
  else if (batch.push(e) === 1000) app.pipeline.ingest(batch.splice(0));
};
for (let i = 0; i < targetCount; i++, loaded++) add(announce(targetPrefix(i), 'ipv4', [64500, 65100 + (i % 50)], now));
for (let i = 0; loaded < v4; i++, loaded++) {
  add(announce(`${11 + ((i >> 16) % 200)}.${(i >> 8) & 255}.${i & 255}.0/24`, 'ipv4', [64500, 3000 + (i % 60000)], now));
}
for (let i = 0; i < v6; i++) add(announce(`2001:db8:${(i >> 8).toString(16)}:${(i & 255).toString(16)}00::/56`, 'ipv6', [64500, 3000 + (i % 60000)], now));
if (batch.length > 0) app.pipeline.ingest(batch.splice(0));
const changes = app.correlator?.counters.routeChanges ?? 0;
console.log(
  `RIB: ${app.rib.size} routes loaded (${load}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; the correlator saw ${changes} route changes; ` +
    `heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
);

// 2. Baselines: 4 short-path observations per target, a minute apart.
const start = Date.now() - 3_600_000;
const t1 = performance.now();
for (let k = 0; k < 4; k++) for (let i = 0; i < targetCount; i++) app.bus.emit('observation', obs(i, false, start + k * 60_000));
// Each target's first observation after the start waited for its stored runs (none here).
await app.correlator?.idle();
console.log(`baselines: ${targetCount} targets x 4 observations in ${((performance.now() - t1) / 1000).toFixed(1)} s; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);

// 3. Observation -> path-worse alert on Socket.IO, one target at a time.
const socket = ioClient(app.http.url(), { transports: ['websocket'] });
await new Promise<void>((r) => socket.on('connect', () => r()));
const waiting = new Map<string, (t: number) => void>();
socket.on('alert', (a: { action: string; alert: { kind: string; targetId: string } }) => {
  if (a.action === 'open' && a.alert.kind === 'path_worse') waiting.get(a.alert.targetId)?.(performance.now());
});
const lat: number[] = [];
for (let s = 0; s < samples; s++) {
  const i = Math.floor(rand() * targetCount);
  if (waiting.has(`t${i}`)) continue;
  app.bus.emit('observation', obs(i, true, start + 5 * 60_000));
  const got = new Promise<number>((r) => waiting.set(`t${i}`, r));
  const sent = performance.now();
  app.bus.emit('observation', obs(i, true, start + 6 * 60_000));
  const arrived = await Promise.race([got, new Promise<number>((r) => setTimeout(() => r(-1), 2000))]);
  if (arrived < 0) throw new Error(`no path_worse alert for t${i} within 2 s`);
  lat.push(arrived - sent);
}
console.log(`observation -> verdict -> alert on Socket.IO: ${lat.length} samples, p50 ${ms(percentile(lat, 50))}, p99 ${ms(percentile(lat, 99))}, max ${ms(Math.max(...lat))}`);

// 4. Route change on a watched prefix -> probe burst request.
const burst: number[] = [];
let mark = 0;
app.bus.on('probe.request', 'bench', () => void burst.push(performance.now() - mark));
for (let s = 0; s < samples; s++) {
  const i = Math.floor(rand() * targetCount);
  mark = performance.now();
  app.pipeline.ingest([announce(targetPrefix(i), 'ipv4', [64500, 65999, 65100 + (i % 50)], new Date().toISOString())]);
}
console.log(`route change -> probe burst requested: ${burst.length} samples, p50 ${ms(percentile(burst, 50))}, p99 ${ms(percentile(burst, 99))}`);

socket.close();
await app.stop();
const c = new MongoClient(uri);
await c.connect();
await c.db().dropDatabase();
await c.close();
process.exit(0);
