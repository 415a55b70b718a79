import { connect, type Socket } from 'node:net';
import { attribute } from '../../src/correlate/attribution.js';
import { judge } from '../../src/correlate/judge.js';
import { DEFAULT_POLICY } from '../../src/correlate/policy.js';
import { describeVerdict } from '../../src/correlate/sentence.js';
import { parseConfig } from '../../src/config/load.js';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { PathObservation } from '../../src/probe/types.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import type { PathChangeRecord, StoredAlert } from '../../src/storage/repositories.js';
import { open, peerUp, routeMonitoring, u32, updateBody } from '../bgp/bmp/bytes.js';

/**
 * An alert with its path change, for the Alert page: a loopback target cannot
 * make the correlator raise one, so this writes one through the real store.
 * Its content is real: the verdict, attribution and sentence come from the
 * real judge over real traceroute observations (before: one target, after:
 * another), and the route events are the replayed BMP stream's, read back.
 */
export async function seedAlert(uri: string, opts: { targetId: string; before: PathObservation[]; after: PathObservation[]; prefix: string; openedMinutesAgo: number }): Promise<{ alert: StoredAlert; change: PathChangeRecord }> {
  const store = new MongoStore({ config: parseConfig({ storage: { uri, connectTimeoutMs: 3000 } }, 'test', {}).storage, log: silentLogger(), clock: systemClock });
  await store.start();
  try {
    const routeEvents = (await store.routeEvents.forPrefix(opts.prefix, { limit: 10 })).reverse();
    const verdict = judge(opts.before, opts.after, routeEvents, DEFAULT_POLICY);
    const attribution = attribute(verdict, routeEvents);
    const now = Date.now();
    const time = new Date(now - opts.openedMinutesAgo * 60_000).toISOString();
    const change: PathChangeRecord = {
      id: `seed-${now.toString(36)}`,
      targetId: opts.targetId,
      targetName: opts.targetId,
      vantage: 'smoketrace',
      time,
      verdict,
      attribution,
      sentence: describeVerdict({ targetName: opts.targetId, verdict, attribution, changeTimeMs: Date.parse(time), nowMs: now }),
      routeEvents,
      beforeObservationIds: opts.before.map((o) => o.id!),
      afterObservationIds: opts.after.map((o) => o.id!),
      cause: routeEvents.length ? 'bgp' : 'none',
    };
    const alert: StoredAlert = {
      id: `seed${now.toString(36)}`,
      targetId: opts.targetId,
      kind: verdict.verdict === 'worse' ? 'path_worse' : 'as_path_change',
      scope: 'e2e',
      state: 'open',
      severity: verdict.verdict === 'worse' ? 'major' : 'minor',
      openedAt: time,
      updatedAt: time,
      resolvedAt: null,
      summary: change.sentence,
      flapping: false,
      vantage: 'smoketrace',
      pathChangeId: change.id,
      numbers: verdict.numbers,
      count: 1,
    };
    store.pathChanges.append(change);
    store.alerts.put(alert);
    await store.flush();
    return { alert, change };
  } finally {
    await store.stop();
  }
}

/**
 * A BMP session (hand-built messages, test/bgp/bmp/bytes.ts) in which peer
 * 192.0.2.77 AS65077 announces 127.0.0.0/8 (AS path 65077 65010), withdraws
 * it, and announces it again over 65077 65020, all stamped `tsSec`: the
 * covering prefix of the loopback targets, so the target page has route
 * events of its covering prefix to mark. The socket stays open (closing it
 * would take the router's routes out of the RIB); the caller ends it.
 */
export function coveringPrefixSession(port: number, tsSec: number): Promise<Socket> {
  const peer = { address: [192, 0, 2, 77], asn: 65077, tsSec };
  const attrs = (second: number) => [
    0x40, 1, 1, 0, // ORIGIN IGP
    0x40, 2, 10, 2, 2, ...u32(65077), ...u32(second), // AS_PATH: AS_SEQUENCE [65077, second]
    0x40, 3, 4, 192, 0, 2, 77, // NEXT_HOP 192.0.2.77
  ];
  const net8 = [8, 127]; // 127.0.0.0/8
  const stream = Buffer.concat([
    peerUp(open(65000), open(65077), peer),
    routeMonitoring(updateBody([], attrs(65010), net8), peer),
    routeMonitoring(updateBody(net8, [], []), peer),
    routeMonitoring(updateBody([], attrs(65020), net8), peer),
  ]);
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(stream, () => resolve(s)));
    s.on('error', reject);
  });
}
