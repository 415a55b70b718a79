/**
 * Line templates (bgp/exabgp/line-template.ts): a line cut like an earlier update of its
 * session has only its message parsed. The events, errors and counters must be those of the
 * whole-line parse (`lineTemplates: false`) for every line, on real fixtures, on generated
 * sessions, and on lines mutated where the template is cut (time, counter, the fixed text,
 * the tail), fed in the same order to both parsers so that both hold the same state.
 */
import { describe, expect, it } from 'vitest';
import { ExabgpParser } from '../../../bgp/exabgp/index.js';
import { LineTemplates } from '../../../bgp/exabgp/line-template.js';
import type { RouteEvent } from '../../../bgp/types.js';
import { ARRIVAL, fixtureLines, fixtureText } from './helpers.js';

/** Numerical Recipes LCG: deterministic mutation choices. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/** Feeds the lines to a templated parser and to the whole-line reference; both must agree line by line. */
function compare(lines: string[]): { templated: number; events: number } {
  const fast = new ExabgpParser('r1');
  const reference = new ExabgpParser('r1', { lineTemplates: false });
  let events = 0;
  lines.forEach((line, i) => {
    const got: RouteEvent[] = fast.parseLine(line, i + 1, ARRIVAL);
    const want: RouteEvent[] = reference.parseLine(line, i + 1, ARRIVAL);
    if (JSON.stringify(got) !== JSON.stringify(want)) expect({ line, got }).toEqual({ line, got: want });
    events += got.length;
  });
  expect(fast.counters).toEqual(reference.counters);
  expect(reference.templatedLines).toBe(0);
  return { templated: fast.templatedLines, events };
}

const HEAD = (n: number, peer: string, host = 'rs1') =>
  `{ "exabgp": "4.0.1", "time": ${1700000000 + n / 7}, "host" : "${host}", "pid" : 4242, "ppid" : 1, "counter": ${n}, "type": "update", ` +
  `"neighbor": { "address": { "local": "192.0.2.254", "peer": "${peer}" }, "asn": { "local": 65000, "peer": ${64500 + peer.length} } , "direction": "receive", "message": `;

/** A generated session of three interleaved neighbors with the attribute and NLRI shapes ExaBGP prints. */
function generated(count: number, seed: number): string[] {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const peers = ['192.0.2.1', '192.0.2.2', '2001:db8::3'];
  const v4 = () => `${1 + int(223)}.${int(256)}.${int(256)}.0/24`;
  const v6 = () => `2001:db8:${int(65536).toString(16)}::/48`;
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const peer = peers[int(peers.length)]!;
    const path = Array.from({ length: 1 + int(6) }, () => 1 + int(4_000_000)).join(', ');
    const attrs = [
      `"origin": "${['igp', 'egp', 'incomplete'][int(3)]}"`,
      int(5) === 0 ? `"as-path": { "0": { "element": "as-sequence", "value": [ ${path} ] }, "1": { "element": "as-set", "value": [ 65010, 65011 ] } }` : `"as-path": [ ${path} ]`,
      '"confederation-path": []',
      `"med": ${int(500)}`,
      int(2) === 0 ? `"local-preference": ${int(300)}` : '',
      int(2) === 0 ? `"community": [ [ 65000, ${int(65536)} ], [ 64500, 1 ] ]` : '',
      int(4) === 0 ? `"large-community": [ [ 65000, 1, ${int(100)} ] ]` : '',
      int(5) === 0 ? `"extended-community": [ { "value": ${9225060886715039744n + BigInt(int(1000))}, "string": "rate-limit:0" }, 844424930131969, 18446744073709551615 ]` : '',
      int(8) === 0 ? '"aggregator": "65001:10.0.0.1"' : '',
      int(10) === 0 ? '"aigp": 18446744073709551615' : '',
    ].filter((a) => a !== '');
    const addPath = int(4) === 0;
    const entry = (p: string) => (addPath ? `{ "nlri": "${p}", "path-information": "0.0.0.${1 + int(3)}" }` : `{ "nlri": "${p}" }`);
    const four = Array.from({ length: 1 + int(4) }, v4).map(entry).join(', ');
    const six = Array.from({ length: 1 + int(3) }, v6).map(entry).join(', ');
    const kind = int(4);
    const update =
      kind === 0
        ? `{ "withdraw": { "ipv4 unicast": [ ${four} ] } }`
        : kind === 1
          ? `{ "attribute": { ${attrs.join(', ')} }, "announce": { "ipv6 unicast": { "2001:db8::1": [ ${six} ], "fe80::1": [ ${six} ] } } }`
          : kind === 2
            ? `{ "attribute": { ${attrs.join(', ')} }, "announce": { "ipv4 unicast": { "${peer}": [ ${four} ] } }, "withdraw": { "ipv6 unicast": [ ${six} ] } }`
            : `{ "attribute": { ${attrs.join(', ')} }, "announce": { "ipv4 unicast": { "${peer}": [ ${four} ] } } }`;
    lines.push(`${HEAD(n, peer)}{ "update": ${update} } } }`);
  }
  return lines;
}

