import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../src/probe/parsers/errors.js';
import { parseScamperJson, parseScamperJsonAll, parseScamperJsonDetailed, unreachableAnnotation } from '../../../src/probe/parsers/scamper-json.js';
import { fixture, expectParseError } from '../fixture.js';

/** Hop lines of sc_warts2text: " 7  8.8.8.8  1.969 ms" or " 6  *". */
function textDump(name: string): { ttl: number; ip: string | null; rtt: number | null }[] {
  return fixture(`scamper-sc_warts2json/${name}.sc_warts2text.txt`)
    .split('\n')
    .filter((l) => /^\s*\d+\s/.test(l))
    .map((l) => {
      const m = /^\s*(\d+)\s+(\S+)(?:\s+([\d.]+) ms)?/.exec(l) as RegExpExecArray;
      return { ttl: Number(m[1]), ip: m[2] === '*' ? null : (m[2] as string), rtt: m[3] === undefined ? null : Number(m[3]) };
    });
}

describe('parseScamperJson against the sc_warts2text dumps', () => {
  it.each(['trace_google_dns_v4_default', 'trace_google_dns_v6_default'])('%s', (name) => {
    const obs = parseScamperJson(fixture(`scamper-sc_warts2json/${name}.json`));
    const want = textDump(name);
    expect(obs.hops.map((h) => ({ ttl: h.ttl, ip: h.probes.find((p) => p.ip !== null)?.ip ?? null, rtt: h.probes.find((p) => p.rttMs !== null)?.rttMs ?? null }))).toEqual(want);
    expect(obs.reached).toBe(true);
    expect(obs.method).toBe('udp-paris');
    expect(obs.tool).toBe('scamper');
  });

  it('v4: attempts and reply TTLs, start time from the tool', () => {
    const obs = parseScamperJson(fixture('scamper-sc_warts2json/trace_google_dns_v4_default.json'));
    expect(obs.hops[5]).toMatchObject({ ttl: 6, sent: 2, received: 0, loss: 1 });
    expect(obs.hops[0]).toMatchObject({ sent: 1, received: 1, loss: 0 });
    expect(obs.hops[0]?.probes[0]?.replyTtl).toBe(254);
    // destination answered with port unreachable (type 3 code 3): no annotation
    expect(obs.hops[6]?.probes[0]).toEqual({ ip: '8.8.8.8', rttMs: 1.969, replyTtl: 118 });
    expect(obs.startedAt).toBe('2022-02-08T13:35:19.811Z');
    expect(obs.rtt).toMatchObject({ min: 1.969, max: 1.969 });
    expect(obs.signature).toBe('137.194.164.254|137.194.22.119|212.73.200.45|4.69.133.238|4.68.71.138|*|8.8.8.8');
  });

  it('ping and tracelb objects are skipped with a note', () => {
    for (const name of ['ping_google_dns_v4_default', 'tracelb_google_dns_v4_default', 'tracelb_google_dns_v6_default']) {
      const text = fixture(`scamper-sc_warts2json/${name}.json`);
      const res = parseScamperJsonDetailed(text);
      expect(res.observations).toEqual([]);
      expect(res.skipped).toHaveLength(1);
      expect(res.skipped[0]?.reason).toMatch(/not traces/);
      expect(() => parseScamperJson(text)).toThrow(/no trace object \(only (ping|tracelb)\)/);
    }
  });

  it('several traces in one output (loopback batch of two targets)', () => {
    const all = parseScamperJsonAll(fixture('loopback/scamper-icmp-paris-two-targets.json'));
    expect(all.map((o) => [o.target.address, o.reached, o.signature, o.method])).toEqual([
      ['127.0.0.1', true, '127.0.0.1', 'icmp-paris'],
      ['::1', true, '::1', 'icmp-paris'],
    ]);
  });

  it('ICMP extensions with MPLS labels (SYNTHETIC hop in scamper_trace_json.c layout)', () => {
    const line = JSON.stringify({
      type: 'trace', method: 'icmp-echo-paris', dst: '192.0.2.9', stop_reason: 'COMPLETED', hop_count: 1, attempts: 2, firsthop: 1,
      hops: [{ addr: '192.0.2.9', probe_ttl: 1, probe_id: 2, rtt: 1.5, reply_ttl: 60, icmp_type: 0, icmp_code: 0,
        icmpext: [{ ie_cn: 1, ie_ct: 1, ie_dl: 4, mpls_labels: [{ mpls_ttl: 1, mpls_s: 1, mpls_exp: 0, mpls_label: 24000 }] }] }],
    });
    const obs = parseScamperJson(line);
    expect(obs.hops[0]?.mpls).toEqual([{ label: 24000, exp: 0, s: true, ttl: 1 }]);
    expect(obs.hops[0]).toMatchObject({ sent: 2, received: 1, loss: 0.5 });
    expect(obs.hops[0]?.probes[0]).toEqual({ ip: null, rttMs: null });
  });

  it.each([
    { v6: false, type: 3, code: 0, want: '!N' },
    { v6: false, type: 3, code: 1, want: '!H' },
    { v6: false, type: 3, code: 3, want: undefined },
    { v6: false, type: 3, code: 13, want: '!X' },
    { v6: false, type: 3, code: 11, want: '!<11>' },
    { v6: false, type: 11, code: 0, want: undefined },
    { v6: true, type: 1, code: 0, want: '!N' },
    { v6: true, type: 1, code: 4, want: undefined },
    { v6: true, type: 3, code: 0, want: undefined },
  ])('unreachable annotation v6=$v6 type=$type code=$code -> $want', ({ v6, type, code, want }) => {
    expect(unreachableAnnotation(v6, type, code)).toBe(want);
  });

  it.each([
    { text: '{"type":"trace"', code: 'BAD_JSON', line: 1 },
    { text: '{"type":"cycle-start"}\n[1,2]', code: 'BAD_SHAPE', line: 2 },
    { text: '{"type":"trace","method":"icmp-echo-paris","dst":"nope"}', code: 'BAD_ADDRESS', line: 1 },
    { text: '{"type":"trace","method":"warp","dst":"192.0.2.1"}', code: 'BAD_SHAPE', line: 1 },
    { text: '', code: 'EMPTY_OUTPUT', line: 0 },
  ])('garbage -> $code', ({ text, code, line }) => {
    expectParseError(() => parseScamperJson(text), code, line);
  });
});
