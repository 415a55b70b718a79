/**
 * The automatic-targets part of the Targets page in Chromium, against an in-process daemon
 * (App) whose RIB is fed route events through its pipeline. Prefixes lie in 127.0.0.0/8, so
 * the reachability ping and the traceroutes of the created targets stay on loopback.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { announce } from '../autotargets/helpers.js';
import { uniqueDbUri } from '../helpers/mongo.js';
import { launch, screenshot, watchErrors } from './browser.js';

const TOKEN = 'browser-test-token-0123456789';

describe('automatic targets in the web UI', () => {
  let app: App;
  let browser: Browser;
  let base: string;
  const view = async () => (await (await fetch(`${base}/api/auto-targets`)).json()) as { targets: Array<{ id: string; pinned: boolean }>; excluded: Array<{ targetId: string }> };

  beforeAll(async () => {
    const config = parseConfig(
      {
        http: { port: 0, apiToken: TOKEN },
        storage: { uri: await uniqueDbUri('autoui') },
        bmp: { enabled: false },
        probing: { scamper: { mode: 'process' }, addressPolicy: { allowPrivate: true } },
        autoTargets: { enabled: true, minRefreshGapSec: 1, originAsns: [64600], communities: ['65000:666'], hints: { hostOffsets: [1] }, target: { tool: 'traceroute', intervalSec: 3600 } },
      },
      'test',
      {},
    );
    app = new App({ config, logDestination: { write: () => {} } });
    await app.start();
    base = app.http.url();
    app.pipeline.ingest([announce('127.10.0.0/16', { asPath: [65001, 64600] }), announce('127.20.0.0/16', { asPath: [65001, 64700], communities: ['65000:666'] })]);
    // The first refresh runs minRefreshGapSec (1 s) after start, by itself.
    for (let i = 0; i < 100 && (await view()).targets.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows each automatic target with why it was chosen; Pin, Exclude, Unexclude and Delete work', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.addInitScript({ content: `localStorage.setItem('smoketrace.apiToken', ${JSON.stringify(TOKEN)});` });
    await page.goto(`${base}/#/targets`);
    const row = page.locator('tr[data-auto-target="auto4-127-10-0-0-16"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('configured origin AS: originated by AS64600');
    expect(await page.locator('tr[data-auto-target="auto4-127-20-0-0-16"]').innerText()).toContain('tagged community: 65000:666');
    // The list of all targets marks them as automatic.
    expect(await page.locator('tr[data-target="auto4-127-10-0-0-16"]').innerText()).toContain('automatic');

    await page.getByRole('button', { name: 'Pin 127.10.0.0/16' }).click();
    await page.getByRole('button', { name: 'Unpin 127.10.0.0/16' }).waitFor();
    expect((await view()).targets.find((t) => t.id === 'auto4-127-10-0-0-16')?.pinned).toBe(true);

    await page.getByRole('button', { name: 'Exclude 127.20.0.0/16' }).click();
    await page.getByRole('button', { name: 'Unexclude 127.20.0.0/16' }).waitFor();
    expect(await page.locator('tr[data-auto-target="auto4-127-20-0-0-16"]').count()).toBe(0);
    expect((await view()).excluded.map((e) => e.targetId)).toEqual(['auto4-127-20-0-0-16']);
    await screenshot(page, 'auto-targets');

    await page.getByRole('button', { name: 'Unexclude 127.20.0.0/16' }).click();
    await page.getByRole('button', { name: 'Unexclude 127.20.0.0/16' }).waitFor({ state: 'detached' });
    expect((await view()).excluded).toEqual([]);

    await page.getByRole('button', { name: 'Delete 127.10.0.0/16' }).click();
    await page.locator('tr[data-auto-target="auto4-127-10-0-0-16"]').waitFor({ state: 'detached' });
    expect((await view()).targets.map((t) => t.id)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
