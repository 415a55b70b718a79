/**
 * The automatic-targets service: listens to route changes (churn, prefixes of configured
 * origin ASNs and communities, withdrawals) and traffic snapshots (flow.talkers), and at each
 * refresh ranks the candidate prefixes (select.ts), finds a responsive address in each new one
 * (discover.ts) and reconciles the prober's automatic targets with the choice. Pins and
 * exclusions are users' decisions, stored (storage.autoTargetMarks) and applied at every refresh.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { FlowTalkers, RouteChange, SmokeTraceEvents } from '../core/events.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import type { AddressPolicy, Target } from '../probe/target.js';
import type { AutoTargetMark, AutoTargetMarkRepository } from '../storage/repositories.js';
import { CandidatePool, type AutoRib } from './candidates.js';
import type { AutoTargetsConfig } from './config.js';
import { AddressFinder, type ReachabilityProbe } from './discover.js';
import { autoTargetId } from './ids.js';
import { autoLabels, pickTargets, rankCandidates, reasonsOf, type AutoReason, type RankedCandidate } from './select.js';
import { autoTargetInput, prefixOfAutoId } from './target-input.js';
import type { AutoTargetView, MarkAction, MarkResult, RefreshReport } from './view.js';

export type { AutoRib } from './candidates.js';
export type { AutoTargetView, MarkAction, MarkResult, RefreshReport } from './view.js';

/** What the service needs of the prober: its targets, and adding/removing automatic ones. */
export interface AutoTargetSink {
  list(): Target[];
  putAuto(input: Record<string, unknown>): Promise<{ ok: true; target: Target } | { ok: false; status: number; problems: Array<{ path: string; message: string }> }>;
  remove(id: string): Promise<{ ok: boolean }>;
}

export interface AutoTargetDeps {
  config: AutoTargetsConfig;
  addressPolicy: AddressPolicy;
  rib: AutoRib;
  bus: EventBus<SmokeTraceEvents>;
  targets: AutoTargetSink;
  marks: AutoTargetMarkRepository;
  /** The reachability probe (src/probe/ping.ts in the daemon); unused with reachability.method none. */
  reach: ReachabilityProbe;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
}

const PER_REASON_MIN = 100;

export class AutoTargetService implements Service {
  readonly name = 'autotargets';
  private readonly pool: CandidatePool;
  private readonly finder: AddressFinder;
  /** Prefixes of the automatic targets, as of the last change made here (the ingest path reads only this). */
  private autoPrefixes = new Set<string>();
  private marks: Map<string, AutoTargetMark> | null = null;
  /** Details of the latest choice per prefix, for the API. */
  private details = new Map<string, RankedCandidate>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private lastRefreshMs = Number.NEGATIVE_INFINITY;
  private last: RefreshReport | null = null;
  private stopped = true;
  private readonly counters = { refreshes: 0, added: 0, removed: 0, withdrawn: 0, talkersRefused: 0, errors: 0 };

  constructor(private readonly deps: AutoTargetDeps) {
    const c = deps.config;
    this.pool = new CandidatePool(c, deps.rib);
    this.finder = new AddressFinder({
      policy: deps.addressPolicy,
      hostOffsets: c.hints.hostOffsets,
      candidatesPerPrefix: c.reachability.candidatesPerPrefix,
      retryAfterMs: c.reachability.retryAfterMinutes * 60_000,
      probe: c.reachability.method === 'none' ? null : deps.reach,
    });
  }

