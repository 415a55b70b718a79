/** Live items and their grouping. Pure (no DOM), so the collapse rule is easy to read and to test. */
import type { RouteEvent } from '../../../bgp/types.js';
import type { LiveMtu, LiveObservation } from '../../../src/http/live-events.js';
import type { PathChangeRecord, StoredAlert } from '../../../src/storage/repositories.js';
import { asPath, ms, pct } from '../format.js';

export interface LiveItem {
  kind: string;
  time: string;
  prefix: string;
  /** "192.0.2.1 AS65001" */
  peer: string;
  target: string;
  text: string;
  href: string | null;
}

export interface LiveGroup {
  sample: LiveItem;
  count: number;
  label: string;
}

export interface LiveFilter {
  prefix: string;
  peer: string;
  target: string;
  /** '' = any; 'other' = every route event kind not listed in the menu. */
  kind: string;
}

/** The kind menu: value and what it says. 'other' = every route event kind not listed. */
export const KIND_OPTIONS: ReadonlyArray<[string, string]> = [
  ['', '(any)'],
  ['announce', 'announce'],
  ['withdraw', 'withdraw'],
  ['peer_up', 'peer up'],
  ['peer_down', 'peer down'],
  ['eor', 'end of RIB'],
  ['path.new', 'path differs (probe run)'],
  ['path.change', 'path change (judged)'],
  ['probe', 'probe run, same path'],
  ['mtu', 'path MTU'],
  ['alert', 'alert'],
  ['other', 'other route events'],
];
const LISTED = new Set(KIND_OPTIONS.map(([v]) => v).filter((v) => v && v !== 'other'));

export function itemOfRoute(e: RouteEvent): LiveItem {
  const peer = 'peer' in e ? `${e.peer.address} AS${e.peer.asn}` : '';
  const prefix = 'prefix' in e ? e.prefix : '';
  let text: string;
  if (e.type === 'announce') text = `${e.prefix} via ${peer} path ${asPath(e.asPath)} next hop ${e.nextHop ?? '–'}`;
  else if (e.type === 'withdraw') text = `${e.prefix} withdrawn by ${peer}${e.cause && e.cause !== 'bgp' ? ` (${e.cause})` : ''}`;
  else if (e.type === 'peer_down') text = `peer ${peer} down on ${e.router}: ${e.reason}`;
  else if (e.type === 'peer_up') text = `peer ${peer} up on ${e.router}`;
  else if (e.type === 'eor') text = `end of RIB ${e.afi} ${e.safi} from ${peer}`;
  else if (e.type === 'error') text = `${e.code} from ${e.router}: ${e.message}`;
  else text = `${e.type} from ${e.router}${peer ? ` peer ${peer}` : ''}`;
  return { kind: e.type, time: e.time, prefix, peer, target: '', text, href: prefix ? `#/prefix/${encodeURIComponent(prefix)}` : null };
}

/** A probe run: "path.new" when its path differs from the previous run of its target, else "probe". */
export function itemOfObservation(o: LiveObservation): LiveItem {
  const who = o.targetName === o.targetId ? o.targetId : `${o.targetName} (${o.targetId})`;
  const how =
    o.status === 'failed'
      ? `run failed: ${o.error ?? 'unknown error'}`
      : `${o.reached ? 'reached' : 'NOT reached'} in ${o.hops} hops, ${ms(o.rttMs)}, loss ${pct(o.loss)}`;
  return {
    kind: o.pathChanged ? 'path.new' : 'probe',
    time: o.startedAt,
    prefix: '',
    peer: '',
    target: o.targetId,
    text: `${who}: ${o.pathChanged ? 'path differs from the previous run; ' : ''}${how} (from ${o.vantage})`,
    href: `#/target/${encodeURIComponent(o.targetId)}`,
  };
}

