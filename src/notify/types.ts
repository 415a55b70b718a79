/**
 * What a notifier delivers and what it reports back.
 *
 * `NotifiableAlert` is the alert as the outside world sees it: the correlator's
 * `Alert` (src/correlate/alerts.ts) plus what only the daemon knows (the
 * target's display name, the vantage name). `toNotifiable()` in from-alert.ts
 * maps one onto the other; senders only ever see this shape.
 */
import type { AlertKind, AlertLifecycle, AlertSeverity } from '../correlate/alerts.js';

export type { AlertKind, AlertLifecycle, AlertSeverity };

export interface NotifiableAlert {
  /** Stable alert id (the same id on open, updated and resolved). */
  id: string;
  kind: AlertKind;
  state: AlertLifecycle;
  severity: AlertSeverity;
  targetId: string;
  targetName: string;
  /** The customer sentence: what happened, in words. */
  summary: string;
  /** ISO-8601 times. */
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  flapping: boolean;
  /** Name of the SmokeTrace instance that saw it. */
  vantage: string;
  /** The key numbers (verdict numbers, latency, loss...) and any other facts worth sending. */
  details: Record<string, unknown>;
}

/** Every alert kind, for config validation; the check below fails to compile if AlertKind grows. */
export const ALERT_KINDS = [
  'path_worse',
  'path_better',
  'latency',
  'loss',
  'unreachable',
  'route_withdrawn',
  'hop_count_change',
  'as_path_change',
  'mtu_change',
] as const satisfies readonly AlertKind[];
type MissingKind = Exclude<AlertKind, (typeof ALERT_KINDS)[number]>;
const allKindsListed: [MissingKind] extends [never] ? true : false = true;
void allKindsListed;

export const ALERT_SEVERITIES = ['info', 'minor', 'major', 'critical'] as const satisfies readonly AlertSeverity[];

/** info < minor < major < critical. */
export function severityRank(s: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(s);
}

export type NotifyErrorCode =
  /** Connection refused/reset, DNS failure, socket error. Retried. */
  | 'NETWORK'
  /** No answer within the timeout. Retried by the HTTP senders; the NotifierSet's deadline is final. */
  | 'TIMEOUT'
  /** The HTTP receiver answered with a non-2xx status (retried on 5xx and 429 only). */
  | 'HTTP_STATUS'
  /** 429/503 with a Retry-After longer than the configured maximum: given up at once. */
  | 'RETRY_AFTER_TOO_LONG'
  /** The SMTP server refused the message or every recipient (4xx retried, 5xx final). */
  | 'SMTP_REJECTED'
  /** The sender was closed while delivering. */
  | 'CLOSED'
  /** The sender threw instead of returning a result (a bug; the NotifierSet contains it). */
  | 'SENDER_THREW';

export interface DeliveryResult {
  ok: boolean;
  /** Attempts made (1 = delivered or given up on the first try). */
  attempts: number;
  /** Set when ok is false. */
  code?: NotifyErrorCode;
  /** Human-readable reason of the last failure (set when ok is false). */
  error?: string;
  /** Last HTTP status, or SMTP response code, when there was one. */
  status?: number;
}

export type SenderKind = 'webhook' | 'slack' | 'syslog' | 'email';

/** One configured destination. send() never throws: failures come back as a result. */
export interface Sender {
  /** Unique among the configured senders (it keys the counters). */
  readonly name: string;
  readonly kind: SenderKind;
  send(alert: NotifiableAlert): Promise<DeliveryResult>;
  /** Releases sockets/transports and aborts waits; later sends fail with CLOSED. */
  close(): Promise<void>;
}
