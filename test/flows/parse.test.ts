import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkTalkerAddress } from '../../src/flows/address.js';
import { parseCsvTalkers, splitCsvLine } from '../../src/flows/csv.js';
import { FlowImportError } from '../../src/flows/errors.js';
import { parseJsonTalkers } from '../../src/flows/json-list.js';
import { parseNfacctdTalkers } from '../../src/flows/nfacctd.js';
import { detectFlowFormat, parseFlows } from '../../src/flows/parse.js';

const LIMITS = { maxRows: 1000, maxHosts: 1000, topN: 100 };
const FIXTURE = readFileSync(new URL('../fixtures/flows/nfacctd-print-ipfix.json', import.meta.url), 'utf8');

function importError(fn: () => unknown): FlowImportError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FlowImportError) return err;
    throw err;
  }
  throw new Error('no FlowImportError thrown');
}

describe('talker addresses', () => {
  it('accepts IPv4 and IPv6 literals, IPv6 in RFC 5952 text', () => {
    expect(checkTalkerAddress(' 192.0.2.1 ')).toEqual({ ok: true, address: '192.0.2.1' });
    expect(checkTalkerAddress('2001:DB8:0:0:0:0:0:1')).toEqual({ ok: true, address: '2001:db8::1' });
    expect(checkTalkerAddress('2001:db8:0:0:1:0:0:1')).toEqual({ ok: true, address: '2001:db8::1:0:0:1' });
  });

  it('refuses names, prefixes, zone ids, bad octets and the unspecified addresses', () => {
    for (const bad of ['example.com', '192.0.2.0/24', 'fe80::1%eth0', '256.1.1.1', '1.2.3', '0.0.0.0', '::', '', '1.2.3.4; rm -rf /']) {
      expect(checkTalkerAddress(bad).ok, bad).toBe(false);
    }
  });
});

describe('CSV lists', () => {
  it('reads a header row in any column order and case, sums rows per host, sorts by bytes', () => {
    const r = parseCsvTalkers(
      ['Packets,DST_HOST,Bytes,flows,proto', '10,192.0.2.1,1000,1,tcp', '30,192.0.2.2,5000,2,udp', '5,192.0.2.1,4500,1,udp', ''].join('\n'),
      LIMITS,
    );
    expect(r.talkers).toEqual([
      { address: '192.0.2.1', bytes: 5500, packets: 15, flows: 2 },
      { address: '192.0.2.2', bytes: 5000, packets: 30, flows: 2 },
    ]);
    expect(r).toMatchObject({ format: 'csv', rows: 3, accepted: 3, skipped: 0, hosts: 2, truncated: false });
  });

  it('skips and counts bad rows with their line numbers; blank and # lines are not rows', () => {
    const text = [
      '# exported by a script', // 1
      'address,bytes,packets', // 2
      '192.0.2.1,100,1', // 3
      '', // 4
      'not-an-ip,100,1', // 5
      '192.0.2.2,-5,1', // 6
      '192.0.2.3,12.5,1', // 7
      '192.0.2.4,100,many', // 8
      ',100,1', // 9
      '198.51.100.7,300,3', // 10
    ].join('\r\n');
    const r = parseCsvTalkers(text, LIMITS);
    expect(r.talkers.map((t) => t.address)).toEqual(['198.51.100.7', '192.0.2.1']);
    expect(r).toMatchObject({ rows: 7, accepted: 2, skipped: 5 });
    expect(r.problems.map((p) => p.line)).toEqual([5, 6, 7, 8, 9]);
    expect(r.problems[0]!.message).toContain('not-an-ip');
    expect(r.problems[1]!.message).toMatch(/^bytes: /);
    expect(r.problems[3]!.message).toMatch(/^packets: /);
    expect(r.problems[4]!.message).toBe('no address');
  });

  it('takes a header-less list of addresses, one per line, in its own order', () => {
    const r = parseCsvTalkers('203.0.113.9\n2001:db8::5\n203.0.113.1\n2001:DB8:0::5\n', LIMITS);
    expect(r.talkers).toEqual([
      { address: '203.0.113.9', bytes: 0, packets: 0 },
      { address: '2001:db8::5', bytes: 0, packets: 0 },
      { address: '203.0.113.1', bytes: 0, packets: 0 },
    ]);
    expect(r).toMatchObject({ rows: 4, accepted: 4, hosts: 3 });
  });

  it('takes header-less ADDRESS,BYTES,PACKETS rows and quoted cells', () => {
    expect(splitCsvLine('"192.0.2.1", "1,000" ,"say ""hi"""')).toEqual(['192.0.2.1', '1,000', 'say "hi"']);
    const r = parseCsvTalkers('192.0.2.1,10,1\n"2001:db8::1","20","2"\n', LIMITS);
    expect(r.talkers).toEqual([
      { address: '2001:db8::1', bytes: 20, packets: 2 },
      { address: '192.0.2.1', bytes: 10, packets: 1 },
    ]);
  });

  it('refuses a header without an address column', () => {
    const e = importError(() => parseCsvTalkers('bytes,packets\n10,1\n', LIMITS));
    expect(e.code).toBe('BAD_HEADER');
    expect(e.message).toContain('line 1');
  });

  it('keeps the top N by bytes, then packets, then first seen', () => {
    const rows = ['ip,bytes,packets', '192.0.2.1,100,1', '192.0.2.2,300,1', '192.0.2.3,300,9', '192.0.2.4,50,1', '192.0.2.5,300,9'];
    const r = parseCsvTalkers(rows.join('\n'), { ...LIMITS, topN: 3 });
    expect(r.talkers.map((t) => t.address)).toEqual(['192.0.2.3', '192.0.2.5', '192.0.2.2']);
    expect(r.hosts).toBe(5);
  });

  it('stops at maxRows (truncated) and counts rows beyond maxHosts', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `10.0.${Math.floor(i / 10)}.${i % 10 + 1},${i},1`);
    const r = parseCsvTalkers(lines.join('\n'), { maxRows: 20, maxHosts: 5, topN: 100 });
    expect(r).toMatchObject({ rows: 20, truncated: true, hosts: 5, droppedHosts: 15, accepted: 5 });
    const again = parseCsvTalkers(['10.0.0.1,1,1', '10.0.0.2,1,1', '10.0.0.3,1,1', '10.0.0.1,5,1'].join('\n'), { maxRows: 100, maxHosts: 2, topN: 10 });
    expect(again.talkers).toEqual([
      { address: '10.0.0.1', bytes: 6, packets: 2 },
      { address: '10.0.0.2', bytes: 1, packets: 1 },
    ]);
    expect(again.droppedHosts).toBe(1);
  });

  it('lists at most maxProblems problems but counts every bad row', () => {
    const r = parseCsvTalkers(['192.0.2.1', ...Array.from({ length: 30 }, () => 'bad')].join('\n'), { ...LIMITS, maxProblems: 5 });
    expect(r.skipped).toBe(30);
    expect(r.problems).toHaveLength(5);
  });
});

