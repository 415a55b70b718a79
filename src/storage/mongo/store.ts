import { ObjectId, type Db, type Document, type IndexDescription, type MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import type { StorageConfig } from '../../config/schema.js';
import type { Clock } from '../../core/clock.js';
import type { Service } from '../../core/lifecycle.js';
import type { ComponentHealth } from '../../core/telemetry.js';
import type { PathObservation } from '../../probe/types.js';
import type { Target } from '../../probe/target.js';
import {
  StorageUnavailableError,
  type MetaRepository,
  type ObservationRepository,
  type RouteEventRepository,
  type Storage,
  type AlertRepository,
  type AutoTargetMarkRepository,
  type FlowSnapshotRepository,
  type TargetCatalogRepository,
  type PathChangeRecord,
  type PathChangeRepository,
  type PathMtuRepository,
  type StoredAlert,
  type StoredRouteEvent,
  type TargetRepository,
  type TimeRange,
  type AlertSpan,
  type LatencySample,
  type TargetVerdictCount,
  type PathChangeBrief,
} from '../repositories.js';
import {
  createClient,
  databaseFromUri,
  isUnavailableError,
  maskUri,
  startEmbedded,
  StorageStartError,
  type EmbeddedServer,
} from './connection.js';
import { deleteOldestFirst } from './delete-oldest.js';
import { WriteQueue } from './write-queue.js';
import { decodeDeep, decodeRouteDoc, encodeDeep, encodeRouteDoc } from './codec.js';
import { AUTO_TARGET_MARKS, makeAutoTargetMarks } from './auto-target-marks.js';
import { makePathMtu, PATH_MTU, PATH_MTU_INDEXES } from './path-mtu.js';
import { FLOW_SNAPSHOTS, makeFlowSnapshots } from './flow-snapshots.js';
import { makeTargetCatalog, TARGET_CATALOG, TARGET_CATALOG_INDEXES } from './target-catalog.js';

export const COLLECTIONS = {
  routeEvents: 'route_events',
  observations: 'observations',
  targets: 'targets',
  alerts: 'alerts',
  pathChanges: 'path_changes',
  meta: 'meta',
} as const;

/** Created at every start; createIndexes is idempotent. No TTL indexes: retention is a periodic delete. */
export const INDEXES: Record<string, IndexDescription[]> = {
  [PATH_MTU]: PATH_MTU_INDEXES,
  [TARGET_CATALOG]: TARGET_CATALOG_INDEXES,
  [COLLECTIONS.routeEvents]: [
    { key: { prefix: 1, at: -1 }, name: 'prefix_at' },
    { key: { at: -1 }, name: 'at' },
    { key: { type: 1, at: -1 }, name: 'type_at' },
    { key: { router: 1, 'peer.address': 1, at: -1 }, name: 'router_peer_at' },
  ],
  [COLLECTIONS.observations]: [
    { key: { targetId: 1, at: -1 }, name: 'target_at' },
    { key: { at: -1 }, name: 'at' },
  ],
  [COLLECTIONS.alerts]: [
    { key: { state: 1, at: -1 }, name: 'state_at' },
    { key: { targetId: 1, at: -1 }, name: 'target_at' },
    { key: { at: -1 }, name: 'at' },
  ],
  [COLLECTIONS.pathChanges]: [
    { key: { targetId: 1, at: -1 }, name: 'target_at' },
    { key: { at: -1 }, name: 'at' },
  ],
};

type State = 'stopped' | 'connecting' | 'connected' | 'unavailable';

export interface MongoStoreDeps {
  config: StorageConfig;
  log: Logger;
  clock: Clock;
  /** Called for writes dropped or refused (counted on /api/health by the caller). */
  onRejected?: (n: number, reason: string) => void;
  onAvailability?: (available: boolean, error?: string) => void;
}

/** Strips storage-only fields from a stored document. */
function toModel<T>(doc: Document): T {
  const { _id, at, ...rest } = doc;
  void at;
  return { id: String(_id), ...rest } as T;
}

/** A document stored with encodeDeep, back to its model: nested arrays restored, _id as id, `at` dropped. */
function fromDeepDoc<T>(d: Document): T {
  const { _id, at, ...rest } = decodeDeep(d) as Document;
  void at;
  return { ...rest, id: String(_id) } as T;
}

function rangeFilter(range: TimeRange): Document {
  const at: Document = {};
  if (range.since) at.$gte = range.since;
  if (range.until) at.$lte = range.until;
  return Object.keys(at).length ? { at } : {};
}

export class MongoStore implements Storage, Service {
  readonly name = 'storage';
  private client: MongoClient | null = null;
  private db: Db | null = null;
  private embedded: EmbeddedServer | null = null;
  private state: State = 'stopped';
  private uri = '';
  private lastError: string | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private connectLoop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  readonly queue: WriteQueue;

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

  constructor(private readonly deps: MongoStoreDeps) {
    const { config, log, clock } = deps;
    this.queue = new WriteQueue(
      () => (this.state === 'connected' || this.state === 'unavailable' ? this.db : null),
      config.writeQueue,
      log,
      clock,
      (ok, error) => this.setAvailable(ok, error),
      (n, reason) => deps.onRejected?.(n, reason),
    );
    this.routeEvents = this.makeRouteEvents();
    this.observations = this.makeObservations();
    this.targets = this.makeTargets();
    this.alerts = this.makeAlerts();
    this.pathChanges = this.makePathChanges();
    this.meta = this.makeMeta();
    this.pathMtu = makePathMtu({ insert: (c, d) => this.queue.insert(c, d), coll: () => this.readDb().collection(PATH_MTU), read: (fn) => this.read(fn) });
    this.autoTargetMarks = makeAutoTargetMarks(() => this.readDb().collection(AUTO_TARGET_MARKS), (fn) => this.read(fn));
    this.flowSnapshots = makeFlowSnapshots(() => this.readDb().collection(FLOW_SNAPSHOTS), (fn) => this.read(fn));
    this.targetCatalog = makeTargetCatalog(() => this.readDb().collection(TARGET_CATALOG), (fn) => this.read(fn));
  }

  /** Masked URI, for logs and errors. */
  get displayUri(): string {
    return this.uri ? maskUri(this.uri) : '(not resolved)';
  }

  async start(): Promise<void> {
    this.stopping = false;
    const cfg = this.deps.config;
    if (cfg.uri) {
      this.uri = cfg.uri;
    } else {
      this.embedded = await startEmbedded(cfg, this.deps.log);
      this.uri = this.embedded.uri;
    }
    this.client = createClient(this.uri, cfg);
    this.db = this.client.db(databaseFromUri(this.uri) ?? cfg.database);
    this.state = 'connecting';
    if (cfg.waitForDatabase) {
      this.connectLoop = this.connectUntil(Number.POSITIVE_INFINITY).catch((err) => {
        this.lastError = (err as Error).message;
      });
    } else {
      await this.connectUntil(this.deps.clock.nowMs() + cfg.connectTimeoutMs);
    }
    this.queue.start();
    this.pingTimer = setInterval(() => void this.ping(), 5_000);
    this.pingTimer.unref();
  }

  private async connectUntil(deadline: number): Promise<void> {
    let backoff = 500;
    for (;;) {
      try {
        await this.client!.connect();
        await this.db!.command({ ping: 1 });
        await this.ensureIndexes();
        this.setAvailable(true);
        this.deps.log.info({ uri: this.displayUri, database: this.db!.databaseName }, 'connected to MongoDB');
        return;
      } catch (err) {
        this.lastError = (err as Error).message;
        if (this.stopping) throw new StorageStartError('stopped while connecting', this.displayUri);
        const now = this.deps.clock.nowMs();
        if (now + backoff > deadline) {
          throw new StorageStartError(`cannot connect to MongoDB at ${this.displayUri}: ${this.lastError}`, this.displayUri);
        }
        this.deps.log.warn({ uri: this.displayUri, err: this.lastError, retryInMs: backoff }, 'MongoDB unreachable, retrying');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  /** A backoff pause that stop() cuts short. Not unref'd: during start-up it is what keeps the process alive. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async ensureIndexes(): Promise<void> {
    // One index per call: FerretDB 1.24 drops the connection (a server-side panic)
    // when a createIndexes naming several existing indexes is repeated.
    for (const [coll, specs] of Object.entries(INDEXES)) {
      for (const spec of specs) await this.db!.collection(coll).createIndexes([spec]);
    }
  }

  private setAvailable(ok: boolean, error?: string): void {
    if (this.state === 'stopped') return;
    const prev = this.state;
    this.state = ok ? 'connected' : 'unavailable';
    if (error) this.lastError = error;
    if (prev !== this.state) {
      this.deps.onAvailability?.(ok, error);
      if (ok) this.queue.poke();
    }
  }

  private async ping(): Promise<void> {
    if (!this.db || this.state === 'connecting' || this.state === 'stopped') return;
    try {
      await this.db.command({ ping: 1 });
      this.setAvailable(true);
    } catch (err) {
      if (isUnavailableError(err)) {
        if (this.state === 'connected') this.deps.log.error({ uri: this.displayUri, err: (err as Error).message }, 'lost MongoDB');
        this.setAvailable(false, (err as Error).message);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.state !== 'stopped' && this.state !== 'connecting') await this.queue.stop(5_000);
    else await this.queue.stop(0);
    this.state = 'stopped';
    await this.client?.close(true).catch(() => {});
    await this.connectLoop;
    this.client = null;
    this.db = null;
    if (this.embedded) {
      await this.embedded.stop().catch((err) => this.deps.log.error({ err }, 'embedded MongoDB did not stop cleanly'));
      this.embedded = null;
    }
  }

  isAvailable(): boolean {
    return this.state === 'connected';
  }

  health(): ComponentHealth {
    const q = this.queue.stats;
    return {
      status: this.state === 'connected' ? 'up' : this.state === 'stopped' ? 'down' : 'degraded',
      details: {
        state: this.state,
        uri: this.displayUri,
        embedded: this.embedded !== null,
        queueDepth: this.queue.depth(),
        written: q.written,
        dropped: q.dropped,
        refused: q.failed,
        lastError: this.state === 'connected' ? null : this.lastError,
      },
    };
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** The database for reads; throws StorageUnavailableError when not connected. */
  private readDb(): Db {
    if (this.state !== 'connected' || !this.db) throw new StorageUnavailableError(`storage ${this.state}`);
    return this.db;
  }

  private async read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = this.readDb();
    try {
      return await fn(db);
    } catch (err) {
      if (isUnavailableError(err)) {
        this.setAvailable(false, (err as Error).message);
        throw new StorageUnavailableError((err as Error).message);
      }
      throw err;
    }
  }

  private async deleteOlder(coll: string, cutoff: Date, more?: () => boolean): Promise<number> {
    return this.read((db) => deleteOldestFirst(db.collection(coll), { at: { $lt: cutoff } }, { more }));
  }

  private makeRouteEvents(): RouteEventRepository {
    const coll = COLLECTIONS.routeEvents;
    return {
      append: (events: StoredRouteEvent[]) => {
        for (const e of events) this.queue.insert(coll, encodeRouteDoc({ _id: new ObjectId(), ...e, at: new Date(e.time) }));
      },
      forPrefix: (prefix, range) =>
        this.read(async (db) =>
          (
            await db
              .collection(coll)
              .find({ prefix, ...rangeFilter(range) })
              .sort({ at: -1 })
              .limit(range.limit ?? 1000)
              .toArray()
          ).map((d) => toModel<StoredRouteEvent>(decodeRouteDoc(d))),
        ),
      recent: (range) =>
        this.read(async (db) =>
          (
            await db
              .collection(coll)
              .find({ ...rangeFilter(range), ...(range.types ? { type: { $in: range.types } } : {}) })
              .sort({ at: -1 })
              .limit(range.limit ?? 200)
              .toArray()
          ).map((d) => toModel<StoredRouteEvent>(decodeRouteDoc(d))),
        ),
      deleteOlderThan: (cutoff, more) => this.deleteOlder(coll, cutoff, more),
    };
  }

  private makeObservations(): ObservationRepository {
    const coll = COLLECTIONS.observations;
    return {
      append: (obs: PathObservation) => {
        const { id, ...rest } = obs;
        this.queue.insert(coll, { _id: id ? new ObjectId(id) : new ObjectId(), ...rest, at: new Date(obs.startedAt) });
      },
      forTarget: (targetId, range) =>
        this.read(async (db) =>
          (
            await db
              .collection(coll)
              .find({ targetId, ...rangeFilter(range) })
              .sort({ at: -1 })
              .limit(range.limit ?? 1000)
              .toArray()
          ).map((d) => toModel<PathObservation>(d)),
        ),
      latencyOf: (targetIds, range) =>
        this.read(async (db) =>
          targetIds.length
            ? (
                await db
                  .collection(coll)
                  .find({ targetId: { $in: [...targetIds] }, ...rangeFilter(range) }, { projection: { _id: 0, targetId: 1, startedAt: 1, rtt: 1, loss: 1 } })
                  .sort({ at: -1 })
                  .limit(range.limit ?? 10_000)
                  .toArray()
              ).map((d) => ({ targetId: String(d.targetId), startedAt: String(d.startedAt), rtt: (d.rtt ?? null) as LatencySample['rtt'], loss: Number(d.loss) }))
            : [],
        ),
      latest: (targetId) =>
        this.read(async (db) => {
          const d = await db.collection(coll).find({ targetId }).sort({ at: -1 }).limit(1).next();
          return d ? toModel<PathObservation>(d) : null;
        }),
      byIds: (ids) =>
        this.read(async (db) => {
          const oids = ids.filter((i) => ObjectId.isValid(i)).map((i) => new ObjectId(i));
          if (!oids.length) return [];
          return (await db.collection(coll).find({ _id: { $in: oids } }).sort({ at: 1 }).toArray()).map((d) => toModel<PathObservation>(d));
        }),
      deleteOlderThan: (cutoff, more) => this.deleteOlder(coll, cutoff, more),
    };
  }

  private makeTargets(): TargetRepository {
    type Doc = Target & { _id: string };
    const coll = () => this.readDb().collection<Doc>(COLLECTIONS.targets);
    const strip = ({ _id, ...t }: Doc): Target => {
      void _id;
      return t as Target;
    };
    return {
      list: () => this.read(async () => (await coll().find({}).sort({ _id: 1 }).toArray()).map(strip)),
      get: (id) =>
        this.read(async () => {
          const d = await coll().findOne({ _id: id });
          return d ? strip(d) : null;
        }),
      put: (t) =>
        this.read(async () => {
          await coll().replaceOne({ _id: t.id }, { ...t }, { upsert: true });
        }),
      remove: (id) => this.read(async () => (await coll().deleteOne({ _id: id })).deletedCount === 1),
    };
  }

  private makeAlerts(): AlertRepository {
    const coll = COLLECTIONS.alerts;
    const fromDoc = (d: Document) => fromDeepDoc<StoredAlert>(d);
    return {
      put: (a) => {
        const { id, ...rest } = a;
        this.queue.replace(coll, { _id: id }, encodeDeep({ ...rest, at: new Date(a.openedAt) }) as Document);
      },
      list: (q) =>
        this.read(async (db) => {
          const filter: Document = { ...rangeFilter(q) };
          if (q.state === 'open') filter.state = { $in: ['open', 'updated'] };
          if (q.state === 'resolved') filter.state = 'resolved';
          if (q.targetId) filter.targetId = q.targetId;
          return (await db.collection(coll).find(filter).sort({ at: -1 }).limit(q.limit ?? 500).toArray()).map(fromDoc);
        }),
      spans: (q) =>
        this.read(async (db) => {
          // resolvedAt is an ISO string: ISO strings of one format compare as their times do.
          const filter = { $or: [{ at: { $gte: q.since } }, { state: { $in: ['open', 'updated'] } }, { resolvedAt: { $gte: q.since.toISOString() } }] };
          const docs = await db
            .collection(coll)
            .find(filter, { projection: { targetId: 1, state: 1, openedAt: 1, resolvedAt: 1 } })
            .limit(q.limit ?? 50_000)
            .toArray();
          return docs.map((d): AlertSpan => ({ id: String(d._id), targetId: String(d.targetId), state: d.state as AlertSpan['state'], openedAt: String(d.openedAt), resolvedAt: (d.resolvedAt ?? null) as string | null }));
        }),
      get: (id) =>
        this.read(async (db) => {
          const d = await db.collection<Document>(coll).findOne({ _id: id as unknown as ObjectId });
          return d ? fromDoc(d) : null;
        }),
      deleteOlderThan: (cutoff, more) =>
        this.read((db) => deleteOldestFirst(db.collection(coll), { at: { $lt: cutoff }, state: 'resolved' }, { more })),
    };
  }

  private makePathChanges(): PathChangeRepository {
    const coll = COLLECTIONS.pathChanges;
    const fromDoc = (d: Document) => fromDeepDoc<PathChangeRecord>(d);
    return {
      append: (rec) => {
        const { id, ...rest } = rec;
        this.queue.insert(coll, { _id: id, ...(encodeDeep(rest) as Document), at: new Date(rec.time) });
      },
      forTarget: (targetId, range) =>
        this.read(async (db) =>
          (await db.collection(coll).find({ targetId, ...rangeFilter(range) }).sort({ at: -1 }).limit(range.limit ?? 200).toArray()).map(fromDoc),
        ),
      briefs: (q) =>
        this.read(async (db) => {
          const docs = await db
            .collection(coll)
            .find(rangeFilter(q), { projection: { targetId: 1, time: 1, 'verdict.verdict': 1 } })
            .limit(q.limit ?? 1_000_000)
            .toArray();
          return docs.map((d): PathChangeBrief => {
            const v = (d.verdict as { verdict?: unknown } | null | undefined)?.verdict;
            return { id: String(d._id), targetId: String(d.targetId), time: String(d.time), verdict: typeof v === 'string' ? v : null };
          });
        }),
      countByTarget: (q) =>
        this.read(async (db) => {
          // $match + $group with $sum only: what FerretDB 1.x aggregates (no $cond); one scan for every verdict.
          const rows = await db
            .collection(coll)
            .aggregate([{ $match: rangeFilter(q) }, { $group: { _id: { t: '$targetId', v: '$verdict.verdict' }, count: { $sum: 1 } } }])
            .toArray();
          return rows.map((r): TargetVerdictCount => {
            const id = r._id as { t?: unknown; v?: unknown };
            return { targetId: String(id.t), verdict: typeof id.v === 'string' ? id.v : null, count: Number(r.count) };
          });
        }),
      get: (id) =>
        this.read(async (db) => {
          const d = await db.collection<Document>(coll).findOne({ _id: id as unknown as ObjectId });
          return d ? fromDoc(d) : null;
        }),
      deleteOlderThan: (cutoff, more) => this.deleteOlder(coll, cutoff, more),
    };
  }

  private makeMeta(): MetaRepository {
    const coll = COLLECTIONS.meta;
    return {
      get: <T>(key: string) =>
        this.read(async (db) => {
          const d = await db.collection<{ _id: string; value: T }>(coll).findOne({ _id: key });
          return d ? d.value : null;
        }),
      set: (key, value) =>
        this.read(async (db) => {
          await db.collection<{ _id: string; value: unknown }>(coll).replaceOne({ _id: key }, { value }, { upsert: true });
        }),
    };
  }
}