  async start(): Promise<void> {
    this.stopped = false;
    const { bus, config, telemetry } = this.deps;
    // The first refresh comes minRefreshGapSec after start, so the feeds have a moment to fill the RIB.
    this.lastRefreshMs = this.deps.clock.nowMs();
    // Prefixes already in the RIB (the feeds may have started first); later ones arrive as route changes.
    this.pool.seed();
    bus.on('route.change', this.name, (c) => this.onRouteChange(c));
    if (config.traffic.enabled) bus.on('flow.talkers', this.name, (t) => this.onTalkers(t));
    await this.loadMarks();
    this.autoPrefixes = new Set(this.current().keys());
    telemetry.registerHealth(this.name, () => ({
      status: 'up',
      details: { ...this.counters, targets: this.current().size, ...this.pool.stats(), marksLoaded: this.marks !== null, ...this.finder.stats, lastRefresh: this.last },
    }));
    telemetry.gauge('smoketrace_auto_targets', 'Automatic targets (chosen from BGP and traffic data)', [], (g) => g.set(this.autoPrefixes.size));
    this.timer = setInterval(() => this.requestRefresh(), config.refreshIntervalSec * 1000);
    this.timer.unref();
    this.requestRefresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.bus.off(this.name);
    this.deps.telemetry.unregisterHealth(this.name);
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearTimeout(this.pending);
    this.timer = this.pending = null;
    await this.chain.catch(() => {});
  }

