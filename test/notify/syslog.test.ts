import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SyslogSender, type SyslogDeps } from '../../src/notify/syslog.js';
import {
  escapeParamValue,
  formatSyslog,
  headerField,
  priority,
  syslogSeverity,
  truncateUtf8,
} from '../../src/notify/syslog-format.js';
import { sampleAlert, startUdpReceiver } from './helpers.js';
import { parse5424, splitOctetCounted } from './syslog-parse.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NOW = '2026-01-01T00:01:02.345Z';
const deps = (): SyslogDeps => ({ nowIso: () => NOW, pid: 4242, random: () => 0.5, sleep: async () => {} });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('RFC 5424 formatting', () => {
  it.each([
    ['critical', 'open', 2],
    ['major', 'updated', 3],
    ['minor', 'open', 4],
    ['info', 'open', 6],
    ['critical', 'resolved', 5],
  ] as const)('severity %s/%s -> %i', (severity, state, code) => {
    expect(syslogSeverity({ severity, state })).toBe(code);
  });

  it.each([
    ['local0', 3, 131],
    ['local7', 5, 189],
    ['kern', 0, 0],
    ['daemon', 6, 30],
  ] as const)('PRI of %s.%i = %i', (facility, sev, pri) => expect(priority(facility, sev)).toBe(pri));

  it.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['a]b', 'a\\]b'],
    ['[x]', '[x\\]'], // "[" needs no escape
    ['"\\]', '\\"\\\\\\]'],
  ])('PARAM-VALUE %j -> %j', (raw, escaped) => expect(escapeParamValue(raw)).toBe(escaped));

  it.each([
    ['host.example', 48, 'host.example'],
    ['my host', 48, 'my_host'],
    ['', 48, '-'],
    ['héllo', 48, 'h_llo'],
    ['x'.repeat(60), 48, 'x'.repeat(48)],
  ])('header field %j -> %j', (raw, max, out) => expect(headerField(raw, max)).toBe(out));

  it('truncates UTF-8 on a character boundary', () => {
    const b = Buffer.from('ab✓', 'utf8'); // ✓ is 3 bytes
    expect(truncateUtf8(b, 4).toString('utf8')).toBe('ab');
    expect(truncateUtf8(b, 5).toString('utf8')).toBe('ab✓');
    expect(truncateUtf8(b, 2).toString('utf8')).toBe('ab');
  });

  it('a long MSG is truncated to maxBytes; header and structured data stay whole', () => {
    const alert = sampleAlert({ summary: 'é'.repeat(1000) });
    const out = formatSyslog(alert, { facility: 'local0', hostname: 'h', appName: 'a', procId: '1' }, NOW, 400);
    expect([399, 400]).toContain(out.length); // a 2-byte character either fits whole or not at all
    const p = parse5424(out);
    expect(p.sd[0]!.params['id']).toBe(alert.id);
    expect(p.msg.subarray(0, 3)).toEqual(BOM);
    const msg = p.msg.subarray(3).toString('utf8');
    expect(msg.length).toBeGreaterThan(0);
    expect(msg).toBe('é'.repeat(msg.length)); // no broken character at the end
  });
});

async function udpReceiver() {
  const rx = await startUdpReceiver();
  cleanups.push(rx.close);
  return rx;
}

describe('SyslogSender over UDP (RFC 5426)', () => {
  it('sends one RFC 5424 datagram a receiver parses back to the alert', async () => {
    const rx = await udpReceiver();
    const sender = new SyslogSender({ name: 'siem', host: '127.0.0.1', port: rx.port, protocol: 'udp', hostname: 'probe-1', appName: 'smoketrace' }, deps());
    cleanups.push(() => sender.close());
    const alert = sampleAlert();
    expect(await sender.send(alert)).toEqual({ ok: true, attempts: 1 });
    await vi.waitFor(() => expect(rx.got).toHaveLength(1));
    const p = parse5424(rx.got[0]!);
    expect(p).toMatchObject({
      pri: 16 * 8 + 3, // local0 (default), Error (major)
      version: 1,
      timestamp: NOW,
      hostname: 'probe-1',
      appName: 'smoketrace',
      procId: '4242',
      msgId: 'path_worse',
    });
    expect(p.sd).toEqual([
      {
        id: 'smoketrace@32473',
        params: {
          id: alert.id,
          target: 'eu-west "edge" \\ ]gw', // escaped on the wire, restored by the parser
          targetId: 'tgt-1',
          state: 'open',
          severity: 'major',
          flapping: 'false',
          vantage: 'par1',
        },
      },
    ]);
    expect(rx.got[0]!.toString('latin1')).toContain('target="eu-west \\"edge\\" \\\\ \\]gw"');
    expect(p.msg).toEqual(Buffer.concat([BOM, Buffer.from(alert.summary, 'utf8')]));
  });

  it('honours the facility and maps a resolve to Notice', async () => {
    const rx = await udpReceiver();
    const sender = new SyslogSender({ name: 'siem', host: '127.0.0.1', port: rx.port, protocol: 'udp', facility: 'local7' }, deps());
    cleanups.push(() => sender.close());
    await sender.send(sampleAlert({ state: 'resolved', kind: 'unreachable', severity: 'critical' }));
    await vi.waitFor(() => expect(rx.got).toHaveLength(1));
    const p = parse5424(rx.got[0]!);
    expect(p.pri).toBe(23 * 8 + 5);
    expect(p.msgId).toBe('unreachable');
    expect(p.sd[0]!.params['state']).toBe('resolved');
  });
});