describe('JSON lists', () => {
  it('reads an array of objects with any of the address keys, and of strings', () => {
    const r = parseJsonTalkers(
      JSON.stringify([
        { address: '192.0.2.1', bytes: 10, packets: 1 },
        { ip: '2001:db8::1', bytes: '20', packets: 2, flows: 1 },
        { dst_host: '192.0.2.1', bytes: 15, packets: 1, note: 'ignored' },
        '198.51.100.1',
      ]),
      LIMITS,
    );
    expect(r.talkers).toEqual([
      { address: '192.0.2.1', bytes: 25, packets: 2 },
      { address: '2001:db8::1', bytes: 20, packets: 2, flows: 1 },
      { address: '198.51.100.1', bytes: 0, packets: 0 },
    ]);
    expect(r).toMatchObject({ format: 'json', rows: 4, accepted: 4 });
  });

  it('reads {"talkers": [...]} (a FlowTalkers snapshot) and counts bad items by their number', () => {
    const r = parseJsonTalkers(
      JSON.stringify({ source: 'x', talkers: [{ address: '192.0.2.1', bytes: 1, packets: 1 }, 42, { address: 'nope', bytes: 1 }, { bytes: 3 }, { address: '192.0.2.9', bytes: 1.5 }] }),
      LIMITS,
    );
    expect(r.talkers).toHaveLength(1);
    expect(r.problems.map((p) => p.item)).toEqual([2, 3, 4, 5]);
    expect(r.problems.map((p) => p.line)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('refuses what is not JSON, or not a list', () => {
    expect(importError(() => parseJsonTalkers('[{"address": ', LIMITS)).code).toBe('BAD_JSON');
    expect(importError(() => parseJsonTalkers('{"rows": []}', LIMITS)).code).toBe('BAD_SHAPE');
    expect(importError(() => parseJsonTalkers('"192.0.2.1"', LIMITS)).code).toBe('BAD_SHAPE');
  });
});

describe("nfacctd's JSON print output", () => {
  it('sums the recorded file per ip_dst (the traffic in its PROVENANCE.md), markers are not rows', () => {
    const r = parseNfacctdTalkers(FIXTURE, LIMITS);
    // 10.250.1.20: 300 + 100 datagrams of 1372 + 28 bytes to two ports; .21: 300 x 1000; .22: 200 x 1000;
    // 2001:db8:250::30: 150 x (952 + 48); 10.250.1.99: the filler (as many as softflowd processed).
    expect(r.talkers.filter((t) => t.address !== '10.250.1.99')).toEqual([
      { address: '10.250.1.20', bytes: 400 * 1400, packets: 400 },
      { address: '10.250.1.21', bytes: 300 * 1000, packets: 300 },
      { address: '10.250.1.22', bytes: 200 * 1000, packets: 200 },
      { address: '2001:db8:250::30', bytes: 150 * 1000, packets: 150 },
    ]);
    const filler = r.talkers.find((t) => t.address === '10.250.1.99')!;
    expect(filler.bytes).toBe(filler.packets * 29);
    expect(r).toMatchObject({ format: 'nfacctd', rows: 6, accepted: 6, skipped: 0, hosts: 5 });
  });

  it('counts lines without ip_dst, counters or JSON, with line numbers; string counters and flows are read', () => {
    const text = [
      '{"event_type": "purge_init", "writer_id": "top/1"}',
      '{"event_type": "purge", "ip_dst": "192.0.2.1", "flows": 2, "packets": 3, "bytes": "18446744"}',
      '{"event_type": "purge", "ip_src": "192.0.2.7", "packets": 3, "bytes": 100}',
      '{"event_type": "purge", "ip_dst": "192.0.2.2", "packets": 3}',
      '[1, 2]',
      '{"event_type": "purge", "ip_dst": "2001:DB8::7", "packets": 1, "bytes": 64}',
      '{"event_type": "purge", "ip_dst": "192.0.2.1", "flows": 1, "packets": 1, "bytes": 6}',
      '{"event_type": "purge_close", "writer_id": "top/1", "purged_entries": 5}',
      '{"event_type": "purge", "ip_dst": "192.0.2.3", "pack',
    ].join('\n');
    const r = parseNfacctdTalkers(text, LIMITS);
    expect(r.talkers).toEqual([
      { address: '192.0.2.1', bytes: 18446750, packets: 4, flows: 3 },
      { address: '2001:db8::7', bytes: 64, packets: 1 },
    ]);
    expect(r.problems).toEqual([
      { line: 3, message: 'no ip_dst (the print plugin aggregate must include dst_host)' },
      { line: 4, message: 'no bytes' },
      { line: 5, message: 'not a JSON object' },
      { line: 9, message: 'not a JSON object (a half-written line?)' },
    ]);
    expect(r).toMatchObject({ rows: 7, accepted: 3, skipped: 4 });
  });
});

describe('parseFlows', () => {
  const big = { ...LIMITS, maxBytes: 1 << 20 };

  it('detects the format by name and content', () => {
    expect(detectFlowFormat(FIXTURE)).toBe('nfacctd');
    expect(detectFlowFormat('{"event_type": "purge", "ip_dst": "192.0.2.1", "packets": 1, "bytes": 1}')).toBe('nfacctd');
    expect(detectFlowFormat('  [{"address": "192.0.2.1"}]')).toBe('json');
    expect(detectFlowFormat('{\n  "talkers": []\n}\n')).toBe('json');
    expect(detectFlowFormat('address,bytes\n')).toBe('csv');
    expect(detectFlowFormat('[1]', 'top.csv')).toBe('csv');
    expect(parseFlows(FIXTURE, 'auto', big).format).toBe('nfacctd');
  });

  it('refuses input that is too large, empty, or without one valid row', () => {
    expect(importError(() => parseFlows('192.0.2.1\n'.repeat(200), 'csv', { ...LIMITS, maxBytes: 1000 })).code).toBe('TOO_LARGE');
    expect(importError(() => parseFlows('# nothing\n\n', 'csv', big)).code).toBe('EMPTY');
    expect(importError(() => parseFlows('{"event_type": "purge_init"}\n', 'nfacctd', big)).code).toBe('EMPTY');
    const none = importError(() => parseFlows('bad\nworse\n', 'csv', big));
    expect(none.code).toBe('NO_VALID_ROWS');
    expect(none.message).toContain('line 1');
  });

  it('random text only ever gives a result or a FlowImportError', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = '0123456789abcdef.:,{}[]" \n\r#-e';
    for (let i = 0; i < 300; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 200) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      for (const f of ['auto', 'csv', 'json', 'nfacctd'] as const) {
        try {
          const r = parseFlows(text, f, big);
          expect(r.accepted).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(FlowImportError);
        }
      }
    }
  });
});
