/**
 * The network lab from TypeScript: a thin driver of test/lab/lab.sh (network
 * namespaces, FRR/BIRD routers, ExaBGP and gobgpd collectors, a real SmokeTrace
 * daemon in the probe namespace). Every command goes through execa with an
 * argument array; the daemon's API is reached over the lab's unix-socket
 * bridge (run/http.sock), since the daemon listens inside the probe namespace.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

export const LAB_SCRIPT = new URL('./lab.sh', import.meta.url).pathname;
/** Namespaces of one lab are `${LAB_PREFIX}-<id>-<role>`. */
export const LAB_PREFIX = 'st-lab';

/** The recipe's addressing (see README.md here). */
export const LAB_ADDR = {
  target4: '10.99.100.10',
  targetPrefix4: '10.99.100.0/24',
  unrelatedPrefix4: '10.99.200.0/24',
  r1: '10.99.1.1',
  r2ViaR1: '10.99.12.2',
  r3ViaR1: '10.99.13.3',
  r4ViaR3: '10.99.34.4',
  r2ViaR4: '10.99.24.2',
} as const;
export const SHORT_PATH = [LAB_ADDR.r1, LAB_ADDR.r2ViaR1, LAB_ADDR.target4];
export const LONG_PATH = [LAB_ADDR.r1, LAB_ADDR.r3ViaR1, LAB_ADDR.r4ViaR3, LAB_ADDR.r2ViaR4, LAB_ADDR.target4];

export type FlipTo = 'long' | 'short' | 'cut' | 'restore';
/** `rA-rB`: packets forwarded by rA out of its interface towards rB (also probe-r1, r2-tgt). */
export type LinkName = `${'probe' | 'r1' | 'r2' | 'r3' | 'r4'}-${'r1' | 'r2' | 'r3' | 'r4' | 'tgt'}`;

export interface ApiResponse<T> {
  status: number;
  body: T;
}

/** Throws a clear message when this machine cannot host the lab (never a silent skip). */
export async function labPreflight(): Promise<void> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('the network lab needs root (network namespaces, veth, iptables): run `npm run test:lab` as root');
  }
  const r = await execa('ip', ['netns', 'list'], { reject: false });
  if (r.exitCode !== 0) throw new Error(`'ip netns' does not work on this machine (iproute2 with netns support needed): ${r.stderr || r.message}`);
}

/** Runs lab.sh with arguments, for lab `id` (or none: the script's own default). */
export async function labScript(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await execa(LAB_SCRIPT, args, { env, reject: false, all: true, timeout: 180_000 });
  if (r.exitCode !== 0) throw new Error(`lab.sh ${args.join(' ')} failed (exit ${String(r.exitCode)}):\n${r.all ?? ''}`);
  return r.stdout;
}

/** Removes labs left by crashed runs (their owner process is gone); `all` removes every lab. */
export async function cleanupStaleLabs(all = false): Promise<string> {
  const r = await execa(LAB_SCRIPT, ['cleanup-stale', ...(all ? ['--all'] : [])], { reject: false, all: true, timeout: 120_000 });
  if (r.exitCode !== 0) throw new Error(`lab.sh cleanup-stale failed:\n${r.all ?? ''}`);
  return r.all ?? '';
}

/** Namespaces whose name starts with `${LAB_PREFIX}-<id>-`. */
export async function labNamespaces(id: string): Promise<string[]> {
  const r = await execa('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${LAB_PREFIX}-${id}-`));
}

/**
 * Live (not zombie) processes whose command line names this lab's state directory: after
 * `down` there must be none. Every daemon the lab starts gets a config or socket path there.
 */
export function labProcesses(id: string): string[] {
  const needle = `/tmp/${LAB_PREFIX}-${id}/`;
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmd.includes(needle)) continue;
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);
      if (state !== 'Z' && state !== 'X') out.push(`${pid} ${cmd.trim()}`);
    } catch {
      /* the process ended while we looked */
    }
  }
  return out;
}

export class Lab {
  readonly dir: string;
  readonly runDir: string;
  private readonly token: string;

