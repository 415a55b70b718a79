import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PathObservation } from '../../src/probe/types.js';
import { runCli, type RunningDaemon } from '../helpers/daemon.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { freePort, launch, screenshot, VIEWPORTS, watchErrors } from './browser.js';
import { coveringPrefixSession, seedAlert } from './seed.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TOKEN = 'browser-test-token-0123456789';
const FIXTURE = 'test/fixtures/bmp/lab/bmp-gobgp.bin';
/** A prefix the GoBGP lab recording announces (see bmp-gobgp.bin.decoded.txt). */
const PREFIX = '10.99.1.0/24';

function replay(bmpPort: number): Promise<unknown> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), 'replay', 'bmp', join(ROOT, FIXTURE), '--to', `127.0.0.1:${bmpPort}`], { cwd: ROOT });
}

describe('the web UI in Chromium against a real daemon', () => {
  let d: RunningDaemon;
  let uri: string;
  let base: string;
  let bmpPort: number;
  let browser: Browser;
  let alertId: string;
  /** The seeded path change's attribution, in words (the real attribute()). */
  let attributionWhy: string;

  const getJson = async <T>(path: string): Promise<T> => (await (await fetch(`${base}${path}`)).json()) as T;
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const probe = async (id: string): Promise<PathObservation> => {
    const r = await fetch(`${base}/api/targets/${id}/probe`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(200);
    return ((await r.json()) as { observation: PathObservation }).observation;
  };

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'st-browser-'));
    const config = join(dir, 'smoketrace.yaml');
    // Two loopback targets probed with the real traceroute (long intervals: probed on demand here).
    writeFileSync(
      config,
      [
        'http:',
        `  apiToken: ${TOKEN}`,
        'probing:',
        '  addressPolicy:',
        '    allowPrivate: true',
        '  targets:',
        '    - { name: loopback, host: 127.0.0.1, tool: traceroute, intervalSec: 3600, timeoutSec: 20 }',
        '    - { name: loopback-two, host: 127.0.0.2, tool: traceroute, intervalSec: 3600, timeoutSec: 20 }',
        '',
      ].join('\n'),
    );
    uri = await uniqueDbUri('browser');
    bmpPort = await freePort();
    d = runCli(['start', '--config', config], { MONGODB_URI: uri, SMOKETRACE_BMP_PORT: String(bmpPort) });
    await d.waitForLog((l) => l.msg === 'http listening');
    base = d.url!;
    await d.waitForLog((l) => l.msg === 'smoketrace started').catch(() => undefined);
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    d?.child.kill('SIGTERM');
    await d?.exited;
  });

  async function open(path: string, viewport: keyof typeof VIEWPORTS = 'laptop'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: VIEWPORTS[viewport] });
    const errors = watchErrors(page);
    await page.goto(`${base}/#/${path}`);
    return { page, errors };
  }

  it('serves the app at / and its assets', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('<title>SmokeTrace</title>');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${base}${asset!}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('the live page shows a replayed BMP event within 2 s of the replay', async () => {
    const { page, errors } = await open('live');
    await page.getByText('connected', { exact: true }).waitFor({ timeout: 20_000 });
    await replay(bmpPort);
    const replayedAt = Date.now();
    await page.locator('.live-line.kind-announce').first().waitFor({ timeout: 2_000 });
    expect(Date.now() - replayedAt).toBeLessThan(2_000);
    // Let the stream settle, then check the accounting: lines × their counts = events shown.
    await expect.poll(() => page.locator('.live-line.kind-peer_down').count(), { timeout: 5_000 }).toBeGreaterThan(0);
    const text = (await page.locator('.live-list').textContent()) ?? '';
    expect(text).toContain(PREFIX);
    const lines = await page.locator('.live-line').count();
    const counts = (await page.locator('.live-line .count').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))) as number[];
    const represented = lines - counts.length + counts.reduce((a, b) => a + b, 0);
    const stats = (await page.locator('.live-stats').textContent()) ?? '';
    const m = /^(\d+) received, (\d+) shown/.exec(stats);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBe(represented);
    expect(Number(m![1])).toBe(Number(m![2]));
    await screenshot(page, 'live-replay-laptop');
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, 'live-replay-phone');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pause holds events and resume shows them', async () => {
    const { page, errors } = await open('live');
    await page.getByText('connected', { exact: true }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Pause' }).click();
    await replay(bmpPort);
    await page.locator('.live-stats', { hasText: /paused, [1-9]\d* waiting/ }).waitFor({ timeout: 5_000 });
    expect(await page.locator('.live-line').count()).toBe(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('.live-line').first().waitFor({ timeout: 5_000 });
    // Filtering by kind keeps only withdraws (the recording withdraws routes too).
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Kind').selectOption('withdraw');
    await replay(bmpPort);
    await page.locator('.live-line').first().waitFor({ timeout: 5_000 });
    const kinds = await page.locator('.live-line .kind').allTextContents();
    expect(new Set(kinds)).toEqual(new Set(['withdraw']));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the live page shows probe runs, a run whose path differs, and the judged path change', async () => {
    const { page, errors } = await open('live');
    await page.getByText('connected', { exact: true }).waitFor({ timeout: 20_000 });
    // An API target on 127.0.0.1, learned by the correlator, then moved to 127.0.0.6: a new path.
    const add = await send('POST', '/api/targets', { name: 'flip', host: '127.0.0.1', tool: 'traceroute', intervalSec: 3600, timeoutSec: 20 });
    expect(add.status).toBe(201);
    try {
      for (let i = 0; i < 3; i++) await probe('flip');
      await page.locator('.live-line.kind-probe', { hasText: 'flip: reached in 1 hops' }).first().waitFor({ timeout: 5_000 });
      const put = await send('PUT', '/api/targets/flip', { name: 'flip', host: '127.0.0.6', tool: 'traceroute', intervalSec: 3600, timeoutSec: 20 });
      expect(put.status).toBe(200);
      await probe('flip');
      await page.locator('.live-line.kind-path-new', { hasText: 'flip: path differs from the previous run' }).waitFor({ timeout: 5_000 });
      await probe('flip');
      await page.locator('.live-line.kind-path-change', { hasText: 'flip' }).waitFor({ timeout: 10_000 });
      // The kind menu narrows to path changes (probe runs and route events go).
      await page.getByLabel('Kind').selectOption('path.change');
      await probe('flip');
      await page.locator('.live-stats', { hasText: /received/ }).waitFor();
      await screenshot(page, 'live-path-change-laptop');
      expect(errors).toEqual([]);
    } finally {
      await send('DELETE', '/api/targets/flip');
      await page.close();
    }
  });

  it('seeds observations and an alert (real traceroutes, the real judge)', async () => {
    const before = [await probe('loopback'), await probe('loopback')];
    const after = [await probe('loopback-two'), await probe('loopback-two')];
    expect(before.every((o) => o.status === 'ok' && o.reached)).toBe(true);
    const { alert, change } = await seedAlert(uri, { targetId: 'loopback', before, after, prefix: PREFIX, openedMinutesAgo: 30 });
    alertId = alert.id;
    attributionWhy = (change.attribution as { why: string }).why;
    const ov = await getJson<{ rows: Array<{ id: string; pathChanges: number; worse: number; alerts: number; openAlerts: number; minutesInAlert: number; latency: Array<{ ms: number | null }> }> }>('/api/overview');
    const row = ov.rows.find((r) => r.id === 'loopback');
    expect(row).toMatchObject({ pathChanges: 1, alerts: 1, openAlerts: 1, worse: (change.verdict as { verdict: string }).verdict === 'worse' ? 1 : 0 });
    expect(row!.minutesInAlert).toBeGreaterThanOrEqual(29);
    expect(row!.minutesInAlert).toBeLessThanOrEqual(31);
    expect(row!.latency.length).toBe(2);
    // Troubled first.
    expect(ov.rows[0]!.id).toBe('loopback');
    const bad = await fetch(`${base}/api/overview?since=yesterday`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: Array<{ path: string }> }).problems[0]!.path).toBe('since');
  });

  it('the target page marks the route events of the covering prefix on both charts, and lists them', async () => {
    // Route events stamped after the first run and before the last, so they fall inside the charts.
    const first = (await getJson<{ observations: Array<{ startedAt: string }> }>('/api/targets/loopback/observations')).observations.at(-1)!;
    while (Date.now() < Date.parse(first.startedAt) + 1100) await new Promise((r) => setTimeout(r, 100));
    const session = await coveringPrefixSession(bmpPort, Math.floor(Date.now() / 1000));
    try {
      const hist = `/api/prefixes/${encodeURIComponent('127.0.0.0/8')}/history`;
      await expect.poll(async () => (await getJson<{ events: number }>(hist)).events, { timeout: 10_000 }).toBe(3);
      // A run after them: annotated with its covering prefix from the RIB, and the charts' right end.
      await new Promise((r) => setTimeout(r, 1100));
      const last = await probe('loopback');
      expect(last.hops.at(-1)?.prefix).toBe('127.0.0.0/8');
      const { page, errors } = await open('target/loopback');
      await page.locator('.chart .u-over').first().waitFor();
      expect(await page.getByRole('link', { name: 'Covering prefix 127.0.0.0/8' }).count()).toBe(1);
      // Each chart drew the three route events (the seeded change and the replayed stream are older than the runs).
      await expect.poll(() => page.locator('.chart .uplot').evaluateAll((els) => els.map((e) => e.getAttribute('data-marks')))).toEqual(['3', '3']);
      const marks = await page.locator('details.marks li').allTextContents();
      for (const what of ['announce 127.0.0.0/8 by 192.0.2.77 AS65077', 'withdraw 127.0.0.0/8 by 192.0.2.77 AS65077']) expect(marks.some((m) => m.includes(what)), what).toBe(true);
      await page.locator('details.marks summary').click();
      await screenshot(page, 'target-marks-laptop');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      session.destroy();
    }
  });

  const PAGES = () => [
    { name: 'overview', path: 'overview', ready: 'text=Troubled destinations' },
    { name: 'live', path: 'live', ready: '#h-events' },
    { name: 'targets', path: 'targets', ready: 'tr[data-target="loopback"]' },
    { name: 'target', path: 'target/loopback', ready: '.u-over' },
    { name: 'prefix', path: `prefix/${encodeURIComponent(PREFIX)}`, ready: 'svg.timeline' },
    { name: 'alert', path: `alert/${alertId}`, ready: 'svg.path-diagram' },
  ];

  it('every page renders without console errors, on a laptop and a phone (screenshots)', async () => {
    for (const viewport of ['laptop', 'phone'] as const) {
      for (const p of PAGES()) {
        const { page, errors } = await open(p.path, viewport);
        await page.locator(p.ready).first().waitFor({ timeout: 10_000 });
        await page.waitForLoadState('networkidle');
        expect(await page.locator('.error-box').count(), `${p.name} error box`).toBe(0);
        expect(await page.locator('h1').first().textContent()).toBeTruthy();
        // Every input has a label.
        const unlabelled = await page.evaluate("[...document.querySelectorAll('input:not([type=hidden]), select')].filter((e) => !e.labels?.length).map((e) => e.name)");
        expect(unlabelled, `${p.name} unlabelled inputs`).toEqual([]);
        // Nothing wider than the viewport scrolls the page sideways (tables scroll in their own box).
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `${p.name} horizontal overflow on ${viewport}`).toBeLessThanOrEqual(1);
        await screenshot(page, `${p.name}-${viewport}`);
        expect(errors, `${p.name} on ${viewport}`).toEqual([]);
        await page.close();
      }
    }
  });

  it('the overview table sorts by a column from the keyboard', async () => {
    const { page } = await open('overview');
    // The seeded alert is listed and links to its page.
    await page.locator(`a[href="#/alert/${alertId}"]`).waitFor();
    // The first Tab reaches "Skip to content", which moves focus to the page, not to another route.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate<string>('document.activeElement.id + " " + location.hash')).toBe('main #/overview');
    // Sideways-scrolling boxes are reachable by keyboard, with a name.
    expect(await page.locator('.table-wrap[tabindex="0"][role="region"][aria-label]').count()).toBeGreaterThan(0);
    const sortBtn = page.getByRole('button', { name: /^Destination/ });
    await sortBtn.focus();
    await page.keyboard.press('Enter');
    const names = await page.locator('tbody tr td:first-child a').allTextContents();
    expect(names.slice(0, 2)).toEqual(['loopback', 'loopback-two']);
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Destination');
    // The period menu asks for another time span, and the table says which.
    const [req] = await Promise.all([page.waitForRequest(/\/api\/overview\?since=/), page.getByLabel('Troubles over the').selectOption({ label: 'last 7 days' })]);
    const since = Date.parse(new URL(req.url()).searchParams.get('since')!);
    expect(Math.abs(Date.now() - 7 * 24 * 3600_000 - since)).toBeLessThan(120_000);
    const shown = await page.evaluate<string>(`new Date(${since}).toLocaleString()`);
    await page.locator('#h-troubled-destinations ~ p.sub', { hasText: `Since ${shown}` }).waitFor();
    expect(await page.locator('tbody tr td:first-child a').first().textContent()).toBe('loopback');
    await page.close();
  });

  it('the target page shows the latest path as an mtr-like table, both charts, the path change, and probes now', async () => {
    const { page, errors } = await open('target/loopback');
    await page.locator('.u-over').first().waitFor();
    const headers = await page.locator('table').first().locator('thead th').allTextContents();
    expect(headers).toEqual(['TTL', 'Host', 'ASN', 'Loss', 'Sent', 'Last', 'Avg', 'Best', 'Worst', 'StDev']);
    const firstRow = await page.locator('table').first().locator('tbody tr').first().locator('td').allTextContents();
    expect(firstRow[1]).toBe('127.0.0.1');
    expect(firstRow[3]).toBe('0 %');
    expect(await page.locator('.chart .u-over').count()).toBe(2);
    expect(await page.locator('.changes li').count()).toBe(1);
    const before = (await getJson<{ observations: unknown[] }>('/api/targets/loopback/observations')).observations.length;
    await page.evaluate(`localStorage.setItem('smoketrace.apiToken', ${JSON.stringify(TOKEN)})`);
    await page.getByRole('button', { name: 'Probe now' }).click();
    await page.locator('#toast', { hasText: 'Probe of loopback done: reached in 1 hops' }).waitFor({ timeout: 30_000 });
    expect((await getJson<{ observations: unknown[] }>('/api/targets/loopback/observations')).observations.length).toBe(before + 1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the prefix page draws one timeline row and one AS-path table per peer of the history', async () => {
    const history = await getJson<{ peers: Array<{ asPaths: unknown[] }> }>(`/api/prefixes/${encodeURIComponent(PREFIX)}/history`);
    expect(history.peers.length).toBeGreaterThan(0);
    const { page } = await open(`prefix/${encodeURIComponent(PREFIX)}`);
    await page.locator('svg.timeline').waitFor();
    expect(await page.locator('svg.timeline .row-label').count()).toBe(history.peers.length);
    expect(await page.locator('.peer-history').count()).toBe(history.peers.length);
    expect(await page.locator('.peer-history tbody tr').count()).toBe(history.peers.reduce((n, p) => n + p.asPaths.length, 0));
    expect(await page.locator('svg.timeline .tick-withdraw').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('the alert page shows the summary, both paths, the route events and evidence downloads', async () => {
    const { page } = await open(`alert/${alertId}`);
    await page.locator('svg.path-diagram').first().waitFor();
    expect(await page.locator('svg.path-diagram').count()).toBe(2);
    expect(await page.locator('.summary').textContent()).toBeTruthy();
    expect(await page.locator('text=10.99.1.0/24').count()).toBeGreaterThan(0);
    // The attribution says why, in words, under "Likely responsible".
    expect(attributionWhy).toBeTruthy();
    expect(await page.locator('.card', { hasText: 'Likely responsible' }).textContent()).toContain(attributionWhy);
    const textHref = await page.getByRole('link', { name: 'Download evidence (text)' }).getAttribute('href');
    const txt = await fetch(`${base}${textHref!}`);
    expect(txt.status).toBe(200);
    expect(await txt.text()).toContain('SmokeTrace evidence pack');
    // With a token kept, the button fetches with it and saves the file.
    await page.evaluate(`localStorage.setItem('smoketrace.apiToken', ${JSON.stringify(TOKEN)})`);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download evidence (JSON)' }).click()]);
    expect(dl.suggestedFilename()).toBe(`smoketrace-evidence-${alertId}.json`);
    const saved = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as { alert: { id: string }; pathChange: { id: string } | null };
    expect(saved.alert.id).toBe(alertId);
    expect(saved.pathChange).not.toBeNull();
    await page.close();
  });

  it('adds a target through the Targets page (asking for the token once), showing the API validation per field', async () => {
    const { page } = await open('targets');
    await page.locator('tr[data-target="loopback"]').waitFor();
    // A bad host first: the API's message appears next to the Host field.
    await page.getByLabel('Name').fill('ui-added');
    await page.getByLabel('Host').fill('-oProxyCommand=x');
    await page.getByRole('button', { name: 'Add target' }).click();
    await page.getByLabel('Token', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const hostError = page.locator('[data-error-for="host"]');
    await expect.poll(() => hostError.textContent(), { timeout: 5_000 }).toContain('must not start with "-"');
    expect(await page.getByLabel('Host').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate("localStorage.getItem('smoketrace.apiToken')")).toBe(TOKEN);
    // Now a good one: no second token prompt.
    await page.getByLabel('Host').fill('127.0.0.3');
    await page.getByRole('button', { name: 'Add target' }).click();
    await page.locator('tr[data-target="ui-added"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('dialog').count()).toBe(0);
    const { targets } = await getJson<{ targets: Array<{ id: string; host: string; source: string }> }>('/api/targets');
    expect(targets.find((t) => t.id === 'ui-added')).toMatchObject({ host: '127.0.0.3', source: 'api' });
    // Edit it: the form fills in, the id stays, the change lands.
    await page.getByRole('button', { name: 'Edit ui-added' }).click();
    expect(await page.getByLabel('Host').inputValue()).toBe('127.0.0.3');
    await page.getByLabel('Interval (s)').fill('120');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('tr[data-target="ui-added"]', { hasText: '120 s' }).waitFor({ timeout: 5_000 });
    expect((await getJson<{ intervalSec: number }>('/api/targets/ui-added')).intervalSec).toBe(120);
    // Probe it from the page.
    await page.locator('tr[data-target="ui-added"]').getByRole('button', { name: 'Probe now' }).click();
    await page.locator('#toast', { hasText: 'Probe of ui-added done: reached' }).waitFor({ timeout: 30_000 });
    // And remove it.
    page.once('dialog', (dlg) => void dlg.accept());
    await page.getByRole('button', { name: 'Remove ui-added' }).click();
    await page.locator('tr[data-target="ui-added"]').waitFor({ state: 'detached', timeout: 5_000 });
    const after = await getJson<{ targets: Array<{ id: string }> }>('/api/targets');
    expect(after.targets.some((t) => t.id === 'ui-added')).toBe(false);
    await page.close();
  });
});