/** Edits aimed where a template cuts a line. */
const EDITS: Array<(line: string, r: () => number) => string> = [
  (l, r) => l.replace(/"time": [0-9.]+/, `"time": ${['1e3', '01', '-1', '1.', '.5', '1.5E+2', '"1700000000"', 'null', '17000000001234567', '0', '-0.0'][Math.floor(r() * 11)]}`),
  (l, r) => l.replace(/"counter": \d+/, `"counter": ${['007', '1.5', '-3', '12345678901234567890', '"9"', '1e2', ''][Math.floor(r() * 7)]}`),
  (l) => l.replace('"pid" : 4242', '"pid" : 4243'),
  (l) => l.replace('"host" : "rs1"', '"host" : "extended-community"'),
  (l) => l.replace('"host" : "rs1"', '"host" : "rs1", "time": 5'),
  (l) => l.replace('"type": "update"', '"type": "keepalive"'),
  (l) => l.replace('"direction": "receive"', '"direction": "send"'),
  (l) => l.replace('"peer": "', '"peer": "1'),
  (l) => l.replace(/ \} \}$/, ', "message": { } } }'),
  (l) => l.replace(/ \} \}$/, ' } } }'),
  (l) => l.replace(/ \} \}$/, ' }'),
  (l) => `${l} `,
  (l) => `${l}x`,
  (l) => l.replace('"message": {', '"message": ['),
  (l) => l.replace('"message": ', '"message": 5 } }'),
  (l) => l.replace('"update": {', '"update": {\u0001'),
  (l) => l.replace('"nlri": "', '"nlri": "\\u0031'),
  (l) => l.replace('"message": ', '"message": "x", "other": '),
  (l, r) => {
    const at = Math.floor(r() * l.length);
    return l.slice(0, at) + '{}[]":,0123456789.-e '[Math.floor(r() * 20)] + l.slice(at + 1);
  },
  (l, r) => l.slice(0, Math.floor(r() * l.length)),
];

