/**
 * ScamperPool: ONE long-running scamper (`scamper -U SOCKET -p PPS`) that runs
 * many traces in parallel within its packets-per-second budget, driven over
 * its control socket in attach mode with JSON results (protocol notes in
 * scamper/control.ts). Replaces one process per trace for large target sets.
 *
 * trace() never throws: it resolves to a PathObservation parsed by the
 * scamper JSON parser, or to a failed one with error.code
 *   BAD_REQUEST   failed validation (nothing sent)
 *   TIMEOUT       no result within timeoutMs (the trace is halted in scamper)
 *   CANCELLED     the caller's AbortSignal fired, or the pool stopped
 *   SCAMPER_DIED  scamper exited or the socket closed with the trace in flight
 *   TOOL_MISSING  the scamper binary could not be started
 *   TOOL_FAILED   scamper refused the command (its ERR line)
 *   PARSE_ERROR   the result did not parse
 *
 * At most maxInFlight traces are in scamper at once (sent and not answered;
 * a timed-out trace counts until its halt is confirmed); more wait here, in
 * FIFO order, their timeout running. If scamper dies, the requests in flight
 * fail (counted as lostOnDeath), waiting ones stay queued, and scamper is
 * restarted after a backoff (restart.minMs doubling up to restart.maxMs,
 * back to minMs once a restarted scamper returns a result).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isParseError } from './parsers/errors.js';
import { parseScamperJson } from './parsers/scamper-json.js';
import { ControlFramingError, ControlReader, dataHeader, type ControlMessage } from './scamper/control.js';
import { MAX_USERID, traceCommandLine, type ScamperTraceRequest } from './scamper/command.js';
import { SCAMPER_GLOBAL_OPTIONS } from './tools/args.js';
import { RequestError, type ProbeRequest } from './tools/request.js';
import { failedObservation } from './tools/run.js';
import type { PathObservation } from './types.js';

export type { ScamperTraceRequest, ScamperPoolMethod } from './scamper/command.js';
export { POOL_METHODS } from './scamper/command.js';

export interface ScamperPoolLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ScamperPoolOptions {
  /** scamper -p: packets per second for all traces together (1..10000). */
  pps: number;
  /** Traces in scamper at once; more wait in the pool. */
  maxInFlight: number;
  binary?: string;
  vantage?: string;
  now?: () => number;
  restart?: { minMs: number; maxMs: number };
  /** How long a starting scamper may take to open its socket. Default 5 s. */
  startTimeoutMs?: number;
  log?: ScamperPoolLogger;
}

export interface ScamperTraceOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export type PoolState = 'idle' | 'starting' | 'ready' | 'down' | 'stopped';

export interface ScamperPoolStats {
  state: PoolState;
  pid: number | null;
  inFlight: number;
  waiting: number;
  requested: number;
  sent: number;
  ok: number;
  /** Settled requests by failure code. */
  failed: Record<string, number>;
  /** Scamper processes started (the first one included). */
  starts: number;
  /** Scamper exits or socket losses while it was meant to run. */
  deaths: number;
  /** Requests in flight when scamper died. */
  lostOnDeath: number;
  /** Halts sent for timed-out or cancelled traces. */
  halted: number;
  /** Results that came after their request had settled (timed out or cancelled). */
  late: number;
  /** Results naming no request of ours. */
  unmatched: number;
  /** MORE lines received (scamper asking for work). */
  more: number;
  lastError: string | null;
}

interface Pending {
  userid: number;
  req: ScamperTraceRequest;
  line: string;
  submittedMs: number;
  sentMs: number | null;
  /** scamper's task id (OK id-N), to halt it. */
  taskId: number | null;
  settled: boolean;
  /** Settled before its task id was known: halt it when the OK comes. */
  haltOnOk: boolean;
  resolve: (obs: PathObservation) => void;
  cleanup: () => void;
}

type Expect = { kind: 'attach' } | { kind: 'trace'; p: Pending } | { kind: 'halt' };

const STDERR_TAIL = 400;
/** How long a lost socket waits for scamper's exit status before scamper is declared down anyway. */
const EXIT_GRACE_MS = 300;

