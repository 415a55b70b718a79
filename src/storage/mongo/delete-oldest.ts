import type { Collection, Document, Filter } from 'mongodb';

/**
 * Documents deleted per deleteMany, about. FerretDB 1.x on SQLite deletes the matched documents in
 * one SQL statement with a variable per document, and refuses more than 32,766 ("SQL logic
 * error: too many SQL variables"): a retention pass deleting a busy feed's old route events in
 * one deleteMany failed there, every time. 20,000 leaves room for the documents that share the
 * last instant of a round, and keeps rounds few (each one reads the whole collection on
 * FerretDB). On MongoDB, bounded deletes also keep one pass from holding the server for long.
 */
export const DELETE_BATCH = 20_000;

/**
 * Deletes every document matching `filter`, oldest `at` first, about `batch` per deleteMany;
 * returns how many were deleted. Each round finds the `at` of the batch-th oldest match (the
 * `at` index serves the sort) and deletes the matches up to it, so a round takes `batch` plus
 * the few that share that instant (route events of one socket chunk do). A round by time
 * rather than by a list of _ids: FerretDB checks an `_id: {$in: [...]}` list against every
 * document, 4 s for 1,000 ids in a 40,000-document collection, against 2 s for 10,000 by time.
 * `more` is asked after each full round: false stops there (a daemon stopping does not wait
 * for a long pass).
 */
export async function deleteOldestFirst<T extends Document>(
  coll: Collection<T>,
  filter: Filter<T>,
  opts: { batch?: number; more?: (() => boolean) | undefined } = {},
): Promise<number> {
  const batch = opts.batch ?? DELETE_BATCH;
  let deleted = 0;
  // Bounded: every round but the last deletes at least `batch` documents.
  for (;;) {
    const edge = await coll.find<{ at: Date }>(filter, { projection: { _id: 0, at: 1 } }).sort({ at: 1 }).skip(batch - 1).limit(1).next();
    if (edge === null) return deleted + (await coll.deleteMany(filter)).deletedCount;
    const n = (await coll.deleteMany({ $and: [filter, { at: { $lte: edge.at } }] } as Filter<T>)).deletedCount;
    deleted += n;
    if (n === 0 || (opts.more !== undefined && !opts.more())) return deleted; // n = 0: deleted meanwhile by someone else
  }
}
