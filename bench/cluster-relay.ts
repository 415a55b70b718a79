/**
 * Cross-instance relay delay and throughput over the real relay collection
 * (FerretDB or MongoDB at MONGODB_URI, default the dev FerretDB).
 *
 *   npx tsx bench/cluster-relay.ts [scale]      scale 1 = 5,000 events in the burst (default 0.2)
 *
 * Two Relay instances (src/cluster/relay.ts) on one database, real clock:
 *  1. delay: 100 alert-sized events, one every 20 ms, from A; at B the time
 *     from A's emit to B's re-emit (p50/p95/max), at poll intervals 300 ms (the
 *     default) and 100 ms;
 *  2. burst: N observation-sized events (a 12-hop traceroute, ~3 KB of JSON)
 *     emitted at once at A; time until B has all of them (events/s end to end).
 */
import { randomBytes } from 'node:crypto';
import { parseConfig } from '../src/config/load.js';
import { EventBus } from '../src/core/bus.js';
import { systemClock } from '../src/core/clock.js';
import type { SmokeTraceEvents } from '../src/core/events.js';
import { silentLogger } from '../src/core/logger.js';
import { MongoRelayStore } from '../src/cluster/mongo-relay-store.js';
import { Relay } from '../src/cluster/relay.js';
import { planRoles } from '../src/cluster/roles.js';
import type { PathObservation } from '../src/probe/types.js';
import type { StoredAlert } from '../src/storage/repositories.js';

const scale = Number(process.argv[2] ?? process.env.BENCH_SCALE ?? 0.2);
const burst = Math.max(200, Math.round(5_000 * scale));
const base = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27117/';
/** A database of its own per pair: a pair never reads the previous pair's events. */
const freshUri = () => base.replace(/^(mongodb(?:\+srv)?:\/\/[^/]+)(\/[^?]*)?/, `$1/bench_relay_${randomBytes(3).toString('hex')}`);
let uri = freshUri();

function pair(pollIntervalMs: number) {
  uri = freshUri();
  const config = parseConfig({ storage: { uri }, cluster: { relay: { enabled: true, pollIntervalMs } } }, 'bench', {});
  const make = (vantage: string) => {
    const bus = new EventBus<SmokeTraceEvents>(silentLogger());
    const relay = new Relay({ config: config.cluster.relay, store: new MongoRelayStore(uri, config.storage), bus, vantage, plan: planRoles(['prober', 'correlator']), clock: systemClock, log: silentLogger() });
    return { bus, relay };
  };
  return { a: make('a'), b: make('b') };
}

const alertAt = (i: number, sentAt: number): { action: 'open'; alert: StoredAlert } => ({
  action: 'open',
  alert: { id: `bench${i}`, targetId: 't', kind: 'path_worse', state: 'open', severity: 'major', openedAt: new Date().toISOString(), updatedAt: new Date().toISOString(), resolvedAt: null, summary: 'x'.repeat(200), flapping: false, vantage: 'a', sentAt },
});

function obs(i: number): PathObservation {
  const hops = Array.from({ length: 12 }, (_, t) => ({
    ttl: t + 1,
    probes: [0, 1, 2].map(() => ({ ip: `10.${t}.0.1`, rttMs: 1 + t * 2.5 })),
    sent: 3,
    received: 3,
    loss: 0,
    rtt: { min: 1, avg: 1 + t * 2.5, max: 2 + t * 2.5, stdev: 0.1 },
    asn: 64500 + t,
    prefix: `10.${t}.0.0/16`,
  }));
  return { targetId: `t${i}`, target: { name: 't', address: '10.11.0.1' }, tool: 'mtr', method: 'icmp', vantage: 'a', startedAt: new Date().toISOString(), durationMs: 1000, hops, reached: true, rtt: { min: 1, avg: 28, max: 30, stdev: 1 }, loss: 0, signature: hops.map((h) => h.probes[0]!.ip).join('|'), status: 'ok' };
}

const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function delay(pollIntervalMs: number): Promise<void> {
  const { a, b } = pair(pollIntervalMs);
  await a.relay.start();
  await b.relay.start();
  const delays: number[] = [];
  b.bus.on('alert', 'bench', (e) => void delays.push(Date.now() - (e.alert.sentAt as number)));
  for (let i = 0; i < 100; i++) {
    a.bus.emit('alert', alertAt(i, Date.now()));
    await sleep(20);
  }
  const until = Date.now() + 10_000;
  while (delays.length < 100 && Date.now() < until) await sleep(20);
  console.log(
    `poll ${pollIntervalMs} ms: ${delays.length}/100 alerts relayed, delay p50 ${pct(delays, 50)} ms, p95 ${pct(delays, 95)} ms, max ${Math.max(...delays)} ms`,
  );
  await a.relay.stop();
  await b.relay.stop();
}

async function throughput(): Promise<void> {
  const { a, b } = pair(300);
  await a.relay.start();
  await b.relay.start();
  let got = 0;
  b.bus.on('observation', 'bench', () => void got++);
  const bytes = JSON.stringify(obs(0)).length;
  const t0 = Date.now();
  for (let i = 0; i < burst; i++) a.bus.emit('observation', obs(i));
  await a.relay.flush();
  const inserted = Date.now() - t0;
  const until = Date.now() + 120_000;
  while (got < burst && Date.now() < until) await sleep(10);
  const total = Date.now() - t0;
  console.log(
    `burst: ${burst} observations of ${bytes} bytes JSON: inserted in ${inserted} ms, all ${got}/${burst} at B after ${total} ms (${Math.round((got / total) * 1000)} events/s end to end); outbox dropped ${a.relay.counters.outboxDropped}`,
  );
  await a.relay.stop();
  await b.relay.stop();
  await new MongoRelayStore(uri, parseConfig({}, 'bench', {}).storage).deleteOlderThan(Date.now() + 60_000);
}

console.log(`cluster-relay: ${base.replace(/\/\/[^@]*@/, '//***@')}, loadavg ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`);
await delay(300);
await delay(100);
await throughput();
process.exit(0);
