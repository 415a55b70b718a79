import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExabgpBridge, parseBridgeTarget } from '../../src/ingest/exabgp-bridge.js';
import { runCli } from '../helpers/daemon.js';

/** A stand-in for the daemon's feed socket that records the lines it receives. */
class FakeDaemon {
  lines: string[] = [];
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  constructor(public port = 0) {}
  async start() {
    this.server = createServer((s) => {
      this.sockets.add(s);
      let buf = '';
      s.setEncoding('utf8');
      s.on('data', (d: string) => {
        buf += d;
        const parts = buf.split('\n');
        buf = parts.pop()!;
        this.lines.push(...parts);
      });
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }
  async stop() {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server!.close(() => r()));
  }
}

async function until(cond: () => boolean, ms = 10_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('exabgp bridge', () => {
  it('parses targets', () => {
    expect(parseBridgeTarget('tcp://127.0.0.1:11020')).toEqual({ tcp: { host: '127.0.0.1', port: 11020 } });
    expect(parseBridgeTarget('[::1]:11020')).toEqual({ tcp: { host: '::1', port: 11020 } });
    expect(parseBridgeTarget('unix:/run/st.sock')).toEqual({ unix: '/run/st.sock' });
    expect(() => parseBridgeTarget('nonsense')).toThrow(/not a bridge target/);
    expect(() => parseBridgeTarget('h:70000')).toThrow(/out of range/);
  });

  it('holds lines while the daemon restarts and delivers them all, in order', async () => {
    const daemon = new FakeDaemon();
    await daemon.start();
    const input = new PassThrough();
    const reports: string[] = [];
    const bridge = new ExabgpBridge({
      target: { tcp: { host: '127.0.0.1', port: daemon.port } },
      maxBufferedLines: 1000,
      maxLineBytes: 1 << 20,
      input,
      report: (m) => reports.push(m),
      drainMs: 5000,
    });
    const done = bridge.run();
    for (let i = 0; i < 10; i++) input.write(`{"n":${i}}\n`);
    await until(() => daemon.lines.length === 10);
    await daemon.stop();
    await until(() => !bridge.isConnected());
    for (let i = 10; i < 60; i++) input.write(`{"n":${i}}\n`);
    await until(() => bridge.depth() >= 40);
    const restarted = new FakeDaemon(daemon.port);
    await restarted.start();
    input.end();
    const stats = await done;
    await until(() => restarted.lines.length === 50);
    expect(daemon.lines.concat(restarted.lines).map((l) => JSON.parse(l).n)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(stats).toMatchObject({ received: 60, dropped: 0 });
    expect(reports.some((r) => r.includes('connection lost'))).toBe(true);
    await restarted.stop();
  });

  it('drops the oldest lines past its buffer while the daemon is away, and counts them', async () => {
    const input = new PassThrough();
    const bridge = new ExabgpBridge({
      target: { tcp: { host: '127.0.0.1', port: 1 } },
      maxBufferedLines: 5,
      maxLineBytes: 1 << 20,
      input,
      report: () => {},
      drainMs: 100,
    });
    const done = bridge.run();
    for (let i = 0; i < 12; i++) input.write(`{"n":${i}}\n`);
    input.end();
    const stats = await done;
    expect(stats.received).toBe(12);
    expect(stats.dropped).toBe(12);
    expect(stats.forwarded).toBe(0);
  });

  it('as a process: writes nothing on stdout (ExaBGP reads stdout as commands)', async () => {
    const daemon = new FakeDaemon();
    await daemon.start();
    const d = runCli(['exabgp-bridge', '--to', `tcp://127.0.0.1:${daemon.port}`], {}, { stdin: 'pipe' });
    d.child.stdin!.write('{"type":"keepalive"}\n{"type":"state","state":"up"}\n');
    d.child.stdin!.end();
    const exit = await d.exited;
    expect(exit.code).toBe(0);
    expect(daemon.lines).toEqual(['{"type":"keepalive"}', '{"type":"state","state":"up"}']);
    expect(d.logs).toEqual([]);
    expect(d.stderr).toContain('forwarded 2');
    await daemon.stop();
  });
});
