/**
 * Targets across vantages. Each prober publishes what it probes to the shared database
 * (target_catalog); each daemon with the ui role reads every vantage's list, so one central UI
 * (or a UI beside another region's prober) lists, and opens the pages of, targets it does not
 * probe itself. Plain periodic finds and writes: no change streams (FerretDB has none).
 */
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { ComponentHealth } from '../core/telemetry.js';
import type { Target } from '../probe/target.js';
import type { TargetCatalogEntry, TargetCatalogRepository } from '../storage/repositories.js';

/** A target as listed by the API: the definition plus the vantages that probe it. */
export type ListedTarget = Target & { vantages: string[] };

/** What the HTTP routes and the overview ask of the target list. */
export interface TargetDirectory {
  list(): ListedTarget[];
  get(id: string): ListedTarget | undefined;
}

export interface TargetCatalogOptions {
  vantage: string;
  repo: TargetCatalogRepository;
  /** This daemon's own targets (the prober's list); null when it has no prober. */
  local: (() => readonly Target[]) | null;
  clock: Clock;
  log: Logger;
  /** How often the local list is compared with what was published, and the shared list read again. */
  everyMs?: number;
  /** Published again unchanged this often, so that readers can tell a live vantage from a gone one. */
  heartbeatMs?: number;
  /** Another vantage's entries older than this are left out (a vantage taken down or renamed). */
  staleAfterMs?: number;
}

export const CATALOG_DEFAULTS = { everyMs: 30_000, heartbeatMs: 300_000, staleAfterMs: 3_600_000 } as const;

/** The merge, pure: a local target's definition wins over another vantage's of the same id; sorted by id. */
export function mergeCatalog(vantage: string, local: readonly Target[], remote: readonly TargetCatalogEntry[], nowMs: number, staleAfterMs: number): ListedTarget[] {
  const byId = new Map<string, ListedTarget>();
  for (const t of local) byId.set(t.id, { ...t, vantages: [vantage] });
  for (const e of remote) {
    if (e.vantage === vantage || nowMs - Date.parse(e.publishedAt) > staleAfterMs) continue;
    const known = byId.get(e.target.id);
    if (known) {
      if (!known.vantages.includes(e.vantage)) known.vantages.push(e.vantage);
    } else {
      byId.set(e.target.id, { ...e.target, vantages: [e.vantage] });
    }
  }
  for (const t of byId.values()) t.vantages.sort();
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export class TargetCatalog implements TargetDirectory {
  readonly name = 'target-catalog';
  private readonly o: Required<TargetCatalogOptions>;
  private remote: TargetCatalogEntry[] = [];
  private merged: ListedTarget[] = [];
  private mergedFrom: readonly Target[] | null = null;
  private lastPublished: string | null = null;
  private lastPublishedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly counters = { published: 0, publishFailed: 0, reads: 0, readFailed: 0 };
  /** The last failure of each kind, cleared by the next success of that kind. */
  private errors: { publish: string | null; read: string | null } = { publish: null, read: null };

  constructor(options: TargetCatalogOptions) {
    this.o = { ...CATALOG_DEFAULTS, ...options };
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.o.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round: publish the local list when it changed (or the heartbeat is due), then read every vantage's. */
  async tick(): Promise<void> {
    await this.publish();
    await this.read();
  }

  list(): ListedTarget[] {
    const local = this.o.local?.() ?? [];
    // The prober hands out a new array per call: re-merge only when the local content changed.
    if (this.mergedFrom === null || !sameTargets(this.mergedFrom, local)) {
      this.merged = mergeCatalog(this.o.vantage, local, this.remote, this.o.clock.nowMs(), this.o.staleAfterMs);
      this.mergedFrom = local;
    }
    return this.merged;
  }

  get(id: string): ListedTarget | undefined {
    return this.list().find((t) => t.id === id);
  }

  /** The vantages other than this one that probe `id` (for a 409 that says where to change it). */
  elsewhere(id: string): string[] {
    return (this.get(id)?.vantages ?? []).filter((v) => v !== this.o.vantage);
  }

  health(): ComponentHealth {
    const vantages = new Set(this.remote.map((e) => e.vantage));
    vantages.delete(this.o.vantage);
    const failing = this.errors.publish !== null || this.errors.read !== null;
    return {
      status: failing ? 'degraded' : 'up',
      details: { ...this.counters, otherVantages: [...vantages].sort(), targets: this.list().length, ...(failing ? { errors: { ...this.errors } } : {}) },
    };
  }

  private async publish(): Promise<void> {
    if (!this.o.local) return;
    const targets = [...this.o.local()].sort((a, b) => a.id.localeCompare(b.id));
    const text = JSON.stringify(targets);
    const now = this.o.clock.nowMs();
    if (text === this.lastPublished && now - this.lastPublishedAt < this.o.heartbeatMs) return;
    try {
      await this.o.repo.publish(this.o.vantage, targets, new Date(now));
      this.lastPublished = text;
      this.lastPublishedAt = now;
      this.counters.published++;
      this.errors.publish = null;
    } catch (err) {
      this.counters.publishFailed++;
      this.fail('publish', 'target catalog publication failed; retried next round', err);
    }
  }

  private async read(): Promise<void> {
    try {
      this.remote = await this.o.repo.list();
      this.counters.reads++;
      this.mergedFrom = null;
      this.errors.read = null;
    } catch (err) {
      this.counters.readFailed++;
      this.fail('read', 'target catalog read failed; the last list is kept', err);
    }
  }

  /** Logs a failure once per distinct error, not every round. */
  private fail(kind: 'publish' | 'read', msg: string, err: unknown): void {
    const text = err instanceof Error ? err.message : String(err);
    if (text !== this.errors[kind]) this.o.log.warn({ err: text }, msg);
    this.errors[kind] = text;
  }
}

function sameTargets(a: readonly Target[], b: readonly Target[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}
