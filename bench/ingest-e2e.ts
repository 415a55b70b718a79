/**
 * End-to-end BGP ingestion: the synthetic full table of bench/lib/gen-table.ts sent as one
 * router's BMP stream over TCP to the real BmpStation (BmpSession decoder, RoutePipeline, Rib,
 * PeerRegistry, MongoStore, wired as src/app.ts wires them; no HTTP, live channel or prober).
 *
 *   node --expose-gc --import tsx bench/ingest-e2e.ts [scale=0.01] [mode=both] [queue=200000] [bare=run]
 *
 *   scale  1 = 1,000,000 IPv4 + 200,000 IPv6 prefixes (also env BENCH_SCALE)
 *   mode   per-update | packed | both: one prefix per UPDATE, packed UPDATEs, or one run of each
 *   queue  storage.writeQueue.maxDocuments (default: the config default, 200,000). The pipeline
 *          never pauses the feed: route events wait in its backlog (src/ingest/route-backlog.ts,
 *          storage.routeBacklog.maxEvents, default 2,000,000) and are handed to the write queue
 *          a few batches at a time as it drains.
 *   bare   run | sample:N | skip | <docs/s>: the baseline insertMany rate (bench/storage-insert.ts's
 *          loop, run here on the same server and documents, before and after the e2e run, mean
 *          of the two), on the first N documents only (a full table takes long on FerretDB; its
 *          rate falls as a collection grows, so a sample flatters the baseline), skipped, or given
 *
 * Server: MONGODB_URI (default mongodb://127.0.0.1:27117/), database bench_e2e, dropped at the end.
 * --expose-gc lets the bench collect garbage before the memory readings.
 *
 * The sender runs in this process: it writes the stream in 64 KiB chunks, waiting for 'drain'
 * (TCP flow control), and "last byte" is the callback of the last write (the kernel took it).
 * Figures:
 *   RIB converged    last byte -> rib.size equals the routes sent (target <= 10 s)
 *   storage done     first byte -> backlog and write queue empty, every event stored and the
 *                    collection count equals what was sent; its rate / the bare rate (target >= 80%)
 *   backlog          peak events waiting for storage, coalesced and dropped (both 0 unless the
 *                    backlog bound is hit), peak write-queue depth
 *   cpu              CPU seconds of this process (sender, station, RIB, storage client) from the
 *                    first byte to the RIB converged, and to storage done (the machine is shared)
 *   memory           heapUsed and RSS before the feed, when the RIB converged (no GC: the backlog
 *                    still holds events), and after storage caught up (after GC), per route
 *                    (target <= 300 bytes/route)
 * Polling every 10 ms: times are good to ~10 ms.
 */
import { MongoClient, type Document } from 'mongodb';
import { connect } from 'node:net';
import { pino } from 'pino';
import { BmpSession } from '../bgp/bmp-normalize.js';
import { parseConfig } from '../src/config/load.js';
import { EventBus } from '../src/core/bus.js';
import { systemClock } from '../src/core/clock.js';
import type { SmokeTraceEvents } from '../src/core/events.js';
import { componentLogger, type Logger } from '../src/core/logger.js';
import { Telemetry } from '../src/core/telemetry.js';
import { BmpStation } from '../src/ingest/bmp-station.js';
import { PeerRegistry } from '../src/ingest/peers.js';
import { pipelineLimits, RoutePipeline } from '../src/ingest/pipeline.js';
import { Rib } from '../src/rib/index.js';
import { COLLECTIONS, MongoStore } from '../src/storage/mongo/store.js';
import { fullTableAt, generateTable, scaleArg, type BmpTable } from './lib/gen-table.js';
import { sendStream } from './lib/send.js';
import { bareInsertLoop, benchUri, routeEventDocuments } from './storage-insert.js';

const DATABASE = 'bench_e2e';
const POLL_MS = 10;
const SETTLE_MS = 10_000;

