/**
 * BMP decode throughput: a synthetic, seeded full table (default 1,000,000 IPv4 + 200,000 IPv6
 * prefixes) encoded as BMP Route Monitoring two ways, (a) one prefix per UPDATE and (b) packed
 * UPDATEs sharing attributes, then framed (64 KiB chunks, as from a socket) and decoded by
 * BmpSession into RouteEvents (counted, not kept).
 *
 *   npx tsx bench/bmp-decode.ts            full size
 *   npx tsx bench/bmp-decode.ts 0.1        scale factor (also BMP_BENCH_SCALE=0.1)
 */
import { BmpSession } from '../bgp/bmp-normalize.js';
import { BmpFramer } from '../bgp/bmp/framer.js';

const scale = Number(process.argv[2] ?? process.env.BMP_BENCH_SCALE ?? 1);
const N4 = Math.round(1_000_000 * scale);
const N6 = Math.round(200_000 * scale);
const CHUNK = 64 * 1024;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(42);
const int = (n: number) => Math.floor(rnd() * n);

/** Growable byte writer. */
class Writer {
  buf = Buffer.alloc(1 << 20);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  bytes(b: Buffer | number[]): void {
    this.ensure(b.length);
    if (Buffer.isBuffer(b)) b.copy(this.buf, this.len);
    else for (let i = 0; i < b.length; i++) this.buf[this.len + i] = b[i]!;
    this.len += b.length;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

const u16 = (n: number) => [(n >> 8) & 255, n & 255];
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

interface Prefix {
  v6: boolean;
  bytes: number[]; // NLRI encoding: length then address bytes
}

function makePrefixes(): Prefix[] {
  const out: Prefix[] = [];
  for (let i = 0; i < N4; i++) {
    const len = [16, 20, 22, 23, 24, 24, 24, 24][int(8)]!;
    const a = 1 + int(223);
    out.push({ v6: false, bytes: [len, a, int(256), int(256), 0].slice(0, 1 + ((len + 7) >> 3)) });
  }
  for (let i = 0; i < N6; i++) {
    const len = [32, 40, 44, 48, 48, 48][int(6)]!;
    const b = [0x20, 0x01 + int(8), int(256), int(256), int(256), int(256)];
    out.push({ v6: true, bytes: [len, ...b.slice(0, (len + 7) >> 3)] });
  }
  return out;
}

/** Attribute sets: AS paths 2-8 long, communities on ~half, large communities on ~1/8, MED/local pref. */
function makeAttributeSets(n: number): { v4: Buffer; v6Base: Buffer }[] {
  const sets: { v4: Buffer; v6Base: Buffer }[] = [];
  for (let i = 0; i < n; i++) {
    const common: number[] = [0x40, 1, 1, int(3)]; // ORIGIN
    const hops = 2 + int(7);
    const asns: number[] = [];
    for (let h = 0; h < hops; h++) asns.push(rnd() < 0.2 ? 4_200_000_000 + int(1000) : 1 + int(64000));
    const path = [2, hops, ...asns.flatMap(u32)];
    common.push(0x40, 2, path.length, ...path);
    if (rnd() < 0.5) common.push(0x80, 4, 4, ...u32(int(1000)));
    common.push(0x40, 5, 4, ...u32([100, 200, 80][int(3)]!));
    if (rnd() < 0.5) {
      const c = 1 + int(6);
      const v: number[] = [];
      for (let k = 0; k < c; k++) v.push(...u16(asns[0]! & 0xffff), ...u16(int(65536)));
      common.push(0xc0, 8, v.length, ...v);
    }
    if (rnd() < 0.125) {
      const v = [...u32(asns[0]!), ...u32(int(100)), ...u32(int(100))];
      common.push(0xc0, 32, v.length, ...v);
    }
    const v4 = Buffer.from([...common, 0x40, 3, 4, 192, 0, 2, 1 + int(250)]);
    sets.push({ v4, v6Base: Buffer.from(common) });
  }
  return sets;
}

const PEER = Buffer.from([0, 0x00, ...new Array<number>(8).fill(0), ...new Array<number>(12).fill(0), 192, 0, 2, 1, ...u32(65001), 192, 0, 2, 1, ...u32(1_700_000_000), ...u32(0)]);
const MARKER = Buffer.alloc(16, 0xff);
const V6_NH = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1];

/** One BMP Route Monitoring message with one UPDATE announcing `prefixes` (all v4 or all v6). */
function writeMessage(w: Writer, attrs: { v4: Buffer; v6Base: Buffer }, prefixes: Prefix[]): void {
  const nlri = prefixes.flatMap((p) => p.bytes);
  let pathAttrs: Buffer;
  let tail: number[] = [];
  if (prefixes[0]!.v6) {
    const mp = [...u16(2), 1, 16, ...V6_NH, 0, ...nlri];
    const hdr = mp.length > 255 ? [0x90, 14, ...u16(mp.length)] : [0x80, 14, mp.length];
    pathAttrs = Buffer.concat([attrs.v6Base, Buffer.from([...hdr, ...mp])]);
  } else {
    pathAttrs = attrs.v4;
    tail = nlri;
  }
  const updateLen = 19 + 2 + 2 + pathAttrs.length + tail.length;
  const total = 6 + PEER.length + updateLen;
  w.bytes([3, ...u32(total), 0]);
  w.bytes(PEER);
  w.bytes(MARKER);
  w.bytes([...u16(updateLen), 2, 0, 0, ...u16(pathAttrs.length)]);
  w.bytes(pathAttrs);
  w.bytes(tail);
}

function encode(prefixes: Prefix[], sets: { v4: Buffer; v6Base: Buffer }[], packed: boolean): { stream: Buffer; messages: number } {
  const w = new Writer();
  let messages = 0;
  if (!packed) {
    for (let i = 0; i < prefixes.length; i++) {
      writeMessage(w, sets[i % sets.length]!, [prefixes[i]!]);
      messages++;
    }
    return { stream: w.result(), messages };
  }
  // Group by attribute set, then cut groups to fit a 4096-octet UPDATE.
  const groups = new Map<number, Prefix[]>();
  prefixes.forEach((p, i) => {
    const key = (i % sets.length) * 2 + (p.v6 ? 1 : 0);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(p);
  });
  for (const [key, group] of groups) {
    const attrs = sets[key >> 1]!;
    let batch: Prefix[] = [];
    let size = 0;
    for (const p of group) {
      if (size + p.bytes.length > 3800 - attrs.v4.length - 40) {
        writeMessage(w, attrs, batch);
        messages++;
        batch = [];
        size = 0;
      }
      batch.push(p);
      size += p.bytes.length;
    }
    if (batch.length > 0) {
      writeMessage(w, attrs, batch);
      messages++;
    }
  }
  return { stream: w.result(), messages };
}

function decode(stream: Buffer): { prefixes: number; errors: number; seconds: number; heapMB: number } {
  const arrival = new Date('2030-01-01T00:00:00Z');
  const framer = new BmpFramer();
  const session = new BmpSession('bench');
  let prefixes = 0;
  let errors = 0;
  const t0 = process.hrtime.bigint();
  let heapPeak = 0;
  for (let off = 0; off < stream.length; off += CHUNK) {
    const msgs = framer.push(stream.subarray(off, off + CHUNK));
    const offsets = framer.lastOffsets;
    for (let i = 0; i < msgs.length; i++) {
      const events = session.decode(msgs[i]!, offsets[i]!, arrival);
      for (const e of events) {
        if (e.type === 'announce') prefixes++;
        else if (e.type === 'error') errors++;
      }
    }
    if ((off / CHUNK) % 256 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }
  framer.end();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  return { prefixes, errors, seconds, heapMB: heapPeak / 2 ** 20 };
}

const tGen = Date.now();
const prefixes = makePrefixes();
const sets = makeAttributeSets(20_000);
console.log(`generated ${N4} IPv4 + ${N6} IPv6 prefixes, ${sets.length} attribute sets in ${Date.now() - tGen} ms (seed 42)`);
for (const packed of [false, true]) {
  const { stream, messages } = encode(prefixes, sets, packed);
  const r = decode(stream);
  const mode = packed ? 'packed UPDATEs      ' : 'one prefix per UPDATE';
  console.log(
    `${mode}: ${messages} messages, ${(stream.length / 2 ** 20).toFixed(1)} MiB, ${r.prefixes} prefixes in ${r.seconds.toFixed(2)} s = ` +
      `${Math.round(r.prefixes / r.seconds).toLocaleString('en-US')} prefixes/s, errors ${r.errors}, heap peak ${r.heapMB.toFixed(0)} MiB`,
  );
  if (r.prefixes !== N4 + N6) console.log(`  MISMATCH: expected ${N4 + N6} prefixes`);
}
