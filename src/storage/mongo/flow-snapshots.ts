/**
 * The latest flow-talkers snapshot of each traffic source in the `flow_snapshots` collection,
 * one document per source (_id = the source name), replaced by each import. Written directly
 * (not through the write queue): the API answers after the snapshot is stored. The talkers are
 * an array of flat objects (no nested arrays: FerretDB 1.x refuses those).
 */
import type { Collection } from 'mongodb';
import type { FlowTalker, FlowTalkers } from '../../core/events.js';
import type { FlowSnapshotRepository } from '../repositories.js';

export const FLOW_SNAPSHOTS = 'flow_snapshots';

/** Sources listed at most (each document holds up to flows.topN talkers). */
export const MAX_FLOW_SOURCES = 200;

interface Doc {
  _id: string;
  time: string;
  talkers: FlowTalker[];
  at: Date;
}

const toSnapshot = (d: Doc): FlowTalkers => ({
  source: d._id,
  time: d.time,
  // Only the known fields: a stored document never leaks storage details or undefined flows.
  talkers: d.talkers.map((t) => ({ address: t.address, bytes: t.bytes, packets: t.packets, ...(typeof t.flows === 'number' ? { flows: t.flows } : {}) })),
});

/** `coll` throws StorageUnavailableError when the database is away; `read` maps driver errors to it. */
export function makeFlowSnapshots(coll: () => Collection<Doc>, read: <T>(fn: () => Promise<T>) => Promise<T>): FlowSnapshotRepository {
  return {
    put: (s) =>
      read(async () => {
        const talkers = s.talkers.map((t) => ({ address: t.address, bytes: t.bytes, packets: t.packets, ...(t.flows !== undefined ? { flows: t.flows } : {}) }));
        await coll().replaceOne({ _id: s.source }, { time: s.time, talkers, at: new Date(s.time) }, { upsert: true });
      }),
    // Newest first; sources with the same time by name.
    latest: () => read(async () => (await coll().find({}).sort({ at: -1, _id: 1 }).limit(MAX_FLOW_SOURCES).toArray()).map(toSnapshot)),
    get: (source) =>
      read(async () => {
        const d = await coll().findOne({ _id: source });
        return d ? toSnapshot(d) : null;
      }),
  };
}