const gc = (globalThis as { gc?: () => void }).gc;
interface Memory {
  heap: number;
  rss: number;
  /** V8 heap committed (heapUsed plus pages V8 keeps). */
  heapTotal?: number;
  /** Memory outside the V8 heap owned by JS objects (Buffers...). */
  external?: number;
}
function memory(): Memory {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, heapTotal: m.heapTotal, external: m.external };
}
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
const rate = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ingest {
  store: MongoStore;
  rib: Rib;
  pipeline: RoutePipeline;
  station: BmpStation;
  /** False once measuring is over: the session end at teardown must not flood the queue with withdraws. */
  live: { on: boolean };
}

/** The ingestion path of src/app.ts: storage, RIB, peers, pipeline, BMP station. */
async function buildIngest(uri: string, queue: number, log: Logger): Promise<Ingest> {
  const config = parseConfig(
    { storage: { uri, writeQueue: { maxDocuments: queue } }, bmp: { host: '127.0.0.1', port: 0 } },
    'bench',
    {},
  );
  const telemetry = new Telemetry();
  const store = new MongoStore({
    config: config.storage,
    log: componentLogger(log, 'storage'),
    clock: systemClock,
    onRejected: (n, reason) => telemetry.rejected('storage', reason, n),
  });
  const rib = new Rib();
  const pipeline = new RoutePipeline({
    rib,
    storage: store,
    ...pipelineLimits(config.storage),
    bus: new EventBus<SmokeTraceEvents>(componentLogger(log, 'bus')),
    peers: new PeerRegistry(),
    telemetry,
    log: componentLogger(log, 'ingest'),
    clock: systemClock,
  });
  const live = { on: true };
  const station = new BmpStation({
    config: config.bmp,
    decoder: (router) => new BmpSession(router),
    sink: (events) => pipeline.ingest(events),
    telemetry,
    log: componentLogger(log, 'bmp'),
    clock: systemClock,
    recordDir: '/nonexistent',
    onSessionEnd: (router) => live.on && pipeline.routerDown(router, 'bmp'),
  });
  await store.start();
  await station.start();
  return { store, rib, pipeline, station, live };
}

interface RunResult {
  bytes: number;
  messages: number;
  sendSeconds: number;
  ribAfterLastByte: number;
  ribFromFirstByte: number;
  storedSeconds: number;
  storedPerSecond: number;
  backlogPeak: number;
  coalesced: number;
  backlogDropped: number;
  peakQueue: number;
  cpuToRib: number;
  cpuToStored: number;
  atRib: { heap: number; rss: number };
  dropped: number;
  before: Memory;
  after: Memory;
  /** After SETTLE_MS more with nothing to do (V8's memory reducer runs when allocation stops, as in the idle daemon). */
  settled: Memory;
  routes: number;
}

