/**
 * The storage baseline: a bare insertMany loop (official mongodb driver, unordered, batches
 * of 1000, one batch in flight, as the write queue does) of the route-event documents the
 * ingestion pipeline would store for the synthetic full table of bench/lib/gen-table.ts.
 * The documents are made the way RoutePipeline + MongoStore make them (the stream decoded by
 * BmpSession; announces into an empty RIB are "new"; a client-side _id, `at`, AS_SETs encoded
 * by the storage codec) on a collection with route_events' indexes, so only the path from
 * the pipeline to the server differs from bench/ingest-e2e.ts, which imports this loop.
 * Only the insertMany calls are timed (documents are built between them).
 *
 *   npx tsx bench/storage-insert.ts [scale=0.01] [batch=1000] [packed|per-update]
 *
 *   scale   1 = 1,000,000 IPv4 + 200,000 IPv6 prefixes (also env BENCH_SCALE)
 *   batch   documents per insertMany
 *   mode    which generated stream the documents come from (same documents either way)
 *
 * Server: MONGODB_URI (default mongodb://127.0.0.1:27117/, the FerretDB of the dev machine);
 * database bench_storage_insert, dropped at the end.
 */
import { MongoClient, ObjectId, type Document } from 'mongodb';
import { pathToFileURL } from 'node:url';
import { BmpFramer } from '../bgp/bmp/framer.js';
import { BmpSession } from '../bgp/bmp-normalize.js';
import { encodeRouteDoc } from '../src/storage/mongo/codec.js';
import { COLLECTIONS, INDEXES } from '../src/storage/mongo/store.js';
import { fullTableAt, generateTable, scaleArg } from './lib/gen-table.js';

export const DEFAULT_URI = 'mongodb://127.0.0.1:27117/';

/** The server URI with the path replaced by a database of the bench's own. */
export function benchUri(database: string): string {
  const base = process.env.MONGODB_URI ?? DEFAULT_URI;
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?[^?]*(\?.*)?$/.exec(base);
  if (!m) throw new Error(`unexpected MONGODB_URI shape: ${base}`);
  return `${m[1]}/${database}${m[2] ?? ''}`;
}

const STORED = new Set(['announce', 'withdraw', 'eor', 'peer_up', 'peer_down', 'initiation', 'termination']);

/** The documents MongoStore writes for this stream fed to an empty RIB, in batches, built lazily. */
export function* routeEventDocuments(stream: Buffer, router: string, batch: number): Generator<Document[]> {
  const framer = new BmpFramer();
  const session = new BmpSession(router);
  let docs: Document[] = [];
  for (let off = 0; off < stream.length; off += 65536) {
    const arrival = new Date();
    const msgs = framer.push(stream.subarray(off, off + 65536));
    for (let i = 0; i < msgs.length; i++) {
      for (const e of session.decode(msgs[i]!, framer.lastOffsets[i] ?? 0, arrival)) {
        if (!STORED.has(e.type) || e.type === 'error') continue;
        const stored = e.type === 'announce' ? { ...e, change: 'new' } : e;
        docs.push(encodeRouteDoc({ _id: new ObjectId(), ...stored, at: new Date(e.time) }));
        if (docs.length === batch) {
          yield docs;
          docs = [];
        }
      }
    }
  }
  if (docs.length) yield docs;
}

export interface BareResult {
  documents: number;
  /** Time spent inside insertMany. */
  seconds: number;
  perSecond: number;
  /** The slowest batch, ms. */
  worstBatchMs: number;
}

/** Inserts the documents into `collection` (created with route_events' indexes, dropped after). */
export async function bareInsertLoop(client: MongoClient, database: string, collection: string, docs: Iterable<Document[]>): Promise<BareResult> {
  const db = client.db(database);
  await db.collection(collection).drop().catch(() => {});
  for (const spec of INDEXES[COLLECTIONS.routeEvents] ?? []) await db.collection(collection).createIndexes([spec]);
  const coll = db.collection(collection);
  let documents = 0;
  let ns = 0n;
  let worst = 0n;
  for (const batch of docs) {
    const t = process.hrtime.bigint();
    const r = await coll.insertMany(batch, { ordered: false });
    const dt = process.hrtime.bigint() - t;
    ns += dt;
    if (dt > worst) worst = dt;
    documents += r.insertedCount;
  }
  const count = await coll.countDocuments();
  if (count !== documents) throw new Error(`bare insert: ${documents} acknowledged but ${count} in the collection`);
  await coll.drop();
  const seconds = Number(ns) / 1e9;
  return { documents, seconds, perSecond: documents / seconds, worstBatchMs: Number(worst) / 1e6 };
}

async function main(): Promise<void> {
  const scale = scaleArg(process.argv, 0.01);
  const batch = Number(process.argv[3] ?? 1000);
  const packed = process.argv[4] === 'packed';
  const { ipv4, ipv6 } = fullTableAt(scale);
  const table = generateTable({ ipv4, ipv6, packed });
  const database = 'bench_storage_insert';
  const uri = benchUri(database);
  const client = new MongoClient(uri);
  await client.connect();
  try {
    const r = await bareInsertLoop(client, database, 'route_events_bare', routeEventDocuments(table.stream, '127.0.0.1', batch));
    console.log(
      `storage-insert (scale ${scale}: ${ipv4} IPv4 + ${ipv6} IPv6, ${uri.replace(/\/\/[^@]*@/, '//')}): ${r.documents} route-event documents, ` +
        `insertMany x${batch} unordered with route_events' indexes: ${r.seconds.toFixed(1)} s in insertMany = ` +
        `${Math.round(r.perSecond).toLocaleString('en-US')} docs/s (worst batch ${r.worstBatchMs.toFixed(0)} ms)`,
    );
    if (r.documents !== table.storedEvents) console.log(`  MISMATCH: expected ${table.storedEvents} documents`);
  } finally {
    await client.db(database).dropDatabase().catch(() => {});
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
