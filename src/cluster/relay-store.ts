import type { RelayDoc } from './relay-codec.js';

/** Where relay documents live: the `relay` collection of the shared database (src/cluster/mongo-relay-store.ts). */
export interface RelayStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  insert(docs: RelayDoc[]): Promise<void>;
  /** Other instances' documents with atMs >= fromMs, oldest first, at most `limit`. */
  since(fromMs: number, excludeInstance: string, limit: number): Promise<RelayDoc[]>;
  deleteOlderThan(ms: number): Promise<number>;
}

/** In-process store for unit tests of the relay logic (the daemon uses MongoRelayStore). */
export class MemoryRelayStore implements RelayStore {
  readonly docs: RelayDoc[] = [];
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async insert(docs: RelayDoc[]): Promise<void> {
    for (const d of docs) {
      if (this.docs.some((x) => x.id === d.id)) throw new Error(`duplicate _id ${d.id}`);
      this.docs.push(structuredClone(d));
    }
  }
  async since(fromMs: number, excludeInstance: string, limit: number): Promise<RelayDoc[]> {
    return this.docs
      .filter((d) => d.atMs >= fromMs && d.instance !== excludeInstance)
      .sort((a, b) => a.atMs - b.atMs)
      .slice(0, limit)
      .map((d) => structuredClone(d));
  }
  async deleteOlderThan(ms: number): Promise<number> {
    const keep = this.docs.filter((d) => d.atMs >= ms);
    const n = this.docs.length - keep.length;
    this.docs.splice(0, this.docs.length, ...keep);
    return n;
  }
}
