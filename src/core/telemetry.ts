import { Registry, Counter, Gauge, collectDefaultMetrics } from 'prom-client';

export type HealthStatus = 'up' | 'starting' | 'degraded' | 'down' | 'disabled';

export interface ComponentHealth {
  status: HealthStatus;
  /** Free-form, JSON-serialisable details: queue depths, listeners, peers, last error... */
  details?: Record<string, unknown>;
}

export type HealthProvider = () => ComponentHealth;

/**
 * One place for the daemon's observability: the Prometheus registry (one per
 * app instance, so tests can run several), the health providers of every
 * component, and the counters of rejected input that /api/health shows.
 */
export class Telemetry {
  readonly registry = new Registry();
  private readonly providers = new Map<string, HealthProvider>();
  private readonly rejectedCounts = new Map<string, Map<string, number>>();
  private readonly rejectedCounter: Counter<'component' | 'reason'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'smoketrace_' });
    this.rejectedCounter = new Counter({
      name: 'smoketrace_rejected_input_total',
      help: 'Input rejected or skipped (broken messages, unknown types, dropped writes), by component and reason',
      labelNames: ['component', 'reason'],
      registers: [this.registry],
    });
  }

  registerHealth(component: string, provider: HealthProvider): void {
    this.providers.set(component, provider);
  }

  unregisterHealth(component: string): void {
    this.providers.delete(component);
  }

  /** Count something rejected: a broken message, an unknown TLV, a dropped write. */
  rejected(component: string, reason: string, n = 1): void {
    if (n <= 0) return;
    this.rejectedCounter.inc({ component, reason }, n);
    const byReason = this.rejectedCounts.get(component) ?? new Map<string, number>();
    byReason.set(reason, (byReason.get(reason) ?? 0) + n);
    this.rejectedCounts.set(component, byReason);
  }

  rejectedSnapshot(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [c, m] of this.rejectedCounts) out[c] = Object.fromEntries(m);
    return out;
  }

  health(): { status: 'healthy' | 'degraded'; components: Record<string, ComponentHealth>; rejected: Record<string, Record<string, number>> } {
    const components: Record<string, ComponentHealth> = {};
    let healthy = true;
    for (const [name, p] of this.providers) {
      let h: ComponentHealth;
      try {
        h = p();
      } catch (err) {
        h = { status: 'down', details: { error: String(err) } };
      }
      components[name] = h;
      if (h.status !== 'up' && h.status !== 'disabled') healthy = false;
    }
    return { status: healthy ? 'healthy' : 'degraded', components, rejected: this.rejectedSnapshot() };
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter({ name, help, labelNames: labelNames as L[], registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = [], collect?: (g: Gauge<L>) => void): Gauge<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<L>;
    return new Gauge({
      name,
      help,
      labelNames: labelNames as L[],
      registers: [this.registry],
      ...(collect ? { collect(this: Gauge<L>) { collect(this); } } : {}),
    });
  }
}
