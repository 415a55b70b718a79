/** src/storage/mongo/delete-oldest.ts on the test server: bounded deleteMany rounds, oldest first, nothing else touched. */
import { MongoClient, type Collection, type Document, type Filter } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteOldestFirst } from '../../src/storage/mongo/delete-oldest.js';
import { uniqueDbUri } from '../helpers/mongo.js';

describe('deleteOldestFirst', () => {
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(await uniqueDbUri('deloldest'));
    await client.connect();
  });

  afterAll(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  /** The collection, with how many documents each deleteMany it is asked for deleted. */
  function spied(coll: Collection<Document>): { coll: Collection<Document>; rounds: number[] } {
    const rounds: number[] = [];
    const proxy = new Proxy(coll, {
      get(target, prop) {
        if (prop === 'deleteMany')
          return async (filter: Filter<Document>) => {
            const r = await target.deleteMany(filter);
            rounds.push(r.deletedCount);
            return r;
          };
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    return { coll: proxy, rounds };
  }

  it('deletes every match in rounds of about `batch`, oldest first, and only the matches', async () => {
    const raw = client.db().collection('events');
    // 2,500 old documents, inserted newest first; 7 recent ones; one old one of another kind.
    await raw.insertMany(Array.from({ length: 2_500 }, (_, i) => ({ at: new Date(1_000_000 - i), kind: 'route' })));
    await raw.insertMany(Array.from({ length: 7 }, (_, i) => ({ at: new Date(9_000_000 + i), kind: 'route' })));
    await raw.insertOne({ at: new Date(5), kind: 'alert' });
    const { coll, rounds } = spied(raw);
    const filter = { at: { $lt: new Date(2_000_000) }, kind: 'route' };
    expect(await deleteOldestFirst(coll, filter, { batch: 1000 })).toBe(2_500);
    expect(rounds).toEqual([1000, 1000, 500]);
    expect(await raw.countDocuments({ kind: 'route' })).toBe(7);
    expect(await raw.countDocuments({ kind: 'alert' })).toBe(1);
    // Nothing left to match: one look, one empty delete.
    expect(await deleteOldestFirst(coll, filter, { batch: 1000 })).toBe(0);
    expect(rounds).toEqual([1000, 1000, 500, 0]);
  });

  it('takes the oldest first, and stops between rounds once `more` says no', async () => {
    const raw = client.db().collection('order');
    await raw.insertMany(Array.from({ length: 30 }, (_, i) => ({ at: new Date((i * 7) % 30), n: (i * 7) % 30 })));
    const { coll, rounds } = spied(raw);
    let asked = 0;
    expect(await deleteOldestFirst(coll, {}, { batch: 10, more: () => (asked++, false) })).toBe(10);
    expect(asked).toBe(1);
    expect(rounds).toEqual([10]);
    expect((await raw.find({}).sort({ n: 1 }).toArray()).map((d) => d.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 10));
  });

  it('a round takes the documents sharing the instant of its edge too', async () => {
    const raw = client.db().collection('same');
    // 25 documents at one instant, 5 later: the first round of 10 reaches that instant.
    await raw.insertMany([...Array.from({ length: 25 }, () => ({ at: new Date(100) })), ...Array.from({ length: 5 }, (_, i) => ({ at: new Date(200 + i) }))]);
    const { coll, rounds } = spied(raw);
    expect(await deleteOldestFirst(coll, {}, { batch: 10 })).toBe(30);
    expect(rounds).toEqual([25, 5]);
  });
});
