import { ExabgpBridge, parseBridgeTarget } from '../ingest/exabgp-bridge.js';

/**
 * `smoketrace exabgp-bridge --to tcp://127.0.0.1:11020`: run by ExaBGP as its
 * api process (see bgp/exabgp.conf.example). ExaBGP reads stdout as API
 * commands: the only ones written are the route refreshes asked when the daemon
 * comes back after being lost (`--refresh ''` for none). Diagnostics go to
 * stderr (ExaBGP's log).
 */
export async function exabgpBridgeCommand(opts: { to: string; buffer: string; drainMs: string; refresh: string }): Promise<void> {
  const maxBufferedLines = Number(opts.buffer);
  const drainMs = Number(opts.drainMs);
  if (!Number.isInteger(maxBufferedLines) || maxBufferedLines < 1) throw new Error('--buffer must be a positive integer');
  if (!Number.isInteger(drainMs) || drainMs < 0) throw new Error('--drain-ms must be a non-negative integer');
  const families = opts.refresh
    .split(',')
    .map((f) => f.trim().replace(/\s+/g, ' '))
    .filter((f) => f !== '');
  for (const f of families) if (!/^[a-z0-9-]+ [a-z0-9-]+$/.test(f)) throw new Error(`--refresh: not an ExaBGP family: ${f} (e.g. "ipv4 unicast")`);
  const bridge = new ExabgpBridge({
    target: parseBridgeTarget(opts.to),
    maxBufferedLines,
    maxLineBytes: 1024 * 1024,
    input: process.stdin,
    report: (m) => process.stderr.write(`${m}\n`),
    drainMs,
    ...(families.length > 0 ? { command: (line: string) => process.stdout.write(`${line}\n`), refreshFamilies: families } : {}),
  });
  // ExaBGP sends SIGTERM on shutdown; stdin closing is the normal end.
  process.on('SIGTERM', () => process.stdin.destroy());
  await bridge.run();
  process.exit(0);
}
