/**
 * 1,000 scamper targets every 60 s, sustained, through the daemon's own code path: the
 * ProbeService (config targets, resolver, ProbeScheduler with its node-cron 1 s tick, the
 * ScamperPool of probing.scamper.mode 'pool', RIB annotation, the bus) and a real MongoStore
 * writing every observation (MONGODB_URI, default mongodb://127.0.0.1:27117/, the FerretDB of
 * the dev machine; database bench_probe_1000, dropped at the end).
 *
 *   npx tsx bench/probe-1000.ts [seconds=150] [targets=1000] [pps=500] [maxInFlight=200] [intervalSec=60] [mode=pool]
 *
 * (intervalSec below 60 is a headroom test: the same targets probed more often; mode=process
 * runs one scamper process per trace, as before the pool, for comparison: its scamper CPU is
 * then the reaped children's, cutime+cstime of /proc/self/stat.)
 *
 * Targets are 127.0.0.1, 127.0.0.2, ... (1,000 of them reach 127.0.3.232): all local, so every
 * path is ONE hop answered at the first attempt (one packet per trace, icmp-paris, 3 attempts
 * allowed). This measures the daemon's overhead per trace, not Internet paths: real paths are
 * ~15 hops and need ~15-45 packets per trace within the same pps budget.
 *
 * The first runs are spread over the first interval (as the daemon does at start), so the load
 * is steady from the start; a shorter run (e.g. 60 s) still sees every target once.
 *
 * Prints: traces/s and packets/s achieved (observations on the bus; packets = probes sent per
 * hop as the traces report them), the scheduler's lag p50/p99/max (stats().lagMs), the daemon
 * process CPU (process.cpuUsage per wall second, % of one core; includes the MongoDB driver
 * and this script's counting) in 30 s windows and overall, scamper's CPU (/proc/PID/stat
 * utime+stime), observations stored, and /proc/loadavg before and after: the 2 cores are
 * shared with other work, so the figures move with the load.
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { parseConfig } from '../src/config/load.js';
import { EventBus } from '../src/core/bus.js';
import { systemClock } from '../src/core/clock.js';
import type { SmokeTraceEvents } from '../src/core/events.js';
import { Telemetry } from '../src/core/telemetry.js';
import { ProbeService } from '../src/probe/service.js';
import { MongoStore } from '../src/storage/mongo/store.js';
import { benchUri } from './storage-insert.js';

const seconds = Number(process.argv[2] ?? 150);
const count = Number(process.argv[3] ?? 1000);
const pps = Number(process.argv[4] ?? 500);
const maxInFlight = Number(process.argv[5] ?? 200);
const intervalSec = Number(process.argv[6] ?? 60);
const mode = process.argv[7] === 'process' ? 'process' : 'pool';
const DB = 'bench_probe_1000';
const WINDOW_S = 30;

const loopback = (i: number): string => `127.${(i + 1) >> 16}.${((i + 1) >> 8) & 255}.${(i + 1) & 255}`;
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').trim();
const CLK_TCK = 100; // getconf CLK_TCK on Linux x86_64

/** utime + stime of a process in seconds (or, with children, cutime + cstime: its reaped children's), null when it is gone. */
function procCpuSec(pid: number | 'self' | null, children = false): number | null {
  if (pid === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 of proc(5) (utime, stime, cutime, cstime); fields[0] here is field 3 (state).
    const at = children ? 13 : 11;
    return (Number(fields[at]) + Number(fields[at + 1])) / CLK_TCK;
  } catch {
    return null;
  }
}

const pct = (cpuSec: number, wallSec: number): string => `${((100 * cpuSec) / wallSec).toFixed(1)} %`;

