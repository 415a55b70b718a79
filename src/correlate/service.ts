import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { AnnounceEvent, AsPathElement, RouteEvent } from '../../bgp/types.js';
import type { CorrelationConfig } from '../config/schema.js';
import type { EventBus } from '../core/bus.js';
import type { Clock } from '../core/clock.js';
import type { RouteChange, SmokeTraceEvents } from '../core/events.js';
import type { Service } from '../core/lifecycle.js';
import type { Telemetry } from '../core/telemetry.js';
import type { PmtuMeasurement } from '../probe/pmtu/types.js';
import type { PathObservation } from '../probe/types.js';
import type { PathChangeRecord, Storage, StoredAlert } from '../storage/repositories.js';
import { earlierOf, ResumeOnFirstSight } from './resume.js';
import { defaultAlertId, EMPTY_ALERT_STATE, resumeAlerts, step, type Alert, type AlertIdFactory, type AlertSignal, type AlertState } from './alerts.js';
import { emptyChangeState } from './change.js';
import type { RateLimitedHop } from './hops.js';
import type { Verdict } from './judge.js';
import type { RouteHolding } from './decision.js';
import { EMPTY_MTU_STATE, observeMtu, type MtuState } from './mtu.js';
import { assess, type AssessState } from './pipeline.js';
import { mergePolicy, type JudgePolicy } from './policy.js';
import type { PrefixMatcher } from './prefix.js';
import { RouteChangeBuffer } from './route-buffer.js';
import { collapseRepeats, flattenAsPath } from './route-ref.js';
import { describeWithdrawal } from './sentence.js';
import { TargetIndex } from './target-index.js';

/** What the correlator needs of the RIB (the routes' AS paths show whether an old route is still received). */
export interface RibView {
  lookup(address: string): {
    prefix: string;
    routes: Array<{ router: string; peer: { address: string; asn: number; type?: string; postPolicy?: boolean }; attributes?: { asPath: readonly AsPathElement[] } }>;
  } | null;
}

/** The routes of a RIB lookup (the longest prefix covering the target), as attribution reads them. */
export function ribHoldings(match: ReturnType<RibView['lookup']>): RouteHolding[] {
  if (match === null) return [];
  return match.routes.flatMap((r) =>
    r.attributes === undefined
      ? []
      : [
          {
            router: r.router,
            peer: { address: r.peer.address, asn: r.peer.asn, ...(r.peer.type === undefined ? {} : { type: r.peer.type }), ...(r.peer.postPolicy === undefined ? {} : { postPolicy: r.peer.postPolicy }) },
            prefix: match.prefix,
            asPath: collapseRepeats(flattenAsPath(r.attributes.asPath)),
            withdrawnInWindow: false,
          },
        ],
  );
}

export interface CorrelatorDeps {
  config: CorrelationConfig;
  vantage: string;
  storage: Storage;
  rib: RibView;
  bus: EventBus<SmokeTraceEvents>;
  telemetry: Telemetry;
  log: Logger;
  clock: Clock;
  /** Which observations on the bus this correlator judges (default: all). The cluster relay passes "measured here". */
  accept?: (obs: PathObservation) => boolean;
  /** Optional say over notifications and stored alerts (the cluster's N-of-M vantage quorum); default: emit alert.notify. */
  gate?: AlertGate;
}

/** Sits between the alert state machine and the world: may hold a notification back and add fields to a stored alert. */
export interface AlertGate {
  annotate(alert: StoredAlert): StoredAlert;
  notify(alert: Alert): void;
}

/** What the judge said of a target's hop-only loss: the hops, and the end-to-end loss beside it. */
export interface RateLimitNote {
  at: string;
  hops: RateLimitedHop[];
  endToEnd: { lossPct: number; sent: number; judged: boolean };
}

/** Open alerts read back at start (a bound: a correlator with more open alerts resumes the newest). */
const MAX_RESUMED_ALERTS = 10_000;
/** Stored runs replayed per target on its first observation after a start (the baseline keeps 20 by default). */
const MAX_RESUMED_RUNS = 60;
/** Live observations held per target while its stored runs are read; older ones beyond this are dropped (counted). */
const MAX_HELD_WHILE_RESUMING = 50;
/** Stored path MTU measurements older than this (before a target's first one after a start) are not replayed. */
const MTU_RESUME_AGE_MS = 7 * 24 * 3600_000;
const RATE_LIMIT_NOTES = 200;

