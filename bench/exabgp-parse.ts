/**
 * ExaBGP JSON parse throughput: lines/s and prefixes/s through ExabgpParser.parseLine.
 *
 *   npx tsx bench/exabgp-parse.ts [lines=200000] [seed=1]
 *
 * Lines are generated (seeded) in ExaBGP 4.x shape with a realistic mix: mostly IPv4
 * updates of 1-8 prefixes with 2-8 hop AS paths and communities, IPv6 updates listed under
 * global + link-local next hops, withdraws, keepalives, and a few 64-bit extended
 * communities (which take the quoting path). Target: >= 200,000 lines/s.
 */
import { ExabgpParser } from '../bgp/exabgp/index.js';

const total = Number(process.argv[2] ?? 200_000);
const seed = Number(process.argv[3] ?? 1);

function rng(s: number): () => number {
  let a = s >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const r = rng(seed);
const int = (n: number): number => Math.floor(r() * n);
const head = (counter: number, type: string): string =>
  `{ "exabgp": "4.0.1", "time": ${1700000000 + counter / 10}, "host" : "rs1", "pid" : 4242, "ppid" : 1, "counter": ${counter}, "type": "${type}", `;
const NEIGHBOR = `"neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 65000, "peer": 64500 } , "direction": "receive"`;

function attributes(): string {
  const path = Array.from({ length: 2 + int(7) }, () => 1000 + int(400000)).join(', ');
  const comms = Array.from({ length: int(4) }, () => `[ 64500, ${int(65535)} ]`).join(', ');
  const ext = int(20) === 0 ? `, "extended-community": [ { "value": ${9225060886715039744n + BigInt(int(1000))}, "string": "rate-limit:0" }, 18446744073709551615 ]` : '';
  return `"attribute": { "origin": "igp", "as-path": [ ${path} ], "confederation-path": [], "med": ${int(1000)}, "community": [ ${comms} ]${ext} }`;
}

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
  lines.push(l.text);
  prefixes += l.prefixes;
}
const bytes = lines.reduce((s, l) => s + l.length, 0);

function run(): { seconds: number; events: number } {
  const parser = new ExabgpParser('bench');
  const arrival = new Date();
  let events = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i++) events += parser.parseLine(lines[i] as string, i + 1, arrival).length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (parser.counters.errors !== 0) throw new Error(`bench lines produced ${parser.counters.errors} errors`);
  return { seconds, events };
}

/** Native JSON.parse alone over the same lines: the ceiling on this machine. */
function jsonParseOnly(): number {
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (const l of lines) if (JSON.parse(l) !== null) n++;
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

run(); // warm-up
jsonParseOnly();
const ceiling = jsonParseOnly();
const { seconds, events } = run();
console.log(`exabgp-parse: ${total} lines (${(bytes / total).toFixed(0)} B avg), ${prefixes} prefixes, ${events} events`);
console.log(`  ${(total / seconds).toFixed(0)} lines/s, ${(prefixes / seconds).toFixed(0)} prefixes/s, ${(bytes / seconds / 1e6).toFixed(1)} MB/s (target >= 200000 lines/s)`);
console.log(`  JSON.parse alone on the same lines: ${ceiling.toFixed(0)} lines/s -> parser at ${((total / seconds / ceiling) * 100).toFixed(0)}% of it`);
