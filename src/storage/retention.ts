import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Clock } from '../core/clock.js';
import type { Service } from '../core/lifecycle.js';
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
}

/**
 * Deletes old raw data on a timer. A periodic delete rather than TTL indexes,
 * so it works the same on MongoDB and on FerretDB (which has no TTL indexes).
 */
export class RetentionJob implements Service {
  readonly name = 'retention';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionResult | null> | null = null;
  lastRun: { at: string; result: RetentionResult } | null = null;

  constructor(
    private readonly storage: Storage,
    private readonly cfg: Config['storage']['retention'],
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => void this.runOnce(), this.cfg.intervalMinutes * 60_000);
    this.timer.unref();
    // A first pass shortly after start, not during it: start-up stays fast.
    setTimeout(() => void this.runOnce(), 30_000).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; skipped (null) while the database is away or a pass is still running. */
  runOnce(): Promise<RetentionResult | null> {
    if (this.running) return this.running;
    if (!this.storage.isAvailable()) return Promise.resolve(null);
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<RetentionResult | null> {
    const now = this.clock.nowMs();
    try {
      const result: RetentionResult = {
        routeEvents: await this.storage.routeEvents.deleteOlderThan(new Date(now - this.cfg.routeEventsDays * DAY_MS)),
        observations: await this.storage.observations.deleteOlderThan(new Date(now - this.cfg.observationsDays * DAY_MS)),
        pathChanges: await this.storage.pathChanges.deleteOlderThan(new Date(now - this.cfg.observationsDays * DAY_MS)),
        pathMtu: await this.storage.pathMtu.deleteOlderThan(new Date(now - this.cfg.observationsDays * DAY_MS)),
        alerts: await this.storage.alerts.deleteOlderThan(new Date(now - this.cfg.alertsDays * DAY_MS)),
      };
      this.lastRun = { at: new Date(now).toISOString(), result };
      this.log.info(result, 'retention pass done');
      return result;
    } catch (err) {
      this.log.error({ err }, 'retention pass failed');
      return null;
    }
  }
}
