/**
 * Charts. Time series use uPlot (SmokePing-style: the median line over a
 * min–max band); small sparklines and timelines are SVG built with DOM calls.
 */
import uPlot from 'uplot';
import { s } from './dom.js';

/** A sparkline of values (null = gap, e.g. not reached), as an SVG with a text alternative. */
export function sparkline(values: ReadonlyArray<number | null>, label: string, width = 120, height = 28): SVGSVGElement {
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'spark', role: 'img', 'aria-label': label });
  svg.append(s('title', {}, label));
  const nums = values.filter((v): v is number => v !== null);
  if (!nums.length) return svg;
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  const x = (i: number) => (values.length > 1 ? (i / (values.length - 1)) * (width - 4) + 2 : width / 2);
  const y = (v: number) => (hi === lo ? height / 2 : height - 3 - ((v - lo) / (hi - lo)) * (height - 6));
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      svg.append(s('circle', { cx: x(i), cy: height - 3, r: 1.6, class: 'spark-miss' }));
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  svg.append(s('path', { d, class: 'spark-line' }));
  return svg;
}

export interface SmokeSeries {
  /** Unix seconds. */
  t: number[];
  median: Array<number | null>;
  min: Array<number | null>;
  max: Array<number | null>;
  /** Loss 0..100 %. */
  loss: Array<number | null>;
}

/** Vertical markers (route events) drawn across the plot at unix-second times. */
export interface Marker {
  t: number;
  color: string;
  /** What it marks, for the list beside the chart ("withdraw 127.0.0.0/8 by 192.0.2.1 AS65001"). */
  label?: string;
}

/**
 * Draws the markers that fall inside the plot and says how many on the chart's
 * root (data-marks): the canvas itself cannot be read by tests or screen readers.
 */
function markersPlugin(markers: readonly Marker[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const ctx = u.ctx;
        ctx.save();
        ctx.lineWidth = 1.5 * devicePixelRatio;
        let drawn = 0;
        for (const m of markers) {
          const x = Math.round(u.valToPos(m.t, 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = m.color;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          drawn++;
        }
        ctx.restore();
        u.root.dataset.marks = String(drawn);
      },
    },
  };
}

function widthOf(el: HTMLElement): number {
  return Math.max(280, Math.min(el.clientWidth || 800, 1400) - 8);
}

/** Latency: median line with the min–max spread as a band, markers for route events. */
export function smokeChart(el: HTMLElement, d: SmokeSeries, markers: readonly Marker[]): uPlot {
  const opts: uPlot.Options = {
    width: widthOf(el),
    height: 240,
    plugins: [markersPlugin(markers)],
    scales: { x: { time: true }, y: { range: (_u, lo, hi) => [0, Math.max(hi * 1.1, lo + 1)] } },
    axes: [{ stroke: '#c9d4de', grid: { stroke: '#2a3a4a' } }, { stroke: '#c9d4de', grid: { stroke: '#2a3a4a' }, label: 'RTT (ms)', size: 60 }],
    series: [
      {},
      { label: 'max', stroke: 'rgba(120,170,220,0.35)', width: 1 },
      { label: 'min', stroke: 'rgba(120,170,220,0.35)', width: 1 },
      { label: 'median', stroke: '#5fd3a8', width: 2, points: { show: true, size: 4 } },
    ],
    bands: [{ series: [1, 2], fill: 'rgba(120,170,220,0.28)' }],
  };
  return new uPlot(opts, [d.t, d.max, d.min, d.median], el);
}

/** Loss (%) per run, as bars. */
export function lossChart(el: HTMLElement, d: SmokeSeries, markers: readonly Marker[]): uPlot {
  const opts: uPlot.Options = {
    width: widthOf(el),
    height: 140,
    plugins: [markersPlugin(markers)],
    scales: { x: { time: true }, y: { range: [0, 100] } },
    axes: [{ stroke: '#c9d4de', grid: { stroke: '#2a3a4a' } }, { stroke: '#c9d4de', grid: { stroke: '#2a3a4a' }, label: 'loss (%)', size: 60 }],
    series: [{}, { label: 'loss %', stroke: '#ff8a7a', fill: 'rgba(255,138,122,0.35)', width: 1, paths: uPlot.paths.bars!({ size: [0.6, 20] }) }],
  };
  return new uPlot(opts, [d.t, d.loss], el);
}
