import { ExabgpBridge, parseBridgeTarget } from '../ingest/exabgp-bridge.js';

/**
 * `smoketrace exabgp-bridge --to tcp://127.0.0.1:11020`: run by ExaBGP as its
 * api process (see bgp/exabgp.conf.example). Writes nothing on stdout: ExaBGP
 * reads stdout as API commands. Diagnostics go to stderr (ExaBGP's log).
 */
export async function exabgpBridgeCommand(opts: { to: string; buffer: string; drainMs: string }): Promise<void> {
  const maxBufferedLines = Number(opts.buffer);
  const drainMs = Number(opts.drainMs);
  if (!Number.isInteger(maxBufferedLines) || maxBufferedLines < 1) throw new Error('--buffer must be a positive integer');
  if (!Number.isInteger(drainMs) || drainMs < 0) throw new Error('--drain-ms must be a non-negative integer');
  const bridge = new ExabgpBridge({
    target: parseBridgeTarget(opts.to),
    maxBufferedLines,
    maxLineBytes: 1024 * 1024,
    input: process.stdin,
    report: (m) => process.stderr.write(`${m}\n`),
    drainMs,
  });
  // ExaBGP sends SIGTERM on shutdown; stdin closing is the normal end.
  process.on('SIGTERM', () => process.stdin.destroy());
  await bridge.run();
  process.exit(0);
}
