import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import type { FlowsConfig } from './config.js';
import { FlowFilePoller } from './file-poller.js';
import { FlowImporter, type FlowImporterDeps } from './importer.js';
import type { FlowParseLimits } from './types.js';

export interface FlowServiceDeps extends FlowImporterDeps {
  config: FlowsConfig;
  /** Whether this instance watches the configured files (the collector role). */
  watchFiles: boolean;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
}

/** Parse limits from the config; topN overridable per import (never above flows.topN's bound). */
export function flowLimits(config: FlowsConfig, topN = config.topN): FlowParseLimits & { maxBytes: number } {
  return { maxBytes: config.maxFileBytes, maxRows: config.maxRows, maxHosts: config.maxHosts, topN };
}

/** Flow import in the daemon: the importer (API, watched files) and one poller per watched file. */
export class FlowService implements Service {
  readonly name = 'flows';
  readonly importer: FlowImporter;
  readonly pollers: FlowFilePoller[];

  constructor(private readonly deps: FlowServiceDeps) {
    this.importer = new FlowImporter(deps);
    const limits = flowLimits(deps.config);
    this.pollers = deps.watchFiles ? deps.config.watch.map((watch) => new FlowFilePoller({ watch, limits, importer: this.importer, log: deps.log })) : [];
  }

  get limits(): FlowParseLimits & { maxBytes: number } {
    return flowLimits(this.deps.config);
  }

  async start(): Promise<void> {
    this.deps.telemetry.registerHealth('flows', () => ({
      status: 'up',
      details: { ...this.importer.status(), replayed: this.replayed, watch: this.pollers.map((p) => p.status()) },
    }));
    await this.replayStored();
    for (const p of this.pollers) p.start();
  }

  /** Stored snapshots published again at start. */
  replayed = 0;

  /**
   * Each source's stored snapshot published again (oldest first, marked replayed: it ages from
   * its own time), so that automatic targets know the traffic of API imports after a restart
   * too; before the watched files, whose fresher snapshots then replace them.
   */
  private async replayStored(): Promise<void> {
    try {
      const stored = await this.deps.snapshots.latest();
      for (const s of [...stored].reverse()) this.deps.bus.emit('flow.talkers', { ...s, replayed: true });
      this.replayed = stored.length;
      if (stored.length > 0) this.deps.log.info({ sources: stored.length }, 'stored flow snapshots published again');
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'stored flow snapshots not read: automatic targets wait for new imports');
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }
}