async function runOnce(table: BmpTable, uri: string, queue: number, log: Logger, client: MongoClient): Promise<RunResult> {
  await client.db(DATABASE).collection(COLLECTIONS.routeEvents).drop().catch(() => {});
  const ing = await buildIngest(uri, queue, log);
  const { host, port } = ing.station.address();
  const socket = connect(port, host);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const before = memory();

  let t0 = 0;
  let tRib = 0;
  let peakQueue = 0;
  let cpuToRib = 0;
  let atRib = { heap: 0, rss: 0 };
  const cpu0 = process.cpuUsage();
  const cpuSeconds = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1e6;
  };
  const watch = setInterval(() => {
    peakQueue = Math.max(peakQueue, ing.store.queue.depth());
    if (!tRib && ing.rib.size === table.routes) {
      tRib = performance.now();
      cpuToRib = cpuSeconds();
      const m = process.memoryUsage();
      atRib = { heap: m.heapUsed, rss: m.rss };
    }
  }, POLL_MS);
  const tLast = await sendStream(socket, table.stream, () => (t0 = performance.now()));
  while (!tRib) await sleep(POLL_MS);
  // Printed now: on FerretDB the storage part of a full table takes many minutes.
  console.log(
    `    RIB converged ${((tRib - tLast) / 1000).toFixed(2)} s after the last byte (${((tRib - t0) / 1000).toFixed(2)} s after the first), ` +
      `cpu ${cpuToRib.toFixed(1)} s, heapUsed ${mb(atRib.heap)}, rss ${mb(atRib.rss)} (backlog ${rate(ing.pipeline.backlogStats.depth)} events)`,
  );
  // Storage: the pipeline has stored every event, backlog and queue are empty, and the server
  // acknowledged every write (the collection is counted once afterwards: a count of a large
  // collection takes minutes on FerretDB).
  const coll = client.db(DATABASE).collection(COLLECTIONS.routeEvents);
  let tStored = 0;
  while (!tStored) {
    await sleep(POLL_MS);
    if (ing.pipeline.counters.stored < table.storedEvents || ing.pipeline.backlogStats.depth > 0 || ing.store.queue.depth() > 0) continue;
    await ing.store.flush();
    const q = ing.store.queue.stats;
    if (q.written + q.dropped + q.failed >= table.storedEvents) tStored = performance.now();
  }
  clearInterval(watch);
  const cpuToStored = cpuSeconds();
  console.log(`    storage acknowledged every write ${((tStored - t0) / 1000).toFixed(1)} s after the first byte, cpu ${cpuToStored.toFixed(1)} s; counting the collection...`);
  const after = memory();
  await sleep(SETTLE_MS);
  const settled = memory();
  const count = await coll.countDocuments();
  ing.live.on = false;
  const r: RunResult = {
    bytes: table.stream.length,
    messages: table.messages,
    sendSeconds: (tLast - t0) / 1000,
    ribAfterLastByte: (tRib - tLast) / 1000,
    ribFromFirstByte: (tRib - t0) / 1000,
    storedSeconds: (tStored - t0) / 1000,
    storedPerSecond: ing.store.queue.stats.written / ((tStored - t0) / 1000),
    backlogPeak: ing.pipeline.backlogStats.peak,
    coalesced: ing.pipeline.backlogStats.coalesced,
    backlogDropped: ing.pipeline.backlogStats.dropped,
    peakQueue,
    cpuToRib,
    cpuToStored,
    atRib,
    dropped: ing.store.queue.stats.dropped + ing.store.queue.stats.failed,
    before,
    after,
    settled,
    routes: ing.rib.size,
  };
  if (count !== table.storedEvents) console.log(`  MISMATCH: ${count} documents stored, ${table.storedEvents} expected`);
  if (ing.pipeline.counters.errors) console.log(`  decode errors: ${ing.pipeline.counters.errors}`);
  await ing.store.stop();
  socket.destroy();
  await ing.station.stop();
  ing.pipeline.stop();
  return r;
}

function report(mode: string, r: RunResult, bare: number | null): void {
  console.log(`  ${mode}: ${rate(r.messages)} BMP messages, ${mb(r.bytes)}, ${rate(r.routes)} routes in the RIB`);
  console.log(`    sending took ${r.sendSeconds.toFixed(2)} s; RIB converged ${r.ribAfterLastByte.toFixed(2)} s after the last byte (${r.ribFromFirstByte.toFixed(2)} s after the first; target <= 10 s)`);
  const ratio = bare ? ` = ${((r.storedPerSecond / bare) * 100).toFixed(0)}% of the bare insertMany rate (target >= 80%)` : '';
  console.log(
    `    storage caught up ${r.storedSeconds.toFixed(2)} s after the first byte: ${rate(r.storedPerSecond)} docs/s${ratio}; ` +
      `backlog: peak ${rate(r.backlogPeak)} events, coalesced ${r.coalesced}, dropped ${r.backlogDropped}; peak write queue ${rate(r.peakQueue)}, write queue dropped/refused ${r.dropped}`,
  );
  console.log(`    cpu: ${r.cpuToRib.toFixed(1)} s to the RIB converged, ${r.cpuToStored.toFixed(1)} s to storage done (this process: sender, station, RIB, storage client)`);
  const perRoute = (a: number, b: number) => ((b - a) / r.routes).toFixed(0);
  console.log(
    `    memory${gc ? '' : ' (no --expose-gc: includes garbage)'}: heapUsed ${mb(r.before.heap)} -> ${mb(r.after.heap)} = ${perRoute(r.before.heap, r.after.heap)} bytes/route (target <= 300); ` +
      `rss ${mb(r.before.rss)} -> ${mb(r.after.rss)} = ${perRoute(r.before.rss, r.after.rss)} bytes/route; ` +
      `at RIB converged (backlog held, no GC): heapUsed ${mb(r.atRib.heap)}, rss ${mb(r.atRib.rss)}`,
  );
  const parts = (m: Memory) =>
    `heapTotal ${mb(m.heapTotal ?? 0)} (V8 committed), external ${mb(m.external ?? 0)}, rest of rss ${mb(m.rss - (m.heapTotal ?? 0) - (m.external ?? 0))}`;
  console.log(`    after: ${parts(r.after)}`);
  console.log(
    `    ${SETTLE_MS / 1000} s later, idle: heapUsed ${perRoute(r.before.heap, r.settled.heap)} bytes/route, ` +
      `rss ${mb(r.settled.rss)} = ${perRoute(r.before.rss, r.settled.rss)} bytes/route; ${parts(r.settled)}`,
  );
}

