import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { EventBus } from '../core/bus.js';
import type { FlowTalkers, SmokeTraceEvents } from '../core/events.js';
import type { Telemetry } from '../core/telemetry.js';
import type { FlowSnapshotRepository } from '../storage/repositories.js';
import type { FlowParseResult } from './types.js';

export interface FlowImporterDeps {
  bus: Pick<EventBus<SmokeTraceEvents>, 'emit'>;
  snapshots: FlowSnapshotRepository;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
}

export interface ImportOutcome {
  snapshot: FlowTalkers;
  /** False when the snapshot was published but could not be stored (storage away). */
  stored: boolean;
  storeError?: string;
}

/**
 * Turns a parse result into a FlowTalkers snapshot: published on the bus first (automatic
 * targets get it even while MongoDB is away), then stored as the source's latest. Counts what
 * each import skipped on /api/health (rejected.flows) and /metrics.
 */
export class FlowImporter {
  imports = 0;
  storeFailures = 0;
  private last: { source: string; time: string; talkers: number; skipped: number } | null = null;

  constructor(private readonly deps: FlowImporterDeps) {}

  async publish(source: string, result: FlowParseResult, time: Date = this.deps.clock.now()): Promise<ImportOutcome> {
    const { bus, telemetry, log } = this.deps;
    const snapshot: FlowTalkers = { source, time: time.toISOString(), talkers: result.talkers };
    telemetry.rejected('flows', 'bad_row', result.skipped);
    telemetry.rejected('flows', 'host_limit', result.droppedHosts);
    if (result.truncated) telemetry.rejected('flows', 'truncated');
    this.imports++;
    telemetry.counter('smoketrace_flow_imports_total', 'Flow talker snapshots imported', ['format']).inc({ format: result.format });
    this.last = { source, time: snapshot.time, talkers: result.talkers.length, skipped: result.skipped };
    bus.emit('flow.talkers', snapshot);
    log.info(
      { source, format: result.format, talkers: result.talkers.length, hosts: result.hosts, rows: result.rows, skipped: result.skipped, truncated: result.truncated },
      'flow talkers imported',
    );
    try {
      await this.deps.snapshots.put(snapshot);
      return { snapshot, stored: true };
    } catch (err) {
      this.storeFailures++;
      log.warn({ source, err: (err as Error).message }, 'flow snapshot not stored');
      return { snapshot, stored: false, storeError: (err as Error).message };
    }
  }

  status(): Record<string, unknown> {
    return { imports: this.imports, storeFailures: this.storeFailures, last: this.last };
  }
}
