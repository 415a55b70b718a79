import type { RouteEvent } from '../../bgp/types.js';
import type { PathObservation } from '../probe/types.js';
import type { PathChangeRecord, StoredAlert } from '../storage/repositories.js';
import { flattenAsPath } from './route-ref.js';

export interface EvidencePack {
  generatedAt: string;
  alert: StoredAlert;
  pathChange: PathChangeRecord | null;
  timeline: Array<{ time: string; what: string }>;
  routeEvents: RouteEvent[];
  observations: { before: PathObservation[]; after: PathObservation[] };
}

function hopLine(o: PathObservation): string {
  return o.hops
    .map((h) => {
      const ips = [...new Set(h.probes.map((p) => p.ip ?? '*'))].join(',');
      const rtt = h.rtt ? ` ${h.rtt.avg.toFixed(1)}ms` : '';
      return `${h.ttl}:${ips}${h.asn != null ? ` AS${h.asn}` : ''}${rtt}${h.loss > 0 ? ` loss ${Math.round(h.loss * 100)}%` : ''}`;
    })
    .join('  ');
}

function eventLine(e: RouteEvent): string {
  if (e.type === 'announce') return `announce ${e.prefix} from ${e.peer.address} (AS ${e.peer.asn}) via ${e.router}, AS path ${flattenAsPath(e.asPath).join(' ') || '(empty)'}, next hop ${e.nextHop ?? '-'}`;
  if (e.type === 'withdraw') return `withdraw ${e.prefix} from ${e.peer.address} (AS ${e.peer.asn}) via ${e.router}`;
  if ('peer' in e) return `${e.type} ${e.peer.address} (AS ${e.peer.asn}) via ${e.router}`;
  return `${e.type} via ${e.router}`;
}

/** One document for a third-party NOC: the alert, the verdict, the route events with their raw attributes, the paths before and after. */
export function buildEvidence(
  alert: StoredAlert,
  pathChange: PathChangeRecord | null,
  before: PathObservation[],
  after: PathObservation[],
  nowIso: string,
): EvidencePack {
  const routeEvents = pathChange?.routeEvents ?? [];
  const timeline = [
    ...routeEvents.map((e) => ({ time: e.time, what: eventLine(e) })),
    ...[...before, ...after].map((o) => ({ time: o.startedAt, what: `${o.tool}/${o.method} from ${o.vantage}: ${o.reached ? 'reached' : 'NOT reached'}; ${hopLine(o)}` })),
    { time: alert.openedAt, what: `alert opened: ${alert.kind}` },
    ...(alert.resolvedAt ? [{ time: alert.resolvedAt, what: 'alert resolved' }] : []),
  ].sort((a, b) => a.time.localeCompare(b.time));
  return { generatedAt: nowIso, alert, pathChange, timeline, routeEvents, observations: { before, after } };
}

/** The same as plain text, to paste into an email. */
export function renderEvidenceText(p: EvidencePack): string {
  const a = p.alert;
  const lines = [
    `SmokeTrace evidence pack — generated ${p.generatedAt}`,
    '',
    `Summary: ${a.summary}`,
    '',
    `Alert ${a.id}: ${a.kind}, ${a.severity}, ${a.state}; target ${String(a.targetName ?? a.targetId)}; vantage ${a.vantage}`,
    `Opened ${a.openedAt}${a.resolvedAt ? `, resolved ${a.resolvedAt}` : ''}`,
  ];
  if (p.pathChange) {
    lines.push('', 'Verdict:', JSON.stringify(p.pathChange.verdict, null, 2), '', 'Likely responsible:', JSON.stringify(p.pathChange.attribution, null, 2));
  }
  lines.push('', 'Timeline (UTC):', ...p.timeline.map((t) => `  ${t.time}  ${t.what}`));
  if (p.routeEvents.length) lines.push('', 'Route events with their attributes:', ...p.routeEvents.map((e) => `  ${JSON.stringify(e)}`));
  return lines.join('\n') + '\n';
}
