import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfter, withRetry, type AttemptOutcome, type RetryPolicy } from '../../src/notify/retry.js';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

describe('backoffDelayMs', () => {
  it.each([
    // retry, random, expected: half of min(max, base*2^retry) fixed + half scaled by random
    [0, 0, 50],
    [0, 0.999999, 100],
    [1, 0.5, 150],
    [2, 0, 200],
    [3, 1, 800],
    [4, 0, 500], // capped at maxDelayMs 1000
    [10, 0.5, 750],
  ])('retry %i with random %f -> %i ms', (retry, random, expected) => {
    expect(backoffDelayMs(retry, policy, () => random)).toBe(expected);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it.each([
    [null, undefined],
    ['0', 0],
    ['7', 7000],
    [' 12 ', 12000],
    ['Thu, 01 Jan 2026 12:00:30 GMT', 30000],
    ['Thu, 01 Jan 2026 11:00:00 GMT', 0], // in the past: now
    ['soon', undefined],
    ['-5', undefined],
    ['1.5', undefined],
  ])('%j -> %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('withRetry', () => {
  function run(outcomes: AttemptOutcome[], p = policy, signal = new AbortController().signal) {
    const delays: number[] = [];
    let calls = 0;
    const result = withRetry(
      async () => outcomes[Math.min(calls++, outcomes.length - 1)]!,
      p,
      { random: () => 0, sleep: async (ms) => void delays.push(ms) },
      signal,
    );
    return result.then((r) => ({ r, delays, calls }));
  }
  const retry: AttemptOutcome = { kind: 'retry', code: 'NETWORK', error: 'ECONNRESET' };

  it('stops at maxAttempts with the last error', async () => {
    const { r, delays, calls } = await run([retry], { ...policy, maxAttempts: 3 });
    expect(r).toEqual({ ok: false, attempts: 3, code: 'NETWORK', error: 'ECONNRESET' });
    expect(calls).toBe(3);
    expect(delays).toEqual([50, 100]);
  });

  it('a final failure is not retried', async () => {
    const { r, calls } = await run([{ kind: 'fail', code: 'HTTP_STATUS', error: 'HTTP 404', status: 404 }]);
    expect(r).toMatchObject({ ok: false, attempts: 1, status: 404 });
    expect(calls).toBe(1);
  });

  it('waits Retry-After instead of the backoff, and gives up when it is too long', async () => {
    const ok = await run([{ ...retry, retryAfterMs: 3000 }, { kind: 'ok', status: 200 }]);
    expect(ok.r).toEqual({ ok: true, attempts: 2, status: 200 });
    expect(ok.delays).toEqual([3000]);
    const tooLong = await run([{ ...retry, retryAfterMs: 5001 }, { kind: 'ok' }]);
    expect(tooLong.r).toMatchObject({ ok: false, attempts: 1, code: 'RETRY_AFTER_TOO_LONG' });
  });

  it('an attempt that throws is a final SENDER_THREW, never an exception', async () => {
    const r = await withRetry(
      async () => {
        throw new Error('boom');
      },
      policy,
      { random: () => 0, sleep: async () => {} },
      new AbortController().signal,
    );
    expect(r).toEqual({ ok: false, attempts: 1, code: 'SENDER_THREW', error: 'boom' });
  });

  it('an aborted signal ends the loop with CLOSED', async () => {
    const ac = new AbortController();
    ac.abort();
    const { r, calls } = await run([retry], policy, ac.signal);
    expect(r).toMatchObject({ ok: false, code: 'CLOSED', attempts: 0 });
    expect(calls).toBe(0);
  });

  it('maxAttempts below 1 still makes one attempt', async () => {
    const { r } = await run([retry], { ...policy, maxAttempts: 0 });
    expect(r.attempts).toBe(1);
  });
});
