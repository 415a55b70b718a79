/**
 * ProbeScheduler under a realistic load, in real time: 1,000 targets every 60 s
 * (jitter 10 %), a fake tool whose runs take a random 1-5 s, the default
 * node-cron 1 s tick, global concurrency 200 and 60 per tool (30 % of global).
 *
 *   npx tsx bench/scheduler.ts [seconds=60] [targets=1000] [global=200]
 *
 * A global limit below the mean concurrency (targets/60 × 3 s ≈ 50) shows queueing.
 *
 * Prints achieved runs/s (expected ≈ targets / 60), scheduling lag p50/p99
 * (start minus due: tick granularity up to 1 s plus queue wait), the cost of
 * one tick, and the process CPU time per minute (process.cpuUsage; it also
 * covers the fake tool's timers, so it is an upper bound for the scheduler).
 */
import { systemClock } from '../src/core/clock.js';
import { ProbeScheduler, cronTickSource, seededRandom, type RunContext, type TickSource } from '../src/probe/scheduler.js';
import type { Target } from '../src/probe/target.js';
import type { PathObservation } from '../src/probe/types.js';

const seconds = Number(process.argv[2] ?? 60);
const count = Number(process.argv[3] ?? 1000);
const global = Number(process.argv[4] ?? 200);
const perTool = Math.max(1, Math.ceil(global * 0.3));
const TOOLS = ['traceroute', 'mtr', 'tcptraceroute', 'scamper'] as const;
const METHOD = { traceroute: 'udp', mtr: 'icmp', tcptraceroute: 'tcp', scamper: 'icmp-paris' } as const;

const targets: Target[] = Array.from({ length: count }, (_, i) => {
  const tool = TOOLS[i % TOOLS.length]!;
  return {
    id: `t${i}`,
    name: `t${i}`,
    host: `192.0.2.${i % 250}`,
    tool,
    method: METHOD[tool],
    intervalSec: 60,
    timeoutSec: 30,
    probesPerHop: 3,
    maxHops: 30,
    firstTtl: 1,
    ipVersion: 'auto',
    labels: {},
    enabled: true,
    source: 'config',
  };
});

const rnd = seededRandom(1);
let concurrent = 0;
let maxConcurrent = 0;
function fakeRun(t: Target, ctx: RunContext): Promise<PathObservation> {
  concurrent++;
  maxConcurrent = Math.max(maxConcurrent, concurrent);
  const started = Date.now();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      concurrent--;
      resolve({
        target: { name: t.name, address: ctx.address },
        tool: t.tool,
        method: t.method,
        vantage: 'bench',
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        hops: [],
        reached: true,
        rtt: null,
        loss: 0,
        signature: ctx.address,
        status: 'ok',
      });
    };
    const timer = setTimeout(done, 1000 + rnd() * 4000);
    ctx.signal.addEventListener('abort', done, { once: true });
  });
}

/** The default node-cron tick, timed. */
const tickMs: number[] = [];
const cronTick = cronTickSource();
const timedTick: TickSource = {
  start(onTick) {
    cronTick.start(() => {
      const t0 = performance.now();
      onTick();
      tickMs.push(performance.now() - t0);
    });
  },
  stop: () => cronTick.stop(),
};

let observations = 0;
const sched = new ProbeScheduler({
  clock: systemClock,
  run: fakeRun,
  onObservation: () => observations++,
  concurrency: { global, perTool: { traceroute: perTool, mtr: perTool, tcptraceroute: perTool, scamper: perTool } },
  jitterPct: 10,
  random: seededRandom(2),
  tick: timedTick,
  lagWindow: 1 << 16,
  maxQueue: 5000,
});

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
};

const cpu0 = process.cpuUsage();
const wall0 = performance.now();
sched.setTargets(targets);
sched.start();
await new Promise((r) => setTimeout(r, seconds * 1000));
const before = sched.stats();
await sched.stop();
const wallS = (performance.now() - wall0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuMsPerMin = ((cpu.user + cpu.system) / 1000) * (60 / wallS);

console.log(`targets ${count} every 60 s, jitter 10 %, fake runs 1-5 s, concurrency ${global} (${perTool} per tool), ran ${wallS.toFixed(1)} s (node ${process.version})`);
console.log(`runs started ${before.runs.started}, finished ${before.runs.finished} (+${sched.stats().runs.finished - before.runs.finished} aborted at stop), observations ${observations}`);
console.log(`achieved ${(before.runs.started / seconds).toFixed(2)} runs/s (ideal ${(count / 60).toFixed(2)}), max concurrent ${maxConcurrent}`);
console.log(`skipped-still-running ${before.runs.skippedStillRunning}, dropped ${before.runs.dropped}, timed out ${before.runs.timedOut}`);
console.log(`scheduling lag p50 ${before.lagMs.p50?.toFixed(0)} ms, p99 ${before.lagMs.p99?.toFixed(0)} ms, max ${before.lagMs.max?.toFixed(0)} ms (${before.lagMs.samples} samples)`);
console.log(`tick() cost over ${tickMs.length} ticks: p50 ${pct(tickMs, 0.5).toFixed(3)} ms, p99 ${pct(tickMs, 0.99).toFixed(3)} ms, max ${pct(tickMs, 1).toFixed(3)} ms`);
console.log(`process CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms total (user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)}) = ${cpuMsPerMin.toFixed(0)} ms CPU per minute (${((cpuMsPerMin / 60_000) * 100).toFixed(2)} % of one core)`);
