/**
 * What each vantage probes, in the `target_catalog` collection: one document per (vantage,
 * target), replaced as a whole set by each publication. A daemon with the ui role and no
 * prober of its own (or a prober for other targets) lists the targets of every vantage from
 * here. Written directly (not through the write queue): a publication is small and periodic.
 * The target is stored through the generic codec (labels are a flat record today; the codec
 * keeps it safe if a nested array ever appears, which FerretDB 1.x refuses).
 */
import type { Collection, IndexDescription } from 'mongodb';
import type { Target } from '../../probe/target.js';
import type { TargetCatalogEntry, TargetCatalogRepository } from '../repositories.js';
import { decodeDeep, encodeDeep } from './codec.js';

export const TARGET_CATALOG = 'target_catalog';
export const TARGET_CATALOG_INDEXES: IndexDescription[] = [{ key: { vantage: 1 }, name: 'vantage' }];

/** Entries listed at most (every vantage's targets together). */
export const MAX_CATALOG_ENTRIES = 100_000;

interface Doc {
  _id: string;
  vantage: string;
  targetId: string;
  target: unknown;
  at: Date;
}

const docId = (vantage: string, targetId: string): string => `${vantage}/${targetId}`;

/** `coll` throws StorageUnavailableError when the database is away; `read` maps driver errors to it. */
export function makeTargetCatalog(coll: () => Collection<Doc>, read: <T>(fn: () => Promise<T>) => Promise<T>): TargetCatalogRepository {
  return {
    publish: (vantage, targets, at) =>
      read(async () => {
        if (targets.length > 0) {
          await coll().bulkWrite(
            targets.map((t) => ({
              replaceOne: { filter: { _id: docId(vantage, t.id) }, replacement: { vantage, targetId: t.id, target: encodeDeep(t), at }, upsert: true },
            })),
            { ordered: false },
          );
        }
        // What this vantage no longer probes goes.
        await coll().deleteMany({ vantage, _id: { $nin: targets.map((t) => docId(vantage, t.id)) } });
      }),
    list: () =>
      read(async () =>
        (await coll().find({}).sort({ vantage: 1, targetId: 1 }).limit(MAX_CATALOG_ENTRIES).toArray()).map(
          (d): TargetCatalogEntry => ({ vantage: d.vantage, target: decodeDeep(d.target) as Target, publishedAt: d.at.toISOString() }),
        ),
      ),
  };
}
