/**
 * Packet capture files, read as they stream in: libpcap's classic format (tcpdump -w; either
 * byte order, microsecond or nanosecond timestamps) and pcapng (Wireshark, dumpcap, tshark;
 * several sections, several interfaces with their own link type and timestamp resolution).
 *
 * Formats: classic pcap as in draft-ietf-opsawg-pcap; pcapng as in draft-ietf-opsawg-pcapng
 * (Section Header, Interface Description, Enhanced and Simple Packet Blocks; every other block
 * is skipped by its length). A record whose captured bytes were cut by the snapshot length says
 * so (`truncated`): its bytes are not the whole packet.
 *
 * Bad input: a broken header or block length throws CaptureError with the file offset; the
 * records before it have been delivered.
 */

export class CaptureError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

export interface CaptureRecord {
  /** LINKTYPE_* of the interface (1 Ethernet, 113/276 Linux cooked, 101 raw IP, ...). */
  linkType: number;
  /** Capture time, whole milliseconds since the epoch (null: the block has none, pcapng SPB). */
  timeMs: number | null;
  /** The captured bytes: a view of the bytes pushed (never written to afterwards). */
  data: Buffer;
  /** The packet was longer than what was captured. */
  truncated: boolean;
  /** File offset of the record (for messages). */
  offset: number;
}

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
const PCAPNG_IDB = 1;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;
/** if_tsresol (pcapng interface option 9). */
const OPT_TSRESOL = 9;
/** A record or block longer than this is taken for a broken file (256 MiB). */
const MAX_BLOCK = 256 * 1024 * 1024;

/** Do these first bytes start a capture file (pcap or pcapng), rather than, say, a raw BMP stream? */
export function isCapture(head: Buffer): boolean {
  if (head.length < 4) return false;
  const be = head.readUInt32BE(0);
  const le = head.readUInt32LE(0);
  return be === PCAPNG_SHB || be === PCAP_MAGIC_US || le === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_NS;
}

interface Interface {
  linkType: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
  snapLength: number;
}

type Format = 'unknown' | 'pcap' | 'pcapng';

/** Push parser: give it the file's bytes in any chunks; records come out through `onRecord`. */
export class CaptureReader {
  private buf: Buffer = Buffer.alloc(0);
  /** File offset of buf[0]. */
  private base = 0;
  private format: Format = 'unknown';
  private littleEndian = true;
  /** Classic pcap: its one link type and resolution. pcapng: the section's interfaces. */
  private interfaces: Interface[] = [];
  records = 0;

  constructor(private readonly onRecord: (r: CaptureRecord) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let p = 0;
    for (;;) {
      const used = this.format === 'pcapng' || (this.format === 'unknown' && this.startsPcapng()) ? this.block(p) : this.pcapRecord(p);
      if (used === 0) break;
      p += used;
    }
    this.buf = this.buf.subarray(p);
    this.base += p;
  }

  /** Call at the end of the file: throws when it ends inside a header or record. */
  end(): void {
    if (this.buf.length > 0) throw new CaptureError(`the capture ends inside a ${this.format === 'unknown' ? 'file header' : 'record'} (${this.buf.length} bytes left)`, this.base);
    if (this.format === 'unknown') throw new CaptureError('empty capture', this.base);
  }

  private startsPcapng(): boolean {
    return this.buf.length >= 4 && this.buf.readUInt32BE(0) === PCAPNG_SHB;
  }

  private u32(p: number): number {
    return this.littleEndian ? this.buf.readUInt32LE(p) : this.buf.readUInt32BE(p);
  }

  private u16(p: number): number {
    return this.littleEndian ? this.buf.readUInt16LE(p) : this.buf.readUInt16BE(p);
  }

  // ------------------------------------------------------------------ classic pcap

  /** Bytes used at p (the file header or one record), or 0 when more bytes are needed. */
  private pcapRecord(p: number): number {
    const b = this.buf;
    if (this.format === 'unknown') {
      if (b.length - p < 24) return 0;
      const le = b.readUInt32LE(p);
      const be = b.readUInt32BE(p);
      let ns: boolean;
      if (le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS) {
        this.littleEndian = true;
        ns = le === PCAP_MAGIC_NS;
      } else if (be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS) {
        this.littleEndian = false;
        ns = be === PCAP_MAGIC_NS;
      } else {
        throw new CaptureError(`not a pcap or pcapng file (magic 0x${be.toString(16).padStart(8, '0')})`, this.base + p);
      }
      this.format = 'pcap';
      // The link type is the low 16 bits of the last field (the upper bits carry FCS flags).
      this.interfaces = [{ linkType: this.u32(p + 20) & 0xffff, unitsPerSecond: ns ? 1e9 : 1e6, snapLength: this.u32(p + 16) }];
      return 24;
    }
    if (b.length - p < 16) return 0;
    const captured = this.u32(p + 8);
    const original = this.u32(p + 12);
    if (captured > MAX_BLOCK) throw new CaptureError(`record of ${captured} bytes`, this.base + p);
    if (b.length - p < 16 + captured) return 0;
    const i = this.interfaces[0]!;
    const seconds = this.u32(p);
    const fraction = this.u32(p + 4);
    this.records++;
    this.onRecord({
      linkType: i.linkType,
      timeMs: seconds * 1000 + Math.floor((fraction * 1000) / i.unitsPerSecond),
      data: b.subarray(p + 16, p + 16 + captured),
      truncated: original > captured,
      offset: this.base + p,
    });
    return 16 + captured;
  }

