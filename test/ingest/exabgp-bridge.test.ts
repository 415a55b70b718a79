import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ExabgpBridge, parseBridgeTarget, type BridgeOptions } from '../../src/ingest/exabgp-bridge.js';
import { runCli } from '../helpers/daemon.js';
import { until } from '../helpers/processes.js';

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

/** A bridge reading `input`, forwarding to 127.0.0.1:port, holding 1,000 lines; `more` overrides. */
function bridgeTo(port: number, input: PassThrough, more: Partial<BridgeOptions> = {}): ExabgpBridge {
  return new ExabgpBridge({ target: { tcp: { host: '127.0.0.1', port } }, maxBufferedLines: 1000, maxLineBytes: 1 << 20, input, report: () => {}, drainMs: 5000, ...more });
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
    const bridge = bridgeTo(daemon.port, input, { report: (m) => reports.push(m) });
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
    const bridge = bridgeTo(1, input, { maxBufferedLines: 5, drainMs: 100 });
    const done = bridge.run();
    for (let i = 0; i < 12; i++) input.write(`{"n":${i}}\n`);
    input.end();
    const stats = await done;
    expect(stats.received).toBe(12);
    expect(stats.dropped).toBe(12);
    expect(stats.forwarded).toBe(0);
  });

  it('asks ExaBGP for a route refresh when the daemon comes back (not on the first connection), at most once per interval, and drops command answers', async () => {
    const daemon = new FakeDaemon();
    await daemon.start();
    const input = new PassThrough();
    const commands: string[] = [];
    const bridge = bridgeTo(daemon.port, input, { drainMs: 1000, command: (line) => commands.push(line), refreshIntervalMs: 1500 });
    const done = bridge.run();
    input.write('{"n":1}\n');
    await until(() => daemon.lines.length === 1);
    expect(commands).toEqual([]);
    // The daemon restarts: one refresh of both families once it is back.
    await daemon.stop();
    await until(() => !bridge.isConnected());
    let back = new FakeDaemon(daemon.port);
    await back.start();
    await until(() => bridge.isConnected());
    expect(commands).toEqual(['announce route-refresh ipv4 unicast', 'announce route-refresh ipv6 unicast']);
    // ExaBGP answers each command ("done"/"error" with api.ack on): not forwarded.
    input.write('done\nerror\n{"n":2}\n');
    await until(() => back.lines.length === 1);
    expect(back.lines).toEqual(['{"n":2}']);
    // Lost again at once: the next refresh waits for the interval.
    await back.stop();
    await until(() => !bridge.isConnected());
    back = new FakeDaemon(daemon.port);
    await back.start();
    await until(() => bridge.isConnected());
    expect(commands).toHaveLength(2);
    await until(() => commands.length === 4, 5000);
    expect(commands.slice(2)).toEqual(commands.slice(0, 2));
    input.end();
    const stats = await done;
    expect(stats).toMatchObject({ refreshes: 2, acks: 2, received: 2 });
    await back.stop();
  });

  it('as a process: after a daemon restart writes the route refreshes on stdout, and nothing with --refresh ""', async () => {
    for (const refresh of [undefined, '']) {
      const daemon = new FakeDaemon();
      await daemon.start();
      const d = runCli(['exabgp-bridge', '--to', `tcp://127.0.0.1:${daemon.port}`, ...(refresh === undefined ? [] : ['--refresh', refresh])], {}, { stdin: 'pipe' });
      d.child.stdin!.write('{"type":"keepalive"}\n');
      await until(() => daemon.lines.length === 1);
      await daemon.stop();
      const back = new FakeDaemon(daemon.port);
      await back.start();
      d.child.stdin!.write('{"type":"keepalive","n":2}\n');
      await until(() => back.lines.length === 1);
      d.child.stdin!.end();
      expect((await d.exited).code).toBe(0);
      const stdout = d.logs.map((l) => l['msg']);
      expect(stdout).toEqual(refresh === undefined ? ['announce route-refresh ipv4 unicast', 'announce route-refresh ipv6 unicast'] : []);
      await back.stop();
    }
  });

  it('as a process: writes nothing on stdout while the daemon stays (ExaBGP reads stdout as commands)', async () => {
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
