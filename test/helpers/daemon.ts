import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { killWithParent } from './processes.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface RunningDaemon {
  child: ChildProcess;
  url: string | null;
  logs: Array<Record<string, unknown>>;
  stderr: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line matching, or rejects after ms. */
  waitForLog(pred: (l: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

/**
 * Runs `smoketrace` from source as a child process (node + tsx, no build
 * needed), collecting its JSON log lines. `nodeArgs`: flags for node itself
 * (benches: e.g. --cpu-prof).
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { stdin?: 'pipe' | 'ignore'; nodeArgs?: readonly string[] } = {},
): RunningDaemon {
  // A data directory of its own unless the caller gives one; removed when the process exits.
  const dataDir = env['SMOKETRACE_DATA_DIR'] === undefined ? mkdtempSync(join(tmpdir(), 'st-daemon-')) : null;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...(dataDir === null ? {} : { SMOKETRACE_DATA_DIR: dataDir }), SMOKETRACE_HTTP_PORT: '0', SMOKETRACE_BMP_PORT: '0', SMOKETRACE_EXABGP_PORT: '0', ...env },
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  killWithParent(child.pid);
  if (dataDir !== null) child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const d: RunningDaemon = {
    child,
    url: null,
    logs: [],
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    waitForLog: (pred, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const found = d.logs.find(pred);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`log line not seen in ${ms} ms; stderr: ${d.stderr}`)), ms);
        const onLine = (l: Record<string, unknown>) => {
          if (pred(l)) {
            clearTimeout(timer);
            listeners.delete(onLine);
            resolve(l);
          }
        };
        listeners.add(onLine);
        void d.exited.then(() => {
          clearTimeout(timer);
          if (listeners.delete(onLine)) reject(new Error(`daemon exited before the log line; stderr: ${d.stderr}`));
        });
      }),
  };
  const listeners = new Set<(l: Record<string, unknown>) => void>();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let l: Record<string, unknown>;
    try {
      l = JSON.parse(line) as Record<string, unknown>;
    } catch {
      l = { msg: line, nonJson: true };
    }
    if (l.msg === 'http listening' && typeof l.url === 'string') d.url = l.url;
    d.logs.push(l);
    for (const fn of [...listeners]) fn(l);
  });
  child.stderr!.on('data', (b: Buffer) => (d.stderr += b.toString()));
  return d;
}

/** Runs `smoketrace ARGS` to its end: exit code, the whole stdout (pretty-printed JSON spans lines) and stderr. */
export async function cliOutput(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const d = runCli(args, env);
  let stdout = '';
  d.child.stdout!.removeAllListeners('data');
  d.child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  const exit = await d.exited;
  return { code: exit.code, stdout, stderr: d.stderr };
}
