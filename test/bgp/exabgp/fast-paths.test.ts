/**
 * The cheaper code paths of the ExaBGP parser give what the plain ones gave: the hand-written
 * IPv4 prefix check against the regex it replaces, de-duplication of repeated NLRI in large
 * updates (map) as in small ones (scan), and exact 64-bit extended communities found after
 * the first parse.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../../../bench/lib/gen-table.js';
import { ExabgpParser } from '../../../bgp/exabgp/index.js';
import { exactValueOfKey, sameButExact } from '../../../bgp/exabgp/json.js';
import { looksLikeIpv4Prefix, looksLikeIpv6Prefix } from '../../../bgp/exabgp/nlri.js';
import type { AnnounceEvent } from '../../../bgp/types.js';
import { ARRIVAL, line4 } from './helpers.js';

const REGEX = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;
const IPV6_REGEX = /^[0-9a-fA-F:.]{2,45}\/\d{1,3}$/;

describe('ExaBGP parser fast paths', () => {
  it('checks IPv4 prefixes as the regex did', () => {
    const fixed = ['10.0.0.0/8', '1.2.3.4/32', '255.255.255.255/0', '1.2.3/24', '1.2.3.4/', '1.2.3.4/123', '1.2.3.4.5/8', '1234.1.1.1/8', '1.1.1.1/8 ', ' 1.1.1.1/8', '', '/', '1..1.1/8', 'a.b.c.d/8', '1.1.1.1//8', '2001:db8::/32'];
    const r = prng(3);
    const alphabet = '0123456789./:a ';
    const random = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(r() * 18) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
    for (const s of [...fixed, ...random]) expect([s, looksLikeIpv4Prefix(s)]).toEqual([s, REGEX.test(s)]);
  });

  it('checks IPv6 prefixes as the regex did', () => {
    const fixed = ['2001:db8::/32', '::/0', '::1/128', 'fe80::1/64', '2001:DB8:aBc::/48', '::ffff:1.2.3.4/96', ':/1', '1/1', '::/1234', '::/', '2001:db8::/32 ', ' ::/0', '2001:db8::g/32', '/48', '', `${'1'.repeat(45)}/8`, `${'1'.repeat(46)}/8`, '::/0/0', '1.2.3.0/24'];
    const r = prng(4);
    const alphabet = '0123456789abcdefABCDEFgG:./ ';
    const random = Array.from({ length: 20_000 }, () => Array.from({ length: 1 + Math.floor(r() * 20) }, () => alphabet[Math.floor(r() * alphabet.length)]).join(''));
    for (const s of [...fixed, ...random]) expect([s, looksLikeIpv6Prefix(s)]).toEqual([s, IPV6_REGEX.test(s)]);
  });

  it("reads one key's value exactly from the text, or gives up when the key is not singled out", () => {
    expect(exactValueOfKey('{"a": 1, "extended-community" : [ 18446744073709551615, {"v": "x,]"} ], "b": 2}', 'extended-community')).toEqual([
      '18446744073709551615',
      { v: 'x,]' },
    ]);
    expect(exactValueOfKey('{"aigp": 18446744073709551615}', 'aigp')).toBe('18446744073709551615');
    // twice, inside a string only, or not a key: undefined (the caller parses the whole line again)
    expect(exactValueOfKey('{"x": {"aigp": 1}, "aigp": 18446744073709551615}', 'aigp')).toBeUndefined();
    expect(exactValueOfKey('{"s": "\\"aigp\\": 18446744073709551615"}', 'aigp')).toBeUndefined();
    expect(exactValueOfKey('["aigp", 18446744073709551615]', 'aigp')).toBeUndefined();
    expect(sameButExact(['18446744073709551615', 1], JSON.parse('[18446744073709551615, 1]'))).toBe(true);
    expect(sameButExact(['18446744073709551614', 2], JSON.parse('[18446744073709551615, 1]'))).toBe(false);
    expect(sameButExact({ a: '18446744073709551615' }, JSON.parse('{"a": 18446744073709551615, "b": 1}'))).toBe(false);
    expect(sameButExact('x', 'x')).toBe(true);
  });

  it('keeps 64-bit values exact when the attribute key also appears elsewhere in the line (whole-line path)', () => {
    const line = line4(
      {
        update: {
          attribute: { origin: 'igp', 'as-path': [65001], 'extended-community': [9225060886715039745] },
          announce: { 'ipv4 unicast': { '192.0.2.1': [{ nlri: '203.0.113.0/24' }] } },
        },
      },
      { note: { 'extended-community': 1 } },
    ).replace('9225060886715040000', '9225060886715039745');
    expect(line).toContain('9225060886715039745');
    const [e] = new ExabgpParser('feed').parseLine(line, 1, ARRIVAL) as AnnounceEvent[];
    expect(e!.extCommunities).toEqual(['0x8006000000000001']);
  });

  it('keeps one announce per prefix and path id in an update of many prefixes, global next hop preferred', () => {
    const prefixes = Array.from({ length: 60 }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
    const line = line4({
      update: {
        attribute: { origin: 'igp', 'as-path': [65001] },
        announce: {
          'ipv6 unicast': {
            'fe80::1': prefixes.map((p) => ({ nlri: p })),
            '2001:db8::1': [...prefixes, prefixes[0]!].map((p) => ({ nlri: p })),
          },
        },
      },
    });
    const parser = new ExabgpParser('feed');
    const events = parser.parseLine(line, 1, ARRIVAL) as AnnounceEvent[];
    expect(events.map((e) => [e.prefix, e.nextHop])).toEqual(prefixes.map((p) => [p, '2001:db8::1']));
    expect(parser.counters.duplicateNlri).toBe(61);
  });

  it('keeps 64-bit extended communities exact (found after the first parse)', () => {
    const line = line4({
      update: {
        attribute: { origin: 'igp', 'as-path': [65001], 'extended-community': [9225060886715039745, 18446744073709551615] },
        announce: { 'ipv4 unicast': { '192.0.2.1': [{ nlri: '203.0.113.0/24' }] } },
      },
    }).replace('9225060886715040000', '9225060886715039745').replace('18446744073709552000', '18446744073709551615');
    expect(line).toContain('9225060886715039745');
    const [e] = new ExabgpParser('feed').parseLine(line, 1, ARRIVAL) as AnnounceEvent[];
    expect(e!.extCommunities).toEqual(['0x8006000000000001', '0xffffffffffffffff']);
  });
});
