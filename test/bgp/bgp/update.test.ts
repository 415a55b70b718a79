/** Hand-built UPDATEs (annotated bytes) for AS paths, AS4 merge, communities and RFC 7606 cases. */
import { describe, expect, it } from 'vitest';
import { decodeUpdateBody, type UpdateOptions } from '../../../bgp/bgp/update.js';
import { DecodeError } from '../../../bgp/errors.js';
import { Reader } from '../../../bgp/reader.js';
import { u16, u32, updateBody } from '../bmp/bytes.js';

const FOUR: UpdateOptions = { fourOctetAsn: true, addPath: () => false };
const TWO: UpdateOptions = { fourOctetAsn: false, addPath: () => false };

const ORIGIN_IGP = [0x40, 1, 1, 0]; // flags, ORIGIN, length 1, IGP
const NEXT_HOP = [0x40, 3, 4, 192, 0, 2, 1]; // flags, NEXT_HOP, length 4, 192.0.2.1
const NLRI_24 = [24, 203, 0, 113]; // 203.0.113.0/24

function decode(body: number[], opts = FOUR) {
  return decodeUpdateBody(new Reader(Buffer.from(body)), opts);
}

function asPath4(...segs: Array<[number, number[]]>): number[] {
  const v = segs.flatMap(([t, asns]) => [t, asns.length, ...asns.flatMap(u32)]);
  return [0x40, 2, v.length, ...v];
}

function asPath2(...segs: Array<[number, number[]]>): number[] {
  const v = segs.flatMap(([t, asns]) => [t, asns.length, ...asns.flatMap(u16)]);
  return [0x40, 2, v.length, ...v];
}