/** Alerts about the path itself: a new confirmed change decides them afresh. */
const CHANGE_KINDS = new Set(['path_worse', 'path_better', 'hop_count_change', 'as_path_change']);
/** Notices of one change: they clear once the path has been stable for the clear time. */
const ONE_SHOT_KINDS = new Set(['path_better', 'hop_count_change', 'as_path_change']);

/**
 * URL-safe, deterministic alert ids: the same (vantage, target, kind, scope, openedAt) gives the same id.
 * The vantage is part of it: daemons sharing one store must not overwrite each other's alerts.
 */
const alertIds =
  (vantage: string): AlertIdFactory =>
  (t, k, s, ms) =>
    createHash('sha1').update(`${vantage}|${defaultAlertId(t, k, s, ms)}`).digest('hex').slice(0, 20);

/** 24 hex digits: a valid MongoDB ObjectId text, made without the driver. */
export function newId(): string {
  return randomBytes(12).toString('hex');
}

/**
 * The correlator's I/O shell around the pure core: per target, observations
 * go through change detection and the judge with the route changes of the
 * window; signals drive the alert state machine; alerts and path changes are
 * stored and published. Route changes on a prefix covering a target trigger a
 * short probe burst and, when the target loses its last route, a
 * route-withdrawn alert.
 */
export class CorrelatorService implements Service {
  readonly name = 'correlator';
  private readonly changes = new Map<string, AssessState>();
  private readonly alerts = new Map<string, AlertState>();
  private readonly mtu = new Map<string, MtuState>();
  private readonly names = new Map<string, string>();
  private readonly targets = new TargetIndex();
  private readonly buffer = new RouteChangeBuffer();
  private readonly lastBurst = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly counters = { observations: 0, skipped: 0, mtuMeasurements: 0, mtuChanges: 0, pathChanges: 0, alertsOpened: 0, alertsResolved: 0, alertsResumed: 0, baselinesResumed: 0, runsReplayed: 0, mtuResumed: 0, resumeFailures: 0, bursts: 0, routeChanges: 0, rateLimitedJudgements: 0 };
  /** Per target, the latest judgement that found hop loss not carried on (ICMP rate limiting), newest last; bounded. */
  private readonly rateLimited = new Map<string, RateLimitNote>();
  /** A target's first observation after a start waits for its stored runs to be replayed. */
  private readonly runsResume = new ResumeOnFirstSight<PathObservation>(MAX_HELD_WHILE_RESUMING, (o) => this.judge(o));
  /** Its first path MTU measurement, for the stored measurements (the MTU reference). */
  private readonly mtuResume = new ResumeOnFirstSight<PmtuMeasurement>(MAX_HELD_WHILE_RESUMING, (m) => this.judgeMtu(m));

  private readonly alertId: AlertIdFactory;

  constructor(private readonly deps: CorrelatorDeps) {
    this.alertId = alertIds(deps.vantage);
  }

  async start(): Promise<void> {
    await this.resumeOpenAlerts();
    this.deps.bus.on('observation', 'correlator', (o) => this.onObservation(o));
    this.deps.bus.on('route.change', 'correlator', (c) => this.onRouteChange(c));
    this.deps.bus.on('path.mtu', 'correlator', (m) => this.onPathMtu(m));
    this.deps.telemetry.registerHealth('correlator', () => ({
      status: 'up',
      details: { ...this.counters, heldDropped: this.runsResume.dropped + this.mtuResume.dropped, targets: this.changes.size, routeBuffer: this.buffer.size, rateLimited: Object.fromEntries(this.rateLimited) },
    }));
  }

