import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Storage } from './repositories.js';

const DAY_MS = 86_400_000;

export interface RetentionResult {
  routeEvents: number;
  observations: number;
  pathChanges: number;
  /** Path MTU measurements (kept as long as observations). */
  pathMtu: number;
  /** Resolved alerts only: open ones stay whatever their age. */
  alerts: number;
  /** The kinds whose delete failed this pass (logged; the others are deleted all the same). */
  failed: Array<'routeEvents' | 'observations' | 'pathChanges' | 'pathMtu' | 'alerts'>;
}

/**
 * Deletes old raw data on a timer. A periodic delete rather than TTL indexes,
 * so it works the same on MongoDB and on FerretDB (which has no TTL indexes).
 */
export class RetentionJob implements Service {
  readonly name = 'retention';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionResult | null> | null = null;
  /** Set by stop(): a pass in progress ends after its current round of deletes. */
  private stopping = false;
  lastRun: { at: string; result: RetentionResult } | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly cfg: Config['storage']['retention'],
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly telemetry?: Telemetry,
  ) {}

  async start(): Promise<void> {
    // On /api/health: the last pass, degraded while its last pass failed to delete some kind
    // (that data then grows past its retention until a pass succeeds).
    this.telemetry?.registerHealth(this.name, () => ({
      status: this.lastRun !== null && this.lastRun.result.failed.length > 0 ? 'degraded' : 'up',
      details: { lastRun: this.lastRun, intervalMinutes: this.cfg.intervalMinutes },
    }));
    this.timer = setInterval(() => void this.runOnce(), this.cfg.intervalMinutes * 60_000);
    this.timer.unref();
    // A first pass shortly after start, not during it: start-up stays fast.
    setTimeout(() => void this.runOnce(), 30_000).unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.telemetry?.unregisterHealth(this.name);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; skipped (null) while the database is away or a pass is still running. */
  runOnce(): Promise<RetentionResult | null> {
    if (this.running) return this.running;
    if (this.stopping || !this.storage.isAvailable()) return Promise.resolve(null);
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<RetentionResult | null> {
    const now = this.clock.nowMs();
    const before = (days: number) => new Date(now - days * DAY_MS);
    const more = () => !this.stopping;
    const result: RetentionResult = { routeEvents: 0, observations: 0, pathChanges: 0, pathMtu: 0, alerts: 0, failed: [] };
    const jobs: Array<[Exclude<keyof RetentionResult, 'failed'>, () => Promise<number>]> = [
      ['routeEvents', () => this.storage.routeEvents.deleteOlderThan(before(this.cfg.routeEventsDays), more)],
      ['observations', () => this.storage.observations.deleteOlderThan(before(this.cfg.observationsDays), more)],
      ['pathChanges', () => this.storage.pathChanges.deleteOlderThan(before(this.cfg.observationsDays), more)],
      ['pathMtu', () => this.storage.pathMtu.deleteOlderThan(before(this.cfg.observationsDays), more)],
      ['alerts', () => this.storage.alerts.deleteOlderThan(before(this.cfg.alertsDays), more)],
    ];
    // Each kind on its own: one that fails does not keep the others' old data.
    for (const [kind, run] of jobs) {
      if (this.stopping) break;
      try {
        result[kind] = await run();
      } catch (err) {
        result.failed.push(kind);
        this.log.error({ err, kind }, 'retention delete failed');
      }
    }
    this.lastRun = { at: new Date(now).toISOString(), result };
    this.log.info(result, 'retention pass done');
    return result;
  }
}
