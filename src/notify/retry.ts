/**
 * The one retry loop every sender shares: bounded attempts, exponential
 * backoff with jitter, and a receiver's Retry-After honoured (or the delivery
 * given up when it asks for more than we are willing to wait).
 *
 * The loop knows nothing about HTTP, SMTP or syslog: each attempt says
 * whether it worked, may be retried, or failed for good.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { DeliveryResult, NotifyErrorCode } from './types.js';

export interface RetryPolicy {
  /** Total attempts, first one included (>= 1). */
  maxAttempts: number;
  /** Backoff before the 2nd attempt; doubled for each further one. */
  baseDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the delivery fails at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
});

export type AttemptOutcome =
  | { kind: 'ok'; status?: number }
  | { kind: 'retry'; code: NotifyErrorCode; error: string; status?: number; retryAfterMs?: number }
  | { kind: 'fail'; code: NotifyErrorCode; error: string; status?: number };

/** Injected so tests run without waiting and with a known jitter. */
export interface RetryDeps {
  /** Resolves after ms; rejects when signal aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const realRetryDeps: RetryDeps = {
  sleep: (ms, signal) => sleepFor(ms, undefined, { signal, ref: false }),
  random: Math.random,
};

/**
 * Delay before retry number `retry` (0 = before the 2nd attempt): "equal
 * jitter", half fixed and half random, so that many daemons failing at once
 * do not retry in lockstep yet never retry immediately.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
 * Returns milliseconds from now (>= 0), or undefined when absent or malformed.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with a day name;
  // checking that keeps V8's lenient Date.parse from reading "-5" or "1.5" as dates.
  if (!/^[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function failed(attempts: number, o: Exclude<AttemptOutcome, { kind: 'ok' }>, code = o.code, error = o.error): DeliveryResult {
  return { ok: false, attempts, code, error, ...(o.status !== undefined ? { status: o.status } : {}) };
}

/**
 * Runs attempt(1), attempt(2)... until one succeeds, one fails for good,
 * maxAttempts is reached, or signal aborts (result CLOSED). Never throws.
 */
export async function withRetry(
  attempt: (n: number) => Promise<AttemptOutcome>,
  policy: RetryPolicy,
  deps: RetryDeps,
  signal: AbortSignal,
): Promise<DeliveryResult> {
  const maxAttempts = Math.max(1, Math.floor(policy.maxAttempts));
  for (let n = 1; ; n++) {
    if (signal.aborted) return { ok: false, attempts: n - 1, code: 'CLOSED', error: 'sender closed' };
    let o: AttemptOutcome;
    try {
      o = await attempt(n);
    } catch (err) {
      o = { kind: 'fail', code: 'SENDER_THREW', error: err instanceof Error ? err.message : String(err) };
    }
    if (o.kind === 'ok') return { ok: true, attempts: n, ...(o.status !== undefined ? { status: o.status } : {}) };
    if (o.kind === 'fail' || n >= maxAttempts) return failed(n, o);
    let delay = backoffDelayMs(n - 1, policy, deps.random);
    if (o.retryAfterMs !== undefined) {
      if (o.retryAfterMs > policy.maxRetryAfterMs) {
        return failed(n, o, 'RETRY_AFTER_TOO_LONG', `${o.error}; Retry-After ${o.retryAfterMs} ms exceeds ${policy.maxRetryAfterMs} ms`);
      }
      delay = o.retryAfterMs;
    }
    try {
      await deps.sleep(delay, signal);
    } catch {
      return failed(n, o, 'CLOSED', `sender closed while waiting to retry (${o.error})`);
    }
  }
}
