/**
 * A bounds-checked cursor over a Buffer. Every read checks the end first and throws a typed
 * DecodeError('TRUNCATED') instead of letting Buffer throw an untyped RangeError.
 * `base` is the stream offset of buf[0], so `offset` and error offsets are stream offsets.
 */
import { DecodeError } from './errors.js';

export class Reader {
  private pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
    /** Stream offset of buf[0]. */
    readonly base = 0,
  ) {
    this.pos = start;
  }

  /** Stream offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Position inside `buf`. */
  get position(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new DecodeError('TRUNCATED', this.offset, `${what}: need ${n} byte(s), ${this.end - this.pos} left`);
    }
  }

  u8(): number {
    this.need(1, 'u8');
    return this.buf[this.pos++]!;
  }

  u16(): number {
    this.need(2, 'u16');
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  u32(): number {
    this.need(4, 'u32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): bigint {
    this.need(8, 'u64');
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A view (no copy) of the next n bytes. */
  bytes(n: number): Buffer {
    this.need(n, 'bytes');
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Bounds-checks n bytes and moves past them, returning their start in `buf` (no allocation). */
  advance(n: number): number {
    this.need(n, 'bytes');
    const p = this.pos;
    this.pos = p + n;
    return p;
  }

  skip(n: number): void {
    this.need(n, 'skip');
    this.pos += n;
  }

  /** A reader over the next n bytes; this reader moves past them. */
  sub(n: number): Reader {
    this.need(n, 'sub-reader');
    const r = new Reader(this.buf, this.pos, this.pos + n, this.base);
    this.pos += n;
    return r;
  }

  /** A reader over everything left; this reader moves to its end. */
  rest(): Reader {
    return this.sub(this.end - this.pos);
  }

  ipv4(): string {
    this.need(4, 'ipv4');
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return `${b[p]}.${b[p + 1]}.${b[p + 2]}.${b[p + 3]}`;
  }

  ipv6(): string {
    this.need(16, 'ipv6');
    const s = ipv6Text(this.buf, this.pos);
    this.pos += 16;
    return s;
  }

  /**
   * A prefix in NLRI encoding (RFC 4271 4.3): a length in bits then ceil(len/8) bytes.
   * Bits past the length are cleared so the text is canonical.
   */
  prefix(afi: 'ipv4' | 'ipv6'): string {
    const at = this.offset;
    const bits = this.u8();
    const max = afi === 'ipv4' ? 32 : 128;
    if (bits > max) throw new DecodeError('UPDATE_BAD_NLRI', at, `${afi} prefix length ${bits} > ${max}`);
    const n = (bits + 7) >> 3;
    this.need(n, 'prefix');
    const b = this.buf;
    const p = this.pos;
    this.pos = p + n;
    return afi === 'ipv4' ? ipv4PrefixText(b, p, bits) : ipv6PrefixText(b, p, bits);
  }
}

/** A DataView over a Buffer's bytes (for reading 16- and 32-bit words in one step). */
export function dataViewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * The DataView of the last buffer asked for: the messages of a stream come from one chunk after
 * another, so one view is made per chunk, not per message.
 */
export class LastView {
  private buf: Buffer | null = null;
  private view: DataView | null = null;

  of(buf: Buffer): DataView {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = dataViewOf(buf);
    }
    return this.view!;
  }
}

/**
 * Address and prefix text is written as ASCII into this scratch buffer and read back as one
 * flat string (latin1Slice: one native call, one allocation). Measured against template
 * literals, which make several intermediate and cons strings per prefix that a Map key then
 * flattens, it is about three times cheaper. The decoder is synchronous: one buffer is enough.
 */
interface Latin1Slicer {
  latin1Slice(start: number, end: number): string;
}
const TEXT = Buffer.alloc(64) as Buffer & Latin1Slicer;
const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];

/** Writes the decimal digits of v (0..999) at TEXT[at]; returns the next position. */
function putDec(at: number, v: number): number {
  const t = TEXT;
  if (v >= 100) {
    t[at++] = 48 + ((v / 100) | 0);
    v %= 100;
    t[at++] = 48 + ((v / 10) | 0);
  } else if (v >= 10) t[at++] = 48 + ((v / 10) | 0);
  t[at++] = 48 + (v % 10);
  return at;
}

/** Writes a 16-bit group in lower-case hex without leading zeros (RFC 5952 4.1). */
function putHex(at: number, v: number): number {
  const t = TEXT;
  if (v >= 0x1000) t[at++] = HEX[v >> 12]!;
  if (v >= 0x100) t[at++] = HEX[(v >> 8) & 15]!;
  if (v >= 0x10) t[at++] = HEX[(v >> 4) & 15]!;
  t[at++] = HEX[v & 15]!;
  return at;
}

/** Octet i of a prefix of `bits` bits at b[p]: 0 past the prefix bytes, host bits cleared. */
function prefixOctet(b: Buffer, p: number, bits: number, i: number): number {
  const left = bits - 8 * i;
  if (left <= 0) return 0;
  return left >= 8 ? b[p + i]! : b[p + i]! & (0xff << (8 - left)) & 0xff;
}

/** "a.b.c.d/len" of an IPv4 prefix in NLRI encoding (address bytes at b[p]). */
export function ipv4PrefixText(b: Buffer, p: number, bits: number): string {
  let at = putDec(0, prefixOctet(b, p, bits, 0));
  TEXT[at++] = 46;
  at = putDec(at, prefixOctet(b, p, bits, 1));
  TEXT[at++] = 46;
  at = putDec(at, prefixOctet(b, p, bits, 2));
  TEXT[at++] = 46;
  at = putDec(at, prefixOctet(b, p, bits, 3));
  TEXT[at++] = 47;
  at = putDec(at, bits);
  return TEXT.latin1Slice(0, at);
}

/** Scratch groups (the decoder is synchronous, so one array is enough). */
const GROUPS = new Uint16Array(8);

/** RFC 5952 text of an IPv6 prefix in NLRI encoding (address bytes at b[p]), "addr/len". */
export function ipv6PrefixText(b: Buffer, p: number, bits: number): string {
  const g = GROUPS;
  for (let i = 0; i < 8; i++) g[i] = (prefixOctet(b, p, bits, 2 * i) << 8) | prefixOctet(b, p, bits, 2 * i + 1);
  let at = putGroups(g);
  TEXT[at++] = 47;
  at = putDec(at, bits);
  return TEXT.latin1Slice(0, at);
}

/** RFC 5952 text of 16 bytes at buf[p]: lower-case hex, longest run (>= 2) of zero groups as "::". */
export function ipv6Text(buf: Buffer, p: number): string {
  const g = GROUPS;
  for (let i = 0; i < 8; i++) g[i] = (buf[p + 2 * i]! << 8) | buf[p + 2 * i + 1]!;
  return TEXT.latin1Slice(0, putGroups(g));
}

const RUN = { start: 0, length: 0 };

/**
 * The run of zero groups RFC 5952 4.2.3 writes as "::": the first longest of two or more among
 * eight groups (length 0: none). One shared result object (callers are synchronous).
 */
export function longestZeroRun(g: Uint16Array): { readonly start: number; readonly length: number } {
  RUN.start = 0;
  RUN.length = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > RUN.length && j - i >= 2) {
      RUN.start = i;
      RUN.length = j - i;
    }
    i = j;
  }
  return RUN;
}

