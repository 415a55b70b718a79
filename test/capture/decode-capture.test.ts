/**
 * `smoketrace decode bmp CAPTURE`: BMP read out of packet captures. Real captures first: the
 * lab's pcapng (Linux cooked v1, nanoseconds, BMP from FRR and gobgpd beside BGP sessions),
 * tcpdump captures of a replayed gobgpd stream (Linux cooked v2 over IPv6, Ethernet over IPv4,
 * one cut by a 300-byte snapshot length), NetGauze's pcaps (several routers, captured
 * mid-session). Each stream must decode to exactly the events of the raw stream it carried.
 * Then synthetic captures for what a live one cannot be made to show: reordering,
 * retransmissions, overlaps, a lost segment, sequence numbers wrapping, VLAN tags, a
 * big-endian file, a broken file.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CaptureReader, isCapture } from '../../src/capture/pcap.js';
import { tcpSegment } from '../../src/capture/packet.js';
import { TcpReassembler } from '../../src/capture/tcp-streams.js';
import type { RouteEvent } from '../../bgp/types.js';
import { comparable, F, fixture, frame, fromCapture, fromStream, ipv4Packet, ipv6Packet, pcapFile, pcapngFile, rng, segments, type Seg } from './helpers.js';

const GOBGP = fixture('lab/bmp-gobgp.bin');
const FRR = fixture('lab/bmp-frr.bin');

/** The bytes of each TCP stream of a capture, by "src:port>dst:port". */
function streamBytes(file: Buffer): Map<string, Buffer> {
  const parts = new Map<string, Buffer[]>();
  const r = new TcpReassembler({
    data: (s, b) => {
      const k = `${s.src}:${s.srcPort}>${s.dst}:${s.dstPort}`;
      parts.set(k, [...(parts.get(k) ?? []), Buffer.from(b)]);
    },
    end: () => {},
  });
  const reader = new CaptureReader((rec) => {
    const seg = tcpSegment(rec.linkType, rec.data);
    if (typeof seg !== 'string') r.segment(seg, rec.timeMs);
  });
  reader.push(file);
  reader.end();
  r.end();
  return new Map([...parts].map(([k, v]) => [k, Buffer.concat(v)]));
}

function byRouter(events: RouteEvent[], router: string): RouteEvent[] {
  return events.filter((e) => e.router === router);
}

