import type { AnyBulkWriteOperation, Db, Document, MongoBulkWriteError } from 'mongodb';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { isUnavailableError } from './connection.js';

export interface WriteQueueOptions {
  maxDocuments: number;
  batchSize: number;
  flushIntervalMs: number;
}

interface Entry {
  collection: string;
  op: AnyBulkWriteOperation<Document>;
}

export interface WriteQueueStats {
  depth: number;
  written: number;
  dropped: number;
  failed: number;
  retries: number;
  available: boolean;
  lastError: string | null;
}

const DUPLICATE_KEY = 11000;

/**
 * Batches writes into unordered bulk writes and holds them while MongoDB is
 * away. Inserts carry a client-side _id, so a batch retried after a partial
 * success only meets duplicate-key errors, which are taken as success.
 * Bounded: past maxDocuments the oldest writes are dropped, counted and logged.
 * Writes that the server refuses for themselves (not for being away) are
 * counted as failed and not retried.
 */
export class WriteQueue {
  private queue: Entry[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private backoffMs = 0;
  private nextTryAt = 0;
  private lastDropLog = 0;
  /** While stopping: no batch starts after this time (epoch ms). */
  private deadline = Number.POSITIVE_INFINITY;
  private droppedSinceLog = 0;
  readonly stats: WriteQueueStats = { depth: 0, written: 0, dropped: 0, failed: 0, retries: 0, available: true, lastError: null };

  constructor(
    private readonly getDb: () => Db | null,
    private readonly opts: WriteQueueOptions,
    private readonly log: Logger,
    private readonly clock: Clock,
    private readonly onAvailability: (available: boolean, error?: string) => void = () => {},
    private readonly onDrop: (n: number, reason: string) => void = () => {},
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.opts.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and tries to write what is held, for at most deadlineMs. Returns what could not be written. */
  async stop(deadlineMs: number): Promise<number> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const until = this.clock.nowMs() + deadlineMs;
    this.deadline = until;
    this.nextTryAt = 0;
    await this.flushing;
    while (this.depth() > 0 && this.clock.nowMs() < until) {
      await this.flush();
      if (!this.stats.available) break;
    }
    const left = this.depth();
    if (left > 0) {
      this.stats.dropped += left;
      this.onDrop(left, 'shutdown_unwritten');
      this.log.error({ unwritten: left }, 'writes lost at shutdown: database unavailable');
    }
    return left;
  }

  depth(): number {
    return this.queue.length - this.head;
  }

  insert(collection: string, doc: Document): void {
    this.push({ collection, op: { insertOne: { document: doc } } });
  }

  insertMany(collection: string, docs: Document[]): void {
    for (const d of docs) this.push({ collection, op: { insertOne: { document: d } } });
  }

  /** An idempotent upsert (replace the whole document by filter). */
  replace(collection: string, filter: Document, doc: Document): void {
    this.push({ collection, op: { replaceOne: { filter, replacement: doc, upsert: true } } });
  }

  update(collection: string, filter: Document, update: Document, upsert = true): void {
    this.push({ collection, op: { updateOne: { filter, update, upsert } } });
  }

  private push(e: Entry): void {
    this.queue.push(e);
    const over = this.depth() - this.opts.maxDocuments;
    if (over > 0) {
      this.head += over;
      this.stats.dropped += over;
      this.droppedSinceLog += over;
      this.onDrop(over, 'write_queue_full');
      const now = this.clock.nowMs();
      if (now - this.lastDropLog > 10_000) {
        this.log.error({ dropped: this.droppedSinceLog, maxDocuments: this.opts.maxDocuments }, 'write queue full: oldest writes dropped');
        this.lastDropLog = now;
        this.droppedSinceLog = 0;
      }
    }
    this.compact();
    this.stats.depth = this.depth();
    if (this.depth() >= this.opts.batchSize && !this.flushing && this.stats.available) void this.flush();
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Writes batches until the queue is empty or the database is away. Concurrent calls share one run. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.run().finally(() => {
      this.flushing = null;
      this.stats.depth = this.depth();
    });
    return this.flushing;
  }

  private async run(): Promise<void> {
    while (this.depth() > 0) {
      if (this.clock.nowMs() < this.nextTryAt || this.clock.nowMs() > this.deadline) return;
      const db = this.getDb();
      if (!db) return;
      const batch = this.queue.slice(this.head, this.head + this.opts.batchSize);
      try {
        await this.writeBatch(db, batch);
      } catch (err) {
        if (isUnavailableError(err)) {
          this.markUnavailable(err as Error);
          return;
        }
        throw err;
      }
      this.head += batch.length;
      this.compact();
      this.stats.depth = this.depth();
      if (!this.stats.available) {
        this.stats.available = true;
        this.backoffMs = 0;
        this.log.info({ held: this.depth() }, 'database back: writing held queue');
        this.onAvailability(true);
      }
    }
  }

  private markUnavailable(err: Error): void {
    this.stats.retries++;
    this.stats.lastError = err.message;
    this.backoffMs = Math.min(this.backoffMs ? this.backoffMs * 2 : 500, 10_000);
    this.nextTryAt = this.clock.nowMs() + this.backoffMs;
    if (this.stats.available) {
      this.stats.available = false;
      this.log.error({ err: err.message, held: this.depth() }, 'database unavailable: holding writes');
      this.onAvailability(false, err.message);
    }
  }

  /** Called by the store's health ping when the database answers again. */
  poke(): void {
    this.nextTryAt = 0;
    void this.flush();
  }

  private async writeBatch(db: Db, batch: Entry[]): Promise<void> {
    const byColl = new Map<string, AnyBulkWriteOperation<Document>[]>();
    for (const e of batch) {
      const list = byColl.get(e.collection) ?? [];
      list.push(e.op);
      byColl.set(e.collection, list);
    }
    for (const [coll, ops] of byColl) {
      try {
        const r = await db.collection(coll).bulkWrite(ops, { ordered: false });
        this.stats.written += r.insertedCount + r.upsertedCount + r.matchedCount;
      } catch (err) {
        const writeErrors = bulkWriteErrors(err);
        if (!writeErrors) throw err;
        const refused = writeErrors.filter((w) => w.code !== DUPLICATE_KEY).length;
        this.stats.written += ops.length - writeErrors.length;
        if (refused > 0) {
          this.stats.failed += refused;
          this.onDrop(refused, 'write_refused');
          this.log.error({ collection: coll, refused, first: writeErrors.find((w) => w.code !== DUPLICATE_KEY)?.errmsg }, 'writes refused by the database');
        }
      }
    }
  }
}

function bulkWriteErrors(err: unknown): Array<{ code: number; errmsg?: string }> | null {
  if (!(err instanceof Error) || err.name !== 'MongoBulkWriteError') return null;
  const e = err as MongoBulkWriteError;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  if (list.length === 0) return null;
  return list.map((w) => ({ code: w.code, errmsg: w.errmsg }));
}
