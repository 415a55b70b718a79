/**
 * The BMP streams of a packet capture (pcap or pcapng, e.g. `tcpdump -i any -w bmp.pcap port
 * 11019`): its TCP streams put back together (./tcp-streams.ts), and those that carry BMP
 * handed on. A stream is taken for BMP when it goes to `port`, or, without `port`, when its
 * first bytes are a BMP common header (RFC 7854 4.1; v3, or 4 for the draft's TLVs).
 *
 * Also how the CLI opens a BMP input: a file or stdin, gzipped or not, holding either a raw
 * BMP stream or a capture (told by the first bytes: a capture's magic never starts a BMP
 * message, whose first byte is its version).
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BMP_COMMON_HEADER_SIZE, isSupportedBmpVersion } from '../../bgp/bmp/framer.js';
import { BMP_ROUTE_MIRRORING } from '../../bgp/bmp/message.js';
import { tcpSegment, type NotTcp } from './packet.js';
import { CaptureError, CaptureReader, isCapture } from './pcap.js';
import { TcpReassembler, type TcpStream } from './tcp-streams.js';

/**
 * Could a stream starting with these bytes be BMP, from its first message's common header: a
 * version the framer takes, a length no shorter than the header, a type of RFC 7854 4.1 (0 to
 * Route Mirroring)?
 */
export function startsLikeBmp(b: Buffer): boolean {
  if (!isSupportedBmpVersion(b[0]!)) return false;
  if (b.length < BMP_COMMON_HEADER_SIZE) return true;
  return b.readUInt32BE(1) >= BMP_COMMON_HEADER_SIZE && b[5]! <= BMP_ROUTE_MIRRORING;
}

export interface CaptureSummary {
  records: number;
  /** Frames that gave no TCP segment, by reason ("truncated": cut by the capture's snapshot length). */
  notTcp: Partial<Record<NotTcp | 'truncated', number>>;
  /** Every TCP stream with data: taken for BMP or not (and why), with any hole. */
  streams: Array<{ stream: TcpStream; bmp: boolean; why?: string }>;
  /** Bytes captured twice (retransmissions, overlaps), read once. */
  duplicateBytes: number;
  /** The file broke here (the streams then end where they were). */
  broken: CaptureError | null;
}

export interface BmpStreamHandler {
  /** In-order bytes of a BMP stream (a view: copy what is kept), with the packet's capture time. */
  data(stream: TcpStream, bytes: Buffer, timeMs: number | null): void;
  /** The stream ended (see stream.gap for a hole the capture left). */
  end(stream: TcpStream): void;
  /** The file broke (before the streams end there). */
  broken?(e: CaptureError): void;
}

/** Reads a capture to its end, handing on its BMP streams; what it held is in the summary. */
export async function readBmpStreams(src: AsyncIterable<Buffer>, opts: { port?: number }, handler: BmpStreamHandler): Promise<CaptureSummary> {
  const summary: CaptureSummary = { records: 0, notTcp: {}, streams: [], duplicateBytes: 0, broken: null };
  const taken = new Map<TcpStream, boolean>();
  const reassembler = new TcpReassembler({
    data(stream, bytes, timeMs) {
      let bmp = taken.get(stream);
      if (bmp === undefined) {
        bmp = opts.port !== undefined ? stream.dstPort === opts.port : startsLikeBmp(bytes);
        const why = bmp
          ? undefined
          : opts.port !== undefined
            ? `not to port ${opts.port}`
            : stream.fromSyn
              ? 'does not start with a BMP header'
              : 'began before the capture, not on a BMP header';
        summary.streams.push(why === undefined ? { stream, bmp } : { stream, bmp, why });
        taken.set(stream, bmp);
      }
      if (bmp) handler.data(stream, bytes, timeMs);
    },
    end(stream) {
      if (taken.get(stream) === true) handler.end(stream);
    },
  });
  const reader = new CaptureReader((r) => {
    const seg = tcpSegment(r.linkType, r.data);
    if (typeof seg !== 'string') reassembler.segment(seg, r.timeMs);
    else {
      const why = seg === 'short' && r.truncated ? 'truncated' : seg;
      summary.notTcp[why] = (summary.notTcp[why] ?? 0) + 1;
    }
  });
  try {
    for await (const chunk of src) reader.push(chunk);
    reader.end();
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    summary.broken = e;
    handler.broken?.(e);
  }
  reassembler.end();
  summary.records = reader.records;
  summary.duplicateBytes = reassembler.duplicateBytes;
  return summary;
}

const NOT_TCP: Record<keyof CaptureSummary['notTcp'], string> = {
  link: 'of a link type not read here',
  'not-ip': 'not IP',
  'not-tcp': 'not TCP',
  fragment: 'IP fragments',
  short: 'too short for their headers',
  truncated: "cut by the capture's snapshot length",
};

/** The summary as lines for a person (the CLI prints it on stderr). */
export function describeCapture(s: CaptureSummary): string {
  const lines = [`capture: ${s.records} packets, ${s.streams.length} TCP streams with data`];
  for (const { stream: t, bmp, why } of s.streams) {
    const gap = t.gap ? `, misses ${t.gap.missing} bytes after ${t.gap.at}` : '';
    lines.push(`  ${t.src}:${t.srcPort} -> ${t.dst}:${t.dstPort}: ${t.delivered} bytes, ${bmp ? 'BMP' : `skipped (${why})`}${gap}`);
  }
  const other = Object.entries(s.notTcp).map(([k, n]) => `${n} ${NOT_TCP[k as keyof CaptureSummary['notTcp']]}`);
  if (other.length > 0) lines.push(`  frames without a TCP segment: ${other.join(', ')}`);
  if (s.duplicateBytes > 0) lines.push(`  ${s.duplicateBytes} bytes captured twice (retransmissions) read once`);
  if (s.broken !== null) lines.push(`  the file breaks at offset ${s.broken.offset}: ${s.broken.message}`);
  return lines.join('\n') + '\n';
}

/** A BMP input: its chunks, and whether it is a packet capture. */
export interface BmpInput {
  capture: boolean;
  chunks: AsyncIterable<Buffer>;
}

/** Opens FILE (`-`: stdin), gunzipping it when gzipped, and tells a capture from a raw stream. */
export async function openBmpInput(file: string): Promise<BmpInput> {
  let { first, rest } = await firstChunk(file === '-' ? process.stdin : createReadStream(file));
  if (first !== null && first[0] === 0x1f && first[1] === 0x8b) ({ first, rest } = await firstChunk(Readable.from(prepend(first, rest)).pipe(createGunzip())));
  return { capture: first !== null && isCapture(first), chunks: prepend(first, rest) };
}

/** The chunks of a stream, with the first one read already (to look at its first bytes). */
async function firstChunk(src: AsyncIterable<Buffer>): Promise<{ first: Buffer | null; rest: AsyncIterable<Buffer> }> {
  const it = src[Symbol.asyncIterator]();
  const head = await it.next();
  return { first: head.done === true ? null : (head.value as Buffer), rest: { [Symbol.asyncIterator]: () => it } };
}

async function* prepend(first: Buffer | null, rest: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  if (first !== null) yield first;
  yield* rest;
}
