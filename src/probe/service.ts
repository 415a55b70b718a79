import type { Logger } from 'pino';
import type { ProbingConfig } from '../config/schema.js';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { SmokeTraceEvents } from '../core/events.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import type { Storage } from '../storage/repositories.js';
import { annotateHops, type OriginLookup } from './annotate.js';
import { ConfigError, type ConfigProblem } from '../config/load.js';
import { resolveTarget, type LookupFn } from './resolve.js';
import { PmtuProber } from './pmtu/prober.js';
import { ScamperPool, type ScamperPoolMethod } from './scamper-pool.js';
import { ProbeScheduler, type OnDemandReason, type RunContext, type RunNowResult } from './scheduler.js';
import { ipFamily, validateTargetInput, type Target, type ValidationProblem } from './target.js';
import { runProbe, type RunOptions } from './tools/index.js';
import type { PathObservation } from './types.js';
import { randomBytes } from 'node:crypto';

export interface ProbeServiceDeps {
  config: ProbingConfig;
  vantage: string;
  storage: Storage;
  rib: OriginLookup;
  bus: EventBus<SmokeTraceEvents>;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
  /** Test seam: replaces the real tool runner. */
  runOptions?: Partial<RunOptions>;
  /** Test seam: replaces the DNS lookup (node:dns/promises lookup) for hostname targets. */
  lookup?: LookupFn;
}

export type TargetChange = { ok: true; target: Target } | { ok: false; status: 400 | 404 | 409; problems: ValidationProblem[] };

/**
 * Scheduled and on-demand probing: config targets plus API targets (stored in
 * MongoDB), each resolved at every run, measured by the real tool, annotated
 * with origin ASes from the live RIB, stored, and published on the bus.
 */
export class ProbeService implements Service {
  readonly name = 'prober';
  readonly scheduler: ProbeScheduler;
  /** The long-running scamper for scamper targets (probing.scamper.mode 'pool'), else null. */
  readonly scamperPool: ScamperPool | null;
  /** The path MTU schedule (probing.pmtu.enabled), else null. */
  readonly pmtu: PmtuProber | null;
  private readonly targets = new Map<string, Target>();

  constructor(private readonly deps: ProbeServiceDeps) {
    const { config, clock, log, vantage } = deps;
    const pooled = config.scamper.mode === 'pool';
    this.scamperPool = pooled
      ? new ScamperPool({ pps: config.scamper.pps, maxInFlight: config.scamper.maxInFlight, vantage, log, ...(deps.runOptions?.binary ? { binary: deps.runOptions.binary } : {}) })
      : null;
    this.scheduler = new ProbeScheduler({
      clock,
      run: (target, ctx) => this.run(target, ctx),
      resolve: (target, signal) => resolveTarget(target, config.addressPolicy, { signal, ...(deps.lookup ? { lookup: deps.lookup } : {}) }),
      prepare: (obs, info) => this.prepare(obs, info.target),
      onObservation: (obs) => this.publish(obs),
      concurrency: pooled ? poolConcurrency(config) : config.concurrency,
      jitterPct: config.jitterPct,
      vantage,
      log,
    });
    this.pmtu = config.pmtu.enabled
      ? new PmtuProber({ config, vantage, store: deps.storage.pathMtu, rib: deps.rib, bus: deps.bus, clock, log, ...(deps.runOptions ? { runOptions: deps.runOptions } : {}) })
      : null;
  }

