import { appendFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { flowsSchema } from '../../src/flows/config.js';
import { FlowFilePoller } from '../../src/flows/file-poller.js';
import type { FlowParseResult } from '../../src/flows/types.js';

const FIXTURE = readFileSync(new URL('../fixtures/flows/nfacctd-print-ipfix.json', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'st-flow-poller-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function poller(path: string, extra: Record<string, unknown> = {}, maxBytes = 1 << 20) {
  const published: Array<{ source: string; result: FlowParseResult; time: Date }> = [];
  const watch = flowsSchema.parse({ watch: [{ path, ...extra }] }).watch[0]!;
  const p = new FlowFilePoller({
    watch,
    limits: { maxBytes, maxRows: 1000, maxHosts: 1000, topN: 100 },
    importer: { publish: async (source, result, time) => (published.push({ source, result, time: time! }), { snapshot: { source, time: time!.toISOString(), talkers: result.talkers }, stored: true }) },
    log: silentLogger(),
  });
  return { p, published };
}

/** Moves a file's modification time, so a rewrite within the same millisecond still counts as a change. */
function touch(path: string, sec: number) {
  utimesSync(path, sec, sec);
}

describe('FlowFilePoller (real files)', () => {
  it('waits for the file, imports it once per change with the file time, and names the source', async () => {
    const path = join(dir, 'top.json');
    const { p, published } = poller(path);
    expect(await p.pollOnce()).toBe('missing');
    writeFileSync(path, FIXTURE);
    touch(path, 1_800_000_000);
    expect(await p.pollOnce()).toBe('imported');
    expect(await p.pollOnce()).toBe('unchanged');
    expect(published).toHaveLength(1);
    expect(published[0]!.source).toBe(`nfacctd:${path}`);
    expect(published[0]!.time.toISOString()).toBe(new Date(1_800_000_000_000).toISOString());
    expect(published[0]!.result.talkers[0]).toEqual({ address: '10.250.1.20', bytes: 560000, packets: 400 });

    // nfacctd rewrites the file in place at its next purge.
    writeFileSync(path, '{"event_type": "purge", "ip_dst": "192.0.2.5", "packets": 1, "bytes": 99}\n');
    touch(path, 1_800_000_300);
    expect(await p.pollOnce()).toBe('imported');
    expect(published[1]!.result.talkers).toEqual([{ address: '192.0.2.5', bytes: 99, packets: 1 }]);
    expect(p.status()).toMatchObject({ lastOutcome: 'imported', failures: 0, lastError: null });
  });

  it('waits out a half-written last line, and takes a file that stays that way', async () => {
    const path = join(dir, 'half.json');
    const { p, published } = poller(path, { source: 'edge-1' });
    writeFileSync(path, '{"event_type": "purge", "ip_dst": "192.0.2.1", "packets": 1, "bytes": 10}\n{"event_type": "purge", "ip_d');
    touch(path, 1_800_000_000);
    expect(await p.pollOnce()).toBe('incomplete');
    appendFileSync(path, 'st": "192.0.2.2", "packets": 2, "bytes": 20}\n');
    touch(path, 1_800_000_001);
    expect(await p.pollOnce()).toBe('imported');
    expect(published[0]!.source).toBe('edge-1');
    expect(published[0]!.result.talkers.map((t) => t.address)).toEqual(['192.0.2.2', '192.0.2.1']);

    writeFileSync(path, '{"event_type": "purge", "ip_dst": "192.0.2.3", "packets": 1, "bytes": 5}\n{"broken');
    touch(path, 1_800_000_002);
    expect(await p.pollOnce()).toBe('incomplete');
    expect(await p.pollOnce()).toBe('imported');
    expect(published[1]!.result).toMatchObject({ skipped: 1, problems: [{ line: 2, message: 'not a JSON object (a half-written line?)' }] });
  });

  it('takes a JSON list without a final newline at once', async () => {
    const path = join(dir, 'list.json');
    const { p, published } = poller(path, { format: 'json' });
    writeFileSync(path, JSON.stringify({ talkers: [{ address: '192.0.2.8', bytes: 8, packets: 1 }] }));
    expect(await p.pollOnce()).toBe('imported');
    expect(published[0]!.result.talkers).toEqual([{ address: '192.0.2.8', bytes: 8, packets: 1 }]);
  });

  it('refuses a file over maxFileBytes or without a valid row once per version, and counts it', async () => {
    const path = join(dir, 'big.csv');
    const { p, published } = poller(path, { format: 'csv' }, 2048);
    writeFileSync(path, '192.0.2.1,1,1\n'.repeat(400));
    expect(await p.pollOnce()).toBe('failed');
    expect(await p.pollOnce()).toBe('unchanged');
    expect(p.status()).toMatchObject({ failures: 1, lastError: expect.stringContaining('maxFileBytes') });
    writeFileSync(path, 'no,valid\nrows,here\n');
    touch(path, 1_800_000_100);
    expect(await p.pollOnce()).toBe('failed');
    expect(p.status()).toMatchObject({ failures: 2, lastError: expect.stringContaining('none of the 2 rows') });
    writeFileSync(path, 'ip,bytes,packets\n192.0.2.1,5,1\n');
    touch(path, 1_800_000_200);
    expect(await p.pollOnce()).toBe('imported');
    expect(published).toHaveLength(1);
    expect(published[0]!.source).toBe(`csv:${path}`);
  });

  it('polls on its own timer after start() and stops', async () => {
    const path = join(dir, 'timer.json');
    writeFileSync(path, FIXTURE);
    const { p, published } = poller(path, { pollIntervalSec: 1 });
    p.start();
    for (let i = 0; i < 100 && published.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await p.stop();
    expect(published).toHaveLength(1);
  });
});
