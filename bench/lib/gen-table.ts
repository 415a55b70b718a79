/**
 * A synthetic, seeded full BGP table as one router's BMP stream (RFC 7854), built in memory
 * for the ingestion benchmarks (bench/ingest-e2e.ts, bench/storage-insert.ts).
 *
 * Stream: Initiation (sysName, sysDescr; RFC 7854 4.3), Peer Up of one global IPv4 peer
 * (AS 65001, 4-octet AS and IPv4/IPv6 unicast MP capabilities on both OPENs; RFC 7854 4.10),
 * Route Monitoring (RFC 7854 4.6) carrying UPDATEs — one prefix per UPDATE, or packed (all
 * prefixes of one attribute set and family, cut to fit 4096-octet UPDATEs) — then an
 * End-of-RIB for each family (RFC 4724 2).
 *
 * Prefixes are unique (so the RIB ends with exactly one route per prefix sent) and follow a
 * real table's shape: IPv4 mostly /24, /22-/23, some /16-/21, a few shorter; IPv6 mostly /48,
 * /32-/44, some /29, /56, /64. Attribute sets (default one per 20 prefixes): ORIGIN (88% IGP),
 * AS_PATH of 2-8 hops beginning with the peer AS (20% 4-octet ASNs, 10% prepending, 0.5% with
 * an AS_SET), MED on 40%, COMMUNITIES on 60%, LARGE_COMMUNITIES on 10%, EXTENDED_COMMUNITIES
 * on 5%, AGGREGATOR on 8%, ATOMIC_AGGREGATE on 3%; NEXT_HOP is the peer (IPv6: MP_REACH with
 * 2001:db8::1).
 */

import { seededRandom as prng } from '../../src/core/random.js';
export { prng };

export interface TableOptions {
  ipv4: number;
  ipv6: number;
  seed?: number;
  /** Distinct path-attribute sets; default one per 20 prefixes (at least 64). */
  attributeSets?: number;
  /** Packed UPDATEs (many prefixes per UPDATE) instead of one prefix per UPDATE. */
  packed?: boolean;
}

export interface BmpTable {
  stream: Buffer;
  /** BMP messages in the stream, all kinds. */
  messages: number;
  ipv4: number;
  ipv6: number;
  /** Routes the RIB holds once everything is applied: ipv4 + ipv6 (prefixes are unique). */
  routes: number;
  /**
   * Route events the pipeline stores for this stream into an empty RIB: one initiation, one
   * peer_up, one "new" announce per route, two End-of-RIB.
   */
  storedEvents: number;
  attributeSets: number;
}

/** The monitored peer (per-peer header, RFC 7854 4.2). */
export const PEER = { address: '192.0.2.1', asn: 65001, bgpId: '192.0.2.1' } as const;
const LOCAL_ASN = 64999;
const TIMESTAMP = 1_700_000_000;

