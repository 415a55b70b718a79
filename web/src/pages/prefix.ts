/** Prefix: the AS paths seen per peer and an announce/withdraw timeline (SVG, one row per peer). */
import type { PeerPrefixHistory } from '../../../src/ingest/prefix-history.js';
import { api, prefixPath } from '../api.js';
import { card, empty, h, s, table, td } from '../dom.js';
import { asPath, time } from '../format.js';

interface HistoryResponse {
  prefix: string;
  events: number;
  truncated: boolean;
  peers: PeerPrefixHistory[];
}

function peerName(p: PeerPrefixHistory): string {
  return `${p.peer.address} AS${p.peer.asn} via ${p.router}${p.peer.type === 'loc-rib' ? ' (Loc-RIB)' : p.peer.postPolicy ? ' (post-policy)' : ' (pre-policy)'}`;
}

function timeline(peers: readonly PeerPrefixHistory[]): SVGSVGElement {
  const times = peers.flatMap((p) => p.events.map((e) => Date.parse(e.time)));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1000);
  const left = 10;
  const width = 900;
  const rowH = 30;
  const height = peers.length * rowH + 30;
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (width - left - 10);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'timeline', role: 'img', 'aria-label': `Announce and withdraw timeline from ${time(new Date(t0).toISOString())} to ${time(new Date(t1).toISOString())}` });
  peers.forEach((p, i) => {
    const y = 10 + i * rowH;
    svg.append(s('text', { x: left, y: y + 8, class: 'row-label' }, peerName(p)));
    svg.append(s('line', { x1: left, x2: width - 10, y1: y + 20, y2: y + 20, class: 'axis' }));
    // Announced spans as bars, withdraws as red ticks.
    let start: number | null = null;
    for (const e of p.events) {
      const t = Date.parse(e.time);
      if (e.type === 'announce') {
        start ??= t;
        svg.append(s('rect', { x: x(t) - 1, y: y + 13, width: 2.5, height: 14, class: 'tick-announce' }, s('title', {}, `${time(e.time)} announce ${asPath(e.asPath)}`)));
      } else {
        if (start !== null) svg.append(s('rect', { x: x(start), y: y + 17, width: Math.max(1, x(t) - x(start)), height: 6, class: 'span-up' }));
        start = null;
        svg.append(s('rect', { x: x(t) - 1, y: y + 11, width: 2.5, height: 18, class: 'tick-withdraw' }, s('title', {}, `${time(e.time)} withdraw`)));
      }
    }
    if (start !== null) svg.append(s('rect', { x: x(start), y: y + 17, width: Math.max(1, x(t1) - x(start)), height: 6, class: 'span-up' }));
  });
  svg.append(s('text', { x: left, y: height - 2, class: 'axis-label' }, time(new Date(t0).toISOString())));
  svg.append(s('text', { x: width - 10, y: height - 2, class: 'axis-label', 'text-anchor': 'end' }, time(new Date(t1).toISOString())));
  return svg;
}

export async function prefixPage(root: HTMLElement, prefix: string): Promise<void> {
  const r = await api.get<HistoryResponse>(prefixPath(prefix));
  root.append(h('h1', {}, `Prefix ${r.prefix}`), h('p', { class: 'sub' }, `${r.events} route events${r.truncated ? ' (truncated: the oldest are not shown)' : ''}.`));
  if (!r.peers.length) {
    root.append(card('History', empty('No announce or withdraw stored for this prefix.')));
    return;
  }
  root.append(
    card('Announce / withdraw timeline', h('p', { class: 'sub' }, 'Green bars: announced; amber ticks: announces; red ticks: withdraws.'), h('div', { class: 'scroll-x' }, timeline(r.peers))),
    card(
      'AS paths per peer',
      ...r.peers.map((p) =>
        h(
          'div',
          { class: 'peer-history' },
          h('h3', {}, peerName(p), ' ', h('span', { class: `badge ${p.current.state === 'announced' ? 'ok' : 'bad'}` }, `${p.current.state} since ${time(p.current.since)}`)),
          h('div', { class: 'table-wrap' }, table(['AS path', 'First seen', 'Last seen', 'Announcements'], p.asPaths.map((a) => h('tr', {}, td(h('code', {}, asPath(a.asPath))), td(time(a.firstSeen)), td(time(a.lastSeen)), td(String(a.announcements)))))),
        ),
      ),
    ),
  );
}
