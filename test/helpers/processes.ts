import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';

/** Fails clearly (never skips) when a real tool the test needs is missing. */
export function requireTool(bin: string, debianPackage: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  if (!path) throw new Error(`${bin} is not installed: apt-get install ${debianPackage}`);
  return path;
}

/** A TCP connection to 127.0.0.1:port, once connected. */
export function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** True while a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A detached watchdog that SIGKILLs `childPid` once this test process is gone:
 * afterAll hooks do not run when a worker is killed mid-run (Ctrl-C, a CI
 * timeout), and a real gobgpd or exabgp must not outlive the test that
 * started it. It polls both pids twice a second and exits with the child.
 */
export function killWithParent(childPid: number | undefined): void {
  if (childPid === undefined) return;
  const script = `const [p, c] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(c)) process.exit(0);
  if (!alive(p)) { try { process.kill(c, 'SIGKILL'); } catch {} process.exit(0); }
}, 500);`;
  spawn(process.execPath, ['-e', script, String(process.pid), String(childPid)], { detached: true, stdio: 'ignore' }).unref();
}

/** A child process whose output is kept for failure messages, killed at cleanup (or by its watchdog). */
export class Proc {
  readonly child: ChildProcess;
  output = '';
  constructor(cmd: string, args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
    this.child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    killWithParent(this.child.pid);
    this.child.stdout!.on('data', (b: Buffer) => (this.output += b.toString()));
    this.child.stderr!.on('data', (b: Buffer) => (this.output += b.toString()));
  }
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 30_000,
  pollMs = 200,
): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** waitFor for in-process conditions: polls every 20 ms (a wait, not a timed assertion). */
export async function until(cond: () => boolean | Promise<boolean>, ms = 15_000, what = 'a condition'): Promise<void> {
  await waitFor(what, cond, ms, 20);
}
