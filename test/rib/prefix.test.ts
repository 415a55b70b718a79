/**
 * The RIB's prefix parser (src/rib/prefix.ts). IPv4 prefixes are read in one hand-written pass
 * that also says whether the text is canonical (what formatPrefix writes), so the RIB can keep
 * the event's own string: checked against the straightforward parser it replaced on fixed and
 * random texts, and `canonical` against formatPrefix itself.
 */
import { describe, expect, it } from 'vitest';
import { ipv6Text } from '../../bgp/reader.js';
import { IPv4, IPv6, Validator } from 'ip-num';
import { formatIpv6Hex, formatPrefix, ipv4Mask, ipv6KeyOf, parseAddressValue, parseIpv4, parseIpv6Hex, parsePrefix } from '../../src/rib/prefix.js';

/** The parser as it was: slice, a regex for the length, parseIpv4. */
function reference(text: string): { length: number; key: number } | null {
  const slash = text.indexOf('/');
  if (slash <= 0 || text.indexOf(':') >= 0) return null;
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return null;
  const length = Number(lenText);
  const addr = parseIpv4(text, 0, slash);
  if (addr < 0 || length > 32) return null;
  return { length, key: addr & ipv4Mask(length) };
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

describe('parsePrefix', () => {
  it('reads IPv4 prefixes as the old parser did, and calls canonical exactly the texts formatPrefix writes', () => {
    const fixed = ['10.0.0.0/8', '0.0.0.0/0', '255.255.255.255/32', '10.0.0.1/8', '010.0.0.0/8', '10.0.0.0/08', '10.0.0.0/008', '1.2.3.0/24', '1.2.3.0/33', '1.2.3/24', '1.2.3.4.5/8', '256.0.0.0/8', '1.2.3.4/', '/8', '1.2.3.4', '', '00.0.0.0/0', '0.0.0.0/00', '1.2.3.4/24 ', ' 1.2.3.4/24', '1..2.3/8', '9.9.9.9/1234'];
    const r = rng(5);
    const pick = (s: string) => s[Math.floor(r() * s.length)]!;
    const random = Array.from({ length: 30_000 }, () => {
      if (r() < 0.2) {
        const length = Math.floor(r() * 33);
        return formatPrefix('ipv4', Math.floor(r() * 2 ** 32) & ipv4Mask(length), length);
      }
      if (r() < 0.5) {
        const oct = () => (r() < 0.1 ? '0' + Math.floor(r() * 99) : String(Math.floor(r() * 300)));
        return `${oct()}.${oct()}.${oct()}.${oct()}/${r() < 0.1 ? '0' : ''}${Math.floor(r() * 40)}`;
      }
      return Array.from({ length: 1 + Math.floor(r() * 19) }, () => pick('0123456789./:ab ')).join('');
    });
    let canonical = 0;
    for (const s of [...fixed, ...random]) {
      const got = parsePrefix(s);
      const want = reference(s);
      if (s.includes(':')) continue; // IPv6: the other parser
      expect([s, got === null ? null : { length: got.length, key: got.key }]).toEqual([s, want]);
      if (got !== null) {
        expect([s, got.canonical]).toEqual([s, formatPrefix('ipv4', got.key, got.length) === s]);
        if (got.canonical) canonical++;
      }
    }
    expect(canonical).toBeGreaterThan(1000);
  });

  it('reads IPv6 addresses and prefixes as the old parser did, and calls canonical exactly the texts formatPrefix writes', () => {
    const fixed = ['2001:db8::/32', '::/0', '::1/128', '1::/16', '::ffff:1.2.3.4/128', '1:2:3:4:5:6:1.2.3.4/128', '1.2.3.4::/8', '2001:DB8::/32', '2001:0db8::/32', '2001:db8:0:0:1::/80', '2001:db8::1:0:0:1/128', '1:0:0:2::/64', '1::2:3:4:5:6:7/128', '1:0:2:3:4:5:6:7/128', '::/00', '::/129', ':::/8', '1::2::3/8', ':1::/8', '1:/8', '1:2:3:4:5:6:7:8/128', '1:2:3:4:5:6:7:8:9/128', '1::2:3:4:5:6:7:8/128', '12345::/8', 'fe80::/10', 'fe80::1/10', '::ffff:1.2.3/96', '::1.2.3.4.5/96', '0:0:0:0:0:0:0:0/0', '::ffff:0.0.0.0/96', '::ffff:192.0.2.0/120', '::FFFF:1.2.3.4/128', '::ffff:01.2.3.4/128', '::ffff:1.2.3.04/128', '::ffff:102:304/128', '0:0:0:0:0:ffff:1.2.3.4/128', '0::ffff:1.2.3.4/128', '::1.2.3.4/128', '64:ff9b::1.2.3.4/128', '::ffff:0:1.2.3.4/128'];
    const r = rng(6);
    const pick = (t: string) => t[Math.floor(r() * t.length)]!;
    const group = () => {
      const v = Math.floor(r() * (r() < 0.4 ? 1 : 65536)).toString(16);
      return r() < 0.1 ? v.padStart(4, '0') : r() < 0.1 ? v.toUpperCase() : v;
    };
    const random = Array.from({ length: 30_000 }, () => {
      const length = Math.floor(r() * 130);
      if (r() < 0.3) {
        const hex = Array.from({ length: 32 }, () => (r() < 0.6 ? '0' : pick('0123456789abcdef'))).join('');
        return `${formatIpv6Hex(ipv6KeyOf(hex, Math.min(length, 128)).padEnd(32, '0'))}/${length}`;
      }
      if (r() < 0.05) {
        // IPv4-mapped, written the canonical way or not.
        const oct = () => (r() < 0.1 ? '0' : '') + Math.floor(r() * 256);
        const v4 = `${oct()}.${oct()}.${oct()}.${oct()}`;
        return `${r() < 0.2 ? '0:0:0:0:0:FFFF:' : '::ffff:'}${v4}/${96 + Math.floor(r() * 33)}`;
      }
      if (r() < 0.6) {
        const groups = Array.from({ length: 8 }, group);
        const at = Math.floor(r() * 8);
        const n = Math.floor(r() * (9 - at));
        const text = r() < 0.5 ? `${groups.slice(0, at).join(':')}::${groups.slice(at + n).join(':')}` : groups.join(':');
        return `${text}/${r() < 0.05 ? '0' : ''}${length}`;
      }
      return Array.from({ length: 1 + Math.floor(r() * 30) }, () => pick('0123456789abcdefABCDEF:.:/')).join('');
    });
    let canonical = 0;
    for (const s of [...fixed, ...random]) {
      const slash = s.indexOf('/');
      const address = slash < 0 ? s : s.slice(0, slash);
      if (address.includes(':')) expect([address, parseIpv6Hex(address)]).toEqual([address, oldParseIpv6Hex(address)]);
      if (!s.includes(':')) continue;
      const got = parsePrefix(s);
      const want = oldParsePrefix6(s);
      expect([s, got === null ? null : { length: got.length, key: got.key }]).toEqual([s, want]);
      if (got !== null) {
        expect([s, got.canonical]).toEqual([s, formatPrefix('ipv6', got.key, got.length) === s]);
        if (got.canonical) canonical++;
      }
    }
    expect(canonical).toBeGreaterThan(3000);
  });

  it('writes IPv6 addresses as the old formatter did (RFC 5952), and as the BMP decoder does, IPv4-mapped ones included', () => {
    const r = rng(7);
    let mapped = 0;
    for (let i = 0; i < 20_000; i++) {
      let hex = Array.from({ length: 32 }, () => (r() < 0.5 ? '0' : '0123456789abcdef'[Math.floor(r() * 16)]!)).join('');
      if (i % 10 === 0) hex = `00000000000000000000ffff${hex.slice(24)}`;
      const text = formatIpv6Hex(hex);
      // The decoder writes what routers send; the RIB must write the same text for it.
      expect([hex, text]).toEqual([hex, ipv6Text(Buffer.from(hex, 'hex'), 0)]);
      // The old formatter wrote IPv4-mapped addresses in hex; RFC 5952 5 recommends the dotted tail.
      if (hex.startsWith('00000000000000000000ffff')) {
        expect(text).toBe(`::ffff:${[...Buffer.from(hex.slice(24), 'hex')].join('.')}`);
        mapped++;
      } else expect([hex, text]).toEqual([hex, oldFormatIpv6Hex(hex)]);
      expect(parseIpv6Hex(text)).toBe(hex);
    }
    expect(mapped).toBeGreaterThan(1000);
  });

  it('reads addresses as integers as ip-num does (parseAddressValue)', () => {
    const r = rng(8);
    const texts = ['0.0.0.0', '255.255.255.255', '1.2.3.4', '::', '::1', '::ffff:1.2.3.4', '2001:DB8::1', '1:2:3:4:5:6:1.2.3.4', '1.2.3', '1::2::3', '', 'x', '::ffff:1.2.3.256'];
    for (let i = 0; i < 5_000; i++) {
      const hex = Array.from({ length: 32 }, () => (r() < 0.5 ? '0' : '0123456789abcdef'[Math.floor(r() * 16)]!)).join('');
      texts.push(formatIpv6Hex(hex), `${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`);
    }
    for (const t of texts) {
      const want = Validator.isValidIPv4String(t)[0]
        ? { family: 4, value: IPv4.fromString(t).getValue() }
        : Validator.isValidIPv6String(t)[0]
          ? { family: 6, value: IPv6.fromString(t).getValue() }
          : null;
      expect([t, parseAddressValue(t)]).toEqual([t, want]);
    }
  });

  it('keeps one text for an IPv4-mapped prefix from the decoder through the RIB', () => {
    expect(formatPrefix('ipv6', parsePrefix('::ffff:102:304/128')!.key, 128)).toBe('::ffff:1.2.3.4/128');
    expect(parsePrefix('::ffff:1.2.3.4/128')!.canonical).toBe(true);
    expect(parsePrefix('::ffff:102:304/128')!.canonical).toBe(false);
    expect(parsePrefix('::ffff:1.2.3.04/128')!.canonical).toBe(false);
    expect(parsePrefix('::1.2.3.4/128')!.canonical).toBe(false); // not mapped: written in hex, ::102:304
    expect(formatPrefix('ipv6', parsePrefix('::1.2.3.4/128')!.key, 128)).toBe('::102:304/128');
  });
});

// ------------------------------------------------------------------ the parsers as they were

function oldParseIpv6Hex(text: string): string | null {
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return null;
  const head: number[] = [];
  const tail: number[] = [];
  if (dbl >= 0) {
    if (!oldGroups(text.slice(0, dbl), head, false) || !oldGroups(text.slice(dbl + 2), tail, true)) return null;
    if (head.length + tail.length > 7) return null;
  } else if (!oldGroups(text, head, true) || head.length !== 8) return null;
  let hex = '';
  for (const g of head) hex += g.toString(16).padStart(4, '0');
  for (let i = head.length + tail.length; i < 8; i++) hex += '0000';
  for (const g of tail) hex += g.toString(16).padStart(4, '0');
  return hex;
}

function oldGroups(part: string, out: number[], allowV4Tail: boolean): boolean {
  if (part === '') return true;
  const items = part.split(':');
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (allowV4Tail && i === items.length - 1 && item.indexOf('.') >= 0) {
      const v4 = parseIpv4(item);
      if (v4 < 0) return false;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) out.push(parseInt(item, 16));
    else return false;
  }
  return true;
}

function oldParsePrefix6(text: string): { length: number; key: string } | null {
  const slash = text.indexOf('/');
  if (slash <= 0) return null;
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return null;
  const length = Number(lenText);
  const hex = oldParseIpv6Hex(text.slice(0, slash));
  if (hex === null || length > 128) return null;
  return { length, key: ipv6KeyOf(hex, length) };
}

function oldFormatIpv6Hex(hex: string): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(parseInt(hex.slice(i * 4, i * 4 + 4), 16));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const text = (from: number, to: number): string => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return text(0, 8);
  return `${text(0, bestStart)}::${text(bestStart + bestLen, 8)}`;
}
