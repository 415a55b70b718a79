/**
 * ExaBGP JSON parse throughput: lines/s and prefixes/s through ExabgpParser.parseLine.
 *
 *   npx tsx bench/exabgp-parse.ts [lines=200000] [seed=1] [runs=3]
 *
 * Lines are generated (seeded) in ExaBGP 4.x shape with a realistic mix: mostly IPv4
 * updates of 1-8 prefixes with 2-8 hop AS paths and communities, IPv6 updates listed under
 * global + link-local next hops, withdraws, keepalives, and a few 64-bit extended
 * communities (which take the quoting path). Updates after the first of the session are read
 * through its line template (bgp/exabgp/line-template.ts): only their message is parsed.
 * Each pass is run `runs` times, alternating with JSON.parse alone on the same lines (the
 * reference: what parsing every line whole costs), and reported by its median and best run,
 * per wall and per CPU second, with the load average (the machine is shared).
 * Target: >= 200,000 lines/s.
 */
import { StringDecoder } from 'node:string_decoder';
import { ExabgpParser } from '../bgp/exabgp/index.js';
import { LineSplitter } from '../src/ingest/line-splitter.js';
import { EXABGP_NEIGHBOR, exabgpAttributes, exabgpHead } from './lib/gen-exabgp.js';
import { prng } from './lib/gen-table.js';
import { alternate, describe, fmt, intArg } from './lib/measure.js';

const total = intArg(2, 200_000);
const seed = intArg(3, 1);
const runs = intArg(4, 3);

const r = prng(seed);
const int = (n: number): number => Math.floor(r() * n);
const head = exabgpHead;
const NEIGHBOR = EXABGP_NEIGHBOR;
const attributes = (): string => exabgpAttributes(int);

function v4(): string {
  return `${int(223) + 1}.${int(256)}.${int(256)}.0/24`;
}

function v6(): string {
  return `2001:db8:${int(65536).toString(16)}::/48`;
}

function line(i: number): { text: string; prefixes: number } {
  const kind = int(100);
  if (kind < 5) return { text: `${head(i, 'keepalive')}${NEIGHBOR} } }`, prefixes: 0 };
  if (kind < 20) {
    const n = 1 + int(4);
    const list = Array.from({ length: n }, () => `{ "nlri": "${v4()}" }`).join(', ');
    return { text: `${head(i, 'update')}${NEIGHBOR}, "message": { "update": { "withdraw": { "ipv4 unicast": [ ${list} ] } } } } }`, prefixes: n };
  }
  if (kind < 35) {
    const n = 1 + int(3);
    const list = Array.from({ length: n }, () => `{ "nlri": "${v6()}" }`).join(', ');
    return {
      text: `${head(i, 'update')}${NEIGHBOR}, "message": { "update": { ${attributes()}, "announce": { "ipv6 unicast": { "2001:db8::1": [ ${list} ], "fe80::1": [ ${list} ] } } } } } }`,
      prefixes: n,
    };
  }
  const n = 1 + int(8);
  const list = Array.from({ length: n }, () => `{ "nlri": "${v4()}" }`).join(', ');
  return {
    text: `${head(i, 'update')}${NEIGHBOR}, "message": { "update": { ${attributes()}, "announce": { "ipv4 unicast": { "192.0.2.1": [ ${list} ] } } } } } }`,
    prefixes: n,
  };
}

const lines: string[] = [];
let prefixes = 0;
for (let i = 0; i < total; i++) {
  const l = line(i);
  // As read from a socket: a flat string decoded from bytes, not the rope the template built.
  lines.push(Buffer.from(l.text).toString('utf8'));
  prefixes += l.prefixes;
}
const bytes = lines.reduce((s, l) => s + l.length, 0);
/** The same lines as a socket delivers them: 64 KiB chunks of bytes. */
const CHUNK = 64 * 1024;
const stream = Buffer.from(lines.join('\n') + '\n');
const chunks: Buffer[] = [];
for (let off = 0; off < stream.length; off += CHUNK) chunks.push(stream.subarray(off, off + CHUNK));

let expectedEvents = -1;
let templated = 0;

/** One pass of the parser over every line (fresh parser); returns the lines parsed. */
function parseAll(): number {
  const parser = new ExabgpParser('bench');
  const arrival = new Date();
  let events = 0;
  for (let i = 0; i < lines.length; i++) events += parser.parseLine(lines[i]!, i + 1, arrival).length;
  if (parser.counters.errors !== 0) throw new Error(`bench lines produced ${parser.counters.errors} errors`);
  if (expectedEvents < 0) expectedEvents = events;
  templated = parser.templatedLines;
  if (events !== expectedEvents) throw new Error(`bench lines gave ${events} events, expected ${expectedEvents}`);
  return lines.length;
}

/**
 * The feed's path (src/ingest/exabgp-feed.ts): 64 KiB byte chunks decoded as the socket's utf8
 * encoding does, split by its LineSplitter, each line parsed. Lines are then fresh in the
 * cache, as in the daemon, where the in-memory pass above reads 120 MB of old strings.
 */
function feedAll(): number {
  const parser = new ExabgpParser('bench');
  const arrival = new Date();
  const decoder = new StringDecoder('utf8');
  let n = 0;
  let events = 0;
  const splitter = new LineSplitter(
    1024 * 1024,
    (line) => (events += parser.parseLine(line, ++n, arrival).length),
    () => {
      throw new Error('overlong line');
    },
  );
  for (const chunk of chunks) splitter.push(decoder.write(chunk));
  splitter.end();
  if (events !== expectedEvents || parser.counters.errors !== 0) throw new Error(`feed pass gave ${events} events, ${parser.counters.errors} errors`);
  return n;
}

/** Native JSON.parse alone over the same lines: the cost of parsing every line whole. */
function jsonParseOnly(): number {
  let n = 0;
  for (let i = 0; i < lines.length; i++) if (JSON.parse(lines[i]!) !== null) n++;
  return n;
}

console.log(`exabgp-parse: ${fmt(total)} lines (${(bytes / total).toFixed(0)} B avg), ${fmt(prefixes)} prefixes, seed ${seed}`);
parseAll(); // warm-up
jsonParseOnly();
console.log(`  ${fmt(expectedEvents)} events per pass; ${fmt(templated)} lines (${((templated / total) * 100).toFixed(1)}%) read through a line template (message parsed alone)`);
feedAll();
// Alternated run by run, so that all see the same moments of the machine.
const [parser, feed, whole] = alternate(runs, [parseAll, feedAll, jsonParseOnly]) as Array<ReturnType<typeof alternate>[0]> as [
  ReturnType<typeof alternate>[0],
  ReturnType<typeof alternate>[0],
  ReturnType<typeof alternate>[0],
];
console.log(`  parser     ${describe(`${runs} runs`, 'lines', parser)}`);
console.log(`  feed path  ${describe(`${runs} runs`, 'lines', feed)} (64 KiB chunks -> utf8 -> LineSplitter -> parser)`);
console.log(`  JSON.parse ${describe(`${runs} runs`, 'lines', whole)}`);
console.log(
  `  parser: ${fmt((parser.perWallSecond * bytes) / total / 1e6)} MB/s, ${fmt((parser.perWallSecond * prefixes) / total)} prefixes/s; ` +
    `${((parser.perCpuSecond / whole.perCpuSecond) * 100).toFixed(0)}% of JSON.parse alone (CPU time); target >= 200,000 lines/s`,
);
