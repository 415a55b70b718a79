/**
 * Synthetic captures for the cases a live capture cannot be made to show on demand (segments
 * out of order, retransmitted, overlapping, lost; sequence numbers wrapping; VLAN tags; a
 * big-endian file): Ethernet/IPv4/TCP frames in a classic pcap file, as tcpdump writes them.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { CaptureSummary } from '../../src/capture/bmp-streams.js';
import { decodeBmp, decodeCapture } from '../../src/cli/decode.js';
import type { RouteEvent } from '../../bgp/types.js';

export const F = new URL('../fixtures/bmp/', import.meta.url).pathname;

export function fixture(rel: string): Buffer {
  const b = readFileSync(F + rel);
  return rel.endsWith('.gz') ? gunzipSync(b) : b;
}

export interface Seg {
  seq: number;
  payload?: Buffer;
  syn?: boolean;
  fin?: boolean;
  rst?: boolean;
  src?: string;
  dst?: string;
  srcPort?: number;
  dstPort?: number;
  /** 802.1Q/802.1ad tags, outermost first. */
  vlans?: number[];
}

function ipv4Bytes(a: string): number[] {
  return a.split('.').map(Number);
}

/** One Ethernet frame holding an IPv4 TCP segment. */
export function frame(s: Seg): Buffer {
  const tags = (s.vlans ?? []).map((id, i) => {
    const t = Buffer.alloc(4);
    t.writeUInt16BE(i === 0 && (s.vlans ?? []).length > 1 ? 0x88a8 : 0x8100, 0);
    t.writeUInt16BE(id, 2);
    return t;
  });
  const macs = Buffer.alloc(12, 0x02);
  const type = Buffer.from([0x08, 0x00]);
  // A tag's TPID stands where the EtherType would: macs, then [TPID TCI]..., then the EtherType.
  return Buffer.concat([macs, ...tags, type, ipv4Packet(s)]);
}

function tcpHeader(s: Seg): Buffer {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(s.srcPort ?? 40000, 0);
  tcp.writeUInt16BE(s.dstPort ?? 11019, 2);
  tcp.writeUInt32BE(s.seq >>> 0, 4);
  tcp[12] = 5 << 4;
  tcp[13] = 0x10 | (s.syn ? 0x02 : 0) | (s.fin ? 0x01 : 0) | (s.rst ? 0x04 : 0);
  return tcp;
}

/** An IPv6 packet holding the TCP segment (src ::1 / dst ::2 unless given), with a hop-by-hop options header when `hopByHop`. */
export function ipv6Packet(s: Seg, opts: { hopByHop?: boolean; fragment?: boolean } = {}): Buffer {
  const payload = s.payload ?? Buffer.alloc(0);
  const ext: Buffer[] = [];
  let next = 6;
  if (opts.fragment) {
    ext.unshift(Buffer.from([next, 0, 0, 1, 0, 0, 0, 42]));
    next = 44;
  }
  if (opts.hopByHop) {
    ext.unshift(Buffer.from([next, 0, 1, 4, 0, 0, 0, 0])); // Next Header, Hdr Ext Len 0, a PadN option
    next = 0;
  }
  const tcp = tcpHeader(s);
  const ip = Buffer.alloc(40);
  ip[0] = 0x60;
  ip.writeUInt16BE(ext.reduce((n, e) => n + e.length, 0) + tcp.length + payload.length, 4);
  ip[6] = next;
  ip[7] = 64;
  ip[23] = 1; // ::1
  ip[39] = 2; // ::2
  return Buffer.concat([ip, ...ext, tcp, payload]);
}

/** An IPv4 packet holding the TCP segment (a fragment when `fragmentOffset` is set). */
export function ipv4Packet(s: Seg, fragmentOffset = 0): Buffer {
  const payload = s.payload ?? Buffer.alloc(0);
  const tcp = tcpHeader(s);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip.writeUInt16BE(fragmentOffset === 0 ? 0x4000 : fragmentOffset, 6); // don't fragment, or a fragment
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(ipv4Bytes(s.src ?? '192.0.2.1')).copy(ip, 12);
  Buffer.from(ipv4Bytes(s.dst ?? '192.0.2.2')).copy(ip, 16);
  return Buffer.concat([ip, tcp, payload]);
}

