import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/probe/parsers/errors.js';
import { parseMtrHeader, parseMtrJson } from '../../../src/probe/parsers/mtr-json.js';
import { fixture, fixtureJson, expectParseError } from '../fixture.js';

describe('parseMtrJson', () => {
  it('10-hop report: mtr statistics kept per hop', () => {
    const obs = parseMtrJson(fixture('mtr-exporter/mtr-json-report-10hops.json'));
    expect(obs.hops).toHaveLength(10);
    expect(obs.hops[1]).toEqual({
      ttl: 2,
      probes: [{ ip: '127.0.0.2', rttMs: 5.26 }],
      sent: 2,
      received: 1,
      loss: 0.5,
      rtt: { min: 5.26, avg: 5.26, max: 5.26, stdev: 0, last: 5.26 },
    });
    expect(obs.hops[4]?.rtt).toEqual({ min: 13.12, avg: 15.43, max: 17.73, stdev: 3.26, last: 13.12 });
    expect(obs.target).toEqual({ name: 'dst.example.com', address: '' });
    expect(obs.reached).toBe(false);
  });

  it('header: <=0.93 "tos":"0x0" and >=0.94 integer tos both parse', () => {
    expect(parseMtrHeader(fixtureJson('mtr-exporter/mtr-json-header-le-0.93-tos-string.json'))).toEqual({ src: 'src.example.com', dst: 'dst.example.com', tos: 0, tests: 2 });
    expect(parseMtrHeader(fixtureJson('mtr-exporter/mtr-json-header-ge-0.94-tos-int.json'))).toEqual({ src: 'src.example.com', dst: 'dst.example.com', tos: 64, tests: 2 });
    // The whole 10-hop report with the <=0.93 header swapped in parses the same.
    const doc = fixtureJson<{ report: { mtr: unknown } }>('mtr-exporter/mtr-json-report-10hops.json');
    doc.report.mtr = fixtureJson('mtr-exporter/mtr-json-header-le-0.93-tos-string.json');
    expect(parseMtrJson(JSON.stringify(doc)).hops).toHaveLength(10);
  });

  it('empty hubs: nothing measured is a NO_HOPS ParseError, not an empty observation', () => {
    expect(() => parseMtrJson(fixture('mtr-exporter/mtr-json-empty-hubs.json'))).toThrow(/no hubs/);
  });

  it('"???" hubs, string counts (0.9x) and ECMP hubs sharing a count (SYNTHETIC)', () => {
    const hub = (count: unknown, host: string, loss: number, last: number) => ({ count, host, 'Loss%': loss, Snt: 4, Last: last, Avg: last, Best: last, Wrst: last, StDev: 0 });
    const text = JSON.stringify({
      report: {
        mtr: { src: 'a', dst: '192.0.2.9', tos: '0x0', tests: 4 },
        hubs: [hub('1', '192.0.2.1', 0, 1), hub('2', '???', 100, 0), hub('3', '198.51.100.1', 25, 3), hub('3', '198.51.100.2', 25, 3.5), hub('4', '192.0.2.9', 0, 4)],
      },
    });
    const obs = parseMtrJson(text);
    expect(obs.hops.map((h) => h.ttl)).toEqual([1, 2, 3, 4]);
    expect(obs.hops[1]).toMatchObject({ probes: [{ ip: null, rttMs: null }], sent: 4, received: 0, loss: 1 });
    expect(obs.hops[1]?.rtt).toBeUndefined();
    expect(obs.hops[2]?.probes).toEqual([
      { ip: '198.51.100.1', rttMs: 3 },
      { ip: '198.51.100.2', rttMs: 3.5 },
    ]);
    expect(obs.hops[2]).toMatchObject({ sent: 4, received: 3, loss: 0.25 });
    expect(obs.signature).toBe('192.0.2.1|*|198.51.100.1,198.51.100.2|192.0.2.9');
    expect(obs.reached).toBe(true);
  });

  it('loopback ::1 recording', () => {
    const obs = parseMtrJson(fixture('loopback/mtr6-json-1.json'));
    expect(obs).toMatchObject({ reached: true, loss: 0, signature: '::1', tool: 'mtr' });
    expect(obs.rtt).toEqual({ min: 0.082, avg: 0.089, max: 0.093, stdev: 0.006, last: 0.082 });
  });

  it.each([
    { text: '{', code: 'BAD_JSON' },
    { text: '[]', code: 'BAD_SHAPE' },
    { text: '{"report":{"mtr":{"dst":"x"},"hubs":{}}}', code: 'BAD_SHAPE' },
    { text: '{"report":{"mtr":{"dst":"x"},"hubs":[{"count":"one"}]}}', code: 'BAD_SHAPE' },
    { text: '  ', code: 'EMPTY_OUTPUT' },
  ])('garbage $text -> $code', ({ text, code }) => {
    expectParseError(() => parseMtrJson(text), code);
  });
});
