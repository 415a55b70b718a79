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
      details: { ...this.importer.status(), watch: this.pollers.map((p) => p.status()) },
    }));
    for (const p of this.pollers) p.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.pollers.map((p) => p.stop()));
  }
}
