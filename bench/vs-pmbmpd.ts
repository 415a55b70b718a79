/**
 * SmokeTrace's BMP station against pmacct's pmbmpd, the collector to beat: the same synthetic
 * table (bench/lib/gen-table.ts) sent as one router's BMP stream over loopback TCP to each,
 * one after the other and alternated round by round, so both see the same moments of the machine.
 *
 *   node --import tsx bench/vs-pmbmpd.ts [scale=0.25] [mode=per-update|packed] [rounds=2]
 *
 * The collectors run as they are deployed, each its own process:
 *   pmbmpd      `pmbmpd -f CONF` (pmacct 1.7.x): it keeps every route in its per-peer table, no
 *               message log (its JSON output would cost it more).
 *   smoketrace  `smoketrace start --config config/smoketrace.example.yaml` (what `npm start` runs,
 *               from source through tsx) on MONGODB_URI (database bench_vs_pmbmpd, dropped at the
 *               end): decode, RIB, bus, and every route event queued for MongoDB behind the RIB.
 * The sender (this process) writes the stream in 64 KiB chunks honouring TCP back-pressure and
 * keeps the connection open (a router does: a closed session makes a collector drop its routes).
 *
 * When is a collector done?
 *   smoketrace  GET /api/peers (every 50 ms) counts every route of the table in the RIB.
 *   pmbmpd      it has no such API: done when its CPU time (/proc/PID/stat) has not moved for 1 s
 *               after the last byte; the time is that of its last CPU tick. With VERIFY=1 the run
 *               then waits for pmbmpd's first table dump (bmp_dump_refresh_time: 60, its minimum)
 *               and checks it holds every route.
 * BENCH_DAEMON_NODE_ARGS adds node flags to the daemon (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 * Figures per collector (median over the rounds): prefixes/s from the first byte to done, CPU
 * seconds of the collector's process (all its threads; MongoDB's own CPU not counted), prefixes
 * per CPU second, and RSS growth per route. The brief's figure for pmbmpd on these machines:
 * about 70,000 prefixes/s.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { sleep, startDaemon, stopProcess, usage } from './lib/daemon.js';
import { fullTableAt, generateTable, scaleArg, type BmpTable } from './lib/gen-table.js';
import { fmt, median } from './lib/measure.js';
import { sendStream } from './lib/send.js';
import { freePort, killWithParent } from '../test/helpers/processes.js';
import { benchUri } from './storage-insert.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATABASE = 'bench_vs_pmbmpd';
const POLL_MS = 50;
const PMBMPD_IDLE_MS = 1000;
/** A collector not done this long after the last byte fails the run. */
const DONE_WITHIN_MS = 300_000;

function tooLate(lastByte: number, name: string): void {
  if (performance.now() - lastByte > DONE_WITHIN_MS) throw new Error(`${name} not done ${DONE_WITHIN_MS / 1000} s after the last byte`);
}

interface Collector {
  name: string;
  pid: number;
  port: number;
  /** Resolves at the time (performance.now()) the collector holds every route. */
  done(routes: number, lastByte: number): Promise<number>;
  stop(): Promise<void>;
  /** Checks after done() (VERIFY=1 for pmbmpd); a problem as text, or null. */
  verify?(routes: number): Promise<string | null>;
}

interface Result {
  perSecond: number;
  cpuSeconds: number;
  perCpuSecond: number;
  rssPerRoute: number;
  afterLastByte: number;
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
}

