/**
 * The station's path without the socket, two versions compared in one process: the synthetic
 * table (bench/lib/gen-table.ts, one prefix per UPDATE, or packed UPDATEs with PACKED=1) framed and decoded by BmpSession, each
 * chunk's events handed to RoutePipeline.ingest (RIB, peer registry, bus, route backlog and
 * write queue on a MongoStore), as src/app.ts wires them, with the code of two checkouts in
 * turn, pass after pass; the prefixes/s of each pass until the RIB holds the table, the medians
 * and every pair's ratio. Storage is not waited for (its writes queue up: the RIB never waits
 * for it), so this is the CPU cost of taking a table in, which bench/ingest-e2e.ts measures
 * through TCP for one version at a time (this VM's speed drifts between minutes).
 *
 *   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
 *   node --import tsx bench/ingest-ab.ts /tmp/base . [scale=0.25] [runs=6]
 *   git worktree remove /tmp/base
 *
 * Server: MONGODB_URI (default mongodb://127.0.0.1:27117/), database bench_ingest_ab, dropped at the end
 * with the writes still queued.
 */
import { MongoClient } from 'mongodb';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
// The config-to-bounds mapping of this checkout, for both: the older one's pipeline takes the same fields.
import { pipelineLimits } from '../src/ingest/pipeline.js';
import { generateTable } from './lib/gen-table.js';
import { fmt, median } from './lib/measure.js';
import { benchUri } from './storage-insert.js';

type Pass = () => number;

const [dirA, dirB] = [process.argv[2], process.argv[3]];
if (dirA === undefined || dirB === undefined) {
  console.error('usage: ingest-ab.ts DIR_A DIR_B [scale] [runs]');
  process.exit(2);
}
const scale = Number(process.argv[4] ?? 0.25);
const runs = Number(process.argv[5] ?? 6);
const packed = process.env['PACKED'] === '1';
const table = generateTable({ ipv4: Math.round(1_000_000 * scale), ipv6: Math.round(200_000 * scale), packed });
const CHUNK = 64 * 1024;
const uri = benchUri('bench_ingest_ab');
const log = pino({ level: 'error' });

/** One pass of checkout `dir`'s ingestion path over the table, fresh RIB and pipeline; returns prefixes/s. */
async function passOf(dir: string): Promise<Pass> {
  const at = (rel: string) => pathToFileURL(resolve(dir, rel)).href;
  const { BmpSession } = (await import(at('bgp/bmp-normalize.ts'))) as typeof import('../bgp/bmp-normalize.js');
  const { BmpFramer } = (await import(at('bgp/bmp/framer.ts'))) as typeof import('../bgp/bmp/framer.js');
  const { parseConfig } = (await import(at('src/config/load.ts'))) as typeof import('../src/config/load.js');
  const { EventBus } = (await import(at('src/core/bus.ts'))) as typeof import('../src/core/bus.js');
  const { systemClock } = (await import(at('src/core/clock.ts'))) as typeof import('../src/core/clock.js');
  const { componentLogger } = (await import(at('src/core/logger.ts'))) as typeof import('../src/core/logger.js');
  const { Telemetry } = (await import(at('src/core/telemetry.ts'))) as typeof import('../src/core/telemetry.js');
  const { PeerRegistry } = (await import(at('src/ingest/peers.ts'))) as typeof import('../src/ingest/peers.js');
  const { RoutePipeline } = (await import(at('src/ingest/pipeline.ts'))) as typeof import('../src/ingest/pipeline.js');
  const { Rib } = (await import(at('src/rib/index.ts'))) as typeof import('../src/rib/index.js');
  const { MongoStore } = (await import(at('src/storage/mongo/store.ts'))) as typeof import('../src/storage/mongo/store.js');
  const config = parseConfig({ storage: { uri } }, 'bench', {});
  const store = new MongoStore({ config: config.storage, log: componentLogger(log, 'storage'), clock: systemClock, onRejected: () => {} });
  await store.start();
  return () => {
    const rib = new Rib();
    const pipeline = new RoutePipeline({
      rib,
      storage: store,
      ...pipelineLimits(config.storage),
      bus: new EventBus(componentLogger(log, 'bus')),
      peers: new PeerRegistry(),
      telemetry: new Telemetry({ defaultMetrics: false }),
      log: componentLogger(log, 'ingest'),
      clock: systemClock,
    });
    const framer = new BmpFramer();
    const session = new BmpSession('bench');
    const events: Parameters<typeof pipeline.ingest>[0] = [];
    const t0 = process.hrtime.bigint();
    for (let off = 0; off < table.stream.length; off += CHUNK) {
      const n = framer.frame(table.stream.subarray(off, off + CHUNK));
      for (let i = 0; i < n; i++) {
        const s = framer.frameStarts[i]!;
        session.decodeInto(framer.frameBuffer, s, framer.frameEnds[i]!, framer.frameBase + s, new Date(), events);
      }
      pipeline.ingest(events.splice(0));
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (rib.size !== table.routes) throw new Error(`${dir}: the RIB holds ${rib.size} routes, expected ${table.routes}`);
    return table.routes / secs;
  };
}

const versions: [string, Pass, number[]][] = [
  [dirA, await passOf(dirA), []],
  [dirB, await passOf(dirB), []],
];
for (const [, pass] of versions) pass(); // warm-up, not counted
const ratios: number[] = [];
for (let r = 0; r < runs; r++) {
  // Alternate which goes first, so neither always runs right after the other's garbage.
  const order = r % 2 === 0 ? versions : [...versions].reverse();
  for (const [, pass, rates] of order) rates.push(pass());
  ratios.push(versions[1]![2][r]! / versions[0]![2][r]!);
}
console.log(`ingest-ab: ${fmt(table.routes)} prefixes ${packed ? 'in packed UPDATEs' : 'one per UPDATE'} (${fmt(table.attributeSets)} attribute sets), ${runs} alternated passes each, storage not waited for`);
for (const [dir, , rates] of versions) console.log(`  ${dir}: median ${fmt(median(rates))} prefixes/s (${rates.map(fmt).join(', ')})`);
console.log(`  B/A: ${(median(versions[1]![2]) / median(versions[0]![2])).toFixed(2)}x (pairs ${ratios.map((x) => x.toFixed(2)).join(' ')})`);
// The queued writes are left unfinished (minutes of FerretDB work): the database goes, the process ends.
const client = await MongoClient.connect(uri);
await client.db().dropDatabase();
await client.close();
process.exit(0);