describe('BMP from packet captures: real captures', () => {
  it('the lab pcapng: both BMP streams are the recorded FRR and gobgpd streams, and decode to their events; the BGP sessions beside them are skipped', async () => {
    const file = fixture('pcap/lab-bmp-bgp.pcapng.gz');
    expect(isCapture(file)).toBe(true);
    const streams = streamBytes(file);
    expect(streams.get('10.99.1.1:45280>10.99.1.2:11019')!.equals(FRR)).toBe(true);
    expect(streams.get('127.0.0.1:49134>127.0.0.1:11020')!.equals(GOBGP)).toBe(true);

    const { events, summary } = await fromCapture(file);
    expect(summary.records).toBe(1211);
    expect(summary.streams.filter((s) => s.bmp).map((s) => s.stream.dstPort).sort()).toEqual([11019, 11020]);
    expect(summary.streams.filter((s) => !s.bmp).every((s) => (s.stream.srcPort === 179 || s.stream.dstPort === 179) && s.why === 'does not start with a BMP header')).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(comparable(byRouter(events, '10.99.1.1'))).toEqual(comparable(await fromStream(FRR, '10.99.1.1')));
    expect(comparable(byRouter(events, '127.0.0.1'))).toEqual(comparable(await fromStream(GOBGP, '127.0.0.1')));
    expect(events.length).toBe(506 + 189);
  });

  it('tcpdump captures of a replayed gobgpd stream (Linux cooked v2 over IPv6; Ethernet over IPv4, nanoseconds) decode to the stream\'s events', async () => {
    const want = comparable(await fromStream(GOBGP, 'r'));
    for (const name of ['any-v6', 'eth-v4']) {
      const { events, summary } = await fromCapture(fixture(`pcap/lab-gobgp-replay-${name}.pcap.gz`), { router: 'r' }, 1000);
      expect(summary.streams).toHaveLength(1);
      expect(summary.streams[0]).toMatchObject({ bmp: true, stream: { fromSyn: true, closed: true, gap: null, delivered: GOBGP.length } });
      expect(comparable(events)).toEqual(want);
      // The Initiation has no per-peer header: its time is when the capture saw it.
      expect(Date.parse(events[0]!.time)).toBeGreaterThan(Date.parse('2026-11-22T02:50:00Z'));
      expect(Date.parse(events[0]!.time)).toBeLessThan(Date.parse('2026-11-22T02:53:00Z'));
    }
  });

  it('a capture cut by a 300-byte snapshot length: the events before the first cut segment, then CAPTURE_GAP where the bytes are missing', async () => {
    const { events, summary } = await fromCapture(fixture('pcap/lab-gobgp-replay-eth-v4-snap300.pcap.gz'));
    expect(summary.notTcp.truncated).toBeGreaterThan(0);
    expect(summary.streams[0]!.stream.gap).toEqual({ at: 25, missing: 246 });
    const initiation = (await fromStream(GOBGP.subarray(0, 25), '192.0.2.1'))[0]!;
    expect(events.map((e) => e.type)).toEqual([initiation.type, 'error']);
    expect(events[1]).toMatchObject({ code: 'CAPTURE_GAP', offset: 25, severity: 'session-reset', router: '192.0.2.1' });
  });

  it("NetGauze's pcaps (routers captured mid-session, several at once): each stream decodes to the events of its raw stream", async () => {
    const streams = readdirSync(`${F}netgauze`).filter((f) => f.endsWith('.bmp'));
    const pcaps = readdirSync(`${F}pcap`).filter((f) => f.endsWith('.pcap'));
    let compared = 0;
    for (const pcap of pcaps) {
      const set = pcap.replace(/\.pcap$/, '');
      const { events, summary } = await fromCapture(fixture(`pcap/${pcap}`));
      const mine = streams.filter((s) => s.startsWith(`${set}__`));
      expect(summary.streams.filter((s) => s.bmp)).toHaveLength(mine.length);
      for (const s of mine) {
        const [, src, srcPort] = /__([\d.]+)_(\d+)-/.exec(s)!;
        expect(summary.streams.find((x) => x.stream.src === src && x.stream.srcPort === Number(srcPort))?.bmp).toBe(true);
        const got = events.filter((e) => e.router === src);
        expect(comparable(got)).toEqual(comparable(await fromStream(fixture(`netgauze/${s}`), src!)));
        compared++;
      }
    }
    expect(compared).toBe(9);
  });
});