describe('UPDATE attributes', () => {
  it('decodes every interpreted attribute', () => {
    const attrs = [
      ...ORIGIN_IGP,
      ...asPath4([2, [65001, 4200000000]], [1, [65010, 65011]]), // AS_SEQUENCE then AS_SET
      ...NEXT_HOP,
      0x80, 4, 4, ...u32(50), // MED 50
      0x40, 5, 4, ...u32(200), // LOCAL_PREF 200
      0x40, 6, 0, // ATOMIC_AGGREGATE
      0xc0, 7, 8, ...u32(65010), 192, 0, 2, 9, // AGGREGATOR (4-octet form)
      0xc0, 8, 8, ...u16(65001), ...u16(100), ...u16(65535), ...u16(65281), // COMMUNITIES
      0xc0, 16, 24,
      0x00, 0x02, ...u16(65001), ...u32(7), // route target 65001:7
      0x01, 0x03, 192, 0, 2, 1, ...u16(9), // route origin 192.0.2.1:9
      0x43, 0x00, 1, 2, 3, 4, 5, 6, // unknown non-transitive type: hex
      0xc0, 32, 12, ...u32(4200000000), ...u32(1), ...u32(2), // LARGE_COMMUNITY
      0x80, 9, 4, 10, 0, 0, 1, // ORIGINATOR_ID
      0x80, 10, 8, 10, 0, 0, 2, 10, 0, 0, 3, // CLUSTER_LIST
      0xc0, 99, 2, 0xab, 0xcd, // unknown optional transitive attribute 99
    ];
    const u = decode(updateBody([], attrs, NLRI_24));
    expect(u.issues).toEqual([]);
    expect(u.announced[0]!.prefixes).toEqual([{ prefix: '203.0.113.0/24', pathId: null }]);
    expect(u.attributes).toEqual({
      origin: 'igp',
      asPath: [65001, 4200000000, [65010, 65011]],
      nextHop: '192.0.2.1',
      med: 50,
      localPref: 200,
      atomicAggregate: true,
      aggregator: { asn: 65010, address: '192.0.2.9' },
      communities: ['65001:100', '65535:65281'],
      extCommunities: ['target:65001:7', 'origin:192.0.2.1:9', '0x4300010203040506'],
      largeCommunities: ['4200000000:1:2'],
      originatorId: '10.0.0.1',
      clusterList: ['10.0.0.2', '10.0.0.3'],
      unknownAttributes: [99],
    });
  });

  it('keeps confederation segments apart', () => {
    const u = decode(updateBody([], [...ORIGIN_IGP, ...asPath4([3, [64512, 64513]], [4, [64514]], [2, [65001]]), ...NEXT_HOP], NLRI_24));
    expect(u.attributes?.asPath).toEqual([65001]);
    expect(u.attributes?.confedPath).toEqual([64512, 64513, [64514]]);
  });

  it('merges AS4_PATH into a 2-octet AS_PATH (RFC 6793 4.2.3)', () => {
    const attrs = [
      ...ORIGIN_IGP,
      ...asPath2([2, [65001, 23456, 23456, 65002]]), // 4 ASes, two of them AS_TRANS
      ...NEXT_HOP,
      0xc0, 17, 14, // AS4_PATH, length 14
      2, 3, ...u32(4200000001), ...u32(4200000002), ...u32(65002), // AS_SEQUENCE of 3
    ];
    expect(decode(updateBody([], attrs, NLRI_24), TWO).attributes?.asPath).toEqual([65001, 4200000001, 4200000002, 65002]);
  });

  it('ignores an AS4_PATH longer than the AS_PATH, and any AS4_PATH on a 4-octet session', () => {
    const as4 = [0xc0, 17, 14, 2, 3, ...u32(1), ...u32(2), ...u32(3)];
    const shortPath = [...ORIGIN_IGP, ...asPath2([2, [65001, 23456]]), ...NEXT_HOP, ...as4];
    expect(decode(updateBody([], shortPath, NLRI_24), TWO).attributes?.asPath).toEqual([65001, 23456]);
    const four = [...ORIGIN_IGP, ...asPath4([2, [65001, 65002, 65003]]), ...NEXT_HOP, ...as4];
    expect(decode(updateBody([], four, NLRI_24), FOUR).attributes?.asPath).toEqual([65001, 65002, 65003]);
  });

  it('uses AS4_AGGREGATOR when AGGREGATOR holds AS_TRANS, and ignores AS4_* otherwise', () => {
    const base = [...ORIGIN_IGP, ...asPath2([2, [65001, 23456]]), ...NEXT_HOP];
    const as4Path = [0xc0, 17, 6, 2, 1, ...u32(4200000001)];
    const as4Agg = [0xc0, 18, 8, ...u32(4200000009), 192, 0, 2, 9];
    const transAgg = [0xc0, 7, 6, ...u16(23456), 192, 0, 2, 9];
    const realAgg = [0xc0, 7, 6, ...u16(65009), 192, 0, 2, 9];
    const a = decode(updateBody([], [...base, ...transAgg, ...as4Path, ...as4Agg], NLRI_24), TWO).attributes!;
    expect([a.aggregator, a.asPath]).toEqual([{ asn: 4200000009, address: '192.0.2.9' }, [65001, 4200000001]]);
    const b = decode(updateBody([], [...base, ...realAgg, ...as4Path, ...as4Agg], NLRI_24), TWO).attributes!;
    expect([b.aggregator, b.asPath]).toEqual([{ asn: 65009, address: '192.0.2.9' }, [65001, 23456]]);
  });

  it('reports End-of-RIB for an empty UPDATE and for a lone empty MP_UNREACH', () => {
    expect(decode(updateBody([], [], [])).eor).toEqual({ afi: 'ipv4', safi: 'unicast' });
    const mpUnreach = [0x80, 15, 3, ...u16(2), 1]; // MP_UNREACH ipv6 unicast, no NLRI
    expect(decode(updateBody([], mpUnreach, [])).eor).toEqual({ afi: 'ipv6', safi: 'unicast' });
  });

  it('decodes MP_REACH IPv6 with global and link-local next hops, and MP_UNREACH', () => {
    const nh = [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 1, 0xfe, 0x80, ...new Array<number>(13).fill(0), 2];
    const mpReach = [...u16(2), 1, 32, ...nh, 0, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1]; // 2001:db8:1::/48
    const mpUnreach = [...u16(2), 1, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0]; // 2001:db8:2::/64
    const attrs = [...ORIGIN_IGP, ...asPath4([2, [65001]]), 0x80, 14, mpReach.length, ...mpReach, 0x80, 15, mpUnreach.length, ...mpUnreach];
    const u = decode(updateBody([], attrs, []));
    expect(u.announced).toEqual([
      { afi: 'ipv6', safi: 'unicast', nextHop: '2001:db8::1', nextHopLinkLocal: 'fe80::2', prefixes: [{ prefix: '2001:db8:1::/48', pathId: null }] },
    ]);
    expect(u.withdrawn[0]!.prefixes).toEqual([{ prefix: '2001:db8:2::/64', pathId: null }]);
  });

  it('names and counts other families without decoding them', () => {
    const mpReach = [...u16(1), 128, 12, ...new Array<number>(8).fill(0), 192, 0, 2, 1, 0]; // ipv4 mpls-vpn, no NLRI
    const u = decode(updateBody([], [...ORIGIN_IGP, ...asPath4([2, [65001]]), 0x80, 14, mpReach.length, ...mpReach], []));
    expect(u.otherFamilies).toEqual(['ipv4 mpls-vpn']);
    expect(u.announced).toEqual([]);
  });

  it('reads ADD-PATH identifiers when negotiated, and guesses them when unknown', () => {
    const nlri = [...u32(1), 24, 203, 0, 113, ...u32(2), 24, 203, 0, 113];
    const attrs = [...ORIGIN_IGP, ...asPath4([2, [65001]]), ...NEXT_HOP];
    const expected = [
      { prefix: '203.0.113.0/24', pathId: 1 },
      { prefix: '203.0.113.0/24', pathId: 2 },
    ];
    expect(decode(updateBody([], attrs, nlri), { fourOctetAsn: true, addPath: () => true }).announced[0]!.prefixes).toEqual(expected);
    expect(decode(updateBody([], attrs, nlri), { fourOctetAsn: true, addPath: () => null }).announced[0]!.prefixes).toEqual(expected);
    expect(decode(updateBody([], attrs, NLRI_24), { fourOctetAsn: true, addPath: () => null }).announced[0]!.prefixes).toEqual([
      { prefix: '203.0.113.0/24', pathId: null },
    ]);
  });
});