/** Writes the RFC 5952 text of eight 16-bit groups at TEXT[0]; returns its length. */
function putGroups(g: Uint16Array): number {
  const t = TEXT;
  let at = 0;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    // RFC 5952 5: IPv4-mapped addresses end in dotted decimal.
    for (const c of '::ffff:') t[at++] = c.charCodeAt(0);
    at = putDec(at, g[6]! >> 8);
    t[at++] = 46;
    at = putDec(at, g[6]! & 255);
    t[at++] = 46;
    at = putDec(at, g[7]! >> 8);
    t[at++] = 46;
    return putDec(at, g[7]! & 255);
  }
  const run = longestZeroRun(g);
  if (run.length === 0) return putGroupRun(g, 0, 8, at);
  at = putGroupRun(g, 0, run.start, at);
  t[at++] = 58;
  t[at++] = 58;
  return putGroupRun(g, run.start + run.length, 8, at);
}

function putGroupRun(g: Uint16Array, from: number, to: number, at: number): number {
  for (let i = from; i < to; i++) {
    if (i !== from) TEXT[at++] = 58;
    at = putHex(at, g[i]!);
  }
  return at;
}

/** IPv4 text of 4 bytes at buf[p]. */
export function ipv4Text(buf: Buffer, p: number): string {
  let at = putDec(0, buf[p]!);
  TEXT[at++] = 46;
  at = putDec(at, buf[p + 1]!);
  TEXT[at++] = 46;
  at = putDec(at, buf[p + 2]!);
  TEXT[at++] = 46;
  at = putDec(at, buf[p + 3]!);
  return TEXT.latin1Slice(0, at);
}
