/**
 * Path MTU in network namespaces of its own (st-pmtu-<id>-p|r|t, not the shared
 * st-lab-* lab): probe 10.98.1.2 -- router 10.98.1.1 | 10.98.2.1 (forwarding
 * on) -- target 10.98.2.2, veth links. The router-target link goes 1500 ->
 * 1400 -> 1500 (`ip link set mtu`); the router sends ICMP "fragmentation
 * needed" back to the probe. Real pieces: PmtuProber with the real tracepath /
 * scamper (run inside the probe namespace through `ip netns exec`), the real
 * CorrelatorService and MongoStore on FerretDB.
 *
 * tracepath goes through the kernel, which keeps the lowered PMTU cached for
 * net.ipv4.route.mtu_expires (600 s): after the restore the test flushes the
 * probe namespace's route cache (what the expiry does, without the wait).
 * scamper sends from raw sockets and needs no flush: it sees the rise at once.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { EventBus } from '../../src/core/bus.js';
import { systemClock } from '../../src/core/clock.js';
import type { SmokeTraceEvents } from '../../src/core/events.js';
import { silentLogger } from '../../src/core/logger.js';
import { Telemetry } from '../../src/core/telemetry.js';
import { mtuSteps } from '../../src/correlate/mtu.js';
import { CorrelatorService } from '../../src/correlate/service.js';
import { PmtuProber } from '../../src/probe/pmtu/prober.js';
import type { PmtuTool } from '../../src/probe/pmtu/types.js';
import { validateTargetInput, type Target } from '../../src/probe/target.js';
import type { ExecaLike } from '../../src/probe/tools/run.js';
import { MongoStore } from '../../src/storage/mongo/store.js';
import type { StoredAlert } from '../../src/storage/repositories.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { labPreflight } from './lab.js';

const ID = randomBytes(3).toString('hex');
const NS = { probe: `st-pmtu-${ID}-p`, router: `st-pmtu-${ID}-r`, target: `st-pmtu-${ID}-t` };
const TARGET = '10.98.2.2';
const ROUTER = '10.98.1.1';

async function ip(...args: string[]): Promise<void> {
  const r = await execa('ip', args, { reject: false, timeout: 15_000 });
  if (r.exitCode !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr}`);
}

async function up(): Promise<void> {
  for (const ns of Object.values(NS)) {
    await ip('netns', 'add', ns);
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
  }
  await ip('link', 'add', 'pr0', 'netns', NS.probe, 'type', 'veth', 'peer', 'name', 'rp0', 'netns', NS.router);
  await ip('link', 'add', 'rt0', 'netns', NS.router, 'type', 'veth', 'peer', 'name', 'tr0', 'netns', NS.target);
  const addrs: Array<[string, string, string]> = [
    [NS.probe, 'pr0', '10.98.1.2/24'],
    [NS.router, 'rp0', `${ROUTER}/24`],
    [NS.router, 'rt0', '10.98.2.1/24'],
    [NS.target, 'tr0', `${TARGET}/24`],
  ];
  for (const [ns, dev, addr] of addrs) {
    await ip('-n', ns, 'addr', 'add', addr, 'dev', dev);
    await ip('-n', ns, 'link', 'set', dev, 'up');
  }
  await ip('-n', NS.probe, 'route', 'add', 'default', 'via', ROUTER);
  await ip('-n', NS.target, 'route', 'add', 'default', 'via', '10.98.2.1');
  await ip('netns', 'exec', NS.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
  // No ICMP rate limit (1 per second per peer by default) on the router and the target:
  // back-to-back runs would lose the packet-too-big or the destination's port unreachable
  // to it, and scamper then only infers a size ([*mtu: 1280]; a parser fixture, not this test's subject).
  for (const ns of [NS.router, NS.target]) await ip('netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.icmp_ratelimit=0');
}

async function down(): Promise<string[]> {
  const left: string[] = [];
  for (const ns of Object.values(NS)) {
    const r = await execa('ip', ['netns', 'del', ns], { reject: false, timeout: 15_000 });
    if (r.exitCode !== 0 && !/No such file/.test(r.stderr)) left.push(`${ns}: ${r.stderr}`);
  }
  return left;
}

/** The router-target link's MTU, both ends. */
async function linkMtu(mtu: number): Promise<void> {
  await ip('-n', NS.router, 'link', 'set', 'rt0', 'mtu', String(mtu));
  await ip('-n', NS.target, 'link', 'set', 'tr0', 'mtu', String(mtu));
}