  /**
   * Throws a ConfigError (start-up fails, every problem listed) when a config target's hostname
   * does not resolve now or resolves only to addresses the policy refuses: the config boundary's
   * counterpart of put()'s check. Runs still resolve the name again each time.
   */
  async start(): Promise<void> {
    // A name the DNS says has no (allowed) address is a configuration mistake; a resolver that
    // cannot answer right now (DNS down at boot) is not: that target is kept, each run retries.
    const refused = await Promise.all(this.deps.config.targets.map(async (t, i): Promise<ConfigProblem | null> => {
      const problem = await this.hostProblem(t);
      if (problem?.temporary) {
        this.deps.log.warn({ target: t.id, host: t.host, err: problem.text }, 'config target cannot be resolved now; kept, every run resolves it again');
        return null;
      }
      return problem ? { path: `probing.targets.${i}.host`, message: `target "${t.id}": ${problem.text}` } : null;
    }));
    const problems = refused.filter((p): p is ConfigProblem => p !== null);
    if (problems.length > 0) throw new ConfigError('probing.targets', problems);
    for (const t of this.deps.config.targets) this.targets.set(t.id, t);
    if (this.deps.storage.isAvailable()) {
      for (const t of await this.deps.storage.targets.list()) {
        if (this.targets.has(t.id)) {
          this.deps.log.warn({ target: t.id }, 'stored API target shadowed by a config target of the same id');
          continue;
        }
        this.targets.set(t.id, t);
      }
    }
    this.scheduler.setTargets([...this.targets.values()]);
    this.pmtu?.setTargets([...this.targets.values()]);
    this.deps.bus.on('probe.request', 'prober', (req) => {
      void this.runNow(req.targetId, req.reason === 'bgp-trigger' ? 'bgp' : req.reason === 'cli' ? 'manual' : 'api');
    });
    this.deps.telemetry.registerHealth('prober', () => ({
      status: 'up',
      details: { ...this.scheduler.stats(), targets: this.targets.size, ...(this.scamperPool ? { scamperPool: this.scamperPool.stats() } : {}), ...(this.pmtu ? { pmtu: this.pmtu.stats() } : {}) },
    }));
    this.scheduler.start();
    this.pmtu?.start();
  }

  async stop(): Promise<void> {
    this.deps.bus.off('prober');
    this.deps.telemetry.unregisterHealth('prober');
    await Promise.all([this.scheduler.stop(), this.pmtu?.stop()]);
    await this.scamperPool?.stop();
  }

  list(): Target[] {
    return [...this.targets.values()];
  }

  get(id: string): Target | undefined {
    return this.targets.get(id);
  }

  runNow(id: string, reason: OnDemandReason): Promise<RunNowResult> {
    return this.scheduler.runNow(id, reason);
  }

  /** Adds (or, with id, replaces) an API target; config targets cannot be changed here. */
  async put(input: unknown, id?: string): Promise<TargetChange> {
    const body = typeof input === 'object' && input !== null ? { ...(input as Record<string, unknown>) } : input;
    if (id !== undefined && typeof body === 'object' && body !== null) {
      const given = (body as { id?: unknown }).id;
      if (given !== undefined && given !== id) return { ok: false, status: 400, problems: [{ path: 'id', message: `the body's id "${String(given)}" differs from the URL's "${id}"` }] };
      (body as Record<string, unknown>).id = id;
    }
    if (typeof body === 'object' && body !== null) (body as Record<string, unknown>).source = 'api';
    const v = validateTargetInput(body, this.deps.config.addressPolicy);
    if (!v.ok) return { ok: false, status: 400, problems: v.problems };
    const existing = this.targets.get(v.target.id);
    if (existing?.source === 'config') return { ok: false, status: 409, problems: [{ path: 'id', message: `"${v.target.id}" is defined in the configuration file and cannot be changed through the API` }] };
    if (id === undefined && existing) return { ok: false, status: 409, problems: [{ path: 'id', message: `a target "${v.target.id}" exists already (PUT /api/targets/${v.target.id} changes it)` }] };
    if (id !== undefined && !existing) return { ok: false, status: 404, problems: [{ path: 'id', message: `no target "${id}"` }] };
    const hostProblem = await this.hostProblem(v.target);
    if (hostProblem) return { ok: false, status: 400, problems: [{ path: 'host', message: hostProblem.text }] };
    await this.deps.storage.targets.put(v.target);
    this.targets.set(v.target.id, v.target);
    this.scheduler.upsert(v.target);
    this.pmtu?.upsert(v.target);
    return { ok: true, target: v.target };
  }

  /**
   * Adds or replaces an automatic target (src/autotargets): validated like an API target, stored,
   * scheduled; it never replaces a config or API target of the same id.
   */
  async putAuto(input: Record<string, unknown>): Promise<TargetChange> {
    const v = validateTargetInput({ ...input, source: 'auto' }, this.deps.config.addressPolicy);
    if (!v.ok) return { ok: false, status: 400, problems: v.problems };
    const existing = this.targets.get(v.target.id);
    if (existing && existing.source !== 'auto') return { ok: false, status: 409, problems: [{ path: 'id', message: `"${v.target.id}" is a ${existing.source} target` }] };
    await this.deps.storage.targets.put(v.target);
    this.targets.set(v.target.id, v.target);
    this.scheduler.upsert(v.target);
    return { ok: true, target: v.target };
  }

