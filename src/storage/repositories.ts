import type { RouteEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';
import type { PmtuMeasurement } from '../probe/pmtu/types.js';
import type { Target } from '../probe/target.js';
import type { ComponentHealth } from '../core/telemetry.js';
import type { FlowTalkers } from '../core/events.js';

/**
 * What the rest of SmokeTrace may ask of storage. Only src/storage/mongo
 * imports the mongodb driver; everything else sees these interfaces.
 *
 * Appends are buffered (never block ingest): they return at once and are
 * written in batches, held while the database is away. Reads go to the
 * database and reject with StorageUnavailableError when it is away.
 */

export class StorageUnavailableError extends Error {
  constructor(message = 'storage unavailable') {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

export interface TimeRange {
  since?: Date;
  until?: Date;
  limit?: number;
}

/** A route event as stored: the RouteEvent plus what the RIB said about it. */
export type StoredRouteEvent = RouteEvent & {
  /** "new" | "replace" | "withdraw" | ... as the RIB classified an announce/withdraw. */
  change?: string;
  /** For an implicit replace: what changed ("as_path", "next_hop", "attributes"). */
  changed?: string[];
  previousAsPath?: unknown[];
};

export interface RouteEventRepository {
  append(events: StoredRouteEvent[]): void;
  /** Events for one prefix, newest first. */
  forPrefix(prefix: string, range: TimeRange): Promise<StoredRouteEvent[]>;
  recent(range: TimeRange & { types?: string[] }): Promise<StoredRouteEvent[]>;
  /** Deletes in rounds (src/storage/mongo/delete-oldest.ts); stops between rounds once `more` says no. */
  deleteOlderThan(cutoff: Date, more?: () => boolean): Promise<number>;
}

/** What a latency sparkline needs of one run. */
export type LatencySample = Pick<PathObservation, 'startedAt' | 'rtt' | 'loss'> & { targetId: string };

/** One aggregate's answer: a count per target and verdict (pairs with none are absent). */
export interface TargetVerdictCount {
  targetId: string;
  /** The path change's verdict ("worse", "better", "same", ...); null when it had none. */
  verdict: string | null;
  count: number;
}

export interface ObservationRepository {
  append(obs: PathObservation): void;
  forTarget(targetId: string, range: TimeRange): Promise<PathObservation[]>;
  /** Runs of several targets in one read, newest first, only the sparkline fields. */
  latencyOf(targetIds: readonly string[], range: TimeRange): Promise<LatencySample[]>;
  latest(targetId: string): Promise<PathObservation | null>;
  byIds(ids: string[]): Promise<PathObservation[]>;
  /** Deletes in rounds (src/storage/mongo/delete-oldest.ts); stops between rounds once `more` says no. */
  deleteOlderThan(cutoff: Date, more?: () => boolean): Promise<number>;
}

/** Path MTU measurements per target (probing.pmtu). Appends are buffered like observations. */
export interface PathMtuRepository {
  append(m: PmtuMeasurement): void;
  /** Newest first. */
  forTarget(targetId: string, range: TimeRange): Promise<PmtuMeasurement[]>;
  /** The newest measurement that found a path MTU (failed and unreached runs skipped). */
  latest(targetId: string): Promise<PmtuMeasurement | null>;
  /** Deletes in rounds (src/storage/mongo/delete-oldest.ts); stops between rounds once `more` says no. */
  deleteOlderThan(cutoff: Date, more?: () => boolean): Promise<number>;
}

/** An alert as stored: the correlator's Alert plus where it was raised. */
export interface StoredAlert {
  id: string;
  targetId: string;
  kind: string;
  state: 'open' | 'updated' | 'resolved';
  severity: string;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  summary: string;
  flapping: boolean;
  vantage: string;
  [k: string]: unknown;
}

export interface AlertQuery extends TimeRange {
  /** "open" = open or updated; "resolved"; absent = all. */
  state?: 'open' | 'resolved';
  targetId?: string;
}

/** When an alert was open, and for which target (no summary, numbers or evidence). */
export type AlertSpan = Pick<StoredAlert, 'id' | 'targetId' | 'state' | 'openedAt' | 'resolvedAt'>;

export interface AlertRepository {
  /** Buffered upsert by id (held while the database is away). */
  put(alert: StoredAlert): void;
  list(q: AlertQuery): Promise<StoredAlert[]>;
  /** Alerts open at some moment since `since` (opened or resolved since, or still open), lightest form. */
  spans(q: { since: Date; limit?: number }): Promise<AlertSpan[]>;
  get(id: string): Promise<StoredAlert | null>;
  /** Deletes in rounds (src/storage/mongo/delete-oldest.ts); stops between rounds once `more` says no. */
  deleteOlderThan(cutoff: Date, more?: () => boolean): Promise<number>;
}

/** A confirmed path change with its verdict, attribution, sentence and the route events around it. */
export interface PathChangeRecord {
  id: string;
  targetId: string;
  targetName: string;
  vantage: string;
  /** ISO time of the change. */
  time: string;
  verdict: unknown;
  attribution: unknown;
  sentence: string;
  routeEvents: RouteEvent[];
  beforeObservationIds: string[];
  afterObservationIds: string[];
  /** "bgp" when route events explain it, "none" otherwise. */
  cause: 'bgp' | 'none';
}

export interface PathChangeBrief {
  id: string;
  targetId: string;
  time: string;
  /** The verdict's name ("worse", ...); null when it had none. */
  verdict: string | null;
}

export interface PathChangeRepository {
  append(rec: PathChangeRecord): void;
  forTarget(targetId: string, range: TimeRange): Promise<PathChangeRecord[]>;
  /** Path changes per target and verdict in a time range (one $match + $group $sum). */
  countByTarget(q: TimeRange): Promise<TargetVerdictCount[]>;
  /** The path changes of a time range in their lightest form (no sentence, evidence or route events). */
  briefs(q: TimeRange): Promise<PathChangeBrief[]>;
  get(id: string): Promise<PathChangeRecord | null>;
  /** Deletes in rounds (src/storage/mongo/delete-oldest.ts); stops between rounds once `more` says no. */
  deleteOlderThan(cutoff: Date, more?: () => boolean): Promise<number>;
}

/** Targets added through the API (config targets live in the config). Direct writes: the API answers after they land. */
export interface TargetRepository {
  list(): Promise<Target[]>;
  get(id: string): Promise<Target | null>;
  put(target: Target): Promise<void>;
  remove(id: string): Promise<boolean>;
}

/** A user's decision about an automatic target's prefix (src/autotargets): keep it, or never choose it. */
export interface AutoTargetMark {
  prefix: string;
  targetId: string;
  mark: 'pinned' | 'excluded';
  /** ISO time of the decision. */
  since: string;
}

/** Pins and exclusions of automatic targets, keyed by prefix. Direct writes: the API answers after they land. */
export interface AutoTargetMarkRepository {
  list(): Promise<AutoTargetMark[]>;
  put(mark: AutoTargetMark): Promise<void>;
  remove(prefix: string): Promise<boolean>;
}

/** The latest flow-talkers snapshot per traffic source (src/flows). Direct writes: the API answers after they land. */
export interface FlowSnapshotRepository {
  /** Replaces the source's snapshot. */
  put(snapshot: FlowTalkers): Promise<void>;
  /** Every source's snapshot, newest first (at most a few hundred sources). */
  latest(): Promise<FlowTalkers[]>;
  get(source: string): Promise<FlowTalkers | null>;
}

/** One target as a vantage published it (src/cluster/target-catalog.ts). */
export interface TargetCatalogEntry {
  vantage: string;
  target: Target;
  /** ISO time of the publication that last carried it. */
  publishedAt: string;
}

/** What each vantage probes, for daemons that list targets they do not probe themselves. Direct writes. */
export interface TargetCatalogRepository {
  /** Replaces the vantage's whole set (targets it no longer lists are removed). */
  publish(vantage: string, targets: readonly Target[], at: Date): Promise<void>;
  /** Every vantage's entries, by vantage then target id. */
  list(): Promise<TargetCatalogEntry[]>;
}

export interface MetaRepository {
  get<T = unknown>(key: string): Promise<T | null>;
  set(key: string, value: unknown): Promise<void>;
}

export interface Storage {
  readonly routeEvents: RouteEventRepository;
  readonly observations: ObservationRepository;
  readonly targets: TargetRepository;
  readonly alerts: AlertRepository;
  readonly pathChanges: PathChangeRepository;
  readonly meta: MetaRepository;
  readonly autoTargetMarks: AutoTargetMarkRepository;
  readonly pathMtu: PathMtuRepository;
  readonly flowSnapshots: FlowSnapshotRepository;
  readonly targetCatalog: TargetCatalogRepository;
  isAvailable(): boolean;
  health(): ComponentHealth;
  /** Waits until everything buffered so far is written (or the database is found away). */
  flush(): Promise<void>;
}
