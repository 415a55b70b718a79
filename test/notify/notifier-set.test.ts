import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotifierSet } from '../../src/notify/notifier-set.js';
import { SyslogSender } from '../../src/notify/syslog.js';
import type { DeliveryResult, NotifiableAlert, Sender, SenderKind } from '../../src/notify/types.js';
import { WebhookSender } from '../../src/notify/webhook.js';
import { instantDeps, sampleAlert, startHttpReceiver, startUdpReceiver } from './helpers.js';

/** A scripted in-process sender (the set is what is under test here, not a protocol). */
class ScriptedSender implements Sender {
  readonly sent: string[] = [];
  closed = false;
  active = 0;
  maxActive = 0;
  private gates: Array<() => void> = [];
  constructor(
    readonly name: string,
    private readonly behaviour: 'ok' | 'hang' | 'throw' | 'reject' | 'gate' | 'retried' | 'fail' = 'ok',
    readonly kind: SenderKind = 'webhook',
  ) {}
  send(alert: NotifiableAlert): Promise<DeliveryResult> {
    if (this.behaviour === 'throw') throw new Error('boom');
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    const done = (r: DeliveryResult) => {
      this.active--;
      this.sent.push(alert.id);
      return r;
    };
    switch (this.behaviour) {
      case 'hang':
        return new Promise(() => {});
      case 'reject':
        return Promise.reject(new Error('async boom'));
      case 'gate':
        return new Promise<void>((r) => this.gates.push(r)).then(() => done({ ok: true, attempts: 1 }));
      case 'retried':
        return Promise.resolve(done({ ok: true, attempts: 3 }));
      case 'fail':
        return Promise.resolve(done({ ok: false, attempts: 2, code: 'HTTP_STATUS', status: 500, error: 'HTTP 500' }));
      default:
        return Promise.resolve(done({ ok: true, attempts: 1 }));
    }
  }
  release(): void {
    for (const g of this.gates.splice(0)) g();
  }
  get waiting(): number {
    return this.gates.length;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('NotifierSet isolation with real receivers', () => {
  it('one sender hanging and two failing never stop the webhook and syslog deliveries', async () => {
    const http = await startHttpReceiver([{ status: 200 }]);
    cleanups.push(http.close);
    const udp = await startUdpReceiver();
    cleanups.push(udp.close);
    const datagrams = udp.got;

    const hang = new ScriptedSender('hang', 'hang');
    const set = new NotifierSet(
      [
        hang,
        new ScriptedSender('throws', 'throw'),
        new ScriptedSender('rejects', 'reject'),
        new WebhookSender({ name: 'hook', url: http.url }, instantDeps()),
        new SyslogSender({ name: 'syslog', host: '127.0.0.1', port: udp.port, protocol: 'udp' }),
      ],
      { sendTimeoutMs: 600_000 }, // the hanging send stays in flight for the whole test
    );
    cleanups.push(() => set.stop(0));
    const alert = sampleAlert();
    expect(set.notify(alert)).toBe(5); // returns at once, whatever the senders do

    await set.idle('hook');
    await set.idle('syslog');
    await set.idle('throws');
    await set.idle('rejects');
    expect(JSON.parse(http.requests[0]!.body)).toMatchObject({ id: alert.id, version: 1 });
    await vi.waitFor(() => expect(datagrams).toHaveLength(1));
    expect(datagrams[0]!.toString('utf8')).toContain(`id="${alert.id}"`);

    const s = set.stats();
    expect(s['hook']).toMatchObject({ sent: 1, failed: 0, lastOk: true, lastError: null });
    expect(s['syslog']).toMatchObject({ kind: 'syslog', sent: 1, failed: 0 });
    expect(s['throws']).toMatchObject({ sent: 0, failed: 1, lastOk: false, lastError: 'SENDER_THREW: boom' });
    expect(s['rejects']).toMatchObject({ sent: 0, failed: 1, lastError: 'SENDER_THREW: async boom' });
    expect(s['hang']).toMatchObject({ sent: 0, failed: 0, inFlight: true });

    expect(hang.active).toBe(1);
    const health = set.health();
    expect(health.status).toBe('degraded');
    expect(health.details?.['failing']).toEqual(['throws', 'rejects']);
  });

  it('a send that never settles is cut at the deadline, counted as failed, and the lane moves on', async () => {
    const hang = new ScriptedSender('hang', 'hang');
    const set = new NotifierSet([hang], { sendTimeoutMs: 50 });
    set.notify(sampleAlert({ id: 'a' }));
    set.notify(sampleAlert({ id: 'b' }));
    await set.idle('hang');
    expect(set.stats()['hang']).toMatchObject({ sent: 0, failed: 2, inFlight: false, queued: 0, lastError: 'TIMEOUT: no result within 50 ms' });
    expect(hang.active).toBe(2); // both were attempted, one after the other
  });
});

describe('NotifierSet queues and counters', () => {
  it('delivers one at a time per sender, in order', async () => {
    const gate = new ScriptedSender('gate', 'gate');
    const set = new NotifierSet([gate]);
    for (const id of ['a', 'b', 'c']) set.notify(sampleAlert({ id }));
    for (let i = 0; i < 3; i++) {
      await vi.waitFor(() => expect(gate.waiting).toBe(1));
      gate.release();
    }
    await set.idle();
    expect(gate.sent).toEqual(['a', 'b', 'c']);
    expect(gate.maxActive).toBe(1);
  });

  it('a full queue drops its oldest alerts and counts them', async () => {
    const gate = new ScriptedSender('gate', 'gate');
    const fast = new ScriptedSender('fast');
    const set = new NotifierSet([gate, fast], { queueSize: 2 });
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) {
      set.notify(sampleAlert({ id }));
      await set.idle('fast'); // the healthy lane keeps up while the other is stuck
    }
    // a1 is in flight; a2 and a3 were pushed out by a4 and a5.
    expect(set.stats()['gate']).toMatchObject({ queued: 2, dropped: 2, inFlight: true });
    expect(fast.sent).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']); // the other lane never waited for the stuck one
    expect(set.stats()['fast']).toMatchObject({ sent: 5, dropped: 0 });
    while (gate.sent.length < 3) {
      await vi.waitFor(() => expect(gate.waiting).toBe(1));
      gate.release();
      await Promise.resolve();
    }
    await set.idle('gate');
    expect(gate.sent).toEqual(['a1', 'a4', 'a5']);
    expect(set.stats()['gate']).toMatchObject({ sent: 3, dropped: 2, queued: 0 });
  });

  it('counts retries (attempts beyond the first) and failures', async () => {
    const set = new NotifierSet([new ScriptedSender('r', 'retried'), new ScriptedSender('f', 'fail')]);
    set.notify(sampleAlert());
    set.notify(sampleAlert());
    await set.idle();
    expect(set.stats()['r']).toMatchObject({ sent: 2, retries: 4, failed: 0 });
    expect(set.stats()['f']).toMatchObject({ sent: 0, failed: 2, retries: 2, lastError: 'HTTP_STATUS: HTTP 500' });
  });

  it('filters by minimum severity and kinds', async () => {
    const rec = new ScriptedSender('rec');
    const set = new NotifierSet([rec], { minSeverity: 'major', kinds: ['path_worse', 'unreachable'] });
    expect(set.notify(sampleAlert({ id: 'info', severity: 'info' }))).toBe(0);
    expect(set.notify(sampleAlert({ id: 'minor', severity: 'minor' }))).toBe(0);
    expect(set.notify(sampleAlert({ id: 'latency', kind: 'latency', severity: 'critical' }))).toBe(0);
    expect(set.notify(sampleAlert({ id: 'worse', severity: 'major' }))).toBe(1);
    expect(set.notify(sampleAlert({ id: 'down', kind: 'unreachable', severity: 'critical', state: 'resolved' }))).toBe(1);
    await set.idle();
    expect(rec.sent).toEqual(['worse', 'down']);
    expect(new NotifierSet([rec]).accepts(sampleAlert({ severity: 'info', kind: 'latency' }))).toBe(true);
  });

  it('health: disabled without senders, up after a success, degraded while the latest delivery failed', async () => {
    expect(new NotifierSet([]).health()).toEqual({ status: 'disabled' });
    const ok = new NotifierSet([new ScriptedSender('ok')]);
    ok.notify(sampleAlert());
    await ok.idle();
    expect(ok.health().status).toBe('up');
    const bad = new NotifierSet([new ScriptedSender('bad', 'fail')]);
    bad.notify(sampleAlert());
    await bad.idle();
    expect(bad.health()).toMatchObject({ status: 'degraded', details: { failing: ['bad'] } });
  });

  it('refuses two senders with one name', () => {
    expect(() => new NotifierSet([new ScriptedSender('x'), new ScriptedSender('x', 'ok', 'slack')])).toThrow(/two notifiers are named "x"/);
    expect(() => new NotifierSet([]).idle('nope')).toThrow(/no notifier named/);
  });

  it('stop(): drains what it can, drops and counts the rest, closes every sender, takes nothing more', async () => {
    const gate = new ScriptedSender('gate', 'gate');
    const fast = new ScriptedSender('fast');
    const set = new NotifierSet([gate, fast]);
    set.notify(sampleAlert({ id: 'a' }));
    set.notify(sampleAlert({ id: 'b' }));
    await set.stop(20);
    expect(fast.sent).toEqual(['a', 'b']);
    expect(gate.closed && fast.closed).toBe(true);
    expect(set.stats()['gate']).toMatchObject({ dropped: 1, queued: 0 }); // 'b' never left the queue
    expect(set.notify(sampleAlert())).toBe(0);
  });
});
