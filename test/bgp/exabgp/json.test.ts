import { describe, expect, it } from 'vitest';
import { parseJsonKeepingBigInts, quoteLongIntegers } from '../../../bgp/exabgp/json.js';
import { formatExtendedCommunity } from '../../../bgp/exabgp/ext-community.js';

describe('quoteLongIntegers', () => {
  it.each([
    ['{"v": 18446744073709551615}', '{"v": "18446744073709551615"}'],
    ['[9225060886715039745, 1]', '["9225060886715039745", 1]'],
    ['{"v": -12345678901234567}', '{"v": "-12345678901234567"}'],
    // left alone: short integers, floats, numbers inside strings, exponents
    ['{"t": 1554843223.49206, "n": 100}', '{"t": 1554843223.49206, "n": 100}'],
    ['{"raw": "0001018000000000020180000000"}', '{"raw": "0001018000000000020180000000"}'],
    ['{"x": 1.1234567890123456789}', '{"x": 1.1234567890123456789}'],
    ['{"x": 12345678901234567e3}', '{"x": 12345678901234567e3}'],
    ['{"s": "a\\"18446744073709551615"}', '{"s": "a\\"18446744073709551615"}'],
  ])('%s', (input, expected) => {
    expect(quoteLongIntegers(input)).toBe(expected);
  });

  it('keeps 64-bit values exact where JSON.parse loses them', () => {
    const text = '{"extended-community": [ 18446744073709551615, 9225060886715039745 ]}';
    expect(String((JSON.parse(text) as { 'extended-community': number[] })['extended-community'][1])).not.toBe(
      '9225060886715039745',
    );
    const parsed = parseJsonKeepingBigInts(text) as { 'extended-community': string[] };
    expect(parsed['extended-community']).toEqual(['18446744073709551615', '9225060886715039745']);
  });

  it('escapes raw control bytes inside strings on the retry path (ExaBGP 4.x down reasons)', () => {
    const text = '{"reason": "Unsupported Capability / \u0001\u0004\u0000)"}';
    expect(() => JSON.parse(text)).toThrow();
    expect(parseJsonKeepingBigInts(text)).toEqual({ reason: 'Unsupported Capability / \u0001\u0004\u0000)' });
  });
});

describe('formatExtendedCommunity', () => {
  it.each([
    // RFC 4360 3.1 two-octet AS route target 65000:1
    [0x0002fde800000001n, 'target:65000:1'],
    // value ExaBGP printed as "target:64497:42" in the derived decode fixture
    [839962459111466n, 'target:64497:42'],
    // route origin, two-octet AS (ExaBGP prints the local part as a dotted quad: origin:64497:0.0.0.12)
    [1121437435822092n, 'origin:64497:12'],
    // RFC 4360 3.2 IPv4-address specific route target 192.0.2.1:7
    [0x0102c000020100_07n, 'target:192.0.2.1:7'],
    // RFC 5668 four-octet AS route target 4200000000:5
    [0x0202fa56ea000005n, 'target:4200000000:5'],
    // flow-spec traffic-rate (RFC 8955 7): not decoded, exact hex kept
    [9225060886715039745n, '0x8006000000000001'],
    [18446744073709551615n, '0xffffffffffffffff'],
  ])('%s -> %s', (value, text) => {
    expect(formatExtendedCommunity(value)).toBe(text);
  });
});
