/** Subject and plain-text body of an alert e-mail. Pure. */
import { alertUrl } from './link.js';
import type { NotifiableAlert } from './types.js';

/** Placeholders: {target} {targetId} {kind} {state} {severity} {vantage} {id}. */
export const DEFAULT_SUBJECT_TEMPLATE = '{severity} {kind} {state}: {target}';

/** No CR/LF (or other control characters) from alert data may reach a header. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function renderSubject(alert: NotifiableAlert, template = DEFAULT_SUBJECT_TEMPLATE, prefix = '[SmokeTrace]'): string {
  const values: Record<string, string> = {
    target: alert.targetName,
    targetId: alert.targetId,
    kind: alert.kind,
    state: alert.state + (alert.flapping ? ' (flapping)' : ''),
    severity: alert.severity,
    vantage: alert.vantage,
    id: alert.id,
  };
  const body = template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  return oneLine(prefix ? `${prefix} ${body}` : body);
}

const MAX_DETAIL_LINES = 40;
const MAX_DETAIL_CHARS = 300;

function detailLine(key: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `  ${key}: ${text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text}`;
}

/** The summary sentence, the facts, the key numbers and the link. */
export function renderBody(alert: NotifiableAlert, baseUrl: string | null): string {
  const url = alertUrl(baseUrl, alert.id);
  const lines = [
    alert.summary,
    '',
    `Target:   ${alert.targetName} (${alert.targetId})`,
    `Kind:     ${alert.kind}`,
    `Severity: ${alert.severity}`,
    `State:    ${alert.state}${alert.flapping ? ' (flapping)' : ''}`,
    `Opened:   ${alert.openedAt}`,
    `Updated:  ${alert.updatedAt}`,
    ...(alert.resolvedAt ? [`Resolved: ${alert.resolvedAt}`] : []),
    `Vantage:  ${alert.vantage}`,
  ];
  const details = Object.entries(alert.details).filter(([, v]) => v !== undefined);
  if (details.length > 0) {
    lines.push('', 'Key numbers:', ...details.slice(0, MAX_DETAIL_LINES).map(([k, v]) => detailLine(k, v)));
    if (details.length > MAX_DETAIL_LINES) lines.push(`  (${details.length - MAX_DETAIL_LINES} more)`);
  }
  if (url) lines.push('', `Alert page: ${url}`);
  lines.push('', `-- SmokeTrace alert ${alert.id}`);
  return `${lines.join('\n')}\n`;
}
