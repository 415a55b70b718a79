import { describe, expect, it } from 'vitest';
import { generateTable } from '../../bench/lib/gen-table.js';
import { benchUri, routeEventDocuments } from '../../bench/storage-insert.js';

describe('bench/storage-insert.ts documents', () => {
  it('makes the documents MongoStore stores for the table, in batches', () => {
    const table = generateTable({ ipv4: 2500, ipv6: 600, seed: 5, attributeSets: 2000 });
    const batches = [...routeEventDocuments(table.stream, '127.0.0.1', 1000)];
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 1000, table.storedEvents - 3000]);
    const docs = batches.flat();
    expect(docs.map((d) => d.type).filter((t) => t !== 'announce')).toEqual(['initiation', 'peer_up', 'eor', 'eor']);
    const announces = docs.filter((d) => d.type === 'announce');
    expect(announces.every((d) => d.change === 'new' && d.at instanceof Date && d._id)).toBe(true);
    expect(new Set(docs.map((d) => String(d._id))).size).toBe(docs.length);
    // AS_SETs go through the storage codec (FerretDB refuses nested arrays).
    const withSet = announces.filter((d) => (d.asPath as unknown[]).some((x) => typeof x === 'object'));
    expect(withSet.length).toBeGreaterThan(0);
    expect(withSet.every((d) => (d.asPath as unknown[]).every((x) => typeof x === 'number' || (typeof x === 'object' && x !== null && 'set' in x)))).toBe(true);
    expect(announces.some((d) => (d.asPath as unknown[]).some(Array.isArray))).toBe(false);
  });

  it('points the server URI at the bench database', () => {
    const saved = process.env.MONGODB_URI;
    try {
      process.env.MONGODB_URI = 'mongodb://u:p@db.example:27017/prod?authSource=admin';
      expect(benchUri('bench_x')).toBe('mongodb://u:p@db.example:27017/bench_x?authSource=admin');
      process.env.MONGODB_URI = 'mongodb://127.0.0.1:27117';
      expect(benchUri('bench_x')).toBe('mongodb://127.0.0.1:27117/bench_x');
      delete process.env.MONGODB_URI;
      expect(benchUri('bench_x')).toBe('mongodb://127.0.0.1:27117/bench_x');
    } finally {
      if (saved === undefined) delete process.env.MONGODB_URI;
      else process.env.MONGODB_URI = saved;
    }
  });
});
