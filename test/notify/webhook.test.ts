import { afterEach, describe, expect, it, vi } from 'vitest';
import { realHttpDeps } from '../../src/notify/http-post.js';
import { WebhookSender, webhookPayload } from '../../src/notify/webhook.js';
import { instantDeps, sampleAlert, startHttpReceiver, type Answer } from './helpers.js';

const receivers: Array<{ close(): Promise<void> }> = [];
async function receiver(answers: Answer[]) {
  const r = await startHttpReceiver(answers);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const fastRetry = { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4 };

describe('WebhookSender against a real HTTP server', () => {
  it('POSTs the versioned alert document with the configured headers', async () => {
    const rx = await receiver([{ status: 204 }]);
    const alert = sampleAlert();
    const sender = new WebhookSender(
      { name: 'ops', url: rx.url, headers: { Authorization: 'Bearer s3cret', 'X-Team': 'netops' }, baseUrl: 'https://st.example.net/' },
      instantDeps(),
    );
    const result = await sender.send(alert);
    expect(result).toEqual({ ok: true, attempts: 1, status: 204 });
    expect(rx.requests).toHaveLength(1);
    const req = rx.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/hook');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['authorization']).toBe('Bearer s3cret');
    expect(req.headers['x-team']).toBe('netops');
    expect(req.headers['user-agent']).toBe('smoketrace');
    expect(JSON.parse(req.body)).toEqual({
      version: 1,
      type: 'smoketrace.alert',
      id: alert.id,
      kind: 'path_worse',
      state: 'open',
      severity: 'major',
      flapping: false,
      target: { id: 'tgt-1', name: alert.targetName },
      vantage: 'par1',
      summary: alert.summary,
      openedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:01:00.000Z',
      resolvedAt: null,
      url: 'https://st.example.net/alerts/tgt-1%3Apath_worse%3A2026-01-01T00%3A00%3A00.000Z',
      details: alert.details,
    });
  });

  it('the link is null without a baseUrl', () => {
    expect(webhookPayload(sampleAlert(), null).url).toBeNull();
  });

  it('503 twice then 200: delivered on the 3rd attempt after growing backoffs', async () => {
    const rx = await receiver([{ status: 503, body: 'busy' }, { status: 503 }, { status: 200 }]);
    const deps = instantDeps();
    const sender = new WebhookSender({ name: 'ops', url: rx.url, retry: fastRetry }, deps);
    const result = await sender.send(sampleAlert());
    expect(result).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(rx.requests).toHaveLength(3);
    expect(deps.delays).toEqual([75, 150]); // random 0.5: 50+25, 100+50
    expect(new Set(rx.requests.map((r) => r.body)).size).toBe(1); // the same document each time
  });

  it('400: no retry, the status and the body snippet are reported', async () => {
    const rx = await receiver([{ status: 400, body: '{"error":"bad\n  token"}' }, { status: 200 }]);
    const deps = instantDeps();
    const result = await new WebhookSender({ name: 'ops', url: rx.url, retry: fastRetry }, deps).send(sampleAlert());
    expect(result).toEqual({ ok: false, attempts: 1, status: 400, code: 'HTTP_STATUS', error: 'HTTP 400: {"error":"bad token"}' });
    expect(rx.requests).toHaveLength(1);
    expect(deps.delays).toEqual([]);
  });

  it('a huge error body is not downloaded: the error keeps a 200-character snippet', async () => {
    const rx = await receiver([{ status: 413, body: 'x'.repeat(2_000_000) }]);
    const result = await new WebhookSender({ name: 'ops', url: rx.url }, instantDeps()).send(sampleAlert());
    expect(result).toEqual({ ok: false, attempts: 1, status: 413, code: 'HTTP_STATUS', error: `HTTP 413: ${'x'.repeat(200)}` });
  });

  it('429 with Retry-After: waits what the server asked, then delivers', async () => {
    const rx = await receiver([{ status: 429, headers: { 'Retry-After': '2' } }, { status: 200 }]);
    const deps = instantDeps();
    const result = await new WebhookSender({ name: 'ops', url: rx.url, retry: fastRetry }, deps).send(sampleAlert());
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(deps.delays).toEqual([2000]);
  });

  it('503 with a Retry-After beyond the maximum: given up at once', async () => {
    const rx = await receiver([{ status: 503, headers: { 'Retry-After': '3600' } }, { status: 200 }]);
    const result = await new WebhookSender(
      { name: 'ops', url: rx.url, retry: { ...fastRetry, maxRetryAfterMs: 60_000 } },
      instantDeps(),
    ).send(sampleAlert());
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 503, code: 'RETRY_AFTER_TOO_LONG' });
    expect(rx.requests).toHaveLength(1);
  });

  it('a redirect is a final failure (a POST is not turned into a GET)', async () => {
    const rx = await receiver([{ status: 302, headers: { Location: '/elsewhere' } }]);
    const result = await new WebhookSender({ name: 'ops', url: rx.url, retry: fastRetry }, instantDeps()).send(sampleAlert());
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 302, code: 'HTTP_STATUS' });
    expect(rx.requests).toHaveLength(1);
  });

  it('a server that never answers: each attempt times out, bounded attempts, TIMEOUT reported', async () => {
    const rx = await receiver(['hang']);
    const result = await new WebhookSender(
      { name: 'ops', url: rx.url, timeoutMs: 150, retry: { ...fastRetry, maxAttempts: 2 } },
      instantDeps(),
    ).send(sampleAlert());
    expect(result).toEqual({ ok: false, attempts: 2, code: 'TIMEOUT', error: 'no answer within 150 ms' });
    expect(rx.requests).toHaveLength(2);
  });

  it('connection refused: a NETWORK error, retried up to maxAttempts', async () => {
    const rx = await startHttpReceiver([{ status: 200 }]);
    await rx.close(); // the port is now closed
    const deps = instantDeps();
    const result = await new WebhookSender({ name: 'ops', url: rx.url, retry: { ...fastRetry, maxAttempts: 3 } }, deps).send(sampleAlert());
    expect(result).toEqual({ ok: false, attempts: 3, code: 'NETWORK', error: 'ECONNREFUSED' });
    expect(deps.delays).toHaveLength(2);
  });

  it('close() during a backoff wait ends the delivery with CLOSED', async () => {
    const rx = await receiver([{ status: 503 }]);
    const sender = new WebhookSender(
      { name: 'ops', url: rx.url, retry: { maxAttempts: 3, baseDelayMs: 600_000, maxDelayMs: 600_000 } },
      realHttpDeps,
    );
    const pending = sender.send(sampleAlert());
    await vi.waitFor(() => expect(rx.requests).toHaveLength(1));
    await sender.close();
    await expect(pending).resolves.toMatchObject({ ok: false, attempts: 1, code: 'CLOSED' });
    await expect(sender.send(sampleAlert())).resolves.toMatchObject({ ok: false, code: 'CLOSED' });
  });
});
