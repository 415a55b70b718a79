/**
 * Generic JSON webhook: POSTs the alert as a stable, versioned document
 * (see README.md in this directory for the shape and its compatibility rule).
 */
import { HttpJsonSender } from './http-post.js';
import { alertUrl } from './link.js';
import type { AlertKind, AlertLifecycle, AlertSeverity, NotifiableAlert } from './types.js';

/** Bumped only on incompatible changes (a field removed, renamed or retyped); new fields do not bump it. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayloadV1 {
  version: 1;
  type: 'smoketrace.alert';
  id: string;
  kind: AlertKind;
  state: AlertLifecycle;
  severity: AlertSeverity;
  flapping: boolean;
  target: { id: string; name: string };
  vantage: string;
  summary: string;
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  /** The alert page, or null when notify.baseUrl is not set. */
  url: string | null;
  details: Record<string, unknown>;
}

export function webhookPayload(alert: NotifiableAlert, baseUrl: string | null): WebhookPayloadV1 {
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    type: 'smoketrace.alert',
    id: alert.id,
    kind: alert.kind,
    state: alert.state,
    severity: alert.severity,
    flapping: alert.flapping,
    target: { id: alert.targetId, name: alert.targetName },
    vantage: alert.vantage,
    summary: alert.summary,
    openedAt: alert.openedAt,
    updatedAt: alert.updatedAt,
    resolvedAt: alert.resolvedAt,
    url: alertUrl(baseUrl, alert.id),
    details: alert.details,
  };
}

export class WebhookSender extends HttpJsonSender {
  readonly kind = 'webhook' as const;
  protected payload(alert: NotifiableAlert): WebhookPayloadV1 {
    return webhookPayload(alert, this.baseUrl);
  }
}
