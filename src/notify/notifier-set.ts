/**
 * Fans each alert out to every configured sender, each one isolated: its own
 * bounded FIFO queue and its own worker, so a slow, hanging or throwing
 * sender never delays or breaks the others. Per-sender counters feed
 * /api/health and /metrics.
 *
 * - filter: alerts below minSeverity, or of a kind not in `kinds` (when
 *   non-empty), are not sent at all;
 * - overload: a full queue drops its OLDEST alert (the newest state of an
 *   alert is the one worth delivering) and counts it;
 * - deadline: one send() that has not settled after sendTimeoutMs counts as
 *   failed (TIMEOUT) and the worker moves on; the senders' own timeouts and
 *   bounded retries should end well before this. (The abandoned send may
 *   still finish in the background; its result is then ignored.)
 */
import type { ComponentHealth } from '../core/telemetry.js';
import type { AlertKind, AlertSeverity, DeliveryResult, NotifiableAlert, Sender, SenderKind } from './types.js';
import { severityRank } from './types.js';

export interface NotifierSetOptions {
  /** Per-sender queue bound. Default 100. */
  queueSize?: number;
  /** Per-delivery deadline. Default 120 s. */
  sendTimeoutMs?: number;
  /** Default 'info' (everything). */
  minSeverity?: AlertSeverity;
  /** Only these kinds; empty or absent = all. */
  kinds?: readonly AlertKind[];
  /** ISO time source for the counters. */
  nowIso?: () => string;
}

export interface SenderStats {
  kind: SenderKind;
  /** Alerts delivered. */
  sent: number;
  /** Alerts given up on (after the sender's own retries, or past the deadline). */
  failed: number;
  /** Extra attempts the sender made (attempts - 1, summed). */
  retries: number;
  /** Alerts dropped because the queue was full. */
  dropped: number;
  /** Waiting now (not counting the one in flight). */
  queued: number;
  inFlight: boolean;
  /** Outcome of the latest delivery (null before the first). */
  lastOk: boolean | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSentAt: string | null;
}

interface Lane {
  sender: Sender;
  queue: NotifiableAlert[];
  running: boolean;
  stats: SenderStats;
  idleWaiters: Array<() => void>;
}

export class NotifierSet {
  readonly name = 'notify';
  private readonly lanes = new Map<string, Lane>();
  private readonly queueSize: number;
  private readonly sendTimeoutMs: number;
  private readonly minRank: number;
  private readonly kinds: ReadonlySet<AlertKind>;
  private readonly nowIso: () => string;
  private closed = false;

  constructor(senders: readonly Sender[], opts: NotifierSetOptions = {}) {
    this.queueSize = Math.max(1, opts.queueSize ?? 100);
    this.sendTimeoutMs = opts.sendTimeoutMs ?? 120_000;
    this.minRank = severityRank(opts.minSeverity ?? 'info');
    this.kinds = new Set(opts.kinds ?? []);
    this.nowIso = opts.nowIso ?? (() => new Date().toISOString());
    for (const sender of senders) {
      if (this.lanes.has(sender.name)) throw new Error(`two notifiers are named ${JSON.stringify(sender.name)}`);
      this.lanes.set(sender.name, {
        sender,
        queue: [],
        running: false,
        idleWaiters: [],
        stats: { kind: sender.kind, sent: 0, failed: 0, retries: 0, dropped: 0, queued: 0, inFlight: false, lastOk: null, lastError: null, lastErrorAt: null, lastSentAt: null },
      });
    }
  }

  /** The filter: does this alert go out at all? */
  accepts(alert: NotifiableAlert): boolean {
    if (severityRank(alert.severity) < this.minRank) return false;
    return this.kinds.size === 0 || this.kinds.has(alert.kind);
  }