  // ------------------------------------------------------------------ pcapng

  /** Bytes used at p (one block), or 0 when more bytes are needed. */
  private block(p: number): number {
    const b = this.buf;
    if (b.length - p < 12) return 0;
    const type = b.readUInt32BE(p) === PCAPNG_SHB ? PCAPNG_SHB : this.u32(p);
    if (type === PCAPNG_SHB) {
      // The byte order of this section, from its byte-order magic.
      const magicLe = b.readUInt32LE(p + 8);
      if (magicLe === PCAPNG_BYTE_ORDER) this.littleEndian = true;
      else if (b.readUInt32BE(p + 8) === PCAPNG_BYTE_ORDER) this.littleEndian = false;
      else throw new CaptureError('pcapng section header without its byte-order magic', this.base + p);
      this.format = 'pcapng';
    } else if (this.format !== 'pcapng') {
      throw new CaptureError('pcapng block before the section header', this.base + p);
    }
    const length = this.u32(p + 4);
    if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) throw new CaptureError(`pcapng block of length ${length}`, this.base + p);
    if (b.length - p < length) return 0;
    if (this.u32(p + length - 4) !== length) throw new CaptureError('pcapng block lengths differ', this.base + p);
    const body = p + 8;
    const bodyEnd = p + length - 4;
    switch (type) {
      case PCAPNG_SHB:
        this.interfaces = [];
        break;
      case PCAPNG_IDB:
        if (bodyEnd - body < 8) throw new CaptureError('short pcapng interface block', this.base + p);
        this.interfaces.push({ linkType: this.u16(body), snapLength: this.u32(body + 4), unitsPerSecond: this.tsresol(body + 8, bodyEnd) });
        break;
      case PCAPNG_EPB: {
        if (bodyEnd - body < 20) throw new CaptureError('short pcapng packet block', this.base + p);
        const i = this.interfaceAt(this.u32(body), p);
        const captured = this.u32(body + 12);
        const original = this.u32(body + 16);
        if (body + 20 + captured > bodyEnd) throw new CaptureError('pcapng packet longer than its block', this.base + p);
        // 64-bit timestamp units: exact in BigInt (nanoseconds since 1970 exceed 2^53).
        const units = (BigInt(this.u32(body + 4)) << 32n) | BigInt(this.u32(body + 8));
        this.records++;
        this.onRecord({
          linkType: i.linkType,
          timeMs: Number((units * 1000n) / BigInt(i.unitsPerSecond)),
          data: b.subarray(body + 20, body + 20 + captured),
          truncated: original > captured,
          offset: this.base + p,
        });
        break;
      }
      case PCAPNG_SPB: {
        const i = this.interfaceAt(0, p);
        const original = this.u32(body);
        const captured = Math.min(original, i.snapLength === 0 ? original : i.snapLength, bodyEnd - body - 4);
        this.records++;
        this.onRecord({ linkType: i.linkType, timeMs: null, data: b.subarray(body + 4, body + 4 + captured), truncated: original > captured, offset: this.base + p });
        break;
      }
      default:
        break; // name resolution, statistics, custom blocks...
    }
    return length;
  }

  private interfaceAt(id: number, p: number): Interface {
    const i = this.interfaces[id];
    if (i === undefined) throw new CaptureError(`pcapng packet of interface ${id}, which is not described`, this.base + p);
    return i;
  }

  /** The if_tsresol option of an interface block's options at [p, end): units per second (default 10^6). */
  private tsresol(p: number, end: number): number {
    const b = this.buf;
    while (p + 4 <= end) {
      const code = this.u16(p);
      const len = this.u16(p + 2);
      if (code === 0) break;
      if (code === OPT_TSRESOL && len >= 1 && p + 4 < end) {
        const v = b[p + 4]!;
        return (v & 0x80) !== 0 ? 2 ** (v & 0x7f) : 10 ** (v & 0x7f);
      }
      p += 4 + ((len + 3) & ~3);
    }
    return 1e6;
  }
}
