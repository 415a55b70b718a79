/**
 * The ExaBGP line feed (src/ingest/exabgp-feed.ts) over a real TCP socket with the real parser:
 * lines split anywhere, many lines per chunk, broken and overlong lines, and how events reach
 * the sink (one call per socket chunk, in line order).
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ExabgpParser } from '../../bgp/exabgp/index.js';
import type { RouteEvent } from '../../bgp/types.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { ExabgpFeed } from '../../src/ingest/exabgp-feed.js';
import { freePort, openTcp, until } from '../helpers/processes.js';

const NEIGHBOR = `"neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 65000, "peer": 64500 }, "direction": "receive"`;
const head = (n: number, type: string) => `{ "exabgp": "4.0.1", "time": 1790000000.5, "host": "rs1", "pid": 1, "ppid": 1, "counter": ${n}, "type": "${type}", `;
/** An update line announcing 10.0.n.0/24 and 10.1.n.0/24 from AS path 64500 n. */
const update = (n: number) =>
  `${head(n, 'update')}${NEIGHBOR}, "message": { "update": { "attribute": { "origin": "igp", "as-path": [ 64500, ${1000 + n} ] }, ` +
  `"announce": { "ipv4 unicast": { "192.0.2.1": [ { "nlri": "10.0.${n}.0/24" }, { "nlri": "10.1.${n}.0/24" } ] } } } } } }`;

let feed: ExabgpFeed | null = null;
let telemetry: Telemetry;
/** What the current feed handed over and reported (fresh arrays per feed: a stopped feed's late callbacks go to its own). */
let calls: RouteEvent[][] = [];
let ended: string[] = [];

async function startFeed(maxLineBytes = 1 << 20): Promise<number> {
  const port = await freePort();
  telemetry = new Telemetry({ defaultMetrics: false });
  const sunk: RouteEvent[][] = (calls = []);
  const ends: string[] = (ended = []);
  feed = new ExabgpFeed({
    config: { tcp: { host: '127.0.0.1', port }, unix: null, maxLineBytes, name: 'exa' },
    parser: (router) => new ExabgpParser(router),
    sink: (events) => sunk.push(events),
    telemetry,
    log: silentLogger(),
    clock: systemClock,
    onSessionEnd: (r) => ends.push(r),
  });
  await feed.start();
  return port;
}

/** Writes each piece and waits until the feed has taken it (so each is a chunk of its own). */
async function writeEach(s: Socket, pieces: string[], taken: () => number): Promise<void> {
  for (const p of pieces) {
    const before = taken();
    s.write(p);
    await until(() => taken() > before || !p.includes('\n'), 5000, 'the piece read');
    if (!p.includes('\n')) await new Promise((r) => setTimeout(r, 30));
  }
}

const prefixes = () => calls.flat().flatMap((e) => ('prefix' in e ? [e.prefix] : []));
const lines = (): number => (feed!.status() as { totals: { lines: number } }).totals.lines;

afterEach(async () => {
  await feed?.stop();
  feed = null;
});

describe('ExaBGP feed', () => {
  it('hands the events of all the lines of one chunk to the sink in one call, in line order', async () => {
    const port = await startFeed();
    const s = await openTcp(port);
    s.write(Array.from({ length: 50 }, (_, i) => update(i)).join('\n') + '\n');
    await until(() => prefixes().length === 100, 5000, '100 prefixes');
    // Fewer calls than lines: a 50-line write arrives in one or a few chunks.
    expect(calls.length).toBeLessThan(50);
    expect(prefixes()).toEqual(Array.from({ length: 50 }, (_, i) => [`10.0.${i}.0/24`, `10.1.${i}.0/24`]).flat());
    s.destroy();
  });

  it('joins lines split at any point across chunks; a chunk that ends no line calls the sink not at all', async () => {
    const port = await startFeed();
    const s = await openTcp(port);
    const text = update(1) + '\n' + update(2) + '\n';
    const cut1 = 37;
    const cut2 = update(1).length + 10;
    await writeEach(s, [text.slice(0, cut1), text.slice(cut1, cut2), text.slice(cut2)], lines);
    await until(() => prefixes().length === 4, 5000, '4 prefixes');
    expect(prefixes()).toEqual(['10.0.1.0/24', '10.1.1.0/24', '10.0.2.0/24', '10.1.2.0/24']);
    expect(calls.every((c) => c.length > 0)).toBe(true);
    s.destroy();
  });

  it('a broken line costs that line: counted, with an error event, and the lines after it are read', async () => {
    const port = await startFeed();
    const s = await openTcp(port);
    s.write(`${update(1)}\n{"exabgp": "4.0.1", "type": \n${update(2)}\n`);
    await until(() => prefixes().length === 4, 5000, '4 prefixes');
    const errors = calls.flat().filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'EXABGP_BAD_JSON' });
    const st = feed!.status() as { totals: { lines: number; errors: number }; connections: Array<{ lines: number; errors: number; lastLineAt: string | null }> };
    expect(st.totals).toMatchObject({ lines: 3, errors: 1 });
    expect(st.connections[0]).toMatchObject({ lines: 3, errors: 1 });
    expect(Date.parse(st.connections[0]!.lastLineAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(telemetry.rejectedSnapshot()).toMatchObject({ exabgp: { EXABGP_BAD_JSON: 1 } });
    s.destroy();
  });

  it('skips an overlong line (counted) and reads on', async () => {
    const port = await startFeed(1024);
    const s = await openTcp(port);
    s.write(`${'x'.repeat(5000)}\n${update(3)}\n`);
    await until(() => prefixes().length === 2, 5000, '2 prefixes');
    expect((feed!.status() as { totals: { overlong: number } }).totals.overlong).toBe(1);
    expect(telemetry.rejectedSnapshot()).toMatchObject({ exabgp: { line_too_long: 1 } });
    s.destroy();
  });

  it('reads a last line without a newline when the connection ends, then reports the session end', async () => {
    const port = await startFeed();
    const s = await openTcp(port);
    s.end(update(4));
    await until(() => ended.length === 1, 5000, 'the session end');
    expect(prefixes()).toEqual(['10.0.4.0/24', '10.1.4.0/24']);
    expect(ended).toEqual(['exa']);
  });
});
