/**
 * The daemon as the benches that feed it over a socket run it (bench/vs-pmbmpd.ts,
 * bench/exabgp-e2e.ts): `smoketrace start` from source in its own process (test/helpers/daemon.ts
 * runCli), its listening ports read from its log, its CPU and memory read from /proc, its RIB
 * counted through the API.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../test/helpers/daemon.js';

const CLOCK_TICK = 100; // USER_HZ: /proc/PID/stat times are in 1/100 s

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system, all threads) and RSS bytes of a process. */
export function usage(pid: number): { cpu: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpu: (Number(f[11]) + Number(f[12])) / CLOCK_TICK, rss: Number(rss?.[1] ?? 0) * 1024 };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Sends the signal, then SIGKILL if the process has not ended within ms. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, ms: number): Promise<void> {
  child.kill(signal);
  const ended = await Promise.race([exited(child).then(() => true), sleep(ms).then(() => false)]);
  if (!ended) {
    child.kill('SIGKILL');
    await exited(child);
  }
}

export interface BenchDaemon {
  pid: number;
  /** The HTTP API's base URL. */
  url: string;
  /** The BMP station's and the ExaBGP feed's TCP ports (null: not enabled). */
  bmpPort: number | null;
  exabgpPort: number | null;
  /** Routes in the RIB, all routers and peers (GET /api/peers). */
  routesInRib(): Promise<number>;
  /**
   * Asks routesInRib every `pollMs` until it counts `routes`; resolves with performance.now() then.
   * Fails once `withinMs` have passed since `sinceMs` (a performance.now() time, e.g. the last byte sent).
   */
  waitForRoutes(routes: number, opts: { sinceMs: number; withinMs: number; pollMs: number }): Promise<number>;
  /**
   * SIGTERM (the daemon drains its storage backlog; not waited for past 10 s), then SIGKILL;
   * the data directory removed when startDaemon made it.
   */
  stop(): Promise<void>;
}

/**
 * Starts `smoketrace start --config CONFIG` on MongoDB `uri` with its data under `dir` (a new
 * temporary directory when not given), every port chosen by the system, node given `nodeArgs`
 * (default: BENCH_DAEMON_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"); resolves once it has
 * logged that it started and answered a few /api/health requests (this process's HTTP client
 * warmed up: its first requests cost it more than the daemon, which a bench timing the API
 * would count).
 */
export async function startDaemon(opts: { config: string; uri: string; dir?: string; nodeArgs?: readonly string[] }): Promise<BenchDaemon> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'bench-daemon-'));
  const nodeArgs = opts.nodeArgs ?? process.env.BENCH_DAEMON_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const d = runCli(['start', '--config', opts.config], { MONGODB_URI: opts.uri, SMOKETRACE_DATA_DIR: dir, SMOKETRACE_LOG_LEVEL: 'info' }, { nodeArgs });
  try {
    await d.waitForLog((l) => l.msg === 'smoketrace started', 60_000);
  } catch (e) {
    d.child.kill('SIGKILL');
    if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const logged = (msg: string) => d.logs.find((l) => l.msg === msg);
  const bmp = logged('bmp station listening') as { address?: { port?: number } } | undefined;
  const exabgp = logged('exabgp feed listening') as { addresses?: string[] } | undefined;
  const tcp = exabgp?.addresses?.map((a) => /^tcp:\/\/.*:(\d+)$/.exec(a)).find((m) => m !== null);
  const url = d.url!;
  const routesInRib = async () => {
    const body = (await (await fetch(`${url}/api/peers`)).json()) as { routers: Array<{ peers: Array<{ routes: number }> }> };
    return body.routers.reduce((n, r) => n + r.peers.reduce((m, p) => m + p.routes, 0), 0);
  };
  for (let k = 0; k < 5; k++) await (await fetch(`${url}/api/health`)).json();
  return {
    pid: d.child.pid!,
    url,
    bmpPort: bmp?.address?.port ?? null,
    exabgpPort: tcp ? Number(tcp[1]) : null,
    routesInRib,
    async waitForRoutes(routes, { sinceMs, withinMs, pollMs }) {
      for (;;) {
        if ((await routesInRib()) >= routes) return performance.now();
        if (performance.now() - sinceMs > withinMs) throw new Error(`the RIB does not hold ${routes} routes ${withinMs / 1000} s after the last byte`);
        await sleep(pollMs);
      }
    },
    async stop() {
      await stopProcess(d.child, 'SIGTERM', 10_000);
      if (opts.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
