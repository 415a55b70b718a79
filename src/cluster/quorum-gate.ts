import type { Logger } from 'pino';
import type { EventBus } from '../core/bus.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Service } from '../core/lifecycle.js';
import type { Alert } from '../correlate/alerts.js';
import type { AlertGate } from '../correlate/service.js';
import type { Storage, StoredAlert } from '../storage/repositories.js';
import { agreeingVantages, applyAlert, decide, type QuorumView } from './quorum.js';

export interface QuorumGateDeps {
  vantage: string;
  /** N: vantages that must have path_worse open for a target before it is notified. */
  quorum: number;
  bus: EventBus<SmokeTraceEvents>;
  storage: Pick<Storage, 'alerts' | 'isAvailable'>;
  log: Logger;
}

const KIND = 'path_worse';
/** Open alerts read from storage at start (the view of the other vantages before this process). */
const SEED_LIMIT = 5_000;

/**
 * The quorum as the correlator's AlertGate. Its view of who has path_worse
 * open comes from the bus 'alert' events, local and relayed from other
 * instances (src/cluster/relay.ts), seeded from storage at start. A held
 * notification is re-decided whenever another vantage's alert for that
 * target arrives. Stored path_worse alerts carry `vantages` (who agrees),
 * re-stored when that set changes so the record sees every vantage.
 */
export class QuorumGate implements AlertGate, Service {
  readonly name = 'quorum';
  private readonly view: QuorumView = new Map();
  /** Own alerts whose notification waits for the quorum. */
  private readonly pending = new Map<string, Alert>();
  /** Own alerts whose open was notified (so their updates and resolve are too). */
  private readonly released = new Set<string>();
  /** Own open path_worse alerts as last stored, to re-store them with a new `vantages`. */
  private readonly mine = new Map<string, StoredAlert>();
  readonly counters = { held: 0, released: 0, covered: 0, droppedUnreleased: 0, restored: 0 };

  /** Bus owner key: one gate per vantage judged in this process (remote prober-only vantages have their own). */
  private readonly owner: string;

  constructor(private readonly deps: QuorumGateDeps) {
    this.owner = `quorum:${deps.vantage}`;
  }

  async start(): Promise<void> {
    if (this.deps.storage.isAvailable()) {
      try {
        const open = await this.deps.storage.alerts.list({ state: 'open', limit: SEED_LIMIT });
        for (const a of open) if (a.kind === KIND && a.vantage !== this.deps.vantage) applyAlert(this.view, a);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'quorum: open alerts not read at start; the view fills from live events');
      }
    }
    this.deps.bus.on('alert', this.owner, ({ alert }) => this.onAlert(alert));
  }

  async stop(): Promise<void> {
    this.deps.bus.off(this.owner);
  }

  health(): { status: 'up'; details: Record<string, unknown> } {
    return { status: 'up', details: { quorum: this.deps.quorum, targetsWithPathWorse: this.view.size, pending: this.pending.size, ...this.counters } };
  }

  /** Who agrees on path_worse for a target right now. */
  agreeing(targetId: string): string[] {
    return agreeingVantages(this.view, targetId);
  }

  annotate(alert: StoredAlert): StoredAlert {
    if (alert.kind !== KIND) return alert;
    applyAlert(this.view, alert);
    const stored = { ...alert, vantages: this.agreeing(alert.targetId) };
    if (alert.state === 'resolved') this.mine.delete(alert.id);
    else this.mine.set(alert.id, stored);
    return stored;
  }

  notify(alert: Alert): void {
    if (alert.kind !== KIND) return this.deps.bus.emit('alert.notify', alert);
    if (this.released.has(alert.id)) {
      if (alert.state === 'resolved') this.released.delete(alert.id);
      return this.deps.bus.emit('alert.notify', alert);
    }
    if (alert.state === 'resolved') {
      // Its open was never notified (held or covered): its resolve is no news either.
      if (this.pending.delete(alert.id)) this.counters.droppedUnreleased++;
      return;
    }
    this.decideFor(alert);
  }

  private decideFor(alert: Alert): void {
    const d = decide(this.agreeing(alert.targetId), this.deps.vantage, this.deps.quorum);
    if (d === 'wait') {
      if (!this.pending.has(alert.id)) this.counters.held++;
      this.pending.set(alert.id, alert);
      return;
    }
    this.pending.delete(alert.id);
    if (d === 'covered') {
      this.counters.covered++;
      return;
    }
    this.counters.released++;
    this.released.add(alert.id);
    this.deps.bus.emit('alert.notify', alert);
  }

  private onAlert(alert: StoredAlert): void {
    if (alert.kind !== KIND || alert.vantage === this.deps.vantage) return;
    if (!applyAlert(this.view, alert)) return;
    for (const a of [...this.pending.values()]) if (a.targetId === alert.targetId) this.decideFor(a);
    this.restore(alert.targetId);
  }

  /** Re-store this vantage's open path_worse alerts of a target whose agreeing set changed (and say so on the bus). */
  private restore(targetId: string): void {
    const vantages = this.agreeing(targetId);
    for (const [id, a] of this.mine) {
      if (a.targetId !== targetId || sameList(a.vantages, vantages)) continue;
      const next: StoredAlert = { ...a, vantages };
      this.mine.set(id, next);
      this.counters.restored++;
      this.deps.storage.alerts.put(next);
      this.deps.bus.emit('alert', { action: 'update', alert: next });
    }
  }
}

function sameList(a: unknown, b: readonly string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}