describe('BMP from packet captures: TCP reassembly', () => {
  const capture = (segs: Seg[], opts?: { bigEndian?: boolean }) => pcapFile(segs.map(frame), opts);

  it('segments reordered, sent twice, overlapping, with sequence numbers wrapping past 2^32: the same events as the stream', async () => {
    const want = comparable(await fromStream(GOBGP, '192.0.2.1'));
    for (const seed of [1, 2, 3]) {
      const r = rng(seed);
      const isn = 0xffffffff - 5000;
      const segs = segments(GOBGP, isn, 700, r);
      const mixed: Seg[] = [segs[0]!];
      const rest = segs.slice(1);
      // Shuffle within windows of 8 segments, send a fifth again, and add ranges that straddle
      // a segment and the next (partly new or partly seen, depending on the order).
      for (let i = 0; i < rest.length; i += 8) {
        const w = rest.slice(i, i + 8).sort(() => r() - 0.5);
        for (const s of w) {
          mixed.push(s);
          if (r() < 0.2) mixed.push(s);
          if (r() < 0.3 && s.payload) {
            const from = ((s.seq - isn - 1) >>> 0) + (s.payload.length >> 1);
            mixed.push({ seq: (isn + 1 + from) >>> 0, payload: GOBGP.subarray(from, Math.min(GOBGP.length, from + s.payload.length + 50)) });
          }
        }
      }
      const { events, summary } = await fromCapture(capture(mixed), {}, 777);
      expect(comparable(events)).toEqual(want);
      expect(summary.streams[0]!.stream).toMatchObject({ closed: true, gap: null, delivered: GOBGP.length });
    }
  });

  it('a segment the capture lost: the events before it, CAPTURE_GAP at its offset, nothing after', async () => {
    const segs = segments(GOBGP, 1000, 500, rng(9));
    const lost = 20;
    const at = segs[lost]!.seq - 1001;
    const { events, summary } = await fromCapture(capture(segs.filter((_, i) => i !== lost)));
    expect(summary.streams[0]!.stream.gap).toEqual({ at, missing: segs[lost]!.payload!.length });
    const before = await fromStream(GOBGP.subarray(0, at), '192.0.2.1');
    // The stream cut at the hole ends in a partial message: the events before it are whole.
    const whole = before.filter((e) => e.type !== 'error');
    expect(comparable(events.slice(0, -1))).toEqual(comparable(whole));
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'CAPTURE_GAP', offset: at });
  });

  it('two connections on the same ports one after the other: two sessions; a RST ends one', async () => {
    const first = segments(GOBGP.subarray(0, 2000), 5000, 600, rng(4)).slice(0, -1);
    const second = segments(GOBGP, 90000, 900, rng(5));
    const { events, summary } = await fromCapture(capture([...first, { seq: 5000 + 2001, rst: true }, ...second]), { router: 'x' });
    expect(summary.streams).toHaveLength(2);
    expect(summary.streams.map((s) => [s.stream.delivered, s.stream.closed])).toEqual([
      [2000, false],
      [GOBGP.length, true],
    ]);
    // The first connection's 2,000 bytes end inside a message: its events, then that message's error.
    const want = [...comparable(await fromStream(GOBGP.subarray(0, 2000), 'x')), ...comparable(await fromStream(GOBGP, 'x'))];
    expect(comparable(events)).toEqual(want);
    expect(events.filter((e) => e.type === 'error')).toEqual([expect.objectContaining({ code: 'BMP_TRAILING_DATA' })]);
  });

  it('VLAN tags (802.1Q, and 802.1ad over 802.1Q), a big-endian file, data on the SYN: read as well', async () => {
    const want = comparable(await fromStream(GOBGP, '192.0.2.1'));
    const tagged = segments(GOBGP, 77, 1400, rng(6)).map((s, i) => ({ ...s, vlans: i % 2 ? [100] : [200, 300] }));
    expect(comparable((await fromCapture(capture(tagged, { bigEndian: true }))).events)).toEqual(want);
    const syn: Seg[] = [{ seq: 10, syn: true, payload: GOBGP.subarray(0, 300) }, { seq: 311, payload: GOBGP.subarray(300) }];
    expect(comparable((await fromCapture(capture(syn))).events)).toEqual(want);
  });

  it('pcapng of either byte order, two interfaces with their own timestamp resolutions, a Simple Packet Block, a block to skip', async () => {
    const want = comparable(await fromStream(GOBGP, '192.0.2.1'));
    const frames = segments(GOBGP, 4242, 1000, rng(11)).map(frame);
    const t0Ms = Date.parse('2026-11-22T01:02:03.004Z');
    for (const bigEndian of [false, true]) {
      const file = pcapngFile(frames, { bigEndian, tsresol: [6, 9], simple: true, t0Ms });
      const { events, summary } = await fromCapture(file, {}, 333);
      expect(summary.records).toBe(frames.length);
      expect(comparable(events)).toEqual(want);
      // The Initiation (no per-peer header) carries its packet's time, whichever the resolution.
      expect(events[0]).toMatchObject({ type: 'initiation', time: new Date(t0Ms + 1).toISOString() });
    }
  });

  it('raw IP and BSD loopback link types, IPv6 behind a hop-by-hop header; IP fragments are counted, not read', async () => {
    const want = comparable(await fromStream(GOBGP, 'r'));
    const segs = segments(GOBGP, 555, 1200, rng(12));
    const raw = pcapFile(segs.map((s) => ipv4Packet(s)), { linkType: 101 });
    expect(comparable((await fromCapture(raw, { router: 'r' })).events)).toEqual(want);
    // BSD loopback (DLT_NULL): a 4-byte address family in host order before the IP packet.
    const loop = pcapFile(segs.map((s) => Buffer.concat([Buffer.from([30, 0, 0, 0]), ipv6Packet(s)])), { linkType: 0 });
    const fromLoop = await fromCapture(loop, { router: 'r' });
    expect(comparable(fromLoop.events)).toEqual(want);
    expect(fromLoop.summary.streams[0]!.stream).toMatchObject({ src: '::1', dst: '::2' });
    const hop = pcapFile(segs.map((s) => ipv6Packet(s, { hopByHop: true })), { linkType: 101 });
    expect(comparable((await fromCapture(hop, { router: 'r' })).events)).toEqual(want);
    const fragments = pcapFile([ipv4Packet(segs[1]!, 0x2000), ipv6Packet(segs[1]!, { fragment: true })], { linkType: 101 });
    expect((await fromCapture(fragments)).summary.notTcp).toEqual({ fragment: 2 });
  });

  it('takes the streams to --port as BMP, and only those; without it, streams not starting with a BMP header are skipped', async () => {
    const other: Seg[] = segments(Buffer.from('GET / HTTP/1.1\r\n\r\n'), 1, 100, rng(7)).map((s) => ({ ...s, dstPort: 80, srcPort: 5555 }));
    const bmp = segments(GOBGP, 1, 1400, rng(8)).map((s) => ({ ...s, dstPort: 5000 }));
    const file = capture([...other, ...bmp]);
    const auto = await fromCapture(file);
    expect(auto.summary.streams.map((s) => [s.stream.dstPort, s.bmp])).toEqual([
      [80, false],
      [5000, true],
    ]);
    const onlyHttp = await fromCapture(file, { port: 80 });
    expect(onlyHttp.summary.streams.map((s) => [s.stream.dstPort, s.bmp, s.why ?? ''])).toEqual([
      [80, true, ''],
      [5000, false, 'not to port 80'],
    ]);
    expect(onlyHttp.events.every((e) => e.type === 'error')).toBe(true);
  });
});

