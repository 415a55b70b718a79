/**
 * POST one JSON document with the shared retry policy: retried on network
 * errors, timeouts, 5xx and 429 (Retry-After honoured), never on other 4xx.
 * Uses node's global fetch with AbortSignal.timeout per attempt; redirects
 * are not followed (a 3xx is a final failure: following a 301/302 would turn
 * the POST into a GET and lose the alert).
 */
import { DEFAULT_RETRY, parseRetryAfter, realRetryDeps, withRetry, type AttemptOutcome, type RetryDeps, type RetryPolicy } from './retry.js';
import type { DeliveryResult, NotifiableAlert, Sender, SenderKind } from './types.js';

export interface HttpDeps extends RetryDeps {
  fetch: typeof fetch;
  nowMs(): number;
}

export const realHttpDeps: HttpDeps = { ...realRetryDeps, fetch: (...a) => globalThis.fetch(...a), nowMs: () => Date.now() };

export interface HttpTarget {
  url: string;
  headers: Readonly<Record<string, string>>;
  timeoutMs: number;
  retry: RetryPolicy;
}

const SNIPPET_CHARS = 200;
/** Bytes of a response body read for the error message; the rest is never downloaded. */
const SNIPPET_BYTES = 2048;

async function readSnippet(res: Response): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const text = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8');
  return text.replace(/\s+/g, ' ').trim().slice(0, SNIPPET_CHARS);
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici wraps the socket error: "fetch failed" { cause: { code: 'ECONNREFUSED' } }
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

async function attemptPost(body: string, target: HttpTarget, deps: HttpDeps, closing: AbortSignal): Promise<AttemptOutcome> {
  let status: number;
  let snippet: string;
  let retryAfter: string | null;
  try {
    const res = await deps.fetch(target.url, {
      method: 'POST',
      headers: target.headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(target.timeoutMs), closing]),
    });
    status = res.status;
    retryAfter = res.headers.get('retry-after');
    snippet = await readSnippet(res);
  } catch (err) {
    if (closing.aborted) return { kind: 'fail', code: 'CLOSED', error: 'sender closed' };
    if (err instanceof Error && err.name === 'TimeoutError') {
      return { kind: 'retry', code: 'TIMEOUT', error: `no answer within ${target.timeoutMs} ms` };
    }
    return { kind: 'retry', code: 'NETWORK', error: errorText(err) };
  }
  if (status >= 200 && status < 300) return { kind: 'ok', status };
  const error = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, deps.nowMs());
    return { kind: 'retry', code: 'HTTP_STATUS', error, status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 300 && status < 400) return { kind: 'fail', code: 'HTTP_STATUS', error: `${error} (redirects are not followed)`, status };
  return { kind: 'fail', code: 'HTTP_STATUS', error, status };
}

export function postJson(doc: unknown, target: HttpTarget, deps: HttpDeps, closing: AbortSignal): Promise<DeliveryResult> {
  const body = JSON.stringify(doc);
  return withRetry(() => attemptPost(body, target, deps, closing), target.retry, deps, closing);
}

export interface HttpSenderOptions {
  name: string;
  url: string;
  /** Extra request headers (e.g. Authorization); they override the defaults. */
  headers?: Record<string, string>;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** For the link to the alert page (`${baseUrl}/alerts/${id}`). */
  baseUrl?: string | null;
  /** Default "smoketrace". */
  userAgent?: string;
}

/** A sender that POSTs one JSON document per alert; subclasses only say which document. */
export abstract class HttpJsonSender implements Sender {
  abstract readonly kind: SenderKind;
  readonly name: string;
  protected readonly baseUrl: string | null;
  private readonly target: HttpTarget;
  private readonly closing = new AbortController();

  constructor(
    opts: HttpSenderOptions,
    private readonly deps: HttpDeps = realHttpDeps,
  ) {
    this.name = opts.name;
    this.baseUrl = opts.baseUrl ?? null;
    this.target = {
      url: opts.url,
      headers: { 'content-type': 'application/json', 'user-agent': opts.userAgent ?? 'smoketrace', ...opts.headers },
      timeoutMs: opts.timeoutMs ?? 10_000,
      retry: { ...DEFAULT_RETRY, ...opts.retry },
    };
  }

  protected abstract payload(alert: NotifiableAlert): unknown;

  send(alert: NotifiableAlert): Promise<DeliveryResult> {
    return postJson(this.payload(alert), this.target, this.deps, this.closing.signal);
  }

  async close(): Promise<void> {
    this.closing.abort();
  }
}
