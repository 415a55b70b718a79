import type { DestinationStream } from 'pino';
import type { Config } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import { EventBus } from './core/bus.js';
import type { SmokeTraceEvents } from './core/events.js';
import { ServiceManager, type Service } from './core/lifecycle.js';
import { componentLogger, createRootLogger, type Logger } from './core/logger.js';
import { Telemetry } from './core/telemetry.js';
import { packageVersion } from './core/version.js';
import { HttpService } from './http/server.js';
import { MongoStore } from './storage/mongo/store.js';
import { RetentionJob } from './storage/retention.js';

export interface AppOptions {
  config: Readonly<Config>;
  clock?: Clock;
  logDestination?: DestinationStream;
}

/**
 * The composition root: builds every service from the frozen config, starts
 * them in order (storage first, HTTP last, so /api/health answers only when
 * the rest is up) and stops them in reverse.
 */
export class App {
  readonly log: Logger;
  readonly telemetry = new Telemetry();
  readonly bus: EventBus<SmokeTraceEvents>;
  readonly storage: MongoStore;
  readonly http: HttpService;
  readonly version = packageVersion();
  private readonly manager: ServiceManager;

  constructor(readonly opts: AppOptions) {
    const { config } = opts;
    const clock = opts.clock ?? systemClock;
    this.log = createRootLogger({ level: config.log.level, ...(opts.logDestination ? { destination: opts.logDestination } : {}) }).child({
      vantage: config.instance.name,
    });
    this.bus = new EventBus<SmokeTraceEvents>(componentLogger(this.log, 'bus'));
    this.storage = new MongoStore({
      config: config.storage,
      log: componentLogger(this.log, 'storage'),
      clock,
      onRejected: (n, reason) => this.telemetry.rejected('storage', reason, n),
      onAvailability: (ok, error) => this.bus.emit('storage.state', { state: ok ? 'connected' : 'disconnected', ...(error ? { error } : {}) }),
    });
    this.telemetry.registerHealth('storage', () => this.storage.health());
    this.telemetry.gauge('smoketrace_storage_queue_depth', 'Writes held in memory, waiting for MongoDB', [], (g) =>
      g.set(this.storage.queue.depth()),
    );
    this.http = new HttpService({
      config: config.http,
      telemetry: this.telemetry,
      log: componentLogger(this.log, 'http'),
      version: this.version,
      instance: config.instance.name,
    });
    const services: Service[] = [
      this.storage,
      new RetentionJob(this.storage, config.storage.retention, clock, componentLogger(this.log, 'retention')),
      this.http,
    ];
    this.manager = new ServiceManager(services, componentLogger(this.log, 'app'));
  }

  async start(): Promise<void> {
    this.log.info({ version: this.version, component: 'app' }, 'smoketrace starting');
    await this.manager.start();
    this.log.info({ component: 'app', url: this.http.url() }, 'smoketrace started');
  }

  async stop(deadlineMs = 9_000): Promise<void> {
    this.log.info({ component: 'app' }, 'smoketrace stopping');
    await this.manager.stop(deadlineMs);
    this.log.info({ component: 'app' }, 'smoketrace stopped');
    this.log.flush();
  }
}
