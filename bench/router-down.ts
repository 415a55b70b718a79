/**
 * A router with a full table goes away: the synthetic table (bench/lib/gen-table.ts, one prefix
 * per UPDATE) is sent to the BMP station of `smoketrace start` (the example config on
 * MONGODB_URI, database bench_router_down, dropped at the end) until /api/peers counts every
 * route; then the router's TCP session ends, and the daemon withdraws all its routes (a slice
 * per turn of the event loop, src/ingest/pipeline.ts FLUSH_SLICE_ROUTES). Meanwhile /api/health
 * is asked every 100 ms: how long the flush took (until the RIB is empty) and how the API
 * answered during it (median, p90, worst), for `rounds` daemons one after the other.
 *
 *   node --expose-gc --import tsx bench/router-down.ts [scale=1] [rounds=1]
 */
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { percentile } from '../src/correlate/stats.js';
import { sleep, startDaemon } from './lib/daemon.js';
import { fullTableAt, generateTable, scaleArg } from './lib/gen-table.js';
import { fmt, intArg } from './lib/measure.js';
import { sendStream } from './lib/send.js';
import { benchUri } from './storage-insert.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE = 'bench_router_down';
const HEALTH_POLL_MS = 100;
/** A table not in the RIB by then after its last byte, or a flush not done by then, fails the run. */
const FLUSH_WITHIN_MS = 300_000;

const scale = scaleArg(process.argv, 1);
const rounds = intArg(3, 1);
const { ipv4, ipv6 } = fullTableAt(scale);
const table = generateTable({ ipv4, ipv6, packed: false });
// The generator's garbage collected now, not while this process times the API.
(globalThis as { gc?: () => void }).gc?.();
const uri = benchUri(DATABASE);
console.log(`router-down: ${fmt(table.routes)} routes (one prefix per UPDATE), ${rounds} round(s); smoketrace on ${uri.replace(/\/\/[^@]*@/, '//')}`);

async function round(): Promise<void> {
  const d = await startDaemon({ config: join(ROOT, 'config/smoketrace.example.yaml'), uri });
  try {
    const socket = connect(d.bmpPort!, '127.0.0.1');
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('error', rej)));
    const lastByte = await sendStream(socket, table.stream);
    await d.waitForRoutes(table.routes, { sinceMs: lastByte, withinMs: FLUSH_WITHIN_MS, pollMs: 200 });
    const answers: number[] = [];
    const t0 = performance.now();
    socket.destroy();
    let routes = table.routes;
    while (routes > 0) {
      if (performance.now() - t0 > FLUSH_WITHIN_MS) throw new Error(`${fmt(routes)} routes still in the RIB ${FLUSH_WITHIN_MS / 1000} s after the session ended`);
      const t = performance.now();
      const h = (await (await fetch(`${d.url}/api/health`)).json()) as { components: { rib: { details: { routes: number } } } };
      answers.push(performance.now() - t);
      routes = h.components.rib.details.routes;
      await sleep(HEALTH_POLL_MS);
    }
    console.log(
      `  all ${fmt(table.routes)} routes withdrawn in ${((performance.now() - t0) / 1000).toFixed(1)} s; /api/health meanwhile: ${answers.length} answers, ` +
        `median ${percentile(answers, 50).toFixed(0)} ms, p90 ${percentile(answers, 90).toFixed(0)} ms, worst ${Math.max(...answers).toFixed(0)} ms`,
    );
  } finally {
    await d.stop();
  }
}

const client = new MongoClient(uri);
await client.connect();
try {
  for (let i = 0; i < rounds; i++) {
    await client.db(DATABASE).dropDatabase();
    await round();
  }
} finally {
  await client.db(DATABASE).dropDatabase().catch(() => {});
  await client.close();
}
