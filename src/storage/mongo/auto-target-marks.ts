/**
 * Pins and exclusions of automatic targets in the `auto_target_marks` collection, one
 * document per prefix (_id = the prefix). Written directly (not through the write queue):
 * the API answers after the decision is stored, and an exclusion must survive a restart.
 */
import type { Collection } from 'mongodb';
import type { AutoTargetMark, AutoTargetMarkRepository } from '../repositories.js';

export const AUTO_TARGET_MARKS = 'auto_target_marks';

type Doc = Omit<AutoTargetMark, 'prefix'> & { _id: string };

/** `coll` throws StorageUnavailableError when the database is away; `read` maps driver errors to it. */
export function makeAutoTargetMarks(coll: () => Collection<Doc>, read: <T>(fn: () => Promise<T>) => Promise<T>): AutoTargetMarkRepository {
  return {
    list: () =>
      read(async () =>
        (await coll().find({}).sort({ _id: 1 }).toArray()).map(({ _id, targetId, mark, since }) => ({ prefix: _id, targetId, mark, since })),
      ),
    put: (m) =>
      read(async () => {
        await coll().replaceOne({ _id: m.prefix }, { targetId: m.targetId, mark: m.mark, since: m.since }, { upsert: true });
      }),
    remove: (prefix) => read(async () => (await coll().deleteOne({ _id: prefix })).deletedCount === 1),
  };
}