/** A path MTU measurement: "shop.example (shop): path MTU 1400 bytes, was 1500; drops after hop 2 (192.0.2.1 AS65001) (tracepath, from fra)". */
export function itemOfMtu(m: LiveMtu): LiveItem {
  const who = m.targetName === m.targetId ? m.targetId : `${m.targetName} (${m.targetId})`;
  let what: string;
  if (m.status === 'failed') what = `path MTU run failed: ${m.error ?? 'unknown error'}`;
  else if (m.pathMtu === null) what = 'path MTU not found (the destination did not answer)';
  else {
    what = `path MTU ${m.pathMtu} bytes${m.changed ? `, was ${m.previousMtu}` : ''}`;
    const l = m.limit;
    if (l) what += `; drops after hop ${l.ttl}${l.ip ? ` (${l.ip}${l.asn ? ` AS${l.asn}` : ''})` : ''}`;
  }
  return { kind: 'mtu', time: m.measuredAt, prefix: '', peer: '', target: m.targetId, text: `${who}: ${what} (${m.tool}, from ${m.vantage})`, href: `#/target/${encodeURIComponent(m.targetId)}` };
}

export function itemOfChange(c: PathChangeRecord): LiveItem {
  return { kind: 'path.change', time: c.time, prefix: '', peer: '', target: c.targetId, text: `${c.targetName}: ${c.sentence}`, href: `#/target/${encodeURIComponent(c.targetId)}` };
}

export function itemOfAlert(a: { action: string; alert: StoredAlert }): LiveItem {
  const al = a.alert;
  return {
    kind: 'alert',
    time: al.updatedAt,
    prefix: '',
    peer: '',
    target: al.targetId,
    text: `${a.action} ${al.severity} ${al.kind} on ${al.targetId}: ${al.summary}`,
    href: `#/alert/${encodeURIComponent(al.id)}`,
  };
}

export function matches(i: LiveItem, f: LiveFilter): boolean {
  if (f.kind && (f.kind === 'other' ? LISTED.has(i.kind) : i.kind !== f.kind)) return false;
  if (f.prefix && !i.prefix.startsWith(f.prefix)) return false;
  if (f.peer && !i.peer.toLowerCase().includes(f.peer.toLowerCase())) return false;
  if (f.target && !i.target.toLowerCase().includes(f.target.toLowerCase())) return false;
  return true;
}

function collapse(items: readonly LiveItem[], key: (i: LiveItem) => string, label: (i: LiveItem, n: number, prefixes: string) => string): LiveGroup[] {
  const groups = new Map<string, { g: LiveGroup; prefixes: Set<string> }>();
  for (const i of items) {
    const k = key(i);
    const entry = groups.get(k);
    if (entry) {
      entry.g.count++;
      entry.g.sample = i;
      if (i.prefix) entry.prefixes.add(i.prefix);
    } else groups.set(k, { g: { sample: i, count: 1, label: '' }, prefixes: new Set(i.prefix ? [i.prefix] : []) });
  }
  return [...groups.values()].map(({ g, prefixes }) => {
    const list = [...prefixes];
    const shown = list.length > 3 ? `${list.slice(0, 3).join(', ')} and ${list.length - 3} more prefixes` : list.join(', ');
    g.label = label(g.sample, g.count, shown);
    return g;
  });
}

/**
 * Filters and groups one frame's items, oldest first. Alike items (kind, peer,
 * prefix) always merge; when more than maxLines remain, they merge by kind and
 * peer, and at last by kind alone, so a frame never adds more than maxLines lines.
 */
export function groupItems(items: readonly LiveItem[], f: LiveFilter, maxLines: number): LiveGroup[] {
  const kept = items.filter((i) => matches(i, f));
  let g = collapse(kept, (i) => `${i.kind}|${i.peer}|${i.prefix}|${i.target}|${i.kind === 'alert' || i.kind === 'path.change' ? i.text : ''}`, (i) => i.text);
  if (g.length > maxLines) g = collapse(kept, (i) => `${i.kind}|${i.peer}`, (i, n, p) => `${n} ${i.kind} events${i.peer ? ` from ${i.peer}` : ''}${p ? `: ${p}` : `, latest: ${i.text}`}`);
  if (g.length > maxLines) g = collapse(kept, (i) => i.kind, (i, n, p) => `${n} ${i.kind} events${p ? `: ${p}` : `, latest: ${i.text}`}`);
  return g;
}