export class ScamperPool {
  private state: PoolState = 'idle';
  private child: ChildProcess | null = null;
  private socket: Socket | null = null;
  private reader = new ControlReader();
  private expect: Expect[] = [];
  private readonly waiting: Pending[] = [];
  /** Sent to scamper and not answered by a result (settled or not). */
  private readonly outstanding = new Map<number, Pending>();
  private nextUserid = 1;
  private dir: string | null = null;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private backoffMs: number;
  private missing: string | null = null;
  private stderrTail = '';
  private startPromise: Promise<void> | null = null;
  private generation = 0;
  private readonly now: () => number;
  private readonly counts = { requested: 0, sent: 0, ok: 0, starts: 0, deaths: 0, lostOnDeath: 0, halted: 0, late: 0, unmatched: 0, more: 0 };
  private readonly failedBy: Record<string, number> = {};
  private lastError: string | null = null;

  constructor(private readonly opts: ScamperPoolOptions) {
    if (!Number.isInteger(opts.pps) || opts.pps < 1 || opts.pps > 10_000) throw new RangeError(`pps must be an integer in 1..10000, got ${opts.pps}`);
    if (!Number.isInteger(opts.maxInFlight) || opts.maxInFlight < 1) throw new RangeError(`maxInFlight must be a positive integer, got ${opts.maxInFlight}`);
    this.now = opts.now ?? Date.now;
    this.backoffMs = this.restartPolicy.minMs;
  }

  private get restartPolicy(): { minMs: number; maxMs: number } {
    return this.opts.restart ?? { minMs: 250, maxMs: 30_000 };
  }

