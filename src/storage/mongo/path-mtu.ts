/**
 * Path MTU measurements in the `path_mtu` collection, one small document per
 * run, `at` = the measurement's start. Appended through the write queue like
 * observations (never blocks the prober; held while the database is away).
 */
import { ObjectId, type Collection, type Document, type IndexDescription } from 'mongodb';
import type { PmtuMeasurement } from '../../probe/pmtu/types.js';
import type { PathMtuRepository, TimeRange } from '../repositories.js';
import { deleteOldestFirst } from './delete-oldest.js';

export const PATH_MTU = 'path_mtu';

export const PATH_MTU_INDEXES: IndexDescription[] = [
  { key: { targetId: 1, at: -1 }, name: 'target_at' },
  { key: { at: -1 }, name: 'at' },
];

function fromDoc(d: Document): PmtuMeasurement {
  const { _id, at, ...rest } = d;
  void at;
  return { ...(rest as Omit<PmtuMeasurement, 'id'>), id: String(_id) };
}

function range(r: TimeRange): Document {
  const at: Document = {};
  if (r.since) at.$gte = r.since;
  if (r.until) at.$lte = r.until;
  return Object.keys(at).length ? { at } : {};
}

export interface PathMtuDeps {
  insert(coll: string, doc: Document): void;
  /** Throws StorageUnavailableError when the database is away. */
  coll(): Collection;
  /** Maps driver errors to StorageUnavailableError. */
  read<T>(fn: () => Promise<T>): Promise<T>;
}

export function makePathMtu(deps: PathMtuDeps): PathMtuRepository {
  return {
    append: (m) => {
      const { id, ...rest } = m;
      deps.insert(PATH_MTU, { _id: id && ObjectId.isValid(id) ? new ObjectId(id) : new ObjectId(), ...rest, at: new Date(m.measuredAt) });
    },
    forTarget: (targetId, r) =>
      deps.read(async () => (await deps.coll().find({ targetId, ...range(r) }).sort({ at: -1 }).limit(r.limit ?? 1000).toArray()).map(fromDoc)),
    latest: (targetId) =>
      deps.read(async () => {
        const d = await deps.coll().find({ targetId, pathMtu: { $type: 'number' } }).sort({ at: -1 }).limit(1).next();
        return d ? fromDoc(d) : null;
      }),
    deleteOlderThan: (cutoff, more) => deps.read(() => deleteOldestFirst(deps.coll(), { at: { $lt: cutoff } }, { more })),
  };
}
