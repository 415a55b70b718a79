/**
 * Runs every benchmark (bench/*.ts but this file; bench/lib/ holds shared code) one after the
 * other, each in its own `node --expose-gc --import tsx` process, at a small scale, and prints
 * their output.
 *
 *   npm run bench [-- scale=0.01 [name ...]]
 *   node --import tsx bench/run.ts 0.002 rib-memory ingest-e2e
 *
 *   scale  1 = full size (1,000,000 IPv4 + 200,000 IPv6 prefixes for the BGP benches); also env
 *          BENCH_SCALE. The default 0.01 keeps the whole run to a few minutes on a shared box.
 *   name   only the benches whose file name (without .ts) is listed
 *
 * Benches that need MongoDB (storage-insert, ingest-e2e, ingest-ab, correlate-latency, vs-pmbmpd, exabgp-e2e, router-down) get MONGODB_URI,
 * mongodb://127.0.0.1:27117/ (the dev FerretDB) when it is not set. Exit status: non-zero
 * when a bench failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaleArg } from './lib/gen-table.js';
import { DEFAULT_URI } from './storage-insert.js';

const here = dirname(fileURLToPath(import.meta.url));
const round = (n: number, min: number) => String(Math.max(min, Math.round(n)));

/**
 * The arguments of each bench at a given scale (see the comment at the top of each file).
 * A bench not listed here is given the scale as its only argument.
 */
export const ARGS: Record<string, (scale: number) => string[]> = {
  'bmp-abuse': (s) => ['3', round(10_000 * s, 50)],
  'bmp-decode': (s) => [String(s)],
  // This checkout against itself: the spread of the pairs is the machine's noise.
  'bmp-decode-ab': (s) => [join(here, '..'), join(here, '..'), round(60_000 * s, 64), '2', String(s)],
  'ingest-ab': (s) => [join(here, '..'), join(here, '..'), String(s), '2'],
  'correlate-latency': (s) => [String(s), round(10_000 * s, 100), round(300 * s, 30)],
  'exabgp-parse': (s) => [round(200_000 * s, 1000)],
  'exabgp-e2e': (s) => [round(300_000 * s, 1000)],
  'rib-memory': (s) => [round(1_000_000 * s, 1000), round(200_000 * s, 200)],
  scheduler: (s) => [round(60 * s, 5), round(1000 * s, 50)],
  judge: () => [],
  'probe-parsers': () => [],
  'storage-insert': (s) => [String(s)],
  'ingest-e2e': (s) => [String(s)],
  'vs-pmbmpd': (s) => [String(s), 'per-update', '1'],
  'router-down': (s) => [String(s)],
};

/** Benchmark names (file names without .ts) in bench/, sorted; run.ts itself excluded. */
export function benchNames(dir = here): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== 'run.ts')
    .map((e) => e.name.slice(0, -3))
    .sort();
}

export function benchArgs(name: string, scale: number): string[] {
  return (ARGS[name] ?? ((s: number) => [String(s)]))(scale);
}

function loadavg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    return 'n/a';
  }
}

function main(): number {
  const scale = scaleArg(process.argv, 0.01);
  const only = process.argv.slice(3);
  const all = benchNames();
  const unknown = only.filter((n) => !all.includes(n));
  if (unknown.length) {
    console.error(`unknown bench(es): ${unknown.join(', ')}; known: ${all.join(', ')}`);
    return 2;
  }
  const names = only.length ? all.filter((n) => only.includes(n)) : all;
  console.log(`bench: ${names.length} benchmarks at scale ${scale}; loadavg ${loadavg()}`);
  const results: Array<{ name: string; status: string; seconds: number }> = [];
  for (const name of names) {
    const args = benchArgs(name, scale);
    console.log(`\n=== ${name} ${args.join(' ')}`);
    const t = performance.now();
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, `${name}.ts`), ...args], {
      cwd: join(here, '..'),
      stdio: 'inherit',
      timeout: 30 * 60_000,
      env: { ...process.env, MONGODB_URI: process.env.MONGODB_URI ?? DEFAULT_URI },
    });
    const status = r.error ? `error: ${r.error.message}` : r.status === 0 ? 'ok' : r.signal ? `killed (${r.signal})` : `exit ${r.status}`;
    results.push({ name, status, seconds: (performance.now() - t) / 1000 });
  }
  console.log(`\nbench summary (loadavg ${loadavg()}):`);
  for (const r of results) console.log(`  ${r.name.padEnd(16)} ${r.status.padEnd(10)} ${r.seconds.toFixed(1)} s`);
  return results.every((r) => r.status === 'ok') ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main();