  /** Asks for a refresh, at most one per minRefreshGapSec (a later ask joins the pending one). */
  requestRefresh(): void {
    if (this.stopped || this.pending) return;
    const wait = Math.max(0, this.lastRefreshMs + this.deps.config.minRefreshGapSec * 1000 - this.deps.clock.nowMs());
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.refresh().catch((err: unknown) => {
        this.counters.errors++;
        this.deps.log.error({ err }, 'auto-target refresh failed');
      });
    }, wait);
    this.pending.unref();
  }

  /** Re-ranks and reconciles now (serialized with other changes). */
  refresh(): Promise<RefreshReport> {
    return this.serial(() => this.doRefresh());
  }

  /** A refresh asked for from outside (the API): now, unless the last one began less than minRefreshGapSec ago. */
  tryRefresh(): Promise<{ ok: true; report: RefreshReport } | { ok: false; retryAfterSec: number }> {
    const waitMs = this.lastRefreshMs + this.deps.config.minRefreshGapSec * 1000 - this.deps.clock.nowMs();
    if (waitMs > 0) return Promise.resolve({ ok: false, retryAfterSec: Math.ceil(waitMs / 1000) });
    return this.refresh().then((report) => ({ ok: true, report }));
  }

  /** The automatic targets with why they were chosen, and the excluded prefixes. */
  view(): { targets: AutoTargetView[]; excluded: AutoTargetMark[]; lastRefresh: RefreshReport | null } {
    const targets = [...this.current()].map(([prefix, t]) => {
      const d = this.details.get(prefix);
      const origin = Number(t.labels.originAs);
      return {
        id: t.id,
        prefix,
        host: t.host,
        reason: t.labels.auto ?? 'unknown',
        reasons: (t.labels.reasons ?? '').split(',').filter(Boolean),
        originAs: Number.isInteger(origin) ? origin : null,
        pinned: this.marks?.get(prefix)?.mark === 'pinned',
        inRib: this.deps.rib.routesFor(prefix).length > 0,
        churn: d?.churn ?? null,
        trafficBytes: d?.traffic?.bytes ?? null,
        communities: d?.communities ?? [],
      };
    });
    const excluded = [...(this.marks?.values() ?? [])].filter((m) => m.mark === 'excluded');
    return { targets, excluded, lastRefresh: this.last };
  }

  /** A user's pin, unpin, exclude, unexclude or delete of an automatic target (by target id). */
  mark(id: string, action: MarkAction): Promise<MarkResult> {
    return this.serial(() => this.doMark(id, action));
  }

  // ------------------------------------------------------------------ events

  private onRouteChange(c: RouteChange): void {
    const prefix = c.event.prefix;
    this.pool.onRouteChange(c, this.deps.clock.nowMs());
    if (c.change === 'withdraw' && this.autoPrefixes.has(prefix) && this.deps.rib.routesFor(prefix).length === 0 && this.marks?.get(prefix)?.mark !== 'pinned') {
      void this.serial(() => this.dropWithdrawn(prefix)).catch((err: unknown) => this.deps.log.error({ err, prefix }, 'auto-target removal failed'));
    }
  }

  private onTalkers(t: FlowTalkers): void {
    const nowMs = this.deps.clock.nowMs();
    // A snapshot read back at a start is as old as its own time, not new.
    const stamped = Date.parse(t.time);
    const takenMs = t.replayed && Number.isFinite(stamped) ? Math.min(nowMs, stamped) : nowMs;
    const refused = this.pool.onTalkers(t, takenMs);
    if (refused > 0) {
      this.counters.talkersRefused += refused;
      this.deps.telemetry.rejected(this.name, 'bad-talker', refused);
    }
  }

  // ------------------------------------------------------------------ work (serialized)

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const work = () => fn().finally(() => (this.autoPrefixes = new Set(this.current().keys())));
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => {});
    return run;
  }

  /** The prober's automatic targets by prefix. */
  private current(): Map<string, Target> {
    const out = new Map<string, Target>();
    for (const t of this.deps.targets.list()) {
      if (t.source !== 'auto') continue;
      const prefix = t.labels.prefix ?? prefixOfAutoId(t.id);
      if (prefix) out.set(prefix, t);
    }
    return out;
  }

  private async loadMarks(): Promise<boolean> {
    if (this.marks) return true;
    try {
      this.marks = new Map((await this.deps.marks.list()).map((m) => [m.prefix, m]));
      return true;
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'auto-target pins and exclusions unavailable; refresh waits for storage');
      return false;
    }
  }

  private async dropWithdrawn(prefix: string): Promise<void> {
    const t = this.current().get(prefix);
    if (!t || this.deps.rib.routesFor(prefix).length > 0 || this.marks?.get(prefix)?.mark === 'pinned') return;
    await this.deps.targets.remove(t.id);
    this.counters.withdrawn++;
    this.deps.log.info({ prefix, target: t.id }, 'auto target removed: prefix withdrawn');
  }

  private perReason(): number {
    return Math.max(PER_REASON_MIN, this.deps.config.maxTargets * 10);
  }

  private async doRefresh(): Promise<RefreshReport> {
    const { config, clock, log } = this.deps;
    const nowMs = clock.nowMs();
    this.lastRefreshMs = nowMs;
    const empty = { churn: 0, traffic: 0, 'origin-as': 0, community: 0 };
    if (!(await this.loadMarks()) || this.marks === null) {
      this.last = { at: clock.now().toISOString(), candidates: empty, chosen: 0, added: [], removed: [], capped: 0, unusable: 0, probes: 0, skipped: 'marks-unavailable' };
      return this.last;
    }
    const marks = this.marks;
    const candidates = this.pool.collect(nowMs, this.perReason());
    const excluded = new Set([...marks.values()].filter((m) => m.mark === 'excluded').map((m) => m.prefix));
    const ranked = rankCandidates(candidates.values(), { minChurn: config.churn.minChanges, excluded, perOriginAsMax: config.perOriginAsMax, perReason: this.perReason() });
    const current = this.current();
    const pinned = await this.pinnedChoices(current, ranked, marks);
    this.finder.beginRound(config.reachability.maxProbesPerRefresh);
    const hosts = new Map<string, string>();
    let probes = 0;
    const pick = await pickTargets(ranked, pinned, { maxTargets: config.maxTargets, perOriginAsMax: config.perOriginAsMax }, async (c) => {
      const existing = current.get(c.prefix);
      if (existing) return hosts.set(c.prefix, existing.host), true;
      const hints = [...(config.hints.prefixes[c.prefix] ?? []), ...(c.traffic?.addresses ?? [])];
      const found = await this.finder.find(c.prefix, hints, nowMs);
      probes += found.probes;
      if (found.ok) hosts.set(c.prefix, found.address);
      return found.ok;
    }, new Set(current.keys()), config.reachability.concurrency);
    const added: string[] = [];
    const removed: string[] = [];
    const chosen = new Set(pick.chosen.map((c) => c.prefix));
    for (const [prefix, t] of current) {
      if (chosen.has(prefix) || this.stopped) continue;
      await this.deps.targets.remove(t.id);
      removed.push(t.id);
    }
    for (const c of pick.chosen) {
      if (this.stopped) break;
      const existing = current.get(c.prefix);
      const labels = c.pinned && existing ? existing.labels : autoLabels(c);
      const host = existing?.host ?? hosts.get(c.prefix);
      if (host === undefined || (existing && sameLabels(existing.labels, labels))) continue;
      const r = await this.deps.targets.putAuto(autoTargetInput(c.prefix, host, labels, config.target));
      if (!r.ok) {
        this.counters.errors++;
        log.warn({ prefix: c.prefix, problems: r.problems }, 'auto target refused');
      } else if (!existing) added.push(r.target.id);
    }
    this.details = new Map([...pick.chosen].map((c) => [c.prefix, c]));
    const counts = { ...empty };
    for (const c of candidates.values()) for (const r of reasonsOf(c, config.churn.minChanges)) counts[r]++;
    this.counters.refreshes++;
    this.counters.added += added.length;
    this.counters.removed += removed.length;
    this.last = { at: clock.now().toISOString(), candidates: counts, chosen: pick.chosen.length, added, removed, capped: pick.capped, unusable: pick.unusable, probes };
    if (added.length || removed.length) log.info({ added: added.length, removed: removed.length, chosen: pick.chosen.length, probes }, 'auto targets refreshed');
    return this.last;
  }

  /** Pinned prefixes that still have their target; a pin whose target was deleted elsewhere is dropped. */
  private async pinnedChoices(current: Map<string, Target>, ranked: RankedCandidate[], marks: Map<string, AutoTargetMark>): Promise<RankedCandidate[]> {
    const out: RankedCandidate[] = [];
    const byPrefix = new Map(ranked.map((r) => [r.prefix, r]));
    for (const m of [...marks.values()]) {
      if (m.mark !== 'pinned') continue;
      const t = current.get(m.prefix);
      if (!t) {
        await this.deps.marks.remove(m.prefix);
        marks.delete(m.prefix);
        continue;
      }
      const origin = Number(t.labels.originAs);
      out.push(
        byPrefix.get(m.prefix) ?? {
          prefix: m.prefix,
          originAs: Number.isInteger(origin) ? origin : null,
          reason: (t.labels.auto ?? 'churn') as AutoReason,
          reasons: (t.labels.reasons ?? '').split(',').filter(Boolean) as AutoReason[],
        },
      );
    }
    return out;
  }

  private async doMark(id: string, action: MarkAction): Promise<MarkResult> {
    const prefix = prefixOfAutoId(id);
    if (prefix === null || autoTargetId(prefix) !== id) return { ok: false, status: 404, message: `"${id}" is not an automatic target id` };
    if (!(await this.loadMarks()) || this.marks === null) return { ok: false, status: 503, message: 'storage unavailable: pins and exclusions cannot be read' };
    const marks = this.marks;
    const target = this.current().get(prefix);
    const mark = marks.get(prefix);
    const since = this.deps.clock.now().toISOString();
    switch (action) {
      case 'pin':
        if (!target) return { ok: false, status: 404, message: `no automatic target "${id}"` };
        await this.setMark({ prefix, targetId: id, mark: 'pinned', since });
        break;
      case 'unpin':
        if (mark?.mark !== 'pinned') return { ok: false, status: 409, message: `"${id}" is not pinned` };
        await this.clearMark(prefix);
        break;
      case 'exclude':
        await this.setMark({ prefix, targetId: id, mark: 'excluded', since });
        if (target) await this.deps.targets.remove(target.id);
        break;
      case 'unexclude':
        if (mark?.mark !== 'excluded') return { ok: false, status: 404, message: `"${id}" is not excluded` };
        await this.clearMark(prefix);
        break;
      case 'delete':
        if (!target) return { ok: false, status: 404, message: `no automatic target "${id}"` };
        if (mark) await this.clearMark(prefix);
        await this.deps.targets.remove(target.id);
        break;
    }
    this.deps.log.info({ target: id, prefix, action }, 'auto target marked');
    return { ok: true, id, prefix };
  }

  private async setMark(m: AutoTargetMark): Promise<void> {
    await this.deps.marks.put(m);
    this.marks?.set(m.prefix, m);
  }

  private async clearMark(prefix: string): Promise<void> {
    await this.deps.marks.remove(prefix);
    this.marks?.delete(prefix);
  }
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
