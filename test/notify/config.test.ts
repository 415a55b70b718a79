import { afterEach, describe, expect, it, vi } from 'vitest';
import { createNotifierSet, createSenders } from '../../src/notify/build.js';
import { notifySchema } from '../../src/notify/config.js';
import { toNotifiable } from '../../src/notify/from-alert.js';
import type { Alert } from '../../src/correlate/alerts.js';
import { sampleAlert, startHttpReceiver, startUdpReceiver } from './helpers.js';

function issues(input: unknown): string[] {
  const r = notifySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('notify config schema', () => {
  it('defaults: nobody is notified', () => {
    expect(notifySchema.parse({})).toEqual({
      baseUrl: null,
      minSeverity: 'info',
      kinds: [],
      queueSize: 100,
      sendTimeoutMs: 120_000,
      webhooks: [],
      slack: [],
      syslog: [],
      email: [],
    });
  });

  it('fills every sender default', () => {
    const cfg = notifySchema.parse({
      baseUrl: 'https://st.example.net',
      webhooks: [{ name: 'hook', url: 'https://hooks.example.net/st' }],
      slack: [{ name: 'chat', url: 'https://hooks.slack.com/services/T/B/X' }],
      syslog: [{ name: 'siem', host: 'logs.example.net' }],
      email: [{ name: 'oncall', host: 'smtp.example.net', from: 'SmokeTrace <st@example.net>', to: ['noc@example.net'] }],
    });
    expect(cfg.webhooks[0]).toEqual({ name: 'hook', url: 'https://hooks.example.net/st', headers: {}, timeoutMs: 10_000, maxAttempts: 4 });
    expect(cfg.slack[0]).toMatchObject({ timeoutMs: 10_000, maxAttempts: 4 });
    expect(cfg.syslog[0]).toEqual({
      name: 'siem',
      host: 'logs.example.net',
      port: 514,
      protocol: 'udp',
      facility: 'local0',
      appName: 'smoketrace',
      hostname: null,
      timeoutMs: 5000,
      maxAttempts: 3,
    });
    expect(cfg.email[0]).toMatchObject({
      port: 587,
      secure: false,
      starttls: true,
      user: null,
      password: null,
      subjectPrefix: '[SmokeTrace]',
      tlsRejectUnauthorized: true,
    });
    expect(createSenders(cfg).map((s) => [s.name, s.kind])).toEqual([
      ['hook', 'webhook'],
      ['chat', 'slack'],
      ['siem', 'syslog'],
      ['oncall', 'email'],
    ]);
  });

  it.each([
    [{ baseUrl: 'ftp://x.example' }, 'baseUrl: must be an http:// or https:// URL'],
    [{ minSeverity: 'urgent' }, 'minSeverity:'],
    [{ kinds: ['latency', 'weather'] }, 'kinds.1:'],
    [{ webhooks: [{ name: 'a', url: 'not a url' }] }, 'webhooks.0.url:'],
    [{ webhooks: [{ name: 'a', url: 'http://x.example', headers: { 'X-A': 'v\r\nInjected: 1' } }] }, 'webhooks.0.headers.X-A: header values cannot contain line breaks'],
    [{ webhooks: [{ name: 'a', url: 'http://x.example', maxAttempts: 0 }] }, 'webhooks.0.maxAttempts:'],
    [{ webhooks: [{ name: 'a', url: 'http://x.example', extra: 1 }] }, 'webhooks.0:'],
    [{ syslog: [{ name: 's', host: 'x', facility: 'local9' }] }, 'syslog.0.facility:'],
    [{ syslog: [{ name: 's', host: 'x', protocol: 'tls' }] }, 'syslog.0.protocol:'],
    [{ syslog: [{ name: 's', host: 'bad host!' }] }, 'syslog.0.host: must be an IP address or a host name'],
    [{ syslog: [{ name: 's', host: 'x', appName: 'has space' }] }, 'syslog.0.appName:'],
    [{ email: [{ name: 'e', host: 'x', from: 'a@b', to: [] }] }, 'email.0.to:'],
    [{ email: [{ name: 'e', host: 'x', from: 'a@b', to: ['nope'] }] }, 'email.0.to.0:'],
    [{ email: [{ name: 'e', host: 'x', from: 'a@b', to: ['n@x.example'], password: 'p' }] }, 'email.0.password: password given without user'],
    [
      { webhooks: [{ name: 'same', url: 'http://x.example' }], syslog: [{ name: 'same', host: '192.0.2.1' }] },
      'syslog.0.name: duplicate notifier name "same"',
    ],
    [{ slack: [{ name: '-x', url: 'http://x.example' }] }, 'slack.0.name:'],
  ])('%j is refused (%s)', (input, expected) => {
    const found = issues(input);
    expect(found.some((m) => m.startsWith(expected))).toBe(true);
  });
});

describe('toNotifiable', () => {
  const alert: Alert = {
    id: 't1:loss:hop:10.0.0.1:2026-01-01T00:00:00.000Z',
    targetId: 't1',
    kind: 'loss',
    scope: 'hop:10.0.0.1',
    state: 'updated',
    severity: 'major',
    openedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:05:00.000Z',
    resolvedAt: null,
    summary: 'Loss at hop 10.0.0.1 is 12 %.',
    numbers: { lossPct: 12, sent: 100, received: 88 },
    evidence: { observationIds: ['o1'], routeEvents: [] },
    flapping: false,
    count: 3,
  };

  it('maps the correlator alert and adds name, vantage and details', () => {
    expect(toNotifiable(alert, { targetName: 'db-1', vantage: 'par1' })).toEqual({
      id: alert.id,
      kind: 'loss',
      state: 'updated',
      severity: 'major',
      targetId: 't1',
      targetName: 'db-1',
      summary: alert.summary,
      openedAt: alert.openedAt,
      updatedAt: alert.updatedAt,
      resolvedAt: null,
      flapping: false,
      vantage: 'par1',
      details: { lossPct: 12, sent: 100, received: 88, scope: 'hop:10.0.0.1', occurrences: 3 },
    });
  });

  it.each([
    [null, { occurrences: 3 }],
    [42, { numbers: 42, occurrences: 3 }],
    [[1, 2], { numbers: [1, 2], occurrences: 3 }],
  ])('numbers %j -> details %j (e2e scope omitted)', (numbers, details) => {
    const n = toNotifiable({ ...alert, scope: 'e2e', numbers }, { targetName: '', vantage: 'v' });
    expect(n.details).toEqual(details);
    expect(n.targetName).toBe('t1'); // empty name falls back to the id
  });
});

describe('createNotifierSet from config, end to end', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('a parsed config delivers to a real webhook and a real syslog receiver, filtered by severity', async () => {
    const http = await startHttpReceiver([{ status: 200 }]);
    cleanups.push(http.close);
    const udp = await startUdpReceiver();
    cleanups.push(udp.close);
    const got = udp.got;
    const cfg = notifySchema.parse({
      baseUrl: 'http://st.example.net',
      minSeverity: 'major',
      webhooks: [{ name: 'hook', url: http.url, headers: { 'X-Token': 't' } }],
      syslog: [{ name: 'siem', host: '127.0.0.1', port: udp.port, facility: 'local3' }],
    });
    const set = createNotifierSet(cfg, { userAgent: 'smoketrace/9.9.9' });
    cleanups.push(() => set.stop(0));
    expect(set.notify(sampleAlert({ id: 'minor', severity: 'minor' }))).toBe(0);
    expect(set.notify(sampleAlert({ id: 'major' }))).toBe(2);
    await set.idle();
    expect(http.requests).toHaveLength(1);
    expect(http.requests[0]!.headers['x-token']).toBe('t');
    expect(http.requests[0]!.headers['user-agent']).toBe('smoketrace/9.9.9');
    expect(JSON.parse(http.requests[0]!.body)).toMatchObject({ id: 'major', url: 'http://st.example.net/alerts/major' });
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(got[0]!.toString('utf8')).toMatch(/^<155>1 /); // local3 (19) * 8 + Error (3)
    expect(set.stats()).toMatchObject({ hook: { sent: 1 }, siem: { sent: 1 } });
  });
});