/** A classic pcap file of frames (Ethernet unless `linkType`), one per millisecond from `t0` (default: now). */
export function pcapFile(frames: Buffer[], opts: { bigEndian?: boolean; t0?: number; linkType?: number } = {}): Buffer {
  const le = !opts.bigEndian;
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const head = Buffer.alloc(24);
  u32(head, 0xa1b2c3d4, 0);
  u16(head, 2, 4);
  u16(head, 4, 6);
  u32(head, 262144, 16);
  u32(head, opts.linkType ?? 1, 20);
  const t0 = opts.t0 ?? Date.now();
  const parts: Buffer[] = [head];
  frames.forEach((f, i) => {
    const h = Buffer.alloc(16);
    const t = t0 + i;
    u32(h, Math.floor(t / 1000), 0);
    u32(h, (t % 1000) * 1000, 4);
    u32(h, f.length, 8);
    u32(h, f.length, 12);
    parts.push(h, f);
  });
  return Buffer.concat(parts);
}

/** `bytes` cut into segments of 1..max bytes from sequence number `isn` + 1 (after a SYN at `isn`). */
export function segments(bytes: Buffer, isn: number, max: number, rnd: () => number): Seg[] {
  const out: Seg[] = [{ seq: isn, syn: true }];
  let off = 0;
  while (off < bytes.length) {
    const n = Math.min(bytes.length - off, 1 + Math.floor(rnd() * max));
    out.push({ seq: (isn + 1 + off) >>> 0, payload: bytes.subarray(off, off + n) });
    off += n;
  }
  out.push({ seq: (isn + 1 + off) >>> 0, fin: true });
  return out;
}

/** Chunks of `b` of the given size (a file read in pieces). */
export async function* chunks(b: Buffer, size = 4096): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

export async function fromCapture(file: Buffer, opts: { port?: number; router?: string } = {}, chunkSize = 4096): Promise<{ events: RouteEvent[]; summary: CaptureSummary }> {
  const events: RouteEvent[] = [];
  const summary = await decodeCapture(chunks(file, chunkSize), (e) => events.push(e), opts);
  return { events, summary };
}

export async function fromStream(bytes: Buffer, router: string): Promise<RouteEvent[]> {
  const events: RouteEvent[] = [];
  await decodeBmp(chunks(bytes), router, (e) => events.push(e));
  return events;
}

/**
 * Events as compared with a raw stream's: without time. An event's time is its per-peer
 * header's timestamp unless that is missing or ahead of the arrival, and the arrival is the
 * packet's capture time here, the wall clock when a file is decoded.
 */
export function comparable(events: RouteEvent[]): unknown[] {
  return events.map((e) => ({ ...e, time: '-' }));
}

/** Numerical Recipes LCG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/**
 * A pcapng file (draft-ietf-opsawg-pcapng) of Ethernet frames: a section header, one interface
 * per `tsresol` given (frames go round-robin over them, as Enhanced Packet Blocks with that
 * resolution), a name-resolution block to skip, and, with `simple`, the last frame as a Simple
 * Packet Block (no timestamp).
 */
export function pcapngFile(frames: Buffer[], opts: { bigEndian?: boolean; tsresol?: number[]; simple?: boolean; t0Ms?: number } = {}): Buffer {
  const le = !opts.bigEndian;
  const block = (type: number, body: Buffer): Buffer => {
    const pad = (4 - (body.length % 4)) % 4;
    const len = 12 + body.length + pad;
    const b = Buffer.alloc(len);
    const u32 = (v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
    u32(type, 0);
    u32(len, 4);
    body.copy(b, 8);
    u32(len, len - 4);
    return b;
  };
  const w32 = (v: number) => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  };
  const w16 = (v: number) => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  };
  const shb = Buffer.concat([w32(0x1a2b3c4d), w16(1), w16(0), Buffer.alloc(8, 0xff)]);
  const resolutions = opts.tsresol ?? [6];
  const idbs = resolutions.map((r) => block(1, Buffer.concat([w16(1), w16(0), w32(0), w16(9), w16(1), Buffer.from([r, 0, 0, 0]), w16(0), w16(0)])));
  const nrb = block(4, Buffer.concat([w16(1), w16(8), Buffer.from([192, 0, 2, 1]), Buffer.from('r1\0\0'), w16(0), w16(0)]));
  const t0 = opts.t0Ms ?? Date.now();
  const packets = frames.map((f, i) => {
    if (opts.simple && i === frames.length - 1) return block(3, Buffer.concat([w32(f.length), f]));
    const iface = i % resolutions.length;
    const r = resolutions[iface]!;
    const units = BigInt(t0 + i) * 10n ** BigInt(r) / 1000n;
    return block(6, Buffer.concat([w32(iface), w32(Number(units >> 32n)), w32(Number(units & 0xffffffffn)), w32(f.length), w32(f.length), f]));
  });
  const sectionHeader = block(0x0a0d0d0a, shb);
  return Buffer.concat([sectionHeader, ...idbs, nrb, ...packets]);
}
