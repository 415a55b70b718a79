/** A path diagram: one node per hop (address, AS, RTT), left to right, wrapping into rows. SVG via DOM calls. */
import { s } from './dom.js';
import { ms } from './format.js';

export interface DiagramHop {
  ttl: number;
  ips: string[];
  asn: number | null;
  rttMs: number | null;
  lossPct: number;
  /** Highlight (e.g. where two paths differ). */
  changed?: boolean;
}

export function pathDiagram(hops: readonly DiagramHop[], label: string, perRow = 6): SVGSVGElement {
  const cellW = 150;
  const rowH = 92;
  const rows = Math.max(1, Math.ceil(hops.length / perRow));
  const width = Math.min(hops.length, perRow) * cellW + 20;
  const height = rows * rowH + 10;
  const w = Math.max(width, 200);
  const svg = s('svg', { viewBox: `0 0 ${w} ${height}`, width: w, height, class: 'path-diagram', role: 'img', 'aria-label': label });
  svg.append(s('title', {}, label));
  const pos = (i: number) => ({ x: 20 + (i % perRow) * cellW + 14, y: 22 + Math.floor(i / perRow) * rowH });
  hops.forEach((hop, i) => {
    const p = pos(i);
    if (i > 0) {
      const q = pos(i - 1);
      svg.append(s('line', { x1: q.x, y1: q.y, x2: p.x, y2: p.y, class: 'link' }));
    }
  });
  hops.forEach((hop, i) => {
    const p = pos(i);
    const silent = hop.ips.length === 0;
    const cls = `hop${silent ? ' silent' : ''}${hop.changed ? ' changed' : ''}${hop.lossPct >= 50 ? ' lossy' : ''}`;
    const g = s('g', { class: cls });
    g.append(s('circle', { cx: p.x, cy: p.y, r: 11 }));
    g.append(s('text', { x: p.x, y: p.y + 4, 'text-anchor': 'middle', class: 'ttl' }, String(hop.ttl)));
    g.append(s('text', { x: p.x - 12, y: p.y + 28, class: 'ip' }, silent ? '* (no reply)' : (hop.ips[0] ?? '') + (hop.ips.length > 1 ? ` +${hop.ips.length - 1}` : '')));
    g.append(s('text', { x: p.x - 12, y: p.y + 43, class: 'asn' }, hop.asn !== null ? `AS${hop.asn}` : silent ? '' : 'AS ?'));
    g.append(s('text', { x: p.x - 12, y: p.y + 58, class: 'rtt' }, silent ? '' : `${ms(hop.rttMs)}${hop.lossPct ? ` · ${Math.round(hop.lossPct)}% loss` : ''}`));
    svg.append(g);
  });
  return svg;
}
