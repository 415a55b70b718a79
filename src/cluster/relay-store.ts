import type { RelayDoc } from './relay-codec.js';

export interface RelayHead {
  id: string;
  atMs: number;
}

/** Where relay documents live: the `relay` collection of the shared database (src/cluster/mongo-relay-store.ts). */
export interface RelayStore {
  start(): Promise<void>;
  stop(): Promise<void>;
  insert(docs: RelayDoc[]): Promise<void>;
  /**
   * Ids and times of other instances' documents with atMs >= fromMs, oldest first, at most
   * `limit`: the overlap window is read again on every poll, so only this small part is.
   */
  heads(fromMs: number, excludeInstance: string, limit: number): Promise<RelayHead[]>;
  /**
   * Other instances' whole documents with fromMs <= atMs <= toMs, oldest first, at most `limit`.
   * A time range, not the ids: FerretDB 1.24 answers `_id: {$in: [500 ids]}` in ~7 s, the range in ~0.2 s.
   */
  range(fromMs: number, toMs: number, excludeInstance: string, limit: number): Promise<RelayDoc[]>;
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
  async heads(fromMs: number, excludeInstance: string, limit: number): Promise<RelayHead[]> {
    return this.docs
      .filter((d) => d.atMs >= fromMs && d.instance !== excludeInstance)
      .sort((a, b) => a.atMs - b.atMs)
      .slice(0, limit)
      .map((d) => ({ id: d.id, atMs: d.atMs }));
  }
  async range(fromMs: number, toMs: number, excludeInstance: string, limit: number): Promise<RelayDoc[]> {
    return this.docs
      .filter((d) => d.atMs >= fromMs && d.atMs <= toMs && d.instance !== excludeInstance)
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
