/**
 * Target: the latest path as an mtr-like table and a diagram, the SmokePing-style
 * latency chart and loss over time with the covering prefix's route events marked
 * on the same time axis, the path changes with their verdict sentences, probe now.
 */
import type uPlot from 'uplot';
import type { PeerPrefixHistory } from '../../../src/ingest/prefix-history.js';
import type { Target } from '../../../src/probe/target.js';
import type { Hop, PathObservation } from '../../../src/probe/types.js';
import type { PathChangeRecord, StoredAlert } from '../../../src/storage/repositories.js';
import { api, ApiError, prefixPath, qs } from '../api.js';
import { lossChart, smokeChart, type Marker, type SmokeSeries } from '../charts.js';
import { card, empty, h, link, table, td } from '../dom.js';
import { ago, ms, pct, time } from '../format.js';
import type { Cleanup } from '../main.js';
import { pathDiagram, type DiagramHop } from '../pathsvg.js';
import { mtuCard } from './target-mtu.js';
import { probeNow } from './targets.js';

export function hopIps(hop: Hop): string[] {
  return [...new Set(hop.probes.map((p) => p.ip).filter((x): x is string => x !== null))];
}

export function diagramHops(o: PathObservation): DiagramHop[] {
  return o.hops.map((hop) => ({ ttl: hop.ttl, ips: hopIps(hop), asn: hop.asn ?? null, rttMs: hop.rtt?.median ?? hop.rtt?.avg ?? null, lossPct: hop.loss * 100 }));
}

function mtrTable(o: PathObservation): HTMLElement {
  const rows = o.hops.map((hop) =>
    h(
      'tr',
      {},
      td(String(hop.ttl)),
      td(hopIps(hop).join(', ') || '*', hop.probes[0]?.name ? h('div', { class: 'sub' }, hop.probes[0].name) : null),
      td(hop.asn != null ? `AS${hop.asn}` : '–'),
      td(pct(hop.loss)),
      td(String(hop.sent)),
      td(ms(hop.rtt?.last ?? null)),
      td(ms(hop.rtt?.avg ?? null)),
      td(ms(hop.rtt?.min ?? null)),
      td(ms(hop.rtt?.max ?? null)),
      td(ms(hop.rtt?.stdev ?? null, 2)),
    ),
  );
  return h('div', { class: 'table-wrap' }, table(['TTL', 'Host', 'ASN', 'Loss', 'Sent', 'Last', 'Avg', 'Best', 'Worst', 'StDev'], rows, `Run of ${time(o.startedAt)} with ${o.tool}/${o.method}`));
}

