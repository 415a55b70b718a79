import { createReadStream } from 'node:fs';
import { connect } from 'node:net';
import { BmpFramer } from '../../bgp/bmp/framer.js';
import { parseBridgeTarget } from '../ingest/exabgp-bridge.js';

/**
 * `smoketrace replay bmp FILE --to HOST:PORT [--rate N]`: sends a recorded BMP
 * stream to a running station, as a router would, message by message. With a
 * rate, at most N messages per second; without, as fast as the socket takes.
 */
export async function replayBmpCommand(file: string, opts: { to: string; rate?: string }): Promise<void> {
  const target = parseBridgeTarget(opts.to);
  if (!target.tcp) throw new Error('--to must be HOST:PORT');
  const rate = opts.rate ? Number(opts.rate) : 0;
  if (opts.rate && !(rate > 0)) throw new Error('--rate must be a positive number of messages per second');
  const socket = connect(target.tcp.port, target.tcp.host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const framer = new BmpFramer();
  const input = file === '-' ? process.stdin : createReadStream(file);
  const started = Date.now();
  let sent = 0;
  let bytes = 0;
  for await (const chunk of input as AsyncIterable<Buffer>) {
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