describe('RFC 7606 error handling', () => {
  const cases: Array<{ name: string; attrs: number[]; code: string; severity: string; withdraw: boolean }> = [
    { name: 'ORIGIN value 3 (7.1)', attrs: [0x40, 1, 1, 3], code: 'ATTR_BAD_ORIGIN', severity: 'treat-as-withdraw', withdraw: true },
    { name: 'ORIGIN length 2 (7.1)', attrs: [0x40, 1, 2, 0, 0], code: 'ATTR_BAD_ORIGIN', severity: 'treat-as-withdraw', withdraw: true },
    { name: 'AS_PATH zero-length segment (7.2)', attrs: [0x40, 2, 2, 2, 0], code: 'ATTR_BAD_AS_PATH', severity: 'treat-as-withdraw', withdraw: true },
    { name: 'AS_PATH segment type 9 (7.2)', attrs: [0x40, 2, 6, 9, 1, 0, 0, 0, 1], code: 'ATTR_BAD_AS_PATH', severity: 'treat-as-withdraw', withdraw: true },
    { name: 'NEXT_HOP length 5 (7.3)', attrs: [0x40, 3, 5, 1, 2, 3, 4, 5], code: 'ATTR_BAD_NEXT_HOP', severity: 'treat-as-withdraw', withdraw: true },
    { name: 'MED flagged well-known (3c)', attrs: [0x40, 4, 4, 0, 0, 0, 1], code: 'ATTR_BAD_LENGTH', severity: 'treat-as-withdraw', withdraw: true },
    { name: 'COMMUNITIES length 3 (7.8)', attrs: [0xc0, 8, 3, 1, 2, 3], code: 'ATTR_BAD_LENGTH', severity: 'treat-as-withdraw', withdraw: true },
    { name: 'ATOMIC_AGGREGATE length 1 (7.6)', attrs: [0x40, 6, 1, 0], code: 'ATTR_BAD_LENGTH', severity: 'attribute-discard', withdraw: false },
    { name: 'AGGREGATOR length 5 (7.7)', attrs: [0xc0, 7, 5, 0, 1, 1, 2, 3], code: 'ATTR_BAD_LENGTH', severity: 'attribute-discard', withdraw: false },
    { name: 'AS4_PATH malformed (RFC 6793 6)', attrs: [0xc0, 17, 2, 2, 0], code: 'ATTR_BAD_AS4_PATH', severity: 'attribute-discard', withdraw: false },
    { name: 'duplicate MED (3g)', attrs: [0x80, 4, 4, 0, 0, 0, 1, 0x80, 4, 4, 0, 0, 0, 2], code: 'ATTR_DUPLICATE', severity: 'attribute-discard', withdraw: false },
    { name: 'attribute overrunning the block (4)', attrs: [0xc0, 8, 40, 1, 2, 3, 4], code: 'ATTR_OVERRUN', severity: 'treat-as-withdraw', withdraw: true },
  ];

  it.each(cases)('$name -> $code / $severity', ({ attrs, code, severity, withdraw }) => {
    // Valid mandatory attributes, minus the one under test (so it is not a duplicate).
    const good: Record<number, number[]> = { 1: ORIGIN_IGP, 2: asPath4([2, [65001]]), 3: NEXT_HOP };
    delete good[attrs[1]!];
    const all = [...Object.values(good).flat(), ...attrs];
    const u = decode(updateBody([], all, NLRI_24));
    expect(u.issues.map((i) => [i.code, i.severity])).toContainEqual([code, severity]);
    expect(u.treatAsWithdraw).toBe(withdraw);
    expect(u.attributes === null).toBe(withdraw);
    expect(u.announced[0]!.prefixes[0]!.prefix).toBe('203.0.113.0/24');
  });

  it('AS_PATH with the wrong ASN width is parsed with the other width and reported', () => {
    const u = decode(updateBody([], [...ORIGIN_IGP, ...asPath2([2, [65001, 65002, 65003]]), ...NEXT_HOP], NLRI_24), FOUR);
    expect(u.attributes?.asPath).toEqual([65001, 65002, 65003]);
    expect(u.issues.map((i) => i.code)).toEqual(['ATTR_AS_PATH_WIDTH']);
  });

  it('missing NEXT_HOP is reported, the route kept', () => {
    const u = decode(updateBody([], [...ORIGIN_IGP, ...asPath4([2, [65001]])], NLRI_24));
    expect(u.issues.map((i) => i.code)).toEqual(['ATTR_MISSING_MANDATORY']);
    expect(u.attributes?.nextHop).toBeNull();
  });

  it.each([
    ['withdrawn length overrun', [...u16(50), 1, 2], 'UPDATE_BAD_LENGTHS'],
    ['attribute length overrun', [...u16(0), ...u16(99), 1], 'UPDATE_BAD_LENGTHS'],
    ['NLRI prefix length 33', updateBody([], [...ORIGIN_IGP, ...asPath4([2, [1]]), ...NEXT_HOP], [33, 1, 2, 3, 4, 5]), 'UPDATE_BAD_NLRI'],
    ['duplicate MP_REACH', updateBody([], [0x80, 14, 5, 0, 1, 1, 0, 0, 0x80, 14, 5, 0, 1, 1, 0, 0], []), 'ATTR_DUPLICATE_MP'],
  ])('%s costs the message (message-skip)', (_name, body, code) => {
    let err: unknown;
    try {
      decode(body as number[]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect([(err as DecodeError).code, (err as DecodeError).severity]).toEqual([code, 'message-skip']);
  });
});
