/**
 * GET /api/overview with many targets, the answer cache off:
 * - running aggregates (TroubleMemory + LatencyMemory, as the daemon runs it): the first
 *   request loads the path changes and alert spans of the horizon and the shown targets'
 *   runs ("cold"), later ones read nothing ("warm");
 * - storage only (no memories): one $match + $group of the path changes per target and
 *   verdict, one light read of the alerts, one sparkline read, every request;
 * - what the page did before: one path-change read per target (timed on a sample and
 *   scaled up, which flatters it: each read scans the same collection).
 *
 *   npx tsx bench/overview.ts [scale=1] [runs=3]
 *
 *   scale  1 = 10,000 targets (test/http/overview-seed.ts: `runs` observations each, a third
 *          with three path changes, alerts on every 5th, 7th and 11th)
 *
 * Server: MONGODB_URI (default mongodb://127.0.0.1:27117/, the dev FerretDB); database
 * bench_overview, dropped at the end.
 */
import { loadavg } from 'node:os';
import Hapi from '@hapi/hapi';
import { MongoClient } from 'mongodb';
import { parseConfig } from '../src/config/load.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { LatencyMemory } from '../src/http/latency-memory.js';
import { registerOverviewRoutes, type OverviewTarget } from '../src/http/routes/overview.js';
import { TroubleMemory } from '../src/http/trouble-memory.js';
import { MongoStore } from '../src/storage/mongo/store.js';
import { seedOverview, targetId } from '../test/http/overview-seed.js';
import { benchUri } from './storage-insert.js';

const scale = Number(process.argv[2] ?? process.env.BENCH_SCALE ?? 1);
const runs = Number(process.argv[3] ?? 3);
const n = Math.max(50, Math.round(10_000 * scale));
const uri = benchUri('bench_overview');
const now = Date.now();

const client = new MongoClient(uri);
await client.connect();
await client.db().dropDatabase();
const store = new MongoStore({ config: parseConfig({ storage: { uri, connectTimeoutMs: 5000 } }, 'bench', {}).storage, log: silentLogger(), clock: systemClock });
await store.start();
try {
  let t0 = performance.now();
  await seedOverview(store, { targets: n, runs, now });
  const docs = n * runs + Math.ceil(n / 3) * 3 + Math.ceil(n / 5) + Math.ceil(n / 7) + Math.ceil(n / 11);
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (the box is shared: figures move with it)`);
  console.log(`seeded ${n} targets, ~${docs} documents in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const targets: OverviewTarget[] = Array.from({ length: n }, (_, i) => ({ id: targetId(i), name: targetId(i), host: '192.0.2.1', intervalSec: 60 }));
  const timeRequests = async (server: Hapi.Server, label: string) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      const r = await server.inject('/api/overview');
      times.push(performance.now() - t0);
      if (r.statusCode !== 200) throw new Error(`overview answered ${r.statusCode}: ${r.payload}`);
      const body = JSON.parse(r.payload) as { rows: Array<{ latency: unknown[] }> };
      if (i === 0) console.log(`${label}: ${body.rows.length} rows, ${body.rows.filter((x) => x.latency.length === runs).length} with ${runs}-point sparklines`);
    }
    console.log(`GET /api/overview, ${label} (${n} targets, top 100): first ${times[0]!.toFixed(0)} ms, then ${times.slice(1).map((t) => `${t.toFixed(1)} ms`).join(', ')}`);
  };
  const memory = Hapi.server();
  registerOverviewRoutes(memory, { storage: store, targets: () => targets, clock: systemClock, latency: new LatencyMemory(), troubles: new TroubleMemory(store, systemClock), cacheMs: 0 });
  await timeRequests(memory, 'running aggregates');
  const plain = Hapi.server();
  registerOverviewRoutes(plain, { storage: store, targets: () => targets, clock: systemClock, cacheMs: 0 });
  await timeRequests(plain, 'storage only');

  const since = new Date(now - 24 * 3600_000);
  const part = async (name: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    return `${name} ${(performance.now() - t).toFixed(0)} ms`;
  };
  console.log(
    `parts, one after the other: ${[
      await part('path-change aggregate', () => store.pathChanges.countByTarget({ since })),
      await part('alert spans', () => store.alerts.spans({ since })),
      await part('sparkline read of 100 targets', () => store.observations.latencyOf(targets.slice(0, 100).map((t) => t.id), { since: new Date(now - 3600_000), limit: 900 })),
    ].join(', ')}`,
  );

  const sample = Math.min(10, n);
  t0 = performance.now();
  for (let i = 0; i < sample; i++) await store.pathChanges.forTarget(targetId(i), { since: new Date(now - 24 * 3600_000), limit: 5000 });
  const per = (performance.now() - t0) / sample;
  console.log(`before: one path-change read per target, ${per.toFixed(1)} ms each (${sample} timed) → ~${((per * n) / 1000).toFixed(0)} s for ${n} targets, before the alerts and sparklines`);
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await store.stop();
  await client.db().dropDatabase();
  await client.close();
}