async function startPmbmpd(dir: string): Promise<Collector> {
  const port = await freePort();
  const conf = join(dir, 'pmbmpd.conf');
  writeFileSync(
    conf,
    [`bmp_daemon_ip: 127.0.0.1`, `bmp_daemon_port: ${port}`, `bmp_dump_file: ${dir}/dump-$bmp_router.json`, `bmp_dump_refresh_time: 60`, ''].join('\n'),
  );
  const child = spawn('pmbmpd', ['-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  // A collector does not outlive this bench, however it ends.
  killWithParent(child.pid);
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  await waitForPort(port, 10_000).catch((e: Error) => {
    throw new Error(`${e.message}; pmbmpd: ${stderr}`);
  });
  const pid = child.pid!;
  return {
    name: 'pmbmpd',
    pid,
    port,
    async done(_routes, lastByte) {
      let cpu = usage(pid).cpu;
      let moved = performance.now();
      for (;;) {
        await sleep(POLL_MS);
        tooLate(lastByte, 'pmbmpd');
        const now = performance.now();
        const c = usage(pid).cpu;
        if (c !== cpu) {
          cpu = c;
          moved = now;
        } else if (now > lastByte && now - Math.max(moved, lastByte) >= PMBMPD_IDLE_MS) return Math.max(moved, lastByte);
      }
    },
    async verify(routes) {
      // Its first dump of the table comes 60 s after start (bmp_dump_refresh_time's minimum).
      for (let i = 0; i < 150; i++) {
        const file = readdirSync(dir).find((f) => f.startsWith('dump-'));
        if (file !== undefined) {
          // Read line by line: a full table's dump is about 400 MB of JSON.
          let kept = 0;
          let closed = false;
          for await (const line of createInterface({ input: createReadStream(join(dir, file)) })) {
            if (line.includes('"ip_prefix"')) kept++;
            else if (line.includes('"dump_close"')) closed = true;
          }
          if (closed) return kept === routes ? null : `pmbmpd's dump holds ${fmt(kept)} routes, ${fmt(routes)} sent`;
        }
        await sleep(1000);
      }
      return 'no pmbmpd table dump within 150 s';
    },
    // pmbmpd ignores SIGTERM (shared/lab/README.md); SIGINT stops it.
    stop: () => stopProcess(child, 'SIGINT', 5000),
  };
}

async function startSmoketrace(dir: string, uri: string): Promise<Collector> {
  const d = await startDaemon({ config: join(ROOT, 'config/smoketrace.example.yaml'), uri, dir });
  return {
    name: 'smoketrace',
    pid: d.pid,
    port: d.bmpPort!,
    done: (routes, lastByte) => d.waitForRoutes(routes, { sinceMs: lastByte, withinMs: DONE_WITHIN_MS, pollMs: POLL_MS }),
    // The daemon drains its storage backlog on SIGTERM; the bench does not wait for it.
    stop: () => d.stop(),
  };
}

async function runOnce(c: Collector, table: BmpTable, verify: boolean): Promise<Result> {
  const socket = connect(c.port, '127.0.0.1');
  await new Promise<void>((r, j) => (socket.once('connect', () => r()), socket.once('error', j)));
  await sleep(500); // the collector settles after accepting
  const before = usage(c.pid);
  const t0 = performance.now();
  const lastByte = await sendStream(socket, table.stream);
  const tDone = await c.done(table.routes, lastByte);
  const after = usage(c.pid);
  if (verify && c.verify) {
    const problem = await c.verify(table.routes);
    console.log(`    ${c.name}: ${problem ?? `its table dump holds all ${fmt(table.routes)} routes`}`);
  }
  socket.destroy();
  const seconds = (tDone - t0) / 1000;
  const cpu = after.cpu - before.cpu;
  return {
    perSecond: table.routes / seconds,
    cpuSeconds: cpu,
    perCpuSecond: table.routes / cpu,
    rssPerRoute: (after.rss - before.rss) / table.routes,
    afterLastByte: (tDone - lastByte) / 1000,
  };
}

async function main(): Promise<void> {
  const scale = scaleArg(process.argv, 0.25);
  const mode = process.argv[3] ?? 'per-update';
  const rounds = Number(process.argv[4] ?? 2);
  const verify = process.env.VERIFY === '1';
  if (mode !== 'per-update' && mode !== 'packed') throw new Error(`mode must be per-update or packed, got ${mode}`);
  if (spawnSync('pmbmpd', ['-V']).error) {
    console.log('vs-pmbmpd: pmbmpd is not installed (Debian: apt install pmacct); skipped');
    return;
  }
  const version = /pmbmpd [^\s]+/.exec(spawnSync('pmbmpd', ['-V']).stdout.toString())?.[0] ?? 'pmbmpd';
  const { ipv4, ipv6 } = fullTableAt(scale);
  const table = generateTable({ ipv4, ipv6, packed: mode === 'packed' });
  const uri = benchUri(DATABASE);
  console.log(
    `vs-pmbmpd: ${fmt(table.routes)} prefixes (${mode}, ${fmt(table.messages)} BMP messages, ${(table.stream.length / 2 ** 20).toFixed(1)} MiB), ` +
      `${rounds} rounds alternated; ${version}; smoketrace on ${uri.replace(/\/\/[^@]*@/, '//')}`,
  );
  const results: Record<string, Result[]> = { pmbmpd: [], smoketrace: [] };
  const client = new MongoClient(uri);
  await client.connect();
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['pmbmpd', 'smoketrace'] : ['smoketrace', 'pmbmpd'];
      for (const name of order) {
        const dir = mkdtempSync(join(tmpdir(), `vs-${name}-`));
        await client.db(DATABASE).dropDatabase();
        const c = name === 'pmbmpd' ? await startPmbmpd(dir) : await startSmoketrace(dir, uri);
        try {
          const r = await runOnce(c, table, verify && round === 0);
          results[name]!.push(r);
          console.log(
            `  round ${round + 1} ${name.padEnd(10)} ${fmt(r.perSecond)} prefixes/s (done ${r.afterLastByte.toFixed(2)} s after the last byte), ` +
              `cpu ${r.cpuSeconds.toFixed(2)} s = ${fmt(r.perCpuSecond)} prefixes/cpu-s, rss +${r.rssPerRoute.toFixed(0)} bytes/route`,
          );
        } finally {
          await c.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await client.db(DATABASE).dropDatabase().catch(() => {});
    await client.close();
  }
  const m = (name: string, f: (r: Result) => number) => median(results[name]!.map(f));
  for (const name of ['pmbmpd', 'smoketrace']) {
    console.log(
      `  ${name.padEnd(10)} median ${fmt(m(name, (r) => r.perSecond))} prefixes/s, ${fmt(m(name, (r) => r.perCpuSecond))} prefixes/cpu-s, ` +
        `rss +${m(name, (r) => r.rssPerRoute).toFixed(0)} bytes/route`,
    );
  }
  console.log(
    `  smoketrace / pmbmpd: ${(m('smoketrace', (r) => r.perSecond) / m('pmbmpd', (r) => r.perSecond)).toFixed(2)}x wall, ` +
      `${(m('smoketrace', (r) => r.perCpuSecond) / m('pmbmpd', (r) => r.perCpuSecond)).toFixed(2)}x per cpu-second`,
  );
}

await main();
