import { connect } from 'node:net';
import { BmpFramer } from '../../bgp/bmp/framer.js';
import { describeCapture, openBmpInput, readBmpStreams } from '../capture/bmp-streams.js';
import type { TcpStream } from '../capture/tcp-streams.js';
import { parseBridgeTarget } from '../ingest/exabgp-bridge.js';

/**
 * `smoketrace replay bmp FILE --to HOST:PORT [--rate N] [--from ADDRESS[:PORT]]`: sends a
 * recorded BMP stream to a running station, as a router would, message by message. With a
 * rate, at most N messages per second; without, as fast as the socket takes. FILE may be
 * gzipped, and may be a packet capture: then its BMP stream is sent (the one from `from` when
 * it holds several).
 */
export async function replayBmpCommand(file: string, opts: { to: string; rate?: string; from?: string }): Promise<void> {
  const target = parseBridgeTarget(opts.to);
  if (!target.tcp) throw new Error('--to must be HOST:PORT');
  const rate = opts.rate ? Number(opts.rate) : 0;
  if (opts.rate && !(rate > 0)) throw new Error('--rate must be a positive number of messages per second');
  const opened = await openBmpInput(file);
  if (!opened.capture && opts.from !== undefined) throw new Error('--from chooses a stream of a packet capture; FILE is a raw BMP stream');
  const input = opened.capture ? await captureStream(opened.chunks, opts.from) : opened.chunks;
  const socket = connect(target.tcp.port, target.tcp.host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const framer = new BmpFramer();
  const started = Date.now();
  let sent = 0;
  let bytes = 0;
  for await (const chunk of input) {
    for (const msg of framer.push(chunk)) {
      if (rate > 0) {
        const due = started + (sent / rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      if (!socket.write(msg)) await new Promise((r) => socket.once('drain', r));
      sent++;
      bytes += msg.length;
    }
  }
  framer.end();
  await new Promise<void>((resolve) => socket.end(resolve));
  const secs = (Date.now() - started) / 1000;
  process.stderr.write(`replayed ${sent} BMP messages (${bytes} bytes) to ${opts.to} in ${secs.toFixed(2)} s\n`);
}

/** "192.0.2.1", "192.0.2.1:45280", "2001:db8::1", "[2001:db8::1]:45280" -> address and port (if any). */
export function parseFrom(from: string): { address: string; port: number | null } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(from) ?? (from.split(':').length === 2 ? /^([^:]+):(\d+)$/.exec(from) : null);
  if (m !== null) return { address: m[1]!, port: m[2] === undefined ? null : Number(m[2]) };
  return { address: from, port: null };
}

/** The bytes of the capture's one BMP stream (from `from`), or an error naming the choices. */
async function captureStream(chunks: AsyncIterable<Buffer>, from: string | undefined): Promise<Buffer[]> {
  const want = from === undefined ? null : parseFrom(from);
  const chosen = (s: TcpStream) => want === null || (s.src === want.address && (want.port === null || s.srcPort === want.port));
  const kept = new Map<TcpStream, Buffer[]>();
  const summary = await readBmpStreams(chunks, {}, {
    data(stream, bytes) {
      if (!chosen(stream)) return;
      const parts = kept.get(stream) ?? [];
      parts.push(Buffer.from(bytes));
      kept.set(stream, parts);
    },
    end() {},
  });
  const streams = summary.streams.filter((s) => s.bmp && chosen(s.stream)).map((s) => s.stream);
  if (streams.length !== 1) {
    const what = streams.length === 0 ? `no BMP stream${from === undefined ? '' : ` from ${from}`}` : `${streams.length} BMP streams${from === undefined ? '' : ` from ${from}`}: choose one with --from ADDRESS:PORT`;
    throw new Error(`the capture holds ${what}\n${describeCapture(summary)}`);
  }
  const stream = streams[0]!;
  if (summary.broken !== null || stream.gap !== null) process.stderr.write(`warning: the stream is incomplete, replaying what the capture holds\n${describeCapture(summary)}`);
  return kept.get(stream) ?? [];
}