describe('BMP from packet captures: broken files', () => {
  it('a file cut inside a record: the events before it, CAPTURE_BROKEN with the offset of the record, then each stream ends', async () => {
    const file = fixture('pcap/evpn.pcap');
    const { events, summary } = await fromCapture(file.subarray(0, 20_000));
    const broken = events.findIndex((e) => e.type === 'error' && e.code === 'CAPTURE_BROKEN');
    expect(broken).toBeGreaterThan(0);
    expect(events[broken]).toMatchObject({ message: expect.stringMatching(/ends inside a record/) });
    expect((events[broken] as { offset: number }).offset).toBeLessThan(20_000);
    expect(events.slice(0, broken).filter((e) => e.type === 'peer_up' || e.type === 'stats').length).toBeGreaterThan(5);
    expect(events.slice(0, broken).every((e) => e.type !== 'error')).toBe(true);
    // After it, only the streams' own ends: a message cut short is reported, nothing is decoded.
    expect(events.slice(broken + 1).every((e) => e.type === 'error' && e.code === 'BMP_TRAILING_DATA')).toBe(true);
    expect(summary.records).toBeGreaterThan(0);
  });

  it('bad pcapng block lengths and unknown magic are CAPTURE_BROKEN, never a crash', async () => {
    const ng = fixture('pcap/lab-bmp-bgp.pcapng.gz');
    const bad = Buffer.from(ng.subarray(0, 4000));
    bad.writeUInt32LE(13, 4); // the section header's length: not a multiple of 4
    expect((await fromCapture(bad)).events).toEqual([expect.objectContaining({ code: 'CAPTURE_BROKEN', offset: 0 })]);
    expect(isCapture(Buffer.from([3, 0, 0, 0, 6, 4]))).toBe(false); // a raw BMP stream is not a capture
  });

  it('fuzz: 300 mutated captures give only typed events (bounded)', async () => {
    const base = fixture('pcap/ipv4_unicast_all.pcap');
    const r = rng(42);
    const types = new Set(['initiation', 'termination', 'peer_up', 'peer_down', 'announce', 'withdraw', 'eor', 'stats', 'error', 'mirror']);
    for (let k = 0; k < 300; k++) {
      const m = Buffer.from(base);
      const edits = 1 + Math.floor(r() * 8);
      for (let e = 0; e < edits; e++) m[Math.floor(r() * m.length)] = Math.floor(r() * 256);
      const cut = r() < 0.3 ? m.subarray(0, Math.floor(r() * m.length)) : m;
      const { events } = await fromCapture(cut, {}, 1 + Math.floor(r() * 3000));
      for (const e of events) {
        expect(types.has(e.type), JSON.stringify(e)).toBe(true);
        if (e.type === 'error') expect(e.code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      }
    }
  });
});

describe('replay --from', () => {
  it('reads an address with or without a port, IPv6 in brackets when it has one', async () => {
    const { parseFrom } = await import('../../src/cli/replay.js');
    expect(parseFrom('192.0.2.1')).toEqual({ address: '192.0.2.1', port: null });
    expect(parseFrom('192.0.2.1:45280')).toEqual({ address: '192.0.2.1', port: 45280 });
    expect(parseFrom('2001:db8::1')).toEqual({ address: '2001:db8::1', port: null });
    expect(parseFrom('[2001:db8::1]:179')).toEqual({ address: '2001:db8::1', port: 179 });
    expect(parseFrom('[::1]')).toEqual({ address: '::1', port: null });
  });
});
