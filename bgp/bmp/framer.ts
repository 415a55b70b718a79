/**
 * Incremental BMP framing: split a TCP byte stream into whole BMP messages on the common
 * header length (RFC 7854 4.1), without decoding them. Decoding lives in ./message.ts.
 *
 * The framer keeps partial data between pushes, so a message may be split over any chunk
 * boundary and a chunk may hold many messages. A bad version or length means framing is lost
 * (there is no resynchronisation marker in BMP): push() throws DecodeError severity
 * 'session-reset' (after handing out the whole messages before the break, if any) and the
 * framer stays failed.
 */
import { DecodeError } from '../errors.js';

export const BMP_COMMON_HEADER_SIZE = 6;
/** Default upper bound for one message; a BGP UPDATE is at most 64 KiB, so this is generous. */
export const DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024;

export interface BmpFramerOptions {
  maxMessageLength?: number;
}

/** Versions accepted: 3 (RFC 7854) and 4 (draft-ietf-grow-bmp-tlv). */
export function isSupportedBmpVersion(v: number): boolean {
  return v === 3 || v === 4;
}

export class BmpFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Stream offset of the first byte of the first pending chunk. */
  private consumed = 0;
  private failed: DecodeError | null = null;
  private readonly maxLength: number;
  /** Stream offsets of the messages returned by the last push(), index for index. */
  lastOffsets: number[] = [];
  /** What the last frame() found (see there). */
  frameBuffer: Buffer = Buffer.alloc(0);
  frameBase = 0;
  readonly frameStarts: number[] = [];
  readonly frameEnds: number[] = [];

  constructor(options: BmpFramerOptions = {}) {
    this.maxLength = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE;
  }

  /** Stream offset of the next byte push() will receive. */
  get streamOffset(): number {
    return this.consumed + this.pendingBytes;
  }

  /** The framing error, once framing is lost. */
  get error(): DecodeError | null {
    return this.failed;
  }

  /** Bytes held back waiting for the rest of a message. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Returns the whole messages completed by this chunk (views, not copies, when possible). */
  push(chunk: Buffer): Buffer[] {
    const n = this.frame(chunk);
    const out: Buffer[] = new Array<Buffer>(n);
    const offsets: number[] = new Array<number>(n);
    const buf = this.frameBuffer;
    for (let i = 0; i < n; i++) {
      const s = this.frameStarts[i]!;
      out[i] = buf.subarray(s, this.frameEnds[i]!);
      offsets[i] = this.frameBase + s;
    }
    this.lastOffsets = offsets;
    return out;
  }

  /**
   * The allocation-free form of push(): frames the chunk and returns how many whole messages
   * it completed; message i is frameBuffer[frameStarts[i], frameEnds[i]) and starts at stream
   * offset frameBase + frameStarts[i]. The buffer and arrays are valid until the next call.
   * Throws like push() when framing is lost before any whole message.
   */
  frame(chunk: Buffer): number {
    if (this.failed) throw this.failed;
    this.lastOffsets = [];
    if (chunk.length === 0) return 0;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    const buf = this.pending.length === 1 ? chunk : Buffer.concat(this.pending, this.pendingBytes);
    this.frameBuffer = buf;
    this.frameBase = this.consumed;
    let n = 0;
    let p = 0;
    while (buf.length - p >= BMP_COMMON_HEADER_SIZE) {
      const len = this.checkHeader(buf, p);
      if (len < 0) {
        // Hand out the good messages before the break; the error is thrown now if there are
        // none, else on the next push()/end().
        if (n === 0) throw this.failed;
        break;
      }
      if (buf.length - p < len) break;
      this.frameStarts[n] = p;
      this.frameEnds[n] = p + len;
      n++;
      p += len;
    }
    this.consumed += p;
    if (p === buf.length) {
      this.pending = [];
      this.pendingBytes = 0;
    } else {
      // Copy the tail so the caller's chunk (and the messages we returned) are not pinned forever.
      const tail = Buffer.from(buf.subarray(p));
      this.pending = [tail];
      this.pendingBytes = tail.length;
    }
    return n;
  }

  /** Call at end of stream: throws when a partial message is left over. */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.pendingBytes > 0) {
      throw new DecodeError(
        'BMP_TRAILING_DATA',
        this.consumed,
        `stream ended with ${this.pendingBytes} byte(s) of an incomplete BMP message`,
      );
    }
  }

  private checkHeader(buf: Buffer, p: number): number {
    const at = this.consumed + p;
    const version = buf[p]!;
    if (!isSupportedBmpVersion(version)) {
      this.failed = new DecodeError('BMP_BAD_VERSION', at, `BMP version ${version} (expected 3 or 4)`);
      return -1;
    }
    const len = buf.readUInt32BE(p + 1);
    if (len < BMP_COMMON_HEADER_SIZE || len > this.maxLength) {
      this.failed = new DecodeError('BMP_BAD_LENGTH', at, `BMP message length ${len} outside 6..${this.maxLength}`);
      return -1;
    }
    return len;
  }
}
