/**
 * The customer sentence: what changed, since when, how much, and who is
 * likely responsible, in words a non-network person can read. Pure; times in
 * UTC (HH:MM, with the date when it is not `now`'s UTC day).
 */
import type { Attribution } from './attribution.js';
import type { Verdict } from './judge.js';

export type AsNames = Readonly<Record<number, string>> | ReadonlyMap<number, string>;

export interface SentenceInput {
  targetName: string;
  verdict: Verdict;
  attribution?: Attribution | null;
  /** When the change began (epoch ms). */
  changeTimeMs: number;
  nowMs: number;
  asNames?: AsNames;
}

export function formatTime(ms: number, nowMs: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(nowMs).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

function nameOf(asn: number, names: AsNames | undefined): string | undefined {
  if (names === undefined) return undefined;
  return names instanceof Map ? names.get(asn) : (names as Record<number, string>)[asn];
}

/** "AS 1299" or "AS 1299 (Arelion)". */
export function asLabel(asn: number, names?: AsNames): string {
  const name = nameOf(asn, names);
  return name === undefined ? `AS ${asn}` : `AS ${asn} (${name})`;
}

function list(asns: readonly number[], names?: AsNames): string {
  const labels = asns.map((a) => asLabel(a, names));
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

export function formatMs(ms: number): string {
  return ms < 10 ? `${Math.round(ms * 10) / 10} ms` : `${Math.round(ms)} ms`;
}

function formatPct(pct: number): string {
  const r = Math.abs(pct) < 1 ? Math.round(pct * 10) / 10 : Math.round(pct);
  return `${r}%`;
}

/** " (+74%)"; for huge ratios on near-zero baselines (0.1 -> 40 ms) the ms delta reads better: " (+40 ms)". */
function signedDelta(pct: number | null, deltaMs: number | null): string {
  const sign = (x: number) => (x >= 0 ? '+' : '-');
  if (pct !== null && Number.isFinite(pct) && Math.abs(pct) <= 500) return ` (${sign(pct)}${formatPct(Math.abs(pct))})`;
  return deltaMs === null ? '' : ` (${sign(deltaMs)}${formatMs(Math.abs(deltaMs))})`;
}

const arrow = (path: readonly number[]) => path.join(' → ');

function hopText(ttl: number, ip: string | null, asn: number | null, names?: AsNames): string {
  const parts = [ip, asn === null ? null : asLabel(asn, names)].filter((x): x is string => x !== null);
  return `hop ${ttl}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** ", after AS 1299 withdrew 203.0.113.0/24" or "" without a routing cause. */
function bgpClause(a: Attribution | null | undefined, names?: AsNames): string {
  const c = a?.bgpCause;
  if (c == null) return '';
  if (c.kind === 'withdraw') return `, after ${asLabel(c.asn, names)} withdrew ${c.prefix}`;
  const x = c.oldNextAsn ?? null;
  if (c.kind === 'policy') {
    const still = x === null ? '' : ` while ${asLabel(x, names)} still announces the old one`;
    return `, after ${asLabel(c.asn, names)} started preferring another route to ${c.prefix}${still}`;
  }
  if (c.decidingAsn != null && x !== null && c.decidingAsn !== x) {
    return `, after ${asLabel(c.decidingAsn, names)} stopped routing ${c.prefix} through ${asLabel(x, names)}`;
  }
  return `, after ${asLabel(c.asn, names)} changed its route to ${c.prefix}`;
}

/** How the path moved, or null when it did not. */
function pathClause(v: Verdict, names?: AsNames): string | null {
  const before = v.numbers.asPath.before;
  const after = v.numbers.asPath.after;
  if (before.length > 0 && after.length > 0 && before.join(' ') !== after.join(' ')) {
    const added = after.filter((a) => !before.includes(a));
    const removed = before.filter((a) => !after.includes(a));
    if (added.length > 0 && removed.length > 0) return `goes through ${list(added, names)} instead of ${list(removed, names)}`;
    if (added.length > 0) return `now also goes through ${list(added, names)} (AS path ${arrow(after)} instead of ${arrow(before)})`;
    if (removed.length > 0) return `no longer goes through ${list(removed, names)} (AS path ${arrow(after)} instead of ${arrow(before)})`;
    return `takes the AS path ${arrow(after)} instead of ${arrow(before)}`;
  }
  const hb = v.numbers.hops.before;
  const ha = v.numbers.hops.after;
  if (hb !== null && ha !== null && hb !== ha) return `takes ${ha} hops instead of ${hb}`;
  if (v.evidence.changeTtl !== null && v.evidence.oldPath.length > 0) return `takes a different route from hop ${v.evidence.changeTtl}`;
  return null;
}

/** The numbers that matter for this verdict, as one sentence (or ''). */
function metricsSentence(v: Verdict): string {
  const r = v.numbers.rtt;
  const l = v.numbers.loss;
  const parts: string[] = [];
  if (v.reasons.includes('LOSS_UP') || v.reasons.includes('LOSS_DOWN')) {
    const verb = l.after.pct > l.before.pct ? 'rose' : 'fell';
    parts.push(`Packet loss ${verb} from ${formatPct(l.before.pct)} to ${formatPct(l.after.pct)} (${l.after.sent} probes)`);
  }
  if (r.before !== null && r.after !== null) {
    if (v.reasons.includes('RTT_MEDIAN_UP') || v.reasons.includes('RTT_MEDIAN_DOWN')) {
      const verb = r.after.median > r.before.median ? 'rose' : 'fell';
      parts.push(`Median latency ${verb} from ${formatMs(r.before.median)} to ${formatMs(r.after.median)}${signedDelta(r.medianDeltaPct, r.medianDeltaMs)}`);
    } else if (v.reasons.includes('RTT_P95_UP') || v.reasons.includes('RTT_P95_DOWN')) {
      const verb = r.after.p95 > r.before.p95 ? 'grew' : 'shrank';
      parts.push(`Latency spikes ${verb}: the slowest 5% went from ${formatMs(r.before.p95)} to ${formatMs(r.after.p95)}`);
    } else if (parts.length === 0) {
      parts.push(`Median latency: ${formatMs(r.before.median)} before, ${formatMs(r.after.median)} now`);
    }
  } else if (r.after !== null) {
    parts.push(`Median latency is ${formatMs(r.after.median)}`);
  }
  return parts.map((p) => `${p}.`).join(' ');
}

/**
 * "Likely responsible: AS 1299 (high confidence): it withdrew 203.0.113.0/24."
 * An own (ignored) AS is named only for its own routing decision, and said to be yours.
 */
function responsibleSentence(v: Verdict, a: Attribution | null | undefined, names?: AsNames): string {
  if (v.verdict !== 'worse' || a == null || a.asn === null) return '';
  const name = nameOf(a.asn, names);
  const own = a.own ? ', your own network' : '';
  const why = a.why === '' ? '' : `: ${a.why}`;
  return name === undefined
    ? `Likely responsible: AS ${a.asn}${own} (${a.confidence} confidence)${why}.`
    : `Likely responsible: AS ${a.asn} (${name})${own}, ${a.confidence} confidence${why}.`;
}

function join(...sentences: string[]): string {
  return sentences.filter((s) => s !== '').join(' ');
}

export function describeVerdict(input: SentenceInput): string {
  const { verdict: v, attribution: a, asNames: names, targetName: target } = input;
  const since = `Since ${formatTime(input.changeTimeMs, input.nowMs)}`;
  const cause = bgpClause(a, names);

  if (!v.comparable) {
    return `${since} ${target} is measured with another probe method (${v.evidence.methodBefore ?? '?'} → ${v.evidence.methodAfter ?? '?'}), so before and after are not comparable.`;
  }
  if (v.primary === 'UNREACHABLE') {
    const last = v.evidence.newPath[v.evidence.newPath.length - 1];
    const stop = last === undefined ? '' : `: probes stop after ${hopText(last.ttl, last.ips[0] ?? null, last.asn, names)}`;
    return join(`${since} ${target} is unreachable${stop}${cause}.`, responsibleSentence(v, a, names));
  }
  if (v.primary === 'RECOVERED') return join(`${since} ${target} is reachable again${cause}.`, metricsSentence(v));
  if (v.primary === 'INSUFFICIENT_SAMPLES') {
    const moved = pathClause(v, names);
    const lead = moved === null ? `${since} there are` : `${since} traffic to ${target} ${moved}${cause}; there are`;
    return `${lead} too few measurements of ${target} yet to judge latency and loss.`;
  }

  const moved = pathClause(v, names);
  if (moved !== null) {
    const lead = `${since} traffic to ${target} ${moved}${cause}.`;
    const same = v.verdict === 'same' ? ' Latency and loss are unchanged.' : '';
    return join(lead + same, v.verdict === 'same' ? '' : metricsSentence(v), responsibleSentence(v, a, names));
  }
  if (v.verdict === 'same') return join(`${since} nothing significant changed for ${target}.`, metricsSentence(v));

  // No path change: say where the degradation begins, and whether routing moved at all.
  const origin = v.evidence.lossOrigin ?? v.evidence.latencyOrigin;
  const where = origin === null ? '' : ` It begins at ${hopText(origin.ttl, origin.ip, origin.asn, names)}.`;
  const routing = v.evidence.bgpChange ? (cause === '' ? '' : ` This follows a routing change${cause}.`) : ' There was no routing change.';
  const direction = v.verdict === 'worse' ? 'got worse' : 'improved';
  return join(`${since} the connection to ${target} ${direction}.`, metricsSentence(v) + where + routing, responsibleSentence(v, a, names));
}

export interface WithdrawalInput {
  targetName: string;
  prefix: string;
  peerAsn: number;
  peerAddress: string;
  timeMs: number;
  nowMs: number;
  /** Peers still announcing the prefix (or a covering one) afterwards. */
  remainingPeers: number;
  asNames?: AsNames;
}

/** For a watched prefix withdrawn by a peer, before any probe shows it. */
export function describeWithdrawal(w: WithdrawalInput): string {
  const rest =
    w.remainingPeers === 0
      ? 'no other peer announces it'
      : `${w.remainingPeers} other peer${w.remainingPeers === 1 ? '' : 's'} still announce${w.remainingPeers === 1 ? 's' : ''} it`;
  return `At ${formatTime(w.timeMs, w.nowMs)} ${asLabel(w.peerAsn, w.asNames)} (peer ${w.peerAddress}) withdrew ${w.prefix}, the route to ${w.targetName}; ${rest}.`;
}

/** Appended to an alert's sentence while it flaps. */
export function flappingSentence(opens: number, windowMs: number): string {
  return `This problem is flapping: it appeared ${opens} times in the last ${Math.round(windowMs / 60_000)} minutes.`;
}

/** Sentences for the absolute end-to-end conditions (signals.conditionSignals). */
export function describeCondition(
  kind: 'unreachable' | 'latency' | 'loss',
  targetName: string,
  n: { runs: number; medianMs?: number; thresholdMs?: number; lossPct?: number; sent?: number; thresholdPct?: number },
): string {
  if (kind === 'unreachable') return `${targetName} does not answer: none of the last ${n.runs} runs reached it.`;
  if (kind === 'latency') {
    return `Median latency to ${targetName} is ${formatMs(n.medianMs ?? 0)}, at or above the ${formatMs(n.thresholdMs ?? 0)} alert threshold.`;
  }
  return `Packet loss to ${targetName} is ${formatPct(n.lossPct ?? 0)} over ${n.sent ?? 0} probes, at or above the ${formatPct(n.thresholdPct ?? 0)} alert threshold.`;
}

function formatDuration(ms: number): string {
  const h = ms / 3_600_000;
  if (h >= 1) return `${Math.round(h * 10) / 10} hour${h === 1 ? '' : 's'}`;
  const m = Math.round(ms / 60_000);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** While a relative degradation is held against the runs before it (performance.ts). */
export function referenceNote(runs: number, sinceMs: number, nowMs: number, acceptAfterMs: number): string {
  const accept = acceptAfterMs > 0 ? `; if it lasts ${formatDuration(acceptAfterMs)} it is accepted as the new normal` : '';
  return `Compared with the ${runs} run${runs === 1 ? '' : 's'} before ${formatTime(sinceMs, nowMs)}, held as the reference while this lasts${accept}.`;
}

/** When a lasting relative degradation becomes the reference. */
export function acceptedNote(acceptAfterMs: number): string {
  return `Accepted as the new normal after ${formatDuration(acceptAfterMs)}: this alert closes, and later changes are measured against this level.`;
}
