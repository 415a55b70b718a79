import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/daemon.js';

const FIXTURE = new URL('../fixtures/flows/nfacctd-print-ipfix.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'st-flows-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI; stdout is one JSON document here, so the lines are joined back. */
async function run(args: string[]) {
  const d = runCli(args, {});
  const exit = await d.exited;
  const stdout = d.logs.map((l) => (l.nonJson ? (l.msg as string) : JSON.stringify(l))).join('\n');
  return { code: exit.code, stdout, stderr: d.stderr };
}

describe('smoketrace flows parse', () => {
  it('prints the FlowTalkers JSON of the recorded nfacctd file (format detected), top N', async () => {
    const r = await run(['flows', 'parse', FIXTURE, '--top', '2', '--source', 'edge']);
    expect(r.code).toBe(0);
    const snap = JSON.parse(r.stdout) as { source: string; time: string; talkers: unknown[] };
    expect(snap.source).toBe('edge');
    expect(Number.isNaN(Date.parse(snap.time))).toBe(false);
    expect(snap.talkers).toEqual([
      { address: '10.250.1.20', bytes: 560000, packets: 400 },
      { address: '10.250.1.21', bytes: 300000, packets: 300 },
    ]);
    expect(r.stderr).toContain('nfacctd, 6 rows, 0 skipped, 5 hosts, top 2');
  });

  it('lists skipped rows with their line numbers on stderr', async () => {
    const f = join(dir, 'top.csv');
    writeFileSync(f, 'address,bytes,packets\n192.0.2.1,10,1\nexample.com,5,1\n192.0.2.2,x,1\n');
    const r = await run(['flows', 'parse', f]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { talkers: unknown[] }).talkers).toEqual([{ address: '192.0.2.1', bytes: 10, packets: 1 }]);
    expect(r.stderr).toContain('line 3: "example.com" is not an IPv4 or IPv6 address');
    expect(r.stderr).toContain('line 4: bytes: "x" is not a whole number >= 0');
    expect(r.stderr).toContain('csv, 3 rows, 2 skipped, 1 hosts');
  });

  it('exits 1 with the code when nothing is usable, and refuses a bad option', async () => {
    const f = join(dir, 'bad.json');
    writeFileSync(f, '[{"address": "nope"}]');
    const r = await run(['flows', 'parse', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NO_VALID_ROWS');
    expect(r.stdout).toBe('');
    const opt = await run(['flows', 'parse', f, '--format', 'xml']);
    expect(opt.code).toBe(1);
    expect(opt.stderr).toContain('--format must be');
  });

  it('import needs a token', async () => {
    const r = runCli(['flows', 'import', FIXTURE, '--to', 'http://127.0.0.1:9'], { SMOKETRACE_API_TOKEN: '' });
    expect((await r.exited).code).toBe(1);
    expect(r.stderr).toContain('an API token is needed');
  });
});