/** The first `max` documents of a batch stream. */
function* limited(batches: Iterable<Document[]>, max: number): Generator<Document[]> {
  let n = 0;
  for (const b of batches) {
    if (n >= max) return;
    const take = b.slice(0, max - n);
    n += take.length;
    yield take;
  }
}

async function main(): Promise<void> {
  const scale = scaleArg(process.argv, 0.01);
  const modeArg = process.argv[3] ?? 'both';
  const queue = Number(process.argv[4] ?? 200_000);
  const bareArg = process.argv[5] ?? 'run';
  const modes = modeArg === 'both' ? ['per-update', 'packed'] : [modeArg];
  if (!modes.every((m) => m === 'per-update' || m === 'packed')) throw new Error(`mode must be per-update, packed or both, got ${modeArg}`);
  const { ipv4, ipv6 } = fullTableAt(scale);
  const uri = benchUri(DATABASE);
  const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'error' }, pino.destination(2));
  const client = new MongoClient(uri);
  await client.connect();
  console.log(`ingest-e2e: scale ${scale} (${rate(ipv4)} IPv4 + ${rate(ipv6)} IPv6 prefixes), write queue ${rate(queue)}, ${uri.replace(/\/\/[^@]*@/, '//')}`);
  try {
    for (const mode of modes) {
      const t = performance.now();
      const table = generateTable({ ipv4, ipv6, packed: mode === 'packed' });
      console.log(`  ${mode}: generated in ${((performance.now() - t) / 1000).toFixed(1)} s (seed 42, ${rate(table.attributeSets)} attribute sets)`);
      // The baseline runs before and after the e2e run; the ratio uses their mean (server drift).
      const bareRun = async (when: string): Promise<number> => {
        const b = await bareInsertLoop(client, DATABASE, 'route_events_bare', limited(routeEventDocuments(table.stream, '127.0.0.1', 1000), sample));
        console.log(`    bare insertMany x1000 (${when}): ${rate(b.documents)} docs in ${b.seconds.toFixed(1)} s = ${rate(b.perSecond)} docs/s (worst batch ${b.worstBatchMs.toFixed(0)} ms)`);
        return b.perSecond;
      };
      const run = bareArg === 'run' || bareArg.startsWith('sample:');
      const sample = bareArg.startsWith('sample:') ? Number(bareArg.slice(7)) : Number.POSITIVE_INFINITY;
      const given = run || bareArg === 'skip' ? null : Number(bareArg);
      const first = run ? await bareRun('before') : null;
      const r = await runOnce(table, uri, queue, log, client);
      const bare = run ? (first! + (await bareRun('after'))) / 2 : given;
      report(mode, r, bare);
    }
  } finally {
    await client.db(DATABASE).dropDatabase().catch(() => {});
    await client.close();
  }
}

await main();
