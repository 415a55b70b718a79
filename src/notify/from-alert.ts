/** The correlator's Alert plus what only the daemon knows -> the NotifiableAlert senders take. */
import type { Alert } from '../correlate/alerts.js';
import type { NotifiableAlert } from './types.js';

export interface AlertContext {
  /** The target's display name (falls back to its id when empty). */
  targetName: string;
  /** This instance's name (config instance.name). */
  vantage: string;
}

/**
 * details = the alert's numbers (spread when they are a plain object, else
 * kept under `numbers`), its scope when not end-to-end, and how many signals
 * it merged (`occurrences`).
 */
export function toNotifiable(alert: Alert, ctx: AlertContext): NotifiableAlert {
  const n = alert.numbers;
  const numbers: Record<string, unknown> =
    n !== null && typeof n === 'object' && !Array.isArray(n) ? { ...(n as Record<string, unknown>) } : n == null ? {} : { numbers: n };
  return {
    id: alert.id,
    kind: alert.kind,
    state: alert.state,
    severity: alert.severity,
    targetId: alert.targetId,
    targetName: ctx.targetName || alert.targetId,
    summary: alert.summary,
    openedAt: alert.openedAt,
    updatedAt: alert.updatedAt,
    resolvedAt: alert.resolvedAt,
    flapping: alert.flapping,
    vantage: ctx.vantage,
    details: { ...numbers, ...(alert.scope !== 'e2e' ? { scope: alert.scope } : {}), occurrences: alert.count },
  };
}
