/**
 * Live page under load: `MONGODB_URI=... npx tsx test/browser/live-bench.ts [seconds] [streams-per-second]`
 * (build web/dist first: npm run build:web).
 *
 * A real daemon; the GoBGP lab BMP recording (~280 route events) sent over a
 * new TCP session N times a second (default 4 ≈ 1,100 events/s); the Live page
 * open in Chromium. Prints what the page received and showed, its frame gaps
 * (from requestAnimationFrame), long tasks (> 50 ms) and the bounded line count.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../helpers/daemon.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { freePort, launch } from './browser.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const seconds = Number(process.argv[2] ?? 10);
const perSecond = Number(process.argv[3] ?? 4);
const stream = readFileSync(join(ROOT, 'test/fixtures/bmp/lab/bmp-gobgp.bin'));

function sendOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(stream));
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

const bmpPort = await freePort();
const d = runCli(['start'], { MONGODB_URI: await uniqueDbUri('livebench'), SMOKETRACE_BMP_PORT: String(bmpPort) });
try {
  await d.waitForLog((l) => l.msg === 'smoketrace started');
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(`${d.url}/#/live`);
  await page.getByText('connected', { exact: true }).waitFor({ timeout: 10_000 });
  await page.evaluate(`(() => {
    const m = (window.__bench = { gaps: [], longTasks: 0, longMs: 0, last: performance.now() });
    const tick = (t) => { m.gaps.push(t - m.last); m.last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    new PerformanceObserver((l) => { for (const e of l.getEntries()) { m.longTasks++; m.longMs += e.duration; } }).observe({ entryTypes: ['longtask'] });
  })()`);
  const started = Date.now();
  const sends: Array<Promise<void>> = [];
  while (Date.now() - started < seconds * 1000) {
    for (let i = 0; i < perSecond; i++) {
      sends.push(sendOnce(bmpPort));
      await new Promise((r) => setTimeout(r, 1000 / perSecond));
    }
  }
  await Promise.all(sends);
  await new Promise((r) => setTimeout(r, 1500));
  const r = (await page.evaluate(`(() => {
    const g = window.__bench.gaps.slice(1).sort((a, b) => a - b);
    const q = (p) => g[Math.min(g.length - 1, Math.floor(p * g.length))];
    return { frames: g.length, p50: q(0.5), p95: q(0.95), max: g[g.length - 1], longTasks: window.__bench.longTasks, longMs: window.__bench.longMs,
      lines: document.querySelectorAll('.live-line').length, stats: document.querySelector('.live-stats').textContent };
  })()`)) as { frames: number; p50: number; p95: number; max: number; longTasks: number; longMs: number; lines: number; stats: string };
  const received = Number(/^(\d+) received/.exec(r.stats)?.[1] ?? 0);
  const elapsed = (Date.now() - started) / 1000;
  console.log(`fed ${sends.length} BMP sessions (${perSecond}/s) over ${elapsed.toFixed(1)} s`);
  console.log(`page: ${r.stats}; ${(received / seconds).toFixed(0)} events/s received`);
  console.log(`frames: ${r.frames}, gap p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, max ${r.max.toFixed(1)} ms; long tasks: ${r.longTasks} (${r.longMs.toFixed(0)} ms in all)`);
  console.log(`lines in the list: ${r.lines} (bounded at 400)`);
  await browser.close();
} finally {
  d.child.kill('SIGTERM');
  await d.exited;
}
