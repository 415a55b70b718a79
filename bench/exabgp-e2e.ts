/**
 * An ExaBGP table through the daemon: seeded ExaBGP 4.x update lines (each announcing its own
 * prefixes, every line its own attribute set, as a router's table dump arrives: one UPDATE per
 * set; 85 % of the lines IPv4 /24, 15 % IPv6 /64), sent over loopback TCP to the feed socket of
 * `smoketrace start` (the example config's defaults with `exabgp.enabled: true`) on MONGODB_URI
 * (database bench_exabgp_e2e, dropped before each round and at the end), in 64 KiB chunks
 * honouring TCP back-pressure, after a "state up" line.
 *
 *   node --expose-gc --import tsx bench/exabgp-e2e.ts [lines=300000] [prefixesPerLine=3] [rounds=1]
 *
 * Done when GET /api/peers counts every prefix in the RIB. Figures per round and their medians:
 * lines/s and prefixes/s from the first byte to done, the time from the last byte to done, the
 * daemon's CPU seconds (all its threads) and prefixes per CPU second, its RSS growth per route
 * (the storage backlog still holds the events then), and how /api/health answered meanwhile (asked every 200 ms: median, p99, worst). Storage
 * catches up behind the RIB (bench/ingest-e2e.ts measures that for BMP). BENCH_DAEMON_NODE_ARGS
 * adds node flags to the daemon (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { percentile } from '../src/correlate/stats.js';
import { sleep, startDaemon, usage } from './lib/daemon.js';
import { EXABGP_NEIGHBOR, exabgpAttributes, exabgpHead } from './lib/gen-exabgp.js';
import { prng } from './lib/gen-table.js';
import { fmt, intArg, median } from './lib/measure.js';
import { sendStream } from './lib/send.js';
import { benchUri } from './storage-insert.js';

const DATABASE = 'bench_exabgp_e2e';
const ROUTES_POLL_MS = 50;
const HEALTH_POLL_MS = 200;
/** A run not done this long after the last byte fails. */
const DONE_WITHIN_MS = 300_000;

const lineCount = intArg(2, 300_000);
const perLine = intArg(3, 3);
const rounds = intArg(4, 1);

/** The feed's byte stream and the prefixes it announces. */
function table(): { stream: Buffer; prefixes: number } {
  const r = prng(7);
  const int = (n: number): number => Math.floor(r() * n);
  // ExaBGP's time has centiseconds: during a dump, lines arriving together share it.
  const time = (i: number) => Number((1790000000 + i / 20_000).toFixed(2));
  const lines = [`${exabgpHead(0, 'state', 1790000000)}${EXABGP_NEIGHBOR}, "state": "up" } }`];
  let v4 = 0;
  let v6 = 0;
  for (let i = 1; i <= lineCount; i++) {
    const six = int(100) < 15;
    const nlri: string[] = [];
    for (let k = 0; k < perLine; k++) {
      if (six) {
        nlri.push(`{ "nlri": "2001:db8:${(v6 >> 16).toString(16)}:${(v6 & 0xffff).toString(16)}::/64" }`);
        v6++;
      } else {
        nlri.push(`{ "nlri": "${1 + (v4 >> 16)}.${(v4 >> 8) & 255}.${v4 & 255}.0/24" }`);
        v4++;
      }
    }
    const family = six ? `"ipv6 unicast": { "2001:db8::1": [ ${nlri.join(', ')} ] }` : `"ipv4 unicast": { "192.0.2.1": [ ${nlri.join(', ')} ] }`;
    lines.push(`${exabgpHead(i, 'update', time(i))}${EXABGP_NEIGHBOR}, "message": { "update": { ${exabgpAttributes(int)}, "announce": { ${family} } } } } }`);
  }
  if (v4 >= 222 << 16) throw new Error('too many IPv4 prefixes for 1.0.0.0-222.255.255.0');
  return { stream: Buffer.from(lines.join('\n') + '\n'), prefixes: v4 + v6 };
}

interface Result {
  seconds: number;
  afterLastByte: number;
  cpu: number;
  rssPerRoute: number;
  health: number[];
}

async function round(stream: Buffer, prefixes: number, uri: string): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'exabgp-e2e-'));
  const config = join(dir, 'smoketrace.yaml');
  writeFileSync(config, 'exabgp:\n  enabled: true\n');
  const d = await startDaemon({ config, uri, dir });
  try {
    if (d.exabgpPort === null) throw new Error('the daemon logged no ExaBGP TCP listener');
    const socket = connect(d.exabgpPort, '127.0.0.1');
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('error', rej)));
    await sleep(500);
    const before = usage(d.pid);
    const health: number[] = [];
    let done = false;
    const watch = (async () => {
      while (!done) {
        const t = performance.now();
        await (await fetch(`${d.url}/api/health`)).json();
        health.push(performance.now() - t);
        await sleep(HEALTH_POLL_MS);
      }
    })();
    const t0 = performance.now();
    const lastByte = await sendStream(socket, stream);
    const tDone = await d.waitForRoutes(prefixes, { sinceMs: lastByte, withinMs: DONE_WITHIN_MS, pollMs: ROUTES_POLL_MS });
    done = true;
    await watch;
    const after = usage(d.pid);
    socket.destroy();
    return { seconds: (tDone - t0) / 1000, afterLastByte: (tDone - lastByte) / 1000, cpu: after.cpu - before.cpu, rssPerRoute: (after.rss - before.rss) / prefixes, health };
  } finally {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { stream, prefixes } = table();
  // The generator's garbage (the lines before the join) collected now, not while this process
  // times the API (bench/run.ts runs benches with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const uri = benchUri(DATABASE);
  console.log(
    `exabgp-e2e: ${fmt(lineCount)} update lines, ${fmt(prefixes)} prefixes (${perLine} per line, one attribute set per line), ` +
      `${(stream.length / 2 ** 20).toFixed(1)} MiB; smoketrace on ${uri.replace(/\/\/[^@]*@/, '//')}`,
  );
  const client = new MongoClient(uri);
  await client.connect();
  const results: Result[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      await client.db(DATABASE).dropDatabase();
      const r = await round(stream, prefixes, uri);
      results.push(r);
      console.log(
        `  round ${i + 1}: ${fmt(lineCount / r.seconds)} lines/s = ${fmt(prefixes / r.seconds)} prefixes/s (done ${r.afterLastByte.toFixed(2)} s after the last byte), ` +
          `cpu ${r.cpu.toFixed(2)} s = ${fmt(prefixes / r.cpu)} prefixes/cpu-s, rss +${r.rssPerRoute.toFixed(0)} bytes/route; ` +
          `/api/health ${r.health.length} answers: median ${median(r.health).toFixed(0)} ms, p99 ${percentile(r.health, 99).toFixed(0)} ms, worst ${Math.max(...r.health).toFixed(0)} ms`,
      );
    }
  } finally {
    await client.db(DATABASE).dropDatabase().catch(() => {});
    await client.close();
  }
  if (rounds > 1) {
    const m = (f: (r: Result) => number) => median(results.map(f));
    console.log(
      `  median: ${fmt(m((r) => lineCount / r.seconds))} lines/s = ${fmt(m((r) => prefixes / r.seconds))} prefixes/s, ${fmt(m((r) => prefixes / r.cpu))} prefixes/cpu-s, ` +
        `rss +${m((r) => r.rssPerRoute).toFixed(0)} bytes/route`,
    );
  }
}

await main();
