/**
 * BMP decode throughput: the seeded synthetic full table of bench/lib/gen-table.ts (default
 * 1,000,000 IPv4 + 200,000 IPv6 prefixes, one attribute set per 20 prefixes, each prefix
 * given a random set) as one router's BMP stream, encoded two ways: (a) one prefix per
 * UPDATE, (b) packed UPDATEs sharing attributes. Each stream is framed in 64 KiB chunks (as
 * from a socket) and decoded by one BmpSession into RouteEvents (counted, not kept), several
 * times after one warm-up pass; the median rate is reported per wall second and per CPU second, with the load
 * average around the runs (the machine is shared: figures move with its load).
 * Target: >= 500,000 prefixes/s one prefix per UPDATE, on one core.
 *
 *   npx tsx bench/bmp-decode.ts [scale=1] [runs=3] [attributeSets] [cacheBlocks]
 *   (cacheBlocks: bmp.attributeCacheBlocks, default 65,536)
 *   (scale also from env BENCH_SCALE; 1 = the full table)
 */
import { BmpSession } from '../bgp/bmp-normalize.js';
import { BmpFramer } from '../bgp/bmp/framer.js';
import type { RouteEvent } from '../bgp/types.js';
import { fullTableAt, generateTable, scaleArg } from './lib/gen-table.js';
import { describe, fmt, intArg, repeat } from './lib/measure.js';

const CHUNK = 64 * 1024;
const ARRIVAL = new Date('2030-01-01T00:00:00Z');

const scale = scaleArg();
const runs = intArg(3, 3);
const attributeSets = process.argv[4] === undefined ? undefined : intArg(4, 1);
const cacheBlocks = process.argv[5] === undefined ? undefined : intArg(5, 1);
const { ipv4, ipv6 } = fullTableAt(scale);

/**
 * Frames and decodes the whole stream with a fresh session, as the station does (BmpFramer.frame
 * offsets into each chunk, BmpSession.decodeInto one events array per chunk); returns the
 * announced prefixes.
 */
/** Attribute cache hits and misses of the last decode() (the share of messages on the fast path). */
let cacheUse = { hits: 0, misses: 0 };

function decode(stream: Buffer): number {
  const framer = new BmpFramer();
  const session = new BmpSession('bench', cacheBlocks === undefined ? {} : { attributeCacheBlocks: cacheBlocks });
  const events: RouteEvent[] = [];
  let announced = 0;
  let errors = 0;
  for (let off = 0; off < stream.length; off += CHUNK) {
    const n = framer.frame(stream.subarray(off, off + CHUNK));
    const buf = framer.frameBuffer;
    const starts = framer.frameStarts;
    const ends = framer.frameEnds;
    for (let i = 0; i < n; i++) session.decodeInto(buf, starts[i]!, ends[i]!, framer.frameBase + starts[i]!, ARRIVAL, events);
    for (let k = 0; k < events.length; k++) {
      const t = events[k]!.type;
      if (t === 'announce') announced++;
      else if (t === 'error') errors++;
    }
    events.length = 0;
  }
  framer.end();
  cacheUse = { hits: session.attributeCache.hits, misses: session.attributeCache.misses };
  if (errors !== 0) throw new Error(`bench stream produced ${errors} error events`);
  return announced;
}

for (const packed of [false, true]) {
  const t0 = Date.now();
  const table = generateTable({ ipv4, ipv6, packed, ...(attributeSets !== undefined ? { attributeSets } : {}) });
  const mode = packed ? 'packed UPDATEs' : 'one prefix per UPDATE';
  console.log(
    `${mode}: ${fmt(ipv4)} IPv4 + ${fmt(ipv6)} IPv6 prefixes, ${fmt(table.attributeSets)} attribute sets, ` +
      `${fmt(table.messages)} BMP messages, ${(table.stream.length / 2 ** 20).toFixed(1)} MiB (generated in ${Date.now() - t0} ms, seed 42)`,
  );
  // One pass first, not counted: the daemon runs warm (JIT tiers, heap sized); the first pass
  // of a process measured 10-30 % below the next ones.
  decode(table.stream);
  const s = repeat(runs, () => decode(table.stream));
  if (s.items !== table.routes) throw new Error(`decoded ${s.items} prefixes, expected ${table.routes}`);
  console.log(`  ${describe(`${runs} runs`, 'prefixes', s)}`);
  const looked = cacheUse.hits + cacheUse.misses;
  console.log(`  attribute cache: ${fmt(cacheUse.hits)} hits, ${fmt(cacheUse.misses)} misses (${((cacheUse.hits / Math.max(1, looked)) * 100).toFixed(1)}% of blocks decoded before)`);
}