  /**
   * This vantage's alerts still open in storage continue where they were (a restart or an
   * upgrade must not leave them open forever nor open a duplicate beside them). The baselines
   * are learned again from new observations; an alert whose condition is not seen again
   * resolves after the clear time as usual.
   */
  private async resumeOpenAlerts(): Promise<void> {
    if (!this.deps.storage.isAvailable()) return;
    try {
      const stored = await this.deps.storage.alerts.list({ state: 'open', limit: MAX_RESUMED_ALERTS });
      const mine = stored.filter((a) => a.vantage === this.deps.vantage);
      for (const a of mine) if (typeof a.targetName === 'string') this.names.set(a.targetId, a.targetName);
      for (const [target, state] of resumeAlerts(mine as unknown as Alert[])) this.alerts.set(target, state);
      this.counters.alertsResumed = mine.length;
      if (mine.length > 0) this.deps.log.info({ alerts: mine.length }, 'open alerts resumed from storage');
    } catch (err) {
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'open alerts could not be read: not resumed');
    }
  }

  async stop(): Promise<void> {
    this.runsResume.stop();
    this.mtuResume.stop();
    this.deps.bus.off('correlator');
    this.deps.telemetry.unregisterHealth('correlator');
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Resolves once no target waits for its stored runs or MTU measurements (what was held meanwhile judged). */
  async idle(): Promise<void> {
    await Promise.all([this.runsResume.idle(), this.mtuResume.idle()]);
  }

  /** Resuming from storage is on, and storage can answer. */
  private resumes(): boolean {
    return this.deps.config.resumeBaselines && this.deps.storage.isAvailable();
  }

  policyFor(targetId: string): JudgePolicy {
    return mergePolicy(this.deps.config.policy, this.deps.config.overrides[targetId]);
  }

  /** Open alerts held in memory, newest first. */
  openAlerts(): Alert[] {
    return [...this.alerts.values()]
      .flatMap((s) => Object.values(s.tracks).flatMap((t) => (t.current ? [t.current] : [])))
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  }

  onObservation(obs: PathObservation): void {
    if (!obs.targetId || obs.status === 'failed' || (this.deps.accept && !this.deps.accept(obs))) {
      this.counters.skipped++;
      return;
    }
    this.counters.observations++;
    const targetId = obs.targetId;
    this.runsResume.offer(
      targetId,
      obs,
      () => this.resumes() && !this.changes.has(targetId),
      () => this.resumeBaseline(obs),
    );
  }

  /**
   * The target's stored runs before `first` (of its vantage, within the baseline age, at most
   * MAX_RESUMED_RUNS) replayed through change detection and the performance reference, their
   * verdicts discarded (they were given before the restart): the state is what it was.
   */
  private async resumeBaseline(first: PathObservation): Promise<void> {
    const targetId = first.targetId!;
    try {
      const policy = this.policyFor(targetId);
      const firstMs = Date.parse(first.startedAt);
      const stored = await this.deps.storage.observations.forTarget(targetId, {
        since: new Date(firstMs - policy.baselineMaxAgeMs),
        until: new Date(firstMs),
        limit: MAX_RESUMED_RUNS + 1,
      });
      const earlier = earlierOf(stored, first, (o) => o.startedAt, (o) => o.status !== 'failed', MAX_RESUMED_RUNS);
      if (earlier.length === 0 || this.changes.has(targetId)) return;
      let state: AssessState = emptyChangeState(targetId);
      for (const o of earlier) {
        state = assess(state, o, {
          policy,
          nowMs: Date.parse(o.startedAt),
          targetName: o.target.name,
          targetPrefix: null,
          ribRoutes: () => [],
          routeEvents: [],
          asNames: this.asNames(),
          ignoreAsns: this.deps.config.ignoreAsns,
        }).state;
      }
      this.changes.set(targetId, state);
      this.counters.baselinesResumed++;
      this.counters.runsReplayed += earlier.length;
    } catch (err) {
      this.counters.resumeFailures++;
      this.deps.log.warn({ target: targetId, err: err instanceof Error ? err.message : String(err) }, 'stored runs could not be read: the baseline is learned again');
    }
  }

  /** The target's stored path MTU measurements before `first` replayed (signals discarded): the MTU reference is what it was. */
  private async resumeMtu(first: PmtuMeasurement): Promise<void> {
    try {
      const firstMs = Date.parse(first.measuredAt);
      const stored = await this.deps.storage.pathMtu.forTarget(first.targetId, { since: new Date(firstMs - MTU_RESUME_AGE_MS), until: new Date(firstMs), limit: MAX_RESUMED_RUNS + 1 });
      const earlier = earlierOf(stored, first, (m) => m.measuredAt, (m) => m.status === 'ok', MAX_RESUMED_RUNS);
      if (earlier.length === 0 || this.mtu.has(first.targetId)) return;
      const policy = this.policyFor(first.targetId);
      let state = EMPTY_MTU_STATE;
      for (const m of earlier) state = observeMtu(state, m, { policy, targetName: m.target.name, nowMs: Date.parse(m.measuredAt), asNames: this.asNames() }).state;
      this.mtu.set(first.targetId, state);
      this.counters.mtuResumed++;
    } catch (err) {
      this.counters.resumeFailures++;
      this.deps.log.warn({ target: first.targetId, err: err instanceof Error ? err.message : String(err) }, 'stored path MTU measurements could not be read: the reference is learned again');
    }
  }

  /** Change detection, the judge, path changes and alert signals for one observation of this vantage. */
  private judge(obs: PathObservation): void {
    const targetId = obs.targetId!;
    this.names.set(targetId, obs.target.name);
    this.targets.set(targetId, obs.target.address);
    const policy = this.policyFor(targetId);
    const nowMs = this.deps.clock.nowMs();
    const match = this.deps.rib.lookup(obs.target.address);
    const a = assess(this.changes.get(targetId) ?? emptyChangeState(targetId), obs, {
      policy,
      nowMs,
      targetName: obs.target.name,
      targetPrefix: match?.prefix ?? null,
      ribRoutes: () => ribHoldings(match),
      routeEvents: (watched) => this.windowEvents(nowMs, policy, watched),
      asNames: this.asNames(),
      ignoreAsns: this.deps.config.ignoreAsns,
    });
    this.changes.set(targetId, a.state);
    this.noteRateLimiting(targetId, a.verdict ?? a.performance, nowMs);
    let pathChangeId: string | null = null;
    if (a.verdict && a.result.status === 'confirmed') {
      const change = a.result.change;
      const rec: PathChangeRecord = {
        id: newId(),
        targetId,
        targetName: obs.target.name,
        vantage: this.deps.vantage,
        time: new Date(change.changeTimeMs).toISOString(),
        verdict: a.verdict,
        attribution: a.attribution,
        sentence: a.sentence ?? '',
        routeEvents: a.routeEvents,
        beforeObservationIds: change.before.flatMap((o) => (o.id ? [o.id] : [])),
        afterObservationIds: change.after.flatMap((o) => (o.id ? [o.id] : [])),
        cause: a.attribution?.bgpCause ? 'bgp' : 'none',
      };
      pathChangeId = rec.id;
      this.counters.pathChanges++;
      this.deps.storage.pathChanges.append(rec);
      this.deps.bus.emit('path.change', rec);
      this.deps.log.info({ target: targetId, verdict: a.verdict.verdict, cause: rec.cause }, 'path change');
    }
    const superseded = this.supersededBy(targetId, a.signals, pathChangeId !== null);
    const signals = [...a.signals, ...superseded];
    this.signal([...signals, ...this.pendingClears(targetId, signals)], nowMs, policy, pathChangeId);
  }

  /** A path MTU measurement: the pure MTU state machine, its signal to the alert machine (kind mtu_change). */
  onPathMtu(m: PmtuMeasurement): void {
    // Measured by another vantage: its own correlator judges it.
    if (m.status !== 'ok' || m.vantage !== this.deps.vantage) {
      this.counters.skipped++;
      return;
    }
    this.counters.mtuMeasurements++;
    this.mtuResume.offer(
      m.targetId,
      m,
      () => this.resumes() && !this.mtu.has(m.targetId),
      () => this.resumeMtu(m),
    );
  }

  private judgeMtu(m: PmtuMeasurement): void {
    const name = this.names.get(m.targetId) ?? m.target.name;
    this.names.set(m.targetId, name);
    const policy = this.policyFor(m.targetId);
    const nowMs = this.deps.clock.nowMs();
    const r = observeMtu(this.mtu.get(m.targetId) ?? EMPTY_MTU_STATE, m, { policy, targetName: name, nowMs, asNames: this.asNames() });
    this.mtu.set(m.targetId, r.state);
    if (r.change) {
      this.counters.mtuChanges++;
      this.deps.log.info({ target: m.targetId, from: r.change.fromMtu, to: r.change.toMtu }, 'path MTU change');
    }
    if (r.signal) this.signal([r.signal], nowMs, policy, null);
  }

  /** Keeps what the judge said about hop-only loss (shown on the correlator's health): seen, classified, not alerted on. */
  private noteRateLimiting(targetId: string, v: Verdict | null, nowMs: number): void {
    if (v === null) return;
    this.rateLimited.delete(targetId);
    if (v.evidence.rateLimitedHops.length === 0) return;
    this.counters.rateLimitedJudgements++;
    const l = v.numbers.loss;
    this.rateLimited.set(targetId, { at: new Date(nowMs).toISOString(), hops: v.evidence.rateLimitedHops, endToEnd: { lossPct: l.after.pct, sent: l.after.sent, judged: l.judged } });
    if (this.rateLimited.size > RATE_LIMIT_NOTES) this.rateLimited.delete(this.rateLimited.keys().next().value!);
  }

  /**
   * What the latest observation says is over. A new confirmed change replaces
   * every change alert it does not raise again (the path that was worse is
   * gone); without a change, the one-shot notices (hop count, AS path, better)
   * start to clear once the path is stable.
   */
  private supersededBy(targetId: string, signals: AlertSignal[], confirmedChange: boolean): AlertSignal[] {
    const state = this.alerts.get(targetId);
    if (!state) return [];
    const raised = new Set(signals.filter((s) => s.active).map((s) => `${s.kind}|${s.scope ?? 'e2e'}`));
    return Object.values(state.tracks)
      .filter((t) => t.current && !raised.has(`${t.kind}|${t.scope}`))
      .filter((t) => (confirmedChange ? CHANGE_KINDS.has(t.kind) || t.scope.startsWith('hop:') : ONE_SHOT_KINDS.has(t.kind)))
      .map((t) => ({ targetId, kind: t.kind, scope: t.scope, active: false }));
  }

  /**
   * An open alert whose condition went away resolves only after clearAfter
   * without it; signals for it may not come again (a verdict is one-off), so
   * each observation of the target re-asserts "still clean" for those tracks.
   */
  private pendingClears(targetId: string, signals: AlertSignal[]): AlertSignal[] {
    const state = this.alerts.get(targetId);
    if (!state) return [];
    const signalled = new Set(signals.map((s) => `${s.kind}|${s.scope ?? 'e2e'}`));
    return Object.values(state.tracks)
      .filter((t) => t.current && t.cleanSince !== null && !signalled.has(`${t.kind}|${t.scope}`))
      .map((t) => ({ targetId, kind: t.kind, scope: t.scope, active: false }));
  }

  private signal(signals: AlertSignal[], nowMs: number, policy: JudgePolicy, pathChangeId: string | null): void {
    for (const s of signals) {
      const before = this.alerts.get(s.targetId) ?? EMPTY_ALERT_STATE;
      const { state, actions } = step(before, s, nowMs, policy, this.alertId);
      this.alerts.set(s.targetId, state);
      for (const act of actions) {
        if (act.kind === 'notify') {
          if (this.deps.gate) this.deps.gate.notify(act.alert);
          else this.deps.bus.emit('alert.notify', act.alert);
          continue;
        }
        if (act.kind === 'open') this.counters.alertsOpened++;
        if (act.kind === 'resolve') this.counters.alertsResolved++;
        const base: StoredAlert = {
          ...act.alert,
          vantage: this.deps.vantage,
          targetName: this.names.get(act.alert.targetId) ?? act.alert.targetId,
          ...(pathChangeId && s.active ? { pathChangeId } : {}),
        };
        const stored = this.deps.gate ? this.deps.gate.annotate(base) : base;
        this.deps.storage.alerts.put(stored);
        this.deps.bus.emit('alert', { action: act.kind, alert: stored });
      }
    }
  }

  private asNames(): Map<number, string> {
    return new Map(Object.entries(this.deps.config.asNames).map(([k, v]) => [Number(k), v]));
  }

  /**
   * Route changes of the correlation window whose prefix overlaps `watched`, oldest first, each
   * preceded by the route as it was before (a synthetic announce just before the window), so
   * attribution knows the AS path a withdraw or replace took away. Called on a confirmed path
   * change only (after a full table the buffer holds up to routeBuffer.maxEvents changes).
   */
  private windowEvents(nowMs: number, policy: JudgePolicy, watched: PrefixMatcher): RouteEvent[] {
    const from = nowMs - policy.routeWindowBeforeMs - policy.baselineMaxAgeMs;
    const out: Array<{ ms: number; e: RouteEvent }> = [];
    const seen = new Set<string>();
    this.buffer.forEachOverlapping(from, watched, (c, t) => {
      const key = `${c.event.router}|${c.event.peer.address}|${c.event.peer.type}|${c.event.prefix}|${c.event.pathId ?? ''}`;
      if (c.previous && !seen.has(key)) {
        const ms = t - policy.routeWindowBeforeMs - 1;
        const prior: AnnounceEvent = {
          ...(c.event as AnnounceEvent),
          type: 'announce',
          time: new Date(ms).toISOString(),
          asPath: c.previous.asPath,
          nextHop: c.previous.nextHop,
          origin: null,
          med: null,
          localPref: null,
          communities: [],
          largeCommunities: [],
          extCommunities: [],
        };
        out.push({ ms, e: prior });
      }
      seen.add(key);
      out.push({ ms: t, e: c.event });
    });
    return out.sort((a, b) => a.ms - b.ms).map((x) => x.e);
  }

  onRouteChange(c: RouteChange): void {
    this.counters.routeChanges++;
    const nowMs = this.deps.clock.nowMs();
    const { maxEvents, keepMinutes } = this.deps.config.routeBuffer;
    this.buffer.push(c, nowMs);
    this.buffer.prune(maxEvents, nowMs - keepMinutes * 60_000);
    const covered = this.targets.covered(c.event.prefix);
    if (!covered.length) return;
    for (const targetId of covered) {
      this.burst(targetId, c, nowMs);
      this.checkWithdrawn(targetId, c, nowMs);
    }
  }

  /** A few probes right away, so the after-state is measured in seconds, not at the next interval. */
  private burst(targetId: string, c: RouteChange, nowMs: number): void {
    const b = this.deps.config.burst;
    if (!b.enabled) return;
    const last = this.lastBurst.get(targetId);
    if (last !== undefined && nowMs - last < b.minGapSec * 1000) return;
    this.lastBurst.set(targetId, nowMs);
    this.counters.bursts++;
    const cause = { prefix: c.event.prefix, type: c.event.type, time: c.event.time };
    this.deps.log.info({ target: targetId, prefix: c.event.prefix, type: c.event.type }, 'route change on a watched prefix: probe burst');
    for (let i = 0; i < b.probes; i++) {
      const fire = () => this.deps.bus.emit('probe.request', { targetId, reason: 'bgp-trigger', cause });
      if (i === 0) {
        fire();
        continue;
      }
      const t = setTimeout(() => {
        this.timers.delete(t);
        fire();
      }, i * b.intervalSec * 1000);
      t.unref();
      this.timers.add(t);
    }
  }

  /** route_withdrawn: no route left covering the target (raised on the withdraw, cleared by an announce). */
  private checkWithdrawn(targetId: string, c: RouteChange, nowMs: number): void {
    const address = this.targets.address(targetId);
    if (!address) return;
    const match = this.deps.rib.lookup(address);
    const policy = this.policyFor(targetId);
    if (c.event.type === 'withdraw' && match === null) {
      const targetName = this.names.get(targetId) ?? targetId;
      const summary = describeWithdrawal({
        targetName,
        prefix: c.event.prefix,
        peerAsn: c.event.peer.asn,
        peerAddress: c.event.peer.address,
        timeMs: Date.parse(c.event.time),
        nowMs,
        remainingPeers: 0,
        asNames: this.asNames(),
      });
      this.signal(
        [{ targetId, kind: 'route_withdrawn', active: true, summary, evidence: { observationIds: [], routeEvents: [toRef(c.event)] } }],
        nowMs,
        policy,
        null,
      );
    } else if (match !== null) {
      this.signal([{ targetId, kind: 'route_withdrawn', active: false }], nowMs, policy, null);
    }
  }
}

function toRef(e: RouteChange['event']) {
  return {
    time: e.time,
    type: e.type,
    router: e.router,
    peerAddress: e.peer.address,
    peerAsn: e.peer.asn,
    prefix: e.prefix,
    asPath: null,
  };
}
