/**
 * TCP streams put back together from captured segments, one per direction of a connection:
 * what the receiving application read, in order, once. Segments that come again
 * (retransmissions, overlaps) give their new bytes only; segments that come early wait, up to
 * a bound, for the ones before them. Sequence numbers wrap (RFC 9293 3.4).
 *
 * A capture that missed bytes (the capturing host dropped packets, a snapshot length cut them)
 * leaves a hole no later segment fills: the stream stops there, `gap` says where and how many
 * bytes are missing, and nothing after it is delivered (a byte stream like BMP cannot be
 * framed again after a hole). A SYN on a flow whose stream ended or was left starts a new one.
 */
import type { TcpSegment } from './packet.js';

export interface TcpStream {
  /** "src|srcPort|dst|dstPort". */
  readonly key: string;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** The capture saw its SYN (else it began before the capture: the first bytes may be mid-message). */
  readonly fromSyn: boolean;
  /** Bytes delivered so far. */
  delivered: number;
  /** Set when the stream stopped at a hole: its offset in the stream and the missing bytes. */
  gap: { at: number; missing: number } | null;
  /** Ended by FIN or RST (a FIN ends it once the bytes before it are in). */
  closed: boolean;
}

export interface StreamHandler {
  /** In-order bytes of a stream (a view: copy what is kept past the call). */
  data(stream: TcpStream, bytes: Buffer, timeMs: number | null): void;
  /** The stream ended: closed, a hole, replaced by a new connection, or the end of the capture. */
  end(stream: TcpStream): void;
}

/** Early segments kept per stream while waiting for a missing one. */
const MAX_EARLY_BYTES = 16 * 1024 * 1024;

interface Early {
  seq: number;
  bytes: Buffer;
}

interface State {
  stream: TcpStream;
  /** Sequence number of the next byte to deliver. */
  next: number;
  early: Early[];
  earlyBytes: number;
  /** Sequence number of the FIN seen, if any. */
  finAt: number | null;
  done: boolean;
}

/** a - b in sequence space (RFC 9293 3.4): negative when a is before b. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpReassembler {
  private readonly flows = new Map<string, State>();
  /** Bytes seen again (retransmissions and overlaps), for the summary. */
  duplicateBytes = 0;

  constructor(private readonly handler: StreamHandler) {}

  segment(seg: TcpSegment, timeMs: number | null): void {
    const key = `${seg.src}|${seg.srcPort}|${seg.dst}|${seg.dstPort}`;
    let st = this.flows.get(key);
    if (seg.syn) {
      if (st !== undefined && !st.done && st.stream.delivered === 0 && st.early.length === 0) {
        st.next = (seg.seq + 1) >>> 0; // the SYN again (a retransmitted one)
      } else {
        if (st !== undefined && !st.done) this.finish(st);
        st = this.open(key, seg, (seg.seq + 1) >>> 0, true);
      }
      if (seg.payload.length === 0 && !seg.fin) return;
      // Data on a SYN (TCP Fast Open) starts right after it.
      this.accept(st, (seg.seq + 1) >>> 0, seg.payload, seg.fin, timeMs);
      return;
    }
    if (st === undefined) {
      if (seg.payload.length === 0 && !seg.fin) return; // a bare ACK of a connection seen no data of
      st = this.open(key, seg, seg.seq, false);
    }
    if (st.done) return;
    if (seg.rst) {
      this.finish(st);
      return;
    }
    this.accept(st, seg.seq, seg.payload, seg.fin, timeMs);
  }

  /** End of the capture: every stream still open ends (those waiting on a hole with their gap). */
  end(): void {
    for (const st of this.flows.values()) if (!st.done) this.finish(st);
  }

  private open(key: string, seg: TcpSegment, next: number, fromSyn: boolean): State {
    const stream: TcpStream = {
      key,
      src: seg.src,
      srcPort: seg.srcPort,
      dst: seg.dst,
      dstPort: seg.dstPort,
      fromSyn,
      delivered: 0,
      gap: null,
      closed: false,
    };
    const st: State = { stream, next, early: [], earlyBytes: 0, finAt: null, done: false };
    this.flows.set(key, st);
    return st;
  }

  private accept(st: State, seq: number, bytes: Buffer, fin: boolean, timeMs: number | null): void {
    if (fin) st.finAt = (seq + bytes.length) >>> 0;
    const offset = seqDiff(seq, st.next);
    if (offset > 0) {
      if (bytes.length > 0) this.keepEarly(st, seq, bytes);
      return;
    }
    this.deliver(st, offset, bytes, timeMs);
    // Early segments that now fit.
    for (let again = true; again && !st.done; ) {
      again = false;
      for (let i = 0; i < st.early.length; i++) {
        const e = st.early[i]!;
        const off = seqDiff(e.seq, st.next);
        if (off > 0) continue;
        st.early.splice(i, 1);
        st.earlyBytes -= e.bytes.length;
        this.deliver(st, off, e.bytes, timeMs);
        again = true;
        break;
      }
    }
    if (!st.done && st.finAt !== null && seqDiff(st.finAt, st.next) <= 0) {
      st.stream.closed = true;
      this.finish(st);
    }
  }

  /** Delivers the part of `bytes` (starting `offset` <= 0 bytes before `next`) not delivered yet. */
  private deliver(st: State, offset: number, bytes: Buffer, timeMs: number | null): void {
    const skip = -offset;
    if (skip >= bytes.length) {
      this.duplicateBytes += bytes.length;
      return;
    }
    this.duplicateBytes += skip;
    const fresh = skip === 0 ? bytes : bytes.subarray(skip);
    st.next = (st.next + fresh.length) >>> 0;
    st.stream.delivered += fresh.length;
    this.handler.data(st.stream, fresh, timeMs);
  }

  private keepEarly(st: State, seq: number, bytes: Buffer): void {
    if (st.earlyBytes + bytes.length > MAX_EARLY_BYTES) {
      this.finish(st); // waited too long for the missing bytes: a hole
      return;
    }
    // Copied: the capture reader's views stay valid, but a long wait should not pin its chunks.
    st.early.push({ seq, bytes: Buffer.from(bytes) });
    st.earlyBytes += bytes.length;
  }

  private finish(st: State): void {
    if (st.done) return;
    st.done = true;
    if (st.early.length > 0) {
      let first = st.early[0]!.seq;
      for (const e of st.early) if (seqDiff(e.seq, first) < 0) first = e.seq;
      st.stream.gap = { at: st.stream.delivered, missing: seqDiff(first, st.next) };
      st.early = [];
      st.earlyBytes = 0;
    }
    this.handler.end(st.stream);
  }
}