  async remove(id: string): Promise<TargetChange> {
    const t = this.targets.get(id);
    if (!t) return { ok: false, status: 404, problems: [{ path: 'id', message: `no target "${id}"` }] };
    if (t.source === 'config') return { ok: false, status: 409, problems: [{ path: 'id', message: `"${id}" is defined in the configuration file` }] };
    await this.deps.storage.targets.remove(id);
    this.targets.delete(id);
    this.scheduler.remove(id);
    this.pmtu?.remove(id);
    return { ok: true, target: t };
  }

  /** For a hostname: why it cannot be probed now (no answer, or only refused addresses); null if it can, or for an IP literal (checked by validation). */
  private async hostProblem(target: Target): Promise<{ text: string; temporary: boolean } | null> {
    if (ipFamily(target.host) !== 0) return null;
    const r = await resolveTarget(target, this.deps.config.addressPolicy, this.deps.lookup ? { lookup: this.deps.lookup } : {});
    return r.ok ? null : { text: `${r.code}: ${r.message}`, temporary: r.temporary === true };
  }

  private async run(target: Target, ctx: RunContext): Promise<PathObservation> {
    // Seconds to wait for each probe's reply: 2 s, the usual for Internet paths, unless the run is short.
    const waitSec = target.timeoutSec < 10 ? 1 : 2;
    if (target.tool === 'scamper' && this.scamperPool) {
      return this.scamperPool.trace(
        {
          address: ctx.address,
          // target validation allows scamper icmp-paris | udp-paris | tcp only; the pool refuses others (BAD_REQUEST).
          method: target.method as ScamperPoolMethod,
          probesPerHop: target.probesPerHop,
          maxHops: target.maxHops,
          waitSec,
          firstTtl: target.firstTtl,
          ...(target.port !== undefined ? { port: target.port } : {}),
          targetName: target.name,
        },
        { signal: ctx.signal, timeoutMs: ctx.timeoutMs },
      );
    }
    const family = ctx.address.includes(':') ? 6 : 4;
    const obs = await runProbe(
      {
        tool: target.tool,
        address: ctx.address,
        method: target.method,
        probesPerHop: target.probesPerHop,
        maxHops: target.maxHops,
        waitSec,
        firstTtl: target.firstTtl,
        ...(target.port !== undefined ? { port: target.port } : {}),
        ipVersion: family,
        targetName: target.name,
      },
      { signal: ctx.signal, timeoutMs: ctx.timeoutMs, vantage: this.deps.vantage, now: () => this.deps.clock.now(), ...this.deps.runOptions },
    );
    return obs;
  }

  /** Every finished run, failed ones included: its id, target and labels, and the RIB annotation. */
  private prepare(obs: PathObservation, target: Target): PathObservation {
    // The id is given here (24 hex digits, a valid ObjectId text) so that verdicts can cite observations before they are written.
    const labelled = { ...obs, id: randomBytes(12).toString('hex'), targetId: target.id, ...(Object.keys(target.labels).length ? { labels: target.labels } : {}) };
    return annotateHops(labelled, this.deps.rib);
  }

  /** The prepared observation: stored and published (runNow answers with this same object). */
  private publish(obs: PathObservation): void {
    if (obs.status === 'failed') this.deps.telemetry.rejected('prober', obs.error?.code ?? 'failed');
    this.deps.storage.observations.append(obs);
    this.deps.bus.emit('observation', obs);
  }
}

/**
 * Scheduler limits when scamper targets go to the pool: scamper may have maxInFlight runs (the
 * pool's own bound, so runs beyond it wait in the scheduler's queue, not in the pool), and the
 * global limit grows by as much so pooled traces (no process each) leave the process tools
 * their slots. Each process tool stays within the configured global limit on its own; together
 * they are bounded by their per-tool limits (whose defaults sum to the default global).
 */
export function poolConcurrency(config: ProbingConfig): ProbingConfig['concurrency'] {
  const { global, perTool } = config.concurrency;
  const capped = Object.fromEntries(Object.entries(perTool).map(([tool, n]) => [tool, Math.min(n, global)])) as ProbingConfig['concurrency']['perTool'];
  return { global: global + config.scamper.maxInFlight, perTool: { ...capped, scamper: config.scamper.maxInFlight } };
}
