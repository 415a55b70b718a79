import type { StorageConfig } from '../config/schema.js';
import { createClient, databaseFromUri } from '../storage/mongo/connection.js';
import { deleteOldestFirst } from '../storage/mongo/delete-oldest.js';
import type { RelayDoc } from './relay-codec.js';
import type { RelayHead, RelayStore } from './relay-store.js';
import type { Role } from './roles.js';

export const RELAY_COLLECTION = 'relay';

interface Doc {
  _id: string;
  instance: string;
  vantage: string;
  roles: Role[];
  type: RelayDoc['type'];
  payload: string;
  at: Date;
}

/**
 * The relay collection over its own client (same URI and options as the
 * store; the driver reconnects by itself, so a database that is away costs
 * failed polls, counted, never the process). Plain finds on an `at` index
 * and a periodic delete: no change streams, no TTL index, no transactions,
 * so FerretDB serves it as well as a replica set.
 */
export class MongoRelayStore implements RelayStore {
  private client: ReturnType<typeof createClient> | null = null;
  private indexed = false;

  constructor(
    private readonly uri: string,
    private readonly config: StorageConfig,
  ) {}

  private coll() {
    if (!this.client) this.client = createClient(this.uri, this.config);
    return this.client.db(databaseFromUri(this.uri) ?? this.config.database).collection<Doc>(RELAY_COLLECTION);
  }

  private async ensureIndex(): Promise<void> {
    if (this.indexed) return;
    await this.coll().createIndexes([{ key: { at: 1 }, name: 'at' }]);
    this.indexed = true;
  }

  async start(): Promise<void> {
    await this.ensureIndex().catch(() => {});
  }

  async stop(): Promise<void> {
    await this.client?.close(true).catch(() => {});
    this.client = null;
    this.indexed = false;
  }

  async insert(docs: RelayDoc[]): Promise<void> {
    if (!docs.length) return;
    await this.coll().insertMany(
      docs.map((d) => ({ _id: d.id, instance: d.instance, vantage: d.vantage, roles: d.roles, type: d.type, payload: d.payload, at: new Date(d.atMs) })),
      { ordered: false },
    );
  }

  async heads(fromMs: number, excludeInstance: string, limit: number): Promise<RelayHead[]> {
    await this.ensureIndex();
    const docs = await this.coll()
      .find({ at: { $gte: new Date(fromMs) }, instance: { $ne: excludeInstance } }, { projection: { _id: 1, at: 1 } })
      .sort({ at: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({ id: d._id, atMs: d.at.getTime() }));
  }

  async range(fromMs: number, toMs: number, excludeInstance: string, limit: number): Promise<RelayDoc[]> {
    const docs = await this.coll()
      .find({ at: { $gte: new Date(fromMs), $lte: new Date(toMs) }, instance: { $ne: excludeInstance } })
      .sort({ at: 1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({ id: d._id, instance: d.instance, vantage: d.vantage, roles: d.roles, type: d.type, payload: d.payload, atMs: d.at.getTime() }));
  }

  async deleteOlderThan(ms: number): Promise<number> {
    return deleteOldestFirst(this.coll(), { at: { $lt: new Date(ms) } });
  }
}