  private constructor(readonly id: string) {
    this.dir = `/tmp/${LAB_PREFIX}-${id}`;
    this.runDir = join(this.dir, 'run');
    this.token = readFileSync(join(this.runDir, 'api-token'), 'utf8').trim();
  }

  /** A lab that is already up (e.g. started by `lab.sh up`). */
  static attach(id: string): Lab {
    return new Lab(id);
  }

  /** Builds a lab from scratch (namespaces, routers, FerretDB, daemon) and waits for BGP to converge. */
  static async up(opts: { id?: string; ownerPid?: number } = {}): Promise<Lab> {
    const id = opts.id ?? randomBytes(3).toString('hex');
    try {
      await labScript(['up'], { LAB_ID: id, ...(opts.ownerPid ? { LAB_OWNER_PID: String(opts.ownerPid) } : {}) });
    } catch (err) {
      // A half-built lab is removed at once, then the reason is reported.
      await labScript(['down'], { LAB_ID: id }).catch(() => {});
      throw err;
    }
    return new Lab(id);
  }

  /** Stops every process of this lab and deletes its namespaces and state directory. */
  down(): Promise<string> {
    return this.sh('down');
  }

  sh(...args: string[]): Promise<string> {
    return labScript(args, { LAB_ID: this.id });
  }

  /** Stops the daemon (SIGTERM) and starts it again; routers, ExaBGP and its bridge stay up. */
  restartDaemon(): Promise<string> {
    return this.sh('restart-daemon');
  }

  /**
   * The routes r1 (FRR) holds from one neighbor before its inbound policy (its Adj-RIB-In, kept by
   * `soft-reconfiguration inbound`), IPv4 and IPv6 unicast together: what a BMP pre-policy table sync sends.
   */
  async r1ReceivedRoutes(neighbor: string): Promise<number> {
    let n = 0;
    for (const afi of ['ipv4', 'ipv6']) {
      const out = await this.sh('vtysh', '-c', `show bgp ${afi} unicast neighbors ${neighbor} received-routes json`);
      const j = JSON.parse(out) as { totalPrefixCounter?: number; warning?: string };
      if (j.totalPrefixCounter === undefined && j.warning === undefined) throw new Error(`vtysh: no prefix count for ${neighbor} ${afi}: ${out}`);
      n += j.totalPrefixCounter ?? 0;
    }
    return n;
  }

  flip(to: FlipTo): Promise<string> {
    return this.sh('flip', to);
  }
  target(state: 'down' | 'up'): Promise<string> {
    return this.sh('target', state);
  }
  degrade(link: LinkName, delayMs: number, lossPct = 0): Promise<string> {
    return this.sh('degrade', link, String(delayMs), String(lossPct));
  }
  clearDegrade(link?: LinkName): Promise<string> {
    return link ? this.sh('degrade', link, 'clear') : this.sh('degrade', 'clear');
  }
  loss(link: LinkName, pct: number | 'clear'): Promise<string> {
    return this.sh('loss', link, String(pct));
  }
  ratelimit(on: boolean, router: 'r1' | 'r2' | 'r3' | 'r4' = 'r2'): Promise<string> {
    return this.sh('ratelimit', on ? 'on' : 'off', router);
  }
  ecmp(on: boolean): Promise<string> {
    return this.sh('ecmp', on ? 'on' : 'off');
  }
  unrelated(action: 'announce' | 'withdraw'): Promise<string> {
    return this.sh('unrelated', action);
  }

  /** The daemon's JSON log so far (for failure messages). */
  daemonLog(lastLines = 30): string {
    try {
      return readFileSync(join(this.runDir, 'log', 'daemon.log'), 'utf8').trimEnd().split('\n').slice(-lastLines).join('\n');
    } catch {
      return '(no daemon log)';
    }
  }

  /** One HTTP request to the daemon's API through run/http.sock, with the lab's bearer token. */
  api<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: join(this.runDir, 'http.sock'),
          path,
          method,
          headers: {
            host: 'lab',
            authorization: `Bearer ${this.token}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
          timeout: 120_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              /* not JSON: keep the text */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 120 s`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Like api(), but a non-2xx answer is an error naming the path and status. */
  async apiOk<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const r = await this.api<T>(method, path, body);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}