async function main(): Promise<void> {
  const log = pino({ level: 'warn' });
  const config = parseConfig(
    {
      storage: { uri: benchUri(DB) },
      probing: {
        scamper: { mode, pps, maxInFlight },
        addressPolicy: { allowPrivate: true },
        targets: Array.from({ length: count }, (_, i) => ({
          id: `lo${i}`,
          name: `lo${i}`,
          host: loopback(i),
          tool: 'scamper',
          method: 'icmp-paris',
          intervalSec,
          timeoutSec: Math.min(30, intervalSec),
          probesPerHop: 3,
          maxHops: 30,
        })),
      },
    },
    'bench',
    {},
  );
  const storage = new MongoStore({ config: config.storage, log, clock: systemClock });
  await storage.start();
  const bus = new EventBus<SmokeTraceEvents>();
  const prober = new ProbeService({
    config: config.probing,
    vantage: 'bench',
    storage,
    rib: { covering: () => null, originAsn: () => null },
    bus,
    telemetry: new Telemetry(),
    log,
    clock: systemClock,
  });

  const seen = { ok: 0, failed: 0, packets: 0, reached: 0, codes: {} as Record<string, number> };
  bus.on('observation', 'bench', (o) => {
    if (o.status === 'ok') seen.ok++;
    else {
      seen.failed++;
      const c = o.error?.code ?? '?';
      seen.codes[c] = (seen.codes[c] ?? 0) + 1;
    }
    if (o.reached) seen.reached++;
    for (const h of o.hops) seen.packets += h.sent;
  });

  console.log(`probe-1000: ${count} scamper targets (${loopback(0)} .. ${loopback(count - 1)}, one hop each) every ${intervalSec} s for ${seconds} s; mode ${mode}, pps ${pps}, maxInFlight ${maxInFlight}`);
  console.log(`loadavg before: ${loadavg()}`);
  await prober.start();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const childCpu0 = procCpuSec('self', true) ?? 0;
  let scamperPid: number | null = null;
  let scamperCpu0: number | null = null;
  let win = { t: t0, cpu: cpu0, obs: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const c = process.cpuUsage(win.cpu);
    const obs = seen.ok + seen.failed;
    const wall = (now - win.t) / 1000;
    const lag = prober.scheduler.stats().lagMs;
    console.log(
      `  t=${((now - t0) / 1000).toFixed(0)} s: ${((obs - win.obs) / wall).toFixed(1)} traces/s, daemon CPU ${pct((c.user + c.system) / 1e6, wall)}, lag p99 ${lag.p99?.toFixed(0)} ms, loadavg ${loadavg()}`,
    );
    win = { t: now, cpu: process.cpuUsage(), obs };
  }, WINDOW_S * 1000);
  // scamper starts with the first trace; read its CPU from then on.
  const pidTimer = setInterval(() => {
    if (scamperPid === null && prober.scamperPool?.pid) {
      scamperPid = prober.scamperPool.pid;
      scamperCpu0 = procCpuSec(scamperPid);
    }
  }, 200);

  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(timer);
  clearInterval(pidTimer);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const scamperCpu1 = procCpuSec(scamperPid);
  const childCpu = (procCpuSec('self', true) ?? 0) - childCpu0;
  const stats = prober.scheduler.stats();
  const pool = prober.scamperPool?.stats();
  const loadAfter = loadavg();
  await prober.stop();
  await storage.flush();
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(benchUri(DB));
  await client.connect();
  const stored = await client.db(DB).collection('observations').countDocuments({});
  await client.db(DB).dropDatabase();
  await client.close();
  await storage.stop();

  const traces = seen.ok + seen.failed;
  console.log(`\nwall ${wall.toFixed(1)} s`);
  console.log(`traces: ${traces} (${(traces / wall).toFixed(2)}/s; target rate ${(count / intervalSec).toFixed(2)}/s), ok ${seen.ok}, reached ${seen.reached}, failed ${seen.failed} ${JSON.stringify(seen.codes)}`);
  console.log(`packets: ${seen.packets} (${(seen.packets / wall).toFixed(2)}/s; budget ${pps}/s)`);
  console.log(`scheduler: started ${stats.runs.started}, finished ${stats.runs.finished}, timedOut ${stats.runs.timedOut}, skippedStillRunning ${stats.runs.skippedStillRunning}, dropped ${stats.runs.dropped}, queued now ${stats.queued}`);
  console.log(`lag (start - due, last ${stats.lagMs.samples} runs): p50 ${stats.lagMs.p50?.toFixed(1)} ms, p99 ${stats.lagMs.p99?.toFixed(1)} ms, max ${stats.lagMs.max?.toFixed(1)} ms`);
  console.log(`daemon CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s = ${pct((cpu.user + cpu.system) / 1e6, wall)} of one core (user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s)`);
  if (scamperCpu0 !== null && scamperCpu1 !== null) {
    console.log(`scamper CPU (pid ${scamperPid}): ${(scamperCpu1 - scamperCpu0).toFixed(2)} s = ${pct(scamperCpu1 - scamperCpu0, wall)} of one core`);
  } else if (mode === 'pool') console.log(`scamper CPU: not read (pid ${scamperPid}, restarted or gone)`);
  if (mode === 'process') console.log(`scamper processes' CPU (reaped children): ${childCpu.toFixed(2)} s = ${pct(childCpu, wall)} of one core`);
  console.log(`pool: ${JSON.stringify(pool)}`);
  console.log(`observations stored: ${stored}`);
  console.log(`loadavg after: ${loadAfter}`);
}

await main();