/** Growable byte buffer with big-endian writers. */
class Writer {
  buf: Buffer;
  len = 0;
  constructor(initial = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initial);
  }
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(n: number): void {
    this.ensure(1);
    this.buf[this.len++] = n & 0xff;
  }
  u16(n: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(n & 0xffff, this.len);
    this.len += 2;
  }
  u32(n: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(n >>> 0, this.len);
    this.len += 4;
  }
  bytes(b: Uint8Array | readonly number[]): void {
    this.ensure(b.length);
    if (b instanceof Uint8Array) this.buf.set(b, this.len);
    else for (let i = 0; i < b.length; i++) this.buf[this.len + i] = b[i]!;
    this.len += b.length;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

function bytesOf(fill: (w: Writer) => void): Buffer {
  const w = new Writer(256);
  fill(w);
  return Buffer.from(w.result());
}

/** Per-peer header (RFC 7854 4.2): global peer, IPv4, pre-policy, 4-octet AS_PATH. */
const PEER_HEADER = bytesOf((w) => {
  w.u8(0); // peer type: global instance peer
  w.u8(0); // flags: V=0 (IPv4), L=0 (pre-policy), A=0 (4-octet AS_PATH)
  w.bytes(new Array<number>(8).fill(0)); // peer distinguisher
  w.bytes(new Array<number>(12).fill(0));
  w.bytes([192, 0, 2, 1]); // peer address
  w.u32(PEER.asn);
  w.bytes([192, 0, 2, 1]); // peer BGP ID
  w.u32(TIMESTAMP);
  w.u32(0); // microseconds
});
const MARKER = Buffer.alloc(16, 0xff);

/** A BGP OPEN (RFC 4271 4.2) with 4-octet AS (RFC 6793) and MP IPv4/IPv6 unicast (RFC 4760) capabilities. */
function openMessage(asn: number, bgpId: readonly number[]): Buffer {
  const caps = [65, 4, ...u32b(asn), 1, 4, 0, 1, 0, 1, 1, 4, 0, 2, 0, 1];
  const body = [4, ...u16b(asn > 65535 ? 23456 : asn), 0, 180, ...bgpId, caps.length + 2, 2, caps.length, ...caps];
  return bytesOf((w) => {
    w.bytes(MARKER);
    w.u16(19 + body.length);
    w.u8(1);
    w.bytes(body);
  });
}

function u16b(n: number): number[] {
  return [(n >> 8) & 255, n & 255];
}
function u32b(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

/** BMP common header (RFC 7854 4.1): version 3, total length, type. */
function commonHeader(w: Writer, bodyLength: number, type: number): void {
  w.u8(3);
  w.u32(6 + bodyLength);
  w.u8(type);
}

function writeInitiation(w: Writer): void {
  const tlvs = [
    [2, Buffer.from('bench-router')], // sysName
    [1, Buffer.from('SmokeTrace synthetic full table')], // sysDescr
  ] as const;
  commonHeader(w, tlvs.reduce((n, [, v]) => n + 4 + v.length, 0), 4);
  for (const [type, v] of tlvs) {
    w.u16(type);
    w.u16(v.length);
    w.bytes(v);
  }
}

function writePeerUp(w: Writer): void {
  const sent = openMessage(LOCAL_ASN, [192, 0, 2, 254]);
  const received = openMessage(PEER.asn, [192, 0, 2, 1]);
  commonHeader(w, PEER_HEADER.length + 16 + 4 + sent.length + received.length, 3);
  w.bytes(PEER_HEADER);
  w.bytes(new Array<number>(12).fill(0));
  w.bytes([192, 0, 2, 254]); // local address
  w.u16(179); // local port
  w.u16(40000); // remote port
  w.bytes(sent);
  w.bytes(received);
}

/** Route Monitoring of one UPDATE: withdrawn (empty), attributes, trailing IPv4 NLRI. */
function writeRouteMonitoring(w: Writer, attrs: Uint8Array, attrsExtraLength: number, nlriLength: number): number {
  const updateLength = 19 + 2 + 2 + attrs.length + attrsExtraLength + nlriLength;
  commonHeader(w, PEER_HEADER.length + updateLength, 0);
  w.bytes(PEER_HEADER);
  w.bytes(MARKER);
  w.u16(updateLength);
  w.u8(2); // UPDATE
  w.u16(0); // withdrawn routes length
  w.u16(attrs.length + attrsExtraLength);
  w.bytes(attrs);
  return updateLength;
}

function writeEndOfRib(w: Writer): void {
  writeRouteMonitoring(w, new Uint8Array(0), 0, 0); // IPv4: an empty UPDATE
  writeRouteMonitoring(w, Uint8Array.from([0x80, 15, 3, 0, 2, 1]), 0, 0); // IPv6: empty MP_UNREACH_NLRI
}

/** Unique prefixes as NLRI encodings (length octet + address octets, RFC 4271 4.3) in one pool. */
interface PrefixPool {
  bytes: Buffer;
  offsets: Uint32Array; // prefix i is bytes[offsets[i], offsets[i + 1])
  count: number;
}

const V4_LENGTHS: Array<[number, number]> = [
  [24, 61], [23, 9], [22, 12], [21, 4.5], [20, 4.5], [19, 3.5], [18, 1.5], [17, 1], [16, 2.5], [15, 0.1], [14, 0.1], [13, 0.1], [12, 0.1], [11, 0.05], [10, 0.03], [9, 0.01], [8, 0.01],
];
const V6_LENGTHS: Array<[number, number]> = [
  [48, 55], [44, 12], [40, 8], [32, 8], [64, 5], [36, 3], [56, 3], [29, 2], [46, 2], [47, 2],
];
const V6_FIRST = [0x2001, 0x2400, 0x2600, 0x2800, 0x2a00, 0x2c0f];

/** A sampler over [value, weight] pairs. */
function weighted(table: Array<[number, number]>): (rnd: () => number) => number {
  const total = table.reduce((n, [, w]) => n + w, 0);
  return (rnd) => {
    let x = rnd() * total;
    for (const [v, w] of table) {
      x -= w;
      if (x < 0) return v;
    }
    return table[0]![0];
  };
}
const v4Length = weighted(V4_LENGTHS);
const v6Length = weighted(V6_LENGTHS);

function makePrefixes(count: number, v6: boolean, rnd: () => number): PrefixPool {
  const w = new Writer();
  const offsets = new Uint32Array(count + 1);
  const seen = new Set<number | string>();
  const addr = Buffer.alloc(16);
  const int = (n: number) => Math.floor(rnd() * n);
  for (let i = 0; i < count; i++) {
    for (let attempt = 0; ; attempt++) {
      // A length whose space is exhausted falls back to the most common one.
      const len = attempt > 20 ? (v6 ? 48 : 24) : (v6 ? v6Length : v4Length)(rnd);
      if (v6) {
        const base = V6_FIRST[int(V6_FIRST.length)]!;
        addr.writeUInt16BE(base === 0x2001 || base === 0x2c0f ? base : base + int(base === 0x2a00 ? 32 : 16), 0);
        for (let k = 2; k < 16; k++) addr[k] = int(256);
      } else {
        let first = 1 + int(223);
        while (first === 10 || first === 127) first = 1 + int(223);
        addr[0] = first;
        for (let k = 1; k < 4; k++) addr[k] = int(256);
      }
      const n = (len + 7) >> 3;
      if (len % 8) addr[n - 1]! &= (0xff << (8 - (len % 8))) & 0xff;
      addr.fill(0, n); // host bits: not sent, and not part of the key
      const key = v6 ? addr.toString('latin1', 0, n) + String.fromCharCode(len) : len * 2 ** 32 + addr.readUInt32BE(0);
      if (seen.has(key)) continue;
      seen.add(key);
      w.u8(len);
      w.bytes(addr.subarray(0, n));
      break;
    }
    offsets[i + 1] = w.len;
  }
  return { bytes: Buffer.from(w.result()), offsets, count };
}

interface AttributeSet {
  /** Common attributes plus NEXT_HOP: the whole attribute block of an IPv4 UPDATE. */
  v4: Buffer;
  /** Common attributes without NEXT_HOP; MP_REACH_NLRI is appended per message. */
  v6: Buffer;
}

/** Path attribute (RFC 4271 4.3): flags, type, length (extended when > 255), value. */
function attr(w: Writer, flags: number, type: number, value: readonly number[]): void {
  const ext = value.length > 255;
  w.u8(flags | (ext ? 0x10 : 0));
  w.u8(type);
  if (ext) w.u16(value.length);
  else w.u8(value.length);
  w.bytes(value);
}

function makeAttributeSets(n: number, rnd: () => number): AttributeSet[] {
  const int = (k: number) => Math.floor(rnd() * k);
  const asn = () => (rnd() < 0.2 ? 131072 + int(270_000) : 1 + int(64_000));
  const sets: AttributeSet[] = [];
  for (let i = 0; i < n; i++) {
    const common = new Writer();
    const o = rnd();
    attr(common, 0x40, 1, [o < 0.88 ? 0 : o < 0.98 ? 2 : 1]); // ORIGIN igp / incomplete / egp
    const hops: number[] = [PEER.asn];
    for (let h = 1 + int(7); h > 0; h--) hops.push(asn());
    const origin = hops[hops.length - 1]!;
    if (rnd() < 0.1) for (let p = 1 + int(3); p > 0; p--) hops.push(origin);
    const path = [2, hops.length, ...hops.flatMap(u32b)]; // AS_SEQUENCE
    if (rnd() < 0.005) path.push(1, 2, ...u32b(asn()), ...u32b(asn())); // AS_SET
    attr(common, 0x40, 2, path);
    if (rnd() < 0.4) attr(common, 0x80, 4, u32b(int(1000))); // MED
    if (rnd() < 0.03) attr(common, 0x40, 6, []); // ATOMIC_AGGREGATE
    if (rnd() < 0.08) attr(common, 0xc0, 7, [...u32b(origin), 10, int(256), int(256), 1]); // AGGREGATOR
    if (rnd() < 0.6) {
      const v: number[] = [];
      for (let c = 1 + int(8); c > 0; c--) v.push(...u16b(hops[1]! & 0xffff), ...u16b(int(65536)));
      attr(common, 0xc0, 8, v); // COMMUNITIES
    }
    if (rnd() < 0.05) attr(common, 0xc0, 16, [0x00, 0x02, ...u16b(PEER.asn), ...u32b(int(1000))]); // EXTENDED_COMMUNITIES
    if (rnd() < 0.1) {
      const v: number[] = [];
      for (let c = 1 + int(3); c > 0; c--) v.push(...u32b(hops[1]!), ...u32b(int(100)), ...u32b(int(100)));
      attr(common, 0xc0, 32, v); // LARGE_COMMUNITY
    }
    const v6 = Buffer.from(common.result());
    attr(common, 0x40, 3, [192, 0, 2, 1]); // NEXT_HOP
    sets.push({ v4: Buffer.from(common.result()), v6 });
  }
  return sets;
}

const V6_NEXT_HOP = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1];
/** MP_REACH_NLRI value up to the NLRI: AFI 2, SAFI 1, next-hop length, next hop, reserved. */
const MP_REACH_HEAD = Buffer.from([0, 2, 1, V6_NEXT_HOP.length, ...V6_NEXT_HOP, 0]);

/** One Route Monitoring message announcing prefixes [from, to) of a pool (all one family). */
function writeAnnounce(w: Writer, set: AttributeSet, pool: PrefixPool, v6: boolean, from: number, to: number): void {
  const nlri = pool.bytes.subarray(pool.offsets[from]!, pool.offsets[to]!);
  if (!v6) {
    writeRouteMonitoring(w, set.v4, 0, nlri.length);
    w.bytes(nlri);
    return;
  }
  // MP_REACH_NLRI (RFC 4760 3): AFI 2, SAFI 1, next hop, reserved, NLRI.
  const mpLength = 2 + 1 + 1 + V6_NEXT_HOP.length + 1 + nlri.length;
  const header = mpLength > 255 ? 4 : 3;
  writeRouteMonitoring(w, set.v6, header + mpLength, 0);
  if (header === 4) {
    w.u8(0x90);
    w.u8(14);
    w.u16(mpLength);
  } else {
    w.u8(0x80);
    w.u8(14);
    w.u8(mpLength);
  }
  w.bytes(MP_REACH_HEAD);
  w.bytes(nlri);
}

/** Prefixes of one family that fit one UPDATE with this attribute set (4096-octet BGP message, RFC 4271 4). */
const MAX_UPDATE = 4096;

/** Builds the whole stream. Deterministic for given options. */
export function generateTable(opts: TableOptions): BmpTable {
  const rnd = prng(opts.seed ?? 42);
  const total = opts.ipv4 + opts.ipv6;
  const setCount = opts.attributeSets ?? Math.max(64, Math.round(total / 20));
  const pools = [makePrefixes(opts.ipv4, false, rnd), makePrefixes(opts.ipv6, true, rnd)] as const;
  const sets = makeAttributeSets(setCount, rnd);
  const w = new Writer();
  writeInitiation(w);
  writePeerUp(w);
  let messages = 2;
  // Each prefix gets a random attribute set; packed mode groups by (family, set).
  for (const v6 of [false, true]) {
    const pool = pools[v6 ? 1 : 0];
    const setOf = new Uint32Array(pool.count);
    for (let i = 0; i < pool.count; i++) setOf[i] = Math.floor(rnd() * setCount);
    if (!opts.packed) {
      for (let i = 0; i < pool.count; i++) writeAnnounce(w, sets[setOf[i]!]!, pool, v6, i, i + 1);
      messages += pool.count;
      continue;
    }
    messages += writePacked(w, sets, setOf, pool, v6);
  }
  writeEndOfRib(w);
  messages += 2;
  return {
    stream: Buffer.from(w.result()),
    messages,
    ipv4: opts.ipv4,
    ipv6: opts.ipv6,
    routes: total,
    storedEvents: total + 4,
    attributeSets: setCount,
  };
}

/** Packed UPDATEs: per attribute set, copy its prefixes into a scratch pool and cut it to fit. */
function writePacked(w: Writer, sets: AttributeSet[], setOf: Uint32Array, pool: PrefixPool, v6: boolean): number {
  const bySet = new Map<number, number[]>();
  for (let i = 0; i < pool.count; i++) {
    const s = setOf[i]!;
    let list = bySet.get(s);
    if (list === undefined) bySet.set(s, (list = []));
    list.push(i);
  }
  let messages = 0;
  for (const [s, members] of bySet) {
    const set = sets[s]!;
    const room = MAX_UPDATE - 23 - (v6 ? set.v6.length + 4 + 21 : set.v4.length);
    const scratch = new Writer(members.length * 17);
    const offsets = new Uint32Array(members.length + 1);
    members.forEach((i, k) => {
      scratch.bytes(pool.bytes.subarray(pool.offsets[i]!, pool.offsets[i + 1]!));
      offsets[k + 1] = scratch.len;
    });
    const group: PrefixPool = { bytes: scratch.result(), offsets, count: members.length };
    let from = 0;
    for (let k = 0; k < members.length; k++) {
      if (offsets[k + 1]! - offsets[from]! > room) {
        writeAnnounce(w, set, group, v6, from, k);
        messages++;
        from = k;
      }
    }
    writeAnnounce(w, set, group, v6, from, members.length);
    messages++;
  }
  return messages;
}

/**
 * The scale argument shared by the benches: argv[2] (or env BENCH_SCALE), a positive number,
 * 1 = the full table (1,000,000 IPv4 + 200,000 IPv6 prefixes).
 */
export function scaleArg(argv: readonly string[] = process.argv, fallback = 1): number {
  const raw = argv[2] ?? process.env.BENCH_SCALE;
  const scale = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`scale must be a positive number, got ${raw}`);
  return scale;
}

export function fullTableAt(scale: number): { ipv4: number; ipv6: number } {
  return { ipv4: Math.round(1_000_000 * scale), ipv6: Math.round(200_000 * scale) };
}
