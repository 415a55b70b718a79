import { afterEach, describe, expect, it } from 'vitest';
import { SlackSender, slackEscape, slackPayload } from '../../src/notify/slack.js';
import { instantDeps, sampleAlert, startHttpReceiver } from './helpers.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('slackEscape', () => {
  it.each([
    ['a & b', 'a &amp; b'],
    ['<@here> x>y', '&lt;@here&gt; x&gt;y'],
    ['plain', 'plain'],
  ])('%j -> %j', (input, out) => expect(slackEscape(input)).toBe(out));
});

describe('SlackSender against a real HTTP server', () => {
  it('posts {text, blocks} with summary, state, target, kind and the alert link', async () => {
    const rx = await startHttpReceiver([{ status: 200, body: 'ok' }]);
    close = rx.close;
    const alert = sampleAlert({ summary: 'Loss to <db> & cache rose to 30%' });
    const result = await new SlackSender({ name: 'chat', url: rx.url, baseUrl: 'https://st.example.net' }, instantDeps()).send(alert);
    expect(result).toEqual({ ok: true, attempts: 1, status: 200 });
    const body = JSON.parse(rx.requests[0]!.body) as { text: string; blocks: Array<Record<string, any>> };
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    const link = 'https://st.example.net/alerts/tgt-1%3Apath_worse%3A2026-01-01T00%3A00%3A00.000Z';
    expect(body.text).toBe(
      `Alert opened [major] eu-west "edge" \\ ]gw: Loss to &lt;db&gt; &amp; cache rose to 30% <${link}|Open alert>`,
    );
    expect(body.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '*Alert opened*\nLoss to &lt;db&gt; &amp; cache rose to 30%' },
    });
    expect(body.blocks[1]!.fields.map((f: { text: string }) => f.text)).toEqual([
      '*Target*\neu-west "edge" \\ ]gw',
      '*Kind*\npath_worse',
      '*State*\nopen',
      '*Severity*\nmajor',
    ]);
    expect(body.blocks[2]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${link}|Open alert> · Vantage par1 · alert ${alert.id}` }],
    });
  });

  it('shares the retry policy: 502 then 200 is delivered on the 2nd attempt; 404 is not retried', async () => {
    const rx = await startHttpReceiver([{ status: 502 }, { status: 200 }]);
    close = rx.close;
    const deps = instantDeps();
    expect(await new SlackSender({ name: 'chat', url: rx.url }, deps).send(sampleAlert())).toMatchObject({ ok: true, attempts: 2 });
    expect(deps.delays).toHaveLength(1);
    await rx.close();
    const gone = await startHttpReceiver([{ status: 404, body: 'no_service' }]);
    close = gone.close;
    const r = await new SlackSender({ name: 'chat', url: gone.url }, instantDeps()).send(sampleAlert());
    expect(r).toEqual({ ok: false, attempts: 1, status: 404, code: 'HTTP_STATUS', error: 'HTTP 404: no_service' });
  });

  it('resolved and flapping are labelled; no link without baseUrl', () => {
    const p = slackPayload(sampleAlert({ state: 'resolved', flapping: true }), null);
    expect(p.text.startsWith('Resolved (flapping) [major]')).toBe(true);
    expect(p.text).not.toContain('Open alert');
    expect(p.blocks[2]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `Vantage par1 · alert ${sampleAlert().id}` }] });
  });

  it('clips a huge summary to Slack\'s 3000-character section limit', () => {
    const p = slackPayload(sampleAlert({ summary: 'x'.repeat(5000) }), null);
    expect(p.text.length).toBe(3000);
    expect((p.blocks[0] as { text: { text: string } }).text.text.length).toBe(3000);
  });
});