async function tcpReceiver(port = 0, opts: { dropAfterFirstFrame?: boolean } = {}) {
  const conns: Socket[] = [];
  const perConn: Buffer[][] = [];
  const server = createServer((s) => {
    conns.push(s);
    const chunks: Buffer[] = [];
    perConn.push(chunks);
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      if (opts.dropAfterFirstFrame) s.destroy();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const close = async () => {
    for (const c of conns) c.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanups.push(close);
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => perConn.length,
    stream: () => Buffer.concat(perConn.flat()),
    close,
  };
}

describe('SyslogSender over TCP (RFC 6587 octet counting)', () => {
  it('frames each message as MSG-LEN SP MSG on one connection', async () => {
    const rx = await tcpReceiver();
    const sender = new SyslogSender({ name: 'siem', host: '127.0.0.1', port: rx.port, protocol: 'tcp', hostname: 'probe-1' }, deps());
    cleanups.push(() => sender.close());
    const alerts = [
      sampleAlert(),
      sampleAlert({ id: 'b', kind: 'loss', severity: 'minor', summary: 'Loss 5 %' }),
      sampleAlert({ id: 'c', state: 'resolved', summary: 'Back to normal ✓✓' }),
    ];
    for (const a of alerts) expect(await sender.send(a)).toEqual({ ok: true, attempts: 1 });
    const total = alerts.map((a) => sender.encode(a).length).reduce((x, y) => x + y);
    await vi.waitFor(() => expect(rx.stream().length).toBe(total));
    const frames = splitOctetCounted(rx.stream());
    expect(frames).toHaveLength(3);
    const parsed = frames.map(parse5424);
    expect(parsed.map((p) => [p.pri, p.msgId, p.sd[0]!.params['id']])).toEqual([
      [131, 'path_worse', alerts[0]!.id],
      [132, 'loss', 'b'],
      [133, 'path_worse', 'c'],
    ]);
    expect(parsed[2]!.msg).toEqual(Buffer.concat([BOM, Buffer.from('Back to normal ✓✓', 'utf8')]));
    expect(rx.connections()).toBe(1);
  });

  it('reconnects when the collector drops the connection', async () => {
    const rx = await tcpReceiver(0, { dropAfterFirstFrame: true });
    const sender = new SyslogSender({ name: 'siem', host: '127.0.0.1', port: rx.port, protocol: 'tcp' }, deps());
    cleanups.push(() => sender.close());
    expect(await sender.send(sampleAlert({ id: 'first' }))).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(sender.connected).toBe(false));
    expect(await sender.send(sampleAlert({ id: 'second' }))).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(splitOctetCounted(rx.stream())).toHaveLength(2));
    expect(splitOctetCounted(rx.stream()).map((f) => parse5424(f).sd[0]!.params['id'])).toEqual(['first', 'second']);
    expect(rx.connections()).toBe(2);
  });

  it('connection refused: bounded attempts, then delivered once the collector is back', async () => {
    const probe = await tcpReceiver();
    const port = probe.port;
    await probe.close(); // nothing listens on port now
    const d = { ...deps(), delays: [] as number[] };
    d.sleep = async (ms) => void d.delays.push(ms);
    const sender = new SyslogSender({ name: 'siem', host: '127.0.0.1', port, protocol: 'tcp', retry: { maxAttempts: 3 } }, d);
    cleanups.push(() => sender.close());
    expect(await sender.send(sampleAlert())).toEqual({ ok: false, attempts: 3, code: 'NETWORK', error: 'ECONNREFUSED' });
    expect(d.delays).toHaveLength(2);
    const rx = await tcpReceiver(port);
    expect(await sender.send(sampleAlert({ id: 'later' }))).toEqual({ ok: true, attempts: 1 });
    await vi.waitFor(() => expect(splitOctetCounted(rx.stream())).toHaveLength(1));
  });

  it('after close() a send fails with CLOSED and opens nothing', async () => {
    const rx = await tcpReceiver();
    const sender = new SyslogSender({ name: 'siem', host: '127.0.0.1', port: rx.port, protocol: 'tcp' }, deps());
    await sender.close();
    expect(await sender.send(sampleAlert())).toMatchObject({ ok: false, code: 'CLOSED' });
    expect(rx.connections()).toBe(0);
  });
});