/** Every tool run inside the probe namespace (`ip netns exec` execs the tool: same pid, same timeout kill). */
const inProbeNs: ExecaLike = (file, args, options) => execa('ip', ['netns', 'exec', NS.probe, file, ...args], options) as unknown as ReturnType<ExecaLike>;

describe.each(['tracepath', 'scamper'] as const)('path MTU with %s in namespaces', (tool: PmtuTool) => {
  let store: MongoStore;
  let prober: PmtuProber;
  let correlator: CorrelatorService;
  const bus = new EventBus<SmokeTraceEvents>(silentLogger());
  const alerts: Array<{ action: string; alert: StoredAlert }> = [];
  let target: Target;

  beforeAll(async () => {
    await labPreflight();
    await down();
    await up();
    const config = parseConfig(
      {
        probing: { pmtu: { enabled: true, tool, intervalSec: 3600, timeoutSec: 30 }, addressPolicy: { allowPrivate: true } },
        correlation: { policy: { confirmAfter: 2, alertHoldDownMs: 0, alertClearAfterMs: 0 } },
        storage: { uri: await uniqueDbUri(`pmtu_${tool}`), connectTimeoutMs: 5000 },
      },
      'test',
      {},
    );
    store = new MongoStore({ config: config.storage, log: silentLogger(), clock: systemClock });
    await store.start();
    const v = validateTargetInput({ name: 'shop.example', id: 'shop', host: TARGET, tool: 'traceroute', intervalSec: 3600, maxHops: 8 }, config.probing.addressPolicy);
    if (!v.ok) throw new Error(JSON.stringify(v.problems));
    target = v.target;
    const log = silentLogger();
    correlator = new CorrelatorService({ config: config.correlation, vantage: 'lab', storage: store, rib: { lookup: () => null }, bus, telemetry: new Telemetry(), log, clock: systemClock });
    await correlator.start();
    prober = new PmtuProber({
      config: config.probing,
      vantage: 'lab',
      store: store.pathMtu,
      rib: { covering: () => null, originAsn: () => null },
      bus,
      clock: systemClock,
      log,
      runOptions: { execaImpl: inProbeNs },
      tick: null,
    });
    prober.setTargets([target]);
    prober.start();
    bus.on('alert', 'test', (a) => {
      alerts.push(a);
    });
  }, 60_000);

  afterAll(async () => {
    bus.off('test');
    await prober?.stop();
    await correlator?.stop();
    await store?.stop();
    const left = await down();
    expect(left).toEqual([]);
  }, 60_000);

  const measure = async (): Promise<number | null> => {
    const r = await prober.runNow('shop');
    if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
    expect(r.measurement.status, JSON.stringify(r.measurement.error)).toBe('ok');
    return r.measurement.pathMtu;
  };

  it('follows the router-target link MTU 1500 -> 1400 -> 1500; the correlator opens an mtu_change alert and resolves it', async () => {
    await linkMtu(1500);
    expect([await measure(), await measure()]).toEqual([1500, 1500]);
    expect(alerts).toEqual([]);

    await linkMtu(1400);
    expect([await measure(), await measure()]).toEqual([1400, 1400]);
    const opened = alerts.filter((a) => a.action === 'open');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.alert).toMatchObject({ kind: 'mtu_change', targetId: 'shop', state: 'open', severity: 'minor', vantage: 'lab' });
    expect(opened[0]!.alert.summary).toMatch(/the largest packet that reaches shop\.example without fragmentation is 1400 bytes instead of 1500 \(100 bytes less\)/);
    // The router that could not forward 1500 bytes said so (tracepath's first run; scamper each run).
    expect(opened[0]!.alert.summary).toContain(`the limit is at ${ROUTER} (hop 1)`);

    await linkMtu(1500);
    if (tool === 'tracepath') await ip('-n', NS.probe, 'route', 'flush', 'cache');
    expect([await measure(), await measure()]).toEqual([1500, 1500]);
    const resolved = alerts.filter((a) => a.action === 'resolve');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.alert).toMatchObject({ kind: 'mtu_change', state: 'resolved', id: opened[0]!.alert.id });

    await store.flush();
    const stored = await store.alerts.list({ targetId: 'shop' });
    expect(stored.map((a) => [a.kind, a.state])).toEqual([['mtu_change', 'resolved']]);
    const history = await store.pathMtu.forTarget('shop', {});
    expect(history.map((m) => m.pathMtu)).toEqual([1500, 1500, 1400, 1400, 1500, 1500]);
    expect(mtuSteps(history).map((s) => s.mtu)).toEqual([1500, 1400, 1500]);
    expect(correlator.counters).toMatchObject({ mtuMeasurements: 6, mtuChanges: 2, alertsOpened: 1, alertsResolved: 1 });
  }, 120_000);
});
