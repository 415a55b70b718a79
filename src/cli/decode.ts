import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { BmpFramer } from '../../bgp/bmp/framer.js';
import { BmpSession } from '../../bgp/bmp-normalize.js';
import { DecodeError } from '../../bgp/errors.js';
import { ExabgpParser } from '../../bgp/exabgp/parser.js';
import type { ErrorEvent, RouteEvent } from '../../bgp/types.js';
import { describeCapture, openBmpInput, readBmpStreams, type CaptureSummary } from '../capture/bmp-streams.js';
import type { TcpStream } from '../capture/tcp-streams.js';
import { LineSplitter } from '../ingest/line-splitter.js';

type Out = (e: RouteEvent) => void;

function input(file: string): Readable {
  return file === '-' ? process.stdin : createReadStream(file);
}

function framingError(e: unknown, router: string, offset: number): ErrorEvent {
  const d = e instanceof DecodeError ? e : null;
  return {
    type: 'error',
    source: 'bmp',
    time: new Date().toISOString(),
    router,
    code: d?.code ?? 'BMP_FRAMING',
    offset: d?.offset ?? offset,
    message: (e as Error).message,
    severity: 'session-reset',
  };
}

/**
 * One router's BMP byte stream through the station's framer and decoder, chunk by chunk. Lost
 * framing is reported (one error event) and ends the decoding: `stopped`.
 */
class BmpStreamDecoder {
  private readonly framer = new BmpFramer();
  private readonly session: BmpSession;
  stopped = false;

  constructor(
    readonly router: string,
    private readonly out: Out,
  ) {
    this.session = new BmpSession(router);
  }

  push(chunk: Buffer, arrival: Date): void {
    if (this.stopped) return;
    let messages: Buffer[];
    try {
      messages = this.framer.push(chunk);
    } catch (e) {
      this.stop(e);
      return;
    }
    const offsets = this.framer.lastOffsets;
    for (let i = 0; i < messages.length; i++) for (const ev of this.session.decode(messages[i]!, offsets[i]!, arrival)) this.out(ev);
    if (this.framer.error) this.stop(this.framer.error);
  }

  /** The stream ended: a message cut short is reported. */
  end(): void {
    if (this.stopped) return;
    try {
      this.framer.end();
    } catch (e) {
      this.stop(e);
    }
  }

  private stop(e: unknown): void {
    this.out(framingError(e, this.router, this.framer.streamOffset));
    this.stopped = true;
  }
}

/** Streams a raw BMP byte stream through the same framer and decoder as the station. */
export async function decodeBmp(src: AsyncIterable<Buffer>, router: string, out: Out): Promise<void> {
  const d = new BmpStreamDecoder(router, out);
  for await (const chunk of src) {
    d.push(chunk, new Date());
    if (d.stopped) return;
  }
  d.end();
}

/**
 * A packet capture's BMP streams (../capture/bmp-streams.ts), each decoded by its own framer
 * and session as the station would have decoded that router's connection. Events come in
 * capture order, each stream's router named by its source address (or `router`), with the
 * packet's capture time as arrival. A hole the capture left in a stream ends that stream's
 * decoding with a CAPTURE_GAP error event saying where; a broken file, with CAPTURE_BROKEN.
 */
export async function decodeCapture(src: AsyncIterable<Buffer>, out: Out, opts: { port?: number; router?: string } = {}): Promise<CaptureSummary> {
  const decoders = new Map<TcpStream, BmpStreamDecoder>();
  return readBmpStreams(src, opts.port !== undefined ? { port: opts.port } : {}, {
    data(stream, bytes, timeMs) {
      let d = decoders.get(stream);
      if (d === undefined) {
        d = new BmpStreamDecoder(opts.router ?? stream.src, out);
        decoders.set(stream, d);
      }
      d.push(bytes, new Date(timeMs ?? Date.now()));
    },
    end(stream) {
      const d = decoders.get(stream);
      if (d === undefined || d.stopped) return;
      if (stream.gap === null) {
        d.end();
        return;
      }
      out({
        type: 'error',
        source: 'bmp',
        time: new Date().toISOString(),
        router: d.router,
        code: 'CAPTURE_GAP',
        offset: stream.gap.at,
        message: `the capture misses ${stream.gap.missing} bytes of ${stream.src}:${stream.srcPort} -> ${stream.dst}:${stream.dstPort} here; the rest of this stream is not decoded`,
        severity: 'session-reset',
      });
    },
    broken(e) {
      // What came before is decoded; the streams end here (their holes and partial messages reported).
      out({ type: 'error', source: 'bmp', time: new Date().toISOString(), router: opts.router ?? 'capture', code: 'CAPTURE_BROKEN', offset: e.offset, message: e.message, severity: 'session-reset' });
    },
  });
}

/** ExaBGP JSON lines → the same NDJSON events. */
export async function decodeExabgp(src: Readable, router: string, out: Out): Promise<void> {
  const parser = new ExabgpParser(router);
  let lineNo = 0;
  const splitter = new LineSplitter(
    1 << 20,
    (line) => {
      lineNo++;
      for (const ev of parser.parseLine(line, lineNo, new Date())) out(ev);
    },
    () => {
      lineNo++;
      out({ type: 'error', source: 'exabgp', time: new Date().toISOString(), router, code: 'EXABGP_LINE_TOO_LONG', offset: lineNo, message: 'line longer than 1 MiB', severity: 'message-skip' });
    },
  );
  src.setEncoding('utf8');
  for await (const chunk of src as AsyncIterable<string>) splitter.push(chunk);
  splitter.end();
}

/**
 * `smoketrace decode bmp|exabgp FILE`: NDJSON on stdout, one event per line; errors are events
 * too. A BMP FILE may also be a packet capture (pcap or pcapng, told by its first bytes): see
 * decodeCapture; what it held is summed up on stderr.
 */
export async function decodeCommand(kind: string, file: string, opts: { router?: string; port?: number }): Promise<void> {
  const router = opts.router ?? (file === '-' ? 'stdin' : basename(file));
  let errors = 0;
  const lines: string[] = [];
  const flush = () => {
    if (lines.length) process.stdout.write(lines.join('\n') + '\n');
    lines.length = 0;
  };
  const out: Out = (e) => {
    if (e.type === 'error') errors++;
    lines.push(JSON.stringify(e));
    if (lines.length >= 512) flush();
  };
  if (kind === 'bmp') {
    const bmp = await openBmpInput(file);
    if (bmp.capture) {
      const { port, router: name } = opts;
      const summary = await decodeCapture(bmp.chunks, out, { ...(port !== undefined && { port }), ...(name !== undefined && { router: name }) });
      flush();
      process.stderr.write(describeCapture(summary));
    } else await decodeBmp(bmp.chunks, router, out);
  } else if (kind === 'exabgp') await decodeExabgp(input(file), router, out);
  else throw new Error(`unknown feed kind "${kind}" (bmp or exabgp)`);
  flush();
  if (errors) process.stderr.write(`${errors} decode error(s): see the "error" lines\n`);
}
