/**
 * Shared measuring code for the throughput benches (bench/bmp-decode.ts, bench/exabgp-parse.ts):
 * wall and CPU time of a bounded piece of work, repeated runs reported by their median, and
 * the machine's load average before and after and the CPU time its hypervisor took away
 * (steal), since the box is a shared VM and figures move with both.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface Timing {
  /** Wall-clock seconds. */
  wall: number;
  /**
   * CPU seconds of this process (user + system, all threads: GC helpers included). On a
   * loaded machine this stays close to what one idle core would need, where `wall` does not.
   */
  cpu: number;
  /**
   * Share (0-1) of all the VM's CPU ticks during the run that the hypervisor gave to other
   * guests (the steal column of /proc/stat); null where /proc/stat is not readable. A run with
   * steal is slower on the wall clock for reasons outside this process.
   */
  steal: number | null;
}

/** The machine's CPU tick counters from /proc/stat: all ticks and steal ticks; null off Linux. */
export function cpuTicks(): { total: number; steal: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!;
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest time is
    // already counted in user and nice.
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return null;
    return { total: f.reduce((a, b) => a + b, 0), steal: f[7]! };
  } catch {
    return null;
  }
}

/** Steal share between two cpuTicks() readings (null when unknown or no tick passed). */
export function stealBetween(a: ReturnType<typeof cpuTicks>, b: ReturnType<typeof cpuTicks>): number | null {
  if (a === null || b === null || b.total <= a.total) return null;
  return (b.steal - a.steal) / (b.total - a.total);
}

export function timed<T>(fn: () => T): Timing & { result: T } {
  const k0 = cpuTicks();
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const result = fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { result, wall, cpu: (c.user + c.system) / 1e6, steal: stealBetween(k0, cpuTicks()) };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The 1, 5 and 15 minute load averages (as in /proc/loadavg), e.g. "4.97 4.83 3.71". */
export function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** 1234567.8 -> "1,234,568". */
export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export interface RunSummary {
  runs: Timing[];
  /** Median items per wall second and per CPU second. */
  perWallSecond: number;
  perCpuSecond: number;
  loadBefore: string;
  loadAfter: string;
}

/**
 * Runs `fn` `runs` times (it returns how many items it processed, which must be the same
 * each time) and summarises by the median rate.
 */
export function repeat(runs: number, fn: () => number): RunSummary & { items: number } {
  const loadBefore = load();
  const timings: Timing[] = [];
  let items = -1;
  for (let i = 0; i < runs; i++) {
    const t = timed(fn);
    if (items >= 0 && t.result !== items) throw new Error(`run ${i + 1} processed ${t.result} items, run 1 ${items}`);
    items = t.result;
    timings.push({ wall: t.wall, cpu: t.cpu, steal: t.steal });
  }
  return {
    runs: timings,
    items,
    perWallSecond: median(timings.map((t) => items / t.wall)),
    perCpuSecond: median(timings.map((t) => items / t.cpu)),
    loadBefore,
    loadAfter: load(),
  };
}

/**
 * Runs each of `fns` once per round, `runs` rounds, alternating (a, b, a, b...), so that two
 * things compared (a parser and JSON.parse alone) see the same moments of a shared machine.
 * Returns one summary per function, as repeat() would.
 */
export function alternate(runs: number, fns: ReadonlyArray<() => number>): Array<RunSummary & { items: number }> {
  const loadBefore = load();
  const timings = fns.map((): Timing[] => []);
  const items = fns.map(() => -1);
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      const t = timed(fn);
      if (items[k]! >= 0 && t.result !== items[k]) throw new Error(`run ${i + 1} processed ${t.result} items, run 1 ${items[k]}`);
      items[k] = t.result;
      timings[k]!.push({ wall: t.wall, cpu: t.cpu, steal: t.steal });
    });
  }
  const loadAfter = load();
  return fns.map((_, k) => ({
    runs: timings[k]!,
    items: items[k]!,
    perWallSecond: median(timings[k]!.map((t) => items[k]! / t.wall)),
    perCpuSecond: median(timings[k]!.map((t) => items[k]! / t.cpu)),
    loadBefore,
    loadAfter,
  }));
}

/** "; steal 3-17 %": the least and most steal of the runs, or "" where unknown. */
export function stealRange(runs: readonly Timing[]): string {
  const known = runs.map((t) => t.steal).filter((x): x is number => x !== null);
  if (known.length === 0) return '';
  const pct = (x: number): string => (x * 100).toFixed(0);
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  return `; steal ${pct(lo) === pct(hi) ? pct(lo) : `${pct(lo)}-${pct(hi)}`} %`;
}

/**
 * One line: "<label>: median 1,234 <unit>/s wall (runs: a, b, c; best b), 2,345/s CPU; load 1 -> 2; steal 3-17 %".
 * The best run is the one least disturbed by the rest of a shared machine (runs of one process
 * on the same input vary by up to half here).
 */
export function describe(label: string, unit: string, s: RunSummary & { items: number }): string {
  const rates = s.runs.map((t) => s.items / t.wall);
  const each = rates.map(fmt).join(', ');
  return (
    `${label}: median ${fmt(s.perWallSecond)} ${unit}/s wall (runs: ${each}; best ${fmt(Math.max(...rates))}), ${fmt(s.perCpuSecond)} ${unit}/CPU-s; ` +
    `loadavg ${s.loadBefore} -> ${s.loadAfter}${stealRange(s.runs)}`
  );
}

/** Positive integer argument argv[i] (or the fallback). */
export function intArg(i: number, fallback: number, argv: readonly string[] = process.argv): number {
  const raw = argv[i];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`argument ${i - 1} must be a positive integer, got ${raw}`);
  return n;
}