  /**
   * Queues the alert for every sender and returns at once (never throws,
   * never waits for a sender). Returns how many senders it was queued for.
   */
  notify(alert: NotifiableAlert): number {
    if (this.closed || !this.accepts(alert)) return 0;
    for (const lane of this.lanes.values()) {
      if (lane.queue.length >= this.queueSize) {
        lane.queue.shift();
        lane.stats.dropped++;
      }
      lane.queue.push(alert);
      lane.stats.queued = lane.queue.length;
      void this.pump(lane);
    }
    return this.lanes.size;
  }

  private async pump(lane: Lane): Promise<void> {
    if (lane.running) return;
    lane.running = true;
    for (let alert = lane.queue.shift(); alert !== undefined; alert = lane.queue.shift()) {
      lane.stats.queued = lane.queue.length;
      lane.stats.inFlight = true;
      const result = await this.deliver(lane.sender, alert);
      lane.stats.inFlight = false;
      this.count(lane.stats, result);
    }
    lane.stats.queued = 0;
    lane.running = false;
    for (const wake of lane.idleWaiters.splice(0)) wake();
  }

  /** One send, contained: a throw or a never-settling promise becomes a failed result. */
  private async deliver(sender: Sender, alert: NotifiableAlert): Promise<DeliveryResult> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<DeliveryResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, attempts: 0, code: 'TIMEOUT', error: `no result within ${this.sendTimeoutMs} ms` }),
        this.sendTimeoutMs,
      );
      timer.unref();
    });
    const attempt = Promise.resolve()
      .then(() => sender.send(alert))
      .catch((err: unknown): DeliveryResult => ({
        ok: false,
        attempts: 1,
        code: 'SENDER_THREW',
        error: err instanceof Error ? err.message : String(err),
      }));
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private count(stats: SenderStats, r: DeliveryResult): void {
    stats.retries += Math.max(0, r.attempts - 1);
    stats.lastOk = r.ok;
    if (r.ok) {
      stats.sent++;
      stats.lastSentAt = this.nowIso();
      return;
    }
    stats.failed++;
    stats.lastError = `${r.code ?? 'FAILED'}: ${r.error ?? 'unknown error'}`;
    stats.lastErrorAt = this.nowIso();
  }

  /** Resolves when the named sender (or every sender) has nothing queued or in flight. */
  idle(name?: string): Promise<void> {
    const lanes = name === undefined ? [...this.lanes.values()] : [this.lane(name)];
    return Promise.all(
      lanes.map((l) => (l.running ? new Promise<void>((r) => l.idleWaiters.push(r)) : Promise.resolve())),
    ).then(() => undefined);
  }

  private lane(name: string): Lane {
    const lane = this.lanes.get(name);
    if (!lane) throw new Error(`no notifier named ${JSON.stringify(name)}`);
    return lane;
  }

  /** A copy of every sender's counters, by name. */
  stats(): Record<string, SenderStats> {
    return Object.fromEntries([...this.lanes].map(([name, l]) => [name, { ...l.stats }]));
  }

  /** For Telemetry.registerHealth: degraded while a sender's latest delivery failed. */
  health(): ComponentHealth {
    if (this.lanes.size === 0) return { status: 'disabled' };
    const senders = this.stats();
    const failing = Object.entries(senders).filter(([, s]) => s.lastOk === false);
    return { status: failing.length > 0 ? 'degraded' : 'up', details: { senders, failing: failing.map(([n]) => n) } };
  }

  /** Service: nothing to start; senders connect lazily. */
  async start(): Promise<void> {}

  /**
   * Stops taking alerts, gives the queues up to drainMs to empty, then closes
   * every sender (which ends their retries). Whatever is still queued is
   * counted as dropped.
   */
  async stop(drainMs = 5000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((r) => (timer = setTimeout(r, drainMs)))]);
    clearTimeout(timer);
    for (const lane of this.lanes.values()) {
      lane.stats.dropped += lane.queue.length;
      lane.queue.length = 0;
      lane.stats.queued = 0;
    }
    await Promise.allSettled([...this.lanes.values()].map((l) => l.sender.close()));
  }
}
