/** Alert: the sentence, the numbers, paths before and after side by side, the route events, evidence downloads. */
import type { RouteEvent } from '../../../bgp/types.js';
import type { EvidencePack } from '../../../src/correlate/evidence.js';
import type { Verdict } from '../../../src/correlate/judge.js';
import { api, download } from '../api.js';
import { getToken } from '../token.js';
import { card, empty, h, link, table, td, toast } from '../dom.js';
import { asPath, ms, time } from '../format.js';
import { pathDiagram, type DiagramHop } from '../pathsvg.js';
import { diagramHops } from './target.js';

function evidenceHops(v: Verdict | null, side: 'oldPath' | 'newPath'): DiagramHop[] | null {
  const hops = v?.evidence?.[side];
  if (!hops?.length) return null;
  const changeTtl = v?.evidence.changeTtl ?? null;
  return hops.map((x) => ({ ttl: x.ttl, ips: x.ips, asn: x.asn, rttMs: x.rttMedianMs, lossPct: x.lossPct, changed: changeTtl !== null && x.ttl >= changeTtl }));
}

function numbersTable(v: Verdict): HTMLElement {
  const n = v.numbers;
  const row = (what: string, before: string, after: string) => h('tr', {}, td(what), td(before), td(after));
  return h(
    'div',
    { class: 'table-wrap' },
    table(
      ['', 'Before', 'After'],
      [
        row('Runs', String(n.observations.before), String(n.observations.after)),
        row('Reached', `${Math.round(n.reached.before * 100)} %`, `${Math.round(n.reached.after * 100)} %`),
        row('Median RTT', ms(n.rtt.before?.median ?? null), `${ms(n.rtt.after?.median ?? null)}${n.rtt.medianDeltaMs !== null ? ` (${n.rtt.medianDeltaMs >= 0 ? '+' : ''}${ms(n.rtt.medianDeltaMs)})` : ''}`),
        row('p95 RTT', ms(n.rtt.before?.p95 ?? null), ms(n.rtt.after?.p95 ?? null)),
        row('Loss', `${n.loss.before.pct.toFixed(1)} %`, `${n.loss.after.pct.toFixed(1)} %`),
        row('Hops', String(n.hops.before ?? '–'), String(n.hops.after ?? '–')),
        row('AS path', asPath(n.asPath.before), asPath(n.asPath.after)),
      ],
    ),
  );
}

function routeEventRow(e: RouteEvent): HTMLElement {
  const prefix = 'prefix' in e ? e.prefix : null;
  return h(
    'tr',
    {},
    td(time(e.time)),
    td(e.type),
    td(prefix ? link(`#/prefix/${encodeURIComponent(prefix)}`, prefix) : '–'),
    td('peer' in e ? `${e.peer.address} AS${e.peer.asn}` : e.router),
    td(e.type === 'announce' ? h('code', {}, asPath(e.asPath)) : '–'),
  );
}

function evidenceLink(enc: string, id: string, format: 'json' | 'text', label: string): HTMLAnchorElement {
  const href = `/api/alerts/${enc}/evidence?format=${format}`;
  const file = `smoketrace-evidence-${id}.${format === 'json' ? 'json' : 'txt'}`;
  const a = h('a', { class: 'button', href, download: file }, label);
  // With a token, fetch with it (reads may need it); the plain link stays for "open in new tab".
  a.addEventListener('click', (e) => {
    if (!getToken()) return;
    e.preventDefault();
    download(href, file).catch((err: unknown) => toast(`Download failed: ${err instanceof Error ? err.message : String(err)}`));
  });
  return a;
}

export async function alertPage(root: HTMLElement, id: string): Promise<void> {
  const enc = encodeURIComponent(id);
  const pack = await api.get<EvidencePack>(`/api/alerts/${enc}/evidence`);
  const a = pack.alert;
  const verdict = (pack.pathChange?.verdict ?? null) as Verdict | null;
  const attribution = pack.pathChange?.attribution as { asn: number | null; confidence: string; why?: string; own?: boolean; reasons: string[] } | undefined;
  root.append(
    h('h1', {}, `Alert: ${a.kind}`, ' ', h('span', { class: `badge ${a.state === 'resolved' ? 'ok' : 'bad'}` }, a.state), ' ', h('span', { class: `badge sev-${a.severity}` }, a.severity)),
    h('p', { class: 'summary' }, a.summary),
    h(
      'p',
      { class: 'sub' },
      'Target ',
      link(`#/target/${encodeURIComponent(a.targetId)}`, a.targetId),
      ` · opened ${time(a.openedAt)}`,
      a.resolvedAt ? ` · resolved ${time(a.resolvedAt)}` : '',
      ` · vantage ${a.vantage}`,
      a.flapping ? ' · flapping' : '',
    ),
    h(
      'div',
      { class: 'actions' },
      evidenceLink(enc, id, 'json', 'Download evidence (JSON)'),
      evidenceLink(enc, id, 'text', 'Download evidence (text)'),
    ),
  );
  if (attribution) root.append(card('Likely responsible', h('p', {}, attribution.asn !== null ? `AS${attribution.asn}` : 'no AS singled out', attribution.own ? ' (your own network)' : '', ` (confidence ${attribution.confidence})`), attribution.why ? h('p', {}, attribution.why) : null, attribution.reasons.length ? h('ul', {}, ...[...new Set(attribution.reasons)].map((r) => h('li', {}, r))) : null));
  if (verdict?.numbers) root.append(card('Numbers', numbersTable(verdict)));

  const before = evidenceHops(verdict, 'oldPath') ?? (pack.observations.before.at(-1) ? diagramHops(pack.observations.before.at(-1)!) : null);
  const after = evidenceHops(verdict, 'newPath') ?? (pack.observations.after[0] ? diagramHops(pack.observations.after[0]) : null);
  root.append(
    card(
      'Paths before and after',
      h(
        'div',
        { class: 'side-by-side' },
        h('div', {}, h('h3', {}, 'Before'), before ? pathDiagram(before, `Path before: ${before.length} hops`, 3) : empty('No observation before.')),
        h('div', {}, h('h3', {}, 'After'), after ? pathDiagram(after, `Path after: ${after.length} hops`, 3) : empty('No observation after.')),
      ),
    ),
    card('Route events', pack.routeEvents.length ? h('div', { class: 'table-wrap' }, table(['Time', 'Type', 'Prefix', 'Peer', 'AS path'], pack.routeEvents.map(routeEventRow), undefined, { stack: true })) : empty('No route event linked to this alert.')),
    card('Timeline', h('ol', { class: 'timeline-list' }, ...pack.timeline.map((t) => h('li', {}, h('time', { datetime: t.time }, time(t.time)), ` ${t.what}`)))),
  );
}