  /** The scamper process id while one runs (tests, the benchmark's CPU reading). */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts scamper; resolves once it is attached or the attempt failed (a restart is then scheduled). */
  start(): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    if (this.state === 'ready') return Promise.resolve();
    this.startPromise ??= this.launch().finally(() => {
      this.startPromise = null;
    });
    return this.startPromise;
  }

  trace(req: ScamperTraceRequest, opts: ScamperTraceOptions): Promise<PathObservation> {
    this.counts.requested++;
    const submittedMs = this.now();
    const userid = this.takeUserid();
    let line: string;
    try {
      line = traceCommandLine(req, userid);
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      return Promise.resolve(this.count(this.failedObs(req, 'BAD_REQUEST', `${e.code}: ${e.message}`, submittedMs)));
    }
    if (this.state === 'stopped') return Promise.resolve(this.count(this.failedObs(req, 'CANCELLED', 'the scamper pool is stopped', submittedMs)));
    if (this.missing !== null) return Promise.resolve(this.count(this.failedObs(req, 'TOOL_MISSING', this.missing, submittedMs)));
    if (opts.signal?.aborted) return Promise.resolve(this.count(this.failedObs(req, 'CANCELLED', 'trace cancelled before it was sent', submittedMs)));
    return new Promise<PathObservation>((resolve) => {
      const p: Pending = { userid, req, line, submittedMs, sentMs: null, taskId: null, settled: false, haltOnOk: false, resolve, cleanup: () => {} };
      const timer = setTimeout(() => this.giveUp(p, 'TIMEOUT', `no scamper result within ${opts.timeoutMs} ms`), Math.max(1, opts.timeoutMs));
      const onAbort = (): void => this.giveUp(p, 'CANCELLED', 'trace cancelled');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      p.cleanup = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      this.waiting.push(p);
      if (this.state === 'idle') void this.start();
      this.pump();
    });
  }

  /** Ends scamper (SIGTERM, SIGKILL after 2 s); every unsettled request resolves CANCELLED. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.generation++;
    this.onAttached?.();
    this.onAttached = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    for (const p of this.waiting.splice(0)) this.settle(p, this.failedObs(p.req, 'CANCELLED', 'the scamper pool stopped', p.submittedMs));
    for (const p of this.outstanding.values()) this.settle(p, this.failedObs(p.req, 'CANCELLED', 'the scamper pool stopped', p.submittedMs));
    this.outstanding.clear();
    const sock = this.socket;
    this.socket = null;
    if (sock && !sock.destroyed) {
      // "done" leaves attach mode and makes scamper close the connection.
      sock.end('done\n');
      sock.destroySoon();
    }
    await this.killChild();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  stats(): ScamperPoolStats {
    return {
      state: this.state,
      pid: this.pid,
      inFlight: this.outstanding.size,
      waiting: this.waiting.length,
      ...this.counts,
      failed: { ...this.failedBy },
      lastError: this.lastError,
    };
  }

  // ---- process and socket ------------------------------------------------

  private async launch(): Promise<void> {
    const gen = ++this.generation;
    this.state = 'starting';
    this.dir ??= mkdtempSync(join(tmpdir(), 'smoketrace-scamper-'));
    const sockPath = join(this.dir, `control-${gen}.sock`);
    rmSync(sockPath, { force: true });
    const binary = this.opts.binary ?? 'scamper';
    this.stderrTail = '';
    const child = spawn(binary, [...SCAMPER_GLOBAL_OPTIONS, '-U', sockPath, '-p', String(this.opts.pps)], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    this.counts.starts++;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      this.stderrTail = (this.stderrTail + s).slice(-STDERR_TAIL);
    });
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (gen === this.generation) this.down(`scamper exited (${signal ?? `code ${String(code)}`})${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`);
    });
    void spawnError.then((err) => {
      if (gen !== this.generation || this.state === 'stopped') return;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') this.missing = `${binary} not runnable (${code}): install the Debian package scamper`;
      this.down(`scamper could not be started: ${err.message}`);
    });
    const sock = await this.connectWhenListening(sockPath, gen);
    if (gen !== this.generation) {
      sock?.destroy(); // died or stopped meanwhile: already handled
      return;
    }
    if (!sock) {
      this.down(`scamper did not open its control socket within ${this.opts.startTimeoutMs ?? 5000} ms`);
      return;
    }
    this.socket = sock;
    this.reader = new ControlReader();
    this.expect = [{ kind: 'attach' }];
    sock.on('data', (chunk: Buffer) => this.onData(chunk, gen));
    sock.on('error', (err) => this.socketLost(gen, `scamper control socket: ${err.message}`));
    sock.on('close', () => this.socketLost(gen, 'scamper closed its control socket'));
    sock.write('attach format json\n');
    await new Promise<void>((resolve) => {
      this.onAttached = resolve;
    });
  }

  private onAttached: (() => void) | null = null;

  /**
   * The socket went: usually because scamper is exiting, whose exit status is the
   * better reason, so wait briefly for it before declaring scamper down (and killing it).
   */
  private socketLost(gen: number, reason: string): void {
    if (gen !== this.generation) return;
    const child = this.child;
    if (!child) {
      this.down(reason);
      return;
    }
    const timer = setTimeout(() => {
      if (gen === this.generation) this.down(reason);
    }, EXIT_GRACE_MS);
    child.once('exit', () => clearTimeout(timer));
  }

  /** Retries connect() until scamper has bound its socket, it died, or startTimeoutMs passed. */
  private async connectWhenListening(path: string, gen: number): Promise<Socket | null> {
    const deadline = this.now() + (this.opts.startTimeoutMs ?? 5000);
    while (gen === this.generation && this.state === 'starting' && this.now() < deadline) {
      const sock = await new Promise<Socket | null>((resolve) => {
        const s = connect(path);
        s.once('connect', () => resolve(s));
        s.once('error', () => {
          s.destroy();
          resolve(null);
        });
      });
      if (sock) return sock;
      await new Promise((r) => setTimeout(r, 20));
    }
    return null;
  }

  private onData(chunk: Buffer, gen: number): void {
    let msgs: ControlMessage[];
    try {
      msgs = this.reader.push(chunk);
    } catch (e) {
      if (!(e instanceof ControlFramingError)) throw e;
      this.down(`scamper control stream broken: ${e.message}`);
      return;
    }
    for (const m of msgs) {
      if (gen !== this.generation) return;
      this.onMessage(m);
    }
  }

  private onMessage(m: ControlMessage): void {
    switch (m.kind) {
      case 'more':
        this.counts.more++;
        return;
      case 'unknown':
        return;
      case 'data':
        this.onResult(m.text);
        return;
      case 'ok':
      case 'err': {
        const e = this.expect.shift();
        if (!e || e.kind === 'halt') return;
        if (e.kind === 'attach') {
          if (m.kind === 'err') {
            this.down(`scamper refused attach: ${m.text}`);
            return;
          }
          this.state = 'ready';
          this.onAttached?.();
          this.onAttached = null;
          this.pump();
          return;
        }
        const p = e.p;
        if (m.kind === 'err') {
          this.outstanding.delete(p.userid);
          this.settle(p, this.failedObs(p.req, 'TOOL_FAILED', `scamper refused the command: ${m.text}`, p.submittedMs));
          this.pump();
          return;
        }
        p.taskId = m.id;
        if (p.haltOnOk) this.halt(p);
        return;
      }
    }
  }

  private onResult(text: string): void {
    const head = dataHeader(text);
    if (!head || head.type !== 'trace') return; // cycle-start / cycle-stop framing
    const p = head.userid === null ? undefined : this.outstanding.get(head.userid);
    if (!p) {
      this.counts.unmatched++;
      return;
    }
    this.outstanding.delete(p.userid);
    this.backoffMs = this.restartPolicy.minMs;
    if (p.settled) {
      this.counts.late++;
      this.pump();
      return;
    }
    const durationMs = Math.max(0, this.now() - (p.sentMs ?? p.submittedMs));
    try {
      const obs = parseScamperJson(text, {
        vantage: this.opts.vantage ?? 'local',
        target: { name: p.req.targetName ?? p.req.address, address: p.req.address },
      });
      obs.durationMs = durationMs;
      this.settle(p, obs);
    } catch (e) {
      if (!isParseError(e)) throw e;
      this.settle(p, this.failedObs(p.req, 'PARSE_ERROR', `${e.code}: ${e.message}`, p.submittedMs));
    }
    this.pump();
  }

  /** scamper is gone (or unusable): fail what it held, keep the waiting, schedule a restart. */
  private down(reason: string): void {
    if (this.state === 'stopped' || this.state === 'down') return;
    const wasUp = this.state === 'ready' || this.state === 'starting';
    this.state = 'down';
    this.generation++;
    this.lastError = reason;
    if (wasUp) this.counts.deaths++;
    const lost = [...this.outstanding.values()];
    this.outstanding.clear();
    for (const p of lost) {
      if (p.settled) continue;
      this.counts.lostOnDeath++;
      this.settle(p, this.failedObs(p.req, 'SCAMPER_DIED', `scamper went away with the trace in flight: ${reason}`, p.submittedMs));
    }
    if (this.missing !== null) {
      for (const p of this.waiting.splice(0)) this.settle(p, this.failedObs(p.req, 'TOOL_MISSING', this.missing, p.submittedMs));
    }
    this.expect = [];
    this.socket?.destroy();
    this.socket = null;
    this.onAttached?.();
    this.onAttached = null;
    void this.killChild();
    this.opts.log?.warn({ reason, lost: lost.length, retryMs: this.backoffMs }, 'scamper pool down, restarting');
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.restartPolicy.maxMs, this.backoffMs * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.missing = null;
      if (this.state === 'down') void this.start();
    }, delay);
  }

  private async killChild(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const hard = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(hard);
  }

  // ---- requests ------------------------------------------------------------

  /** Sends waiting requests while scamper is attached and has room. */
  private pump(): void {
    const sock = this.socket;
    if (this.state !== 'ready' || !sock || !sock.writable) return;
    while (this.waiting.length > 0 && this.outstanding.size < this.opts.maxInFlight) {
      const p = this.waiting.shift() as Pending;
      p.sentMs = this.now();
      this.outstanding.set(p.userid, p);
      this.expect.push({ kind: 'trace', p });
      this.counts.sent++;
      sock.write(`${p.line}\n`);
    }
  }

  private giveUp(p: Pending, code: 'TIMEOUT' | 'CANCELLED', message: string): void {
    if (p.settled) return;
    const i = this.waiting.indexOf(p);
    if (i >= 0) this.waiting.splice(i, 1);
    this.settle(p, this.failedObs(p.req, code, message, p.submittedMs));
    if (this.outstanding.has(p.userid)) {
      if (p.taskId !== null) this.halt(p);
      else p.haltOnOk = true;
    }
  }

  /** Asks scamper to stop a trace nobody waits for; its HALTED result then frees the slot. */
  private halt(p: Pending): void {
    if (this.state !== 'ready' || !this.socket || p.taskId === null) return;
    this.counts.halted++;
    this.expect.push({ kind: 'halt' });
    this.socket.write(`halt ${p.taskId}\n`);
  }

  private settle(p: Pending, obs: PathObservation): void {
    if (p.settled) return;
    p.settled = true;
    p.cleanup();
    p.resolve(this.count(obs));
  }

  private count(obs: PathObservation): PathObservation {
    if (obs.status === 'ok') this.counts.ok++;
    else {
      const code = obs.error?.code ?? 'UNKNOWN';
      this.failedBy[code] = (this.failedBy[code] ?? 0) + 1;
    }
    return obs;
  }

  private takeUserid(): number {
    const id = this.nextUserid;
    this.nextUserid = id >= MAX_USERID ? 1 : id + 1;
    return id;
  }

  private failedObs(req: ScamperTraceRequest, code: string, message: string, submittedMs: number): PathObservation {
    const asProbe: ProbeRequest = { ...req, tool: 'scamper', ipVersion: String(req.address).includes(':') ? 6 : 4 };
    const durationMs = Math.max(0, this.now() - submittedMs);
    return failedObservation(asProbe, code, message, new Date(submittedMs).toISOString(), durationMs, this.opts.vantage ?? 'local');
  }
}