/** Observations (newest first) → chart series, oldest first. */
export function smokeSeries(obs: readonly PathObservation[]): SmokeSeries {
  const sorted = [...obs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const d: SmokeSeries = { t: [], median: [], min: [], max: [], loss: [] };
  for (const o of sorted) {
    d.t.push(Date.parse(o.startedAt) / 1000);
    d.median.push(o.rtt ? (o.rtt.median ?? o.rtt.avg) : null);
    d.min.push(o.rtt?.min ?? null);
    d.max.push(o.rtt?.max ?? null);
    d.loss.push(o.loss * 100);
  }
  return d;
}

function coveringPrefix(o: PathObservation | null): string | null {
  if (!o) return null;
  for (let i = o.hops.length - 1; i >= 0; i--) {
    const p = o.hops[i]!.prefix;
    if (p) return p;
  }
  return null;
}

function verdictOf(c: PathChangeRecord): string {
  const v = c.verdict as { verdict?: string } | null;
  return v?.verdict ?? 'unknown';
}

function changesList(changes: PathChangeRecord[]): HTMLElement {
  if (!changes.length) return empty('No path change recorded.');
  return h(
    'ol',
    { class: 'changes' },
    ...changes.map((c) =>
      h(
        'li',
        {},
        h('time', { datetime: c.time }, time(c.time)),
        ' ',
        h('span', { class: `badge verdict-${verdictOf(c)}` }, verdictOf(c)),
        ' ',
        c.sentence,
        c.routeEvents.length ? h('span', { class: 'sub' }, ` — ${c.routeEvents.length} route event${c.routeEvents.length === 1 ? '' : 's'} (cause: ${c.cause})`) : h('span', { class: 'sub' }, ` — cause: ${c.cause}`),
      ),
    ),
  );
}

export async function targetPage(root: HTMLElement, id: string): Promise<Cleanup> {
  const enc = encodeURIComponent(id);
  const t = await api.get<Target>(`/api/targets/${enc}`);
  const [obsR, changesR, alertsR, latest] = await Promise.all([
    api.get<{ observations: PathObservation[] }>(`/api/targets/${enc}/observations${qs({ limit: 500 })}`),
    api.get<{ changes: PathChangeRecord[] }>(`/api/targets/${enc}/changes`),
    api.get<{ alerts: StoredAlert[] }>(`/api/alerts${qs({ target: id, limit: 50 })}`),
    api.get<PathObservation>(`/api/targets/${enc}/latest`).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }),
  ]);
  const prefix = coveringPrefix(latest);
  const history = prefix ? await api.get<{ peers: PeerPrefixHistory[] }>(prefixPath(prefix)).catch(() => null) : null;

  const probe = h('button', { type: 'button' }, 'Probe now');
  probe.addEventListener('click', () => void probeNow(id, probe).then(() => window.dispatchEvent(new HashChangeEvent('hashchange'))));
  root.append(
    h('h1', {}, t.name, ' ', h('span', { class: 'sub' }, `${t.host} · ${t.tool}/${t.method} every ${t.intervalSec} s`)),
    h('div', { class: 'actions' }, probe, prefix ? link(`#/prefix/${encodeURIComponent(prefix)}`, `Covering prefix ${prefix}`) : h('span', { class: 'sub' }, 'No covering prefix in the RIB')),
  );

  const latestCard = latest
    ? card('Latest path', h('p', {}, `${latest.reached ? 'Reached' : 'NOT reached'} ${ago(latest.startedAt)}, ${latest.hops.length} hops, end-to-end ${ms(latest.rtt?.median ?? latest.rtt?.avg ?? null)}, loss ${pct(latest.loss)}`), mtrTable(latest), pathDiagram(diagramHops(latest), `Path to ${t.name}: ${latest.hops.length} hops`))
    : card('Latest path', empty('Not probed yet. Use "Probe now".'));

  const chartBox = h('div', { class: 'chart' });
  const lossBox = h('div', { class: 'chart' });
  const markers: Marker[] = [];
  const routeColor = (type: string) => (type === 'withdraw' ? 'rgba(255,110,110,0.9)' : 'rgba(255,200,80,0.8)');
  const routeMark = (e: { time: string; type: string }, prefix: string, peer: string): Marker => ({ t: Date.parse(e.time) / 1000, color: routeColor(e.type), label: `${e.type} ${prefix} by ${peer}` });
  for (const p of history?.peers ?? []) for (const e of p.events) markers.push(routeMark(e, prefix!, `${p.peer.address} AS${p.peer.asn}`));
  // The route events each path change was judged with, and the change itself (violet).
  for (const c of changesR.changes) {
    markers.push({ t: Date.parse(c.time) / 1000, color: 'rgba(200,150,255,0.95)', label: `path change: ${c.sentence}` });
    for (const e of c.routeEvents) if (e.type === 'announce' || e.type === 'withdraw') markers.push(routeMark(e, e.prefix, `${e.peer.address} AS${e.peer.asn}`));
  }
  markers.sort((a, b) => a.t - b.t);
  // The marks as text too (the canvas says nothing to a screen reader).
  const markList = markers.length
    ? h('details', { class: 'marks' }, h('summary', {}, `${markers.length} marked event${markers.length === 1 ? '' : 's'}`), h('ol', {}, ...markers.map((m) => h('li', {}, h('time', { datetime: new Date(m.t * 1000).toISOString() }, time(new Date(m.t * 1000).toISOString())), ` ${m.label ?? ''}`))))
    : null;
  root.append(
    latestCard,
    card(
      'Latency end to end',
      h('p', { class: 'sub' }, `Median RTT per run (line) over the min–max spread (band), ${obsR.observations.length} runs. `, markers.length ? `Vertical marks: route events${prefix ? ` of ${prefix}` : ''} and of the path changes (amber announce, red withdraw), path changes in violet.` : ''),
      chartBox,
      h('h3', {}, 'Loss'),
      lossBox,
      markList,
    ),
    card('Path changes', changesList(changesR.changes)),
    mtuCard(enc),
    card(
      'Alerts',
      alertsR.alerts.length
        ? h('ul', {}, ...alertsR.alerts.map((a) => h('li', {}, link(`#/alert/${encodeURIComponent(a.id)}`, `${a.severity} ${a.kind}`), ` ${a.state}, opened ${time(a.openedAt)}: ${a.summary}`)))
        : empty('No alert.'),
    ),
  );

  const charts: uPlot[] = [];
  if (obsR.observations.length) {
    const series = smokeSeries(obsR.observations);
    charts.push(smokeChart(chartBox, series, markers), lossChart(lossBox, series, markers));
  } else chartBox.append(empty('No observation yet.'));
  const onResize = () => {
    for (const [i, c] of charts.entries()) c.setSize({ width: Math.max(280, (i === 0 ? chartBox : lossBox).clientWidth - 8), height: i === 0 ? 240 : 140 });
  };
  window.addEventListener('resize', onResize);
  return () => {
    window.removeEventListener('resize', onResize);
    for (const c of charts) c.destroy();
  };
}