describe('ExaBGP line templates', () => {
  it('real logs: the same events and counters as the whole-line parse, most updates through a template', () => {
    const bulk = compare(fixtureLines('lab/exabgp-bulk.jsonl.gz'));
    expect(bulk.events).toBeGreaterThan(40_000); // 20,000 prefixes announced and withdrawn, sessions, EoRs
    expect(bulk.templated).toBeGreaterThan(4_100); // of 4,172 updates: the first of each session is learned from
    expect(compare(fixtureLines('lab/exabgp-session.jsonl')).templated).toBeGreaterThan(0);
    expect(compare(fixtureLines('lusis-exabgp_exporter/exabgp.log')).templated).toBeGreaterThan(50);
    compare(fixtureLines('lusis-exabgp_exporter/exabgp.log.1'));
    compare(fixtureLines('exabgp-qa/ci-json-lines.tsv').map((row) => row.slice(row.indexOf('\t') + 1).replace(/^\d+:\w+:/, '')));
    for (const name of ['announce-basic-1', 'announce-basic-2', 'announce-large-community', 'withdraw-basic']) {
      compare([fixtureText(`zettabgp/${name}.json`).trim()]);
    }
  });

  it('generated sessions (three neighbors, 4.x and 5.x AS paths, ADD-PATH, 64-bit values): the same events and counters', () => {
    const { templated, events } = compare(generated(3000, 7));
    expect(events).toBeGreaterThan(8000);
    expect(templated).toBeGreaterThan(2900);
  });

  it('lines edited where the template cuts them: the same events, errors and counters', () => {
    const r = rng(99);
    const base = generated(600, 3);
    const lines: string[] = [];
    for (const line of base) {
      lines.push(line);
      const edit = EDITS[Math.floor(r() * EDITS.length)]!;
      lines.push(edit(line, r));
    }
    for (const [k, edit] of EDITS.entries()) lines.push(base[0]!, edit(base[k + 1]!, r));
    const { templated } = compare(lines);
    expect(templated).toBeGreaterThan(500);
  });

  it('keeps 64-bit extended communities and AIGP exact on templated lines', () => {
    const line = `${HEAD(1, '192.0.2.1')}{ "update": { "attribute": { "origin": "igp", "as-path": [ 65001 ], "extended-community": [ 9225060886715039745, 18446744073709551615 ] }, "announce": { "ipv4 unicast": { "192.0.2.1": [ { "nlri": "203.0.113.0/24" } ] } } } } } }`;
    const parser = new ExabgpParser('r1');
    parser.parseLine(line, 1, ARRIVAL);
    const [event] = parser.parseLine(line.replace('"counter": 1', '"counter": 2'), 2, ARRIVAL);
    expect(parser.templatedLines).toBe(1);
    expect(event).toMatchObject({ type: 'announce', extCommunities: ['0x8006000000000001', '0xffffffffffffffff'] });
    // The fixed text names the key too: the whole line is quoted again (the odd 17-digit
    // community then stays text), which the message alone cannot know.
    const named = (n: number) => line.replace('"host" : "rs1"', '"host" : "extended-community"').replace('"counter": 1', `"counter": ${n}`).replace('"origin"', '"community": [ 12345678901234567 ], "origin"');
    expect(compare([named(1), named(2), named(3)]).events).toBe(3);
  });

  it('learns a template only when time, counter and message are the values of those keys', () => {
    const message = '{ "update": { "withdraw": { "ipv4 unicast": [ { "nlri": "10.0.0.0/8" } ] } } }';
    const learn = (line: string) => new LineTemplates().learn(line, JSON.parse(line) as Record<string, unknown>);
    const good = `${HEAD(1, '192.0.2.1')}${message} } }`;
    expect(learn(good)).toMatchObject({ head: '{ "exabgp": "4.0.1", "time": ', tail: ' } }', mentionsExactKeys: false });
    // "time" again later: JSON.parse keeps the last one.
    expect(learn(good.replace('"ppid" : 1', '"ppid" : 1, "time": 3'))).toBeNull();
    // a "message" key inside neighbor.address comes first in the text.
    expect(learn(good.replace('"address": {', '"address": { "message": { "x": 1 },'))).toBeNull();
    // (A line giving the neighbor's "message" again after the one cut fits a good template,
    // but its message text is then not JSON: the whole-line path reads it; see the edits above.)
    // no "counter" at all, or "time" not second
    expect(learn(good.replace('"counter": 1, ', ''))).toBeNull();
    expect(learn(good.replace('"time": ', '"host0": "x", "time": '))).toBeNull();
    // the host names "aigp": lines holding 64-bit values go the whole-line way
    expect(learn(good.replace('"host" : "rs1"', '"host" : "aigp"'))).toMatchObject({ mentionsExactKeys: true });
  });

  it('matches a line to the template of its own neighbor among several', () => {
    const t = new LineTemplates();
    const a = `${HEAD(1, '192.0.2.1')}{} } }`;
    const b = `${HEAD(2, '192.0.2.2')}{} } }`;
    t.learn(a, JSON.parse(a) as Record<string, unknown>);
    t.learn(b, JSON.parse(b) as Record<string, unknown>);
    const hit = t.match(`${HEAD(3, '192.0.2.1')}{ "x": [1, 2] } } }`);
    expect(hit?.template.sample).toMatchObject({ neighbor: { address: { peer: '192.0.2.1' } } });
    expect(hit?.slots).toEqual({ time: 1700000000 + 3 / 7, messageText: '{ "x": [1, 2] }' });
    expect(t.match(`${HEAD(3, '192.0.2.9')}{} } }`)).toBeNull();
  });
});
