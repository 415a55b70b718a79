/**
 * Compact prefix keys for the RIB's per-length maps, and their textual forms.
 *
 * IPv4: the masked network as an int32 (a V8 small integer: no heap allocation per key).
 * IPv6: the first ceil(len/4) hex nibbles of the masked network (a short one-byte string).
 * Hand-rolled parsing: this is on the insert and lookup hot paths.
 */

import { longestZeroRun } from '../../bgp/reader.js';

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedPrefix {
  afi: IpFamily;
  length: number;
  /** int32 masked network (IPv4) or nibble string (IPv6). */
  key: number | string;
  /** The text was already what formatPrefix writes for it (IPv4 without leading zeros or host bits). */
  canonical: boolean;
}

/** Dotted quad -> uint32, or -1 when not a valid IPv4 address. */
export function parseIpv4(text: string, start = 0, end = text.length): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

/** The groups of the last IPv6 address parsed by parseIpv6Groups. */
const GROUPS = new Uint16Array(8);
/** Groups after the "::" while parsing, moved to the end of GROUPS once counted. */
const TAIL = new Uint16Array(8);

const NOT_IPV6 = -1;
/**
 * Valid, and written as formatIpv6Hex writes it (RFC 5952: lowercase, no leading zeros, longest
 * zero run as "::"; an IPv4-mapped address as "::ffff:" and a dotted quad, RFC 5952 5).
 */
const IPV6_CANONICAL = 1;
const IPV6_OTHER = 0;

/**
 * IPv6 text s[start, end) -> GROUPS, in one pass: hex groups of 1-4 digits, at most one "::"
 * standing for at least one group, a dotted IPv4 tail only as the last item and not before the
 * "::". Returns NOT_IPV6, IPV6_OTHER, or IPV6_CANONICAL.
 */
function parseIpv6Groups(s: string, start: number, end: number): number {
  let head = 0; // groups before "::" (all of them without one)
  let tail = 0; // groups after it
  let compressed = false;
  let plain = true; // hex groups lowercase, without leading zeros
  let dotted = 0; // 0: no IPv4 tail; 1: one written without leading zeros; 2: one with
  let i = start;
  if (i < end && s.charCodeAt(i) === 58 /* : */) {
    if (i + 1 >= end || s.charCodeAt(i + 1) !== 58) return NOT_IPV6;
    compressed = true;
    i += 2;
  }
  while (i < end) {
    // One item: hex digits up to ':' or the end, or a dotted IPv4 address as the last item.
    let value = 0;
    let digits = 0;
    let j = i;
    for (; j < end; j++) {
      const c = s.charCodeAt(j);
      let d: number;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (c >= 97 && c <= 102) d = c - 87;
      else if (c >= 65 && c <= 70) {
        d = c - 55;
        plain = false;
      } else break;
      value = value * 16 + d;
      digits++;
    }
    if (j < end && s.charCodeAt(j) === 46 /* . */) {
      // An IPv4 tail: the rest of the text, after the "::" if there is one, two groups.
      const v4 = compressed || head + tail === 6 ? parseIpv4(s, i, end) : -1;
      if (v4 < 0 || (!compressed && head !== 6)) return NOT_IPV6;
      dotted = dottedPlain(s, i, end) ? 1 : 2;
      if (compressed) {
        if (tail > 6) return NOT_IPV6;
        TAIL[tail++] = Math.floor(v4 / 65536);
        TAIL[tail++] = v4 % 65536;
      } else {
        GROUPS[head++] = Math.floor(v4 / 65536);
        GROUPS[head++] = v4 % 65536;
      }
      i = end;
      break;
    }
    if (digits < 1 || digits > 4) return NOT_IPV6;
    if (digits > 1 && s.charCodeAt(i) === 48) plain = false;
    if (compressed) {
      if (tail >= 7) return NOT_IPV6;
      TAIL[tail++] = value;
    } else {
      if (head >= 8) return NOT_IPV6;
      GROUPS[head++] = value;
    }
    if (j === end) {
      i = end;
      break;
    }
    // A ':' follows: "::" (once, at most), or a single ':' with an item after it.
    if (j + 1 < end && s.charCodeAt(j + 1) === 58) {
      if (compressed) return NOT_IPV6;
      compressed = true;
      i = j + 2;
    } else {
      if (j + 1 >= end) return NOT_IPV6;
      i = j + 1;
    }
  }
  if (compressed) {
    if (head + tail > 7) return NOT_IPV6;
    for (let k = head; k < 8 - tail; k++) GROUPS[k] = 0;
    for (let k = 0; k < tail; k++) GROUPS[8 - tail + k] = TAIL[k]!;
  } else if (head !== 8) return NOT_IPV6;
  if (!plain) return IPV6_OTHER;
  // IPv4-mapped: canonical only as "::ffff:a.b.c.d"; any other address only without a dotted tail.
  if (isMapped()) return compressed && head === 0 && tail === 3 && dotted === 1 ? IPV6_CANONICAL : IPV6_OTHER;
  if (dotted !== 0) return IPV6_OTHER;
  // The "::" must stand exactly for the run formatIpv6Hex would compress.
  const run = longestZeroRun(GROUPS);
  if (run.length === 0) return compressed ? IPV6_OTHER : IPV6_CANONICAL;
  return compressed && head === run.start && 8 - head - tail === run.length ? IPV6_CANONICAL : IPV6_OTHER;
}

/** Are GROUPS an IPv4-mapped address (::ffff:0:0/96, RFC 4291 2.5.5.2)? */
function isMapped(): boolean {
  const g = GROUPS;
  return g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
}

/** Is the dotted quad s[start, end) (valid) written without leading zeros? */
function dottedPlain(s: string, start: number, end: number): boolean {
  for (let i = start; i + 1 < end; i++) {
    const c = s.charCodeAt(i + 1);
    if (s.charCodeAt(i) === 48 && (i === start || s.charCodeAt(i - 1) === 46) && c >= 48 && c <= 57) return false;
  }
  return true;
}

const NIBBLES = '0123456789abcdef';

/** The first `count` nibbles of GROUPS as lowercase hex. */
function groupNibbles(count: number): string {
  let out = '';
  for (let k = 0; k < count; k++) out += NIBBLES[(GROUPS[k >> 2]! >> (12 - 4 * (k & 3))) & 15]!;
  return out;
}

/** IPv6 text (with ::, embedded IPv4) -> 32 lowercase hex nibbles, or null. */
export function parseIpv6Hex(text: string): string | null {
  return parseIpv6Groups(text, 0, text.length) === NOT_IPV6 ? null : groupNibbles(32);
}

/**
 * An IPv4 or IPv6 address (dotted quad; IPv6 with "::" and an embedded IPv4 tail, any case) as
 * an unsigned integer with its family, or null: for range arithmetic on addresses (which
 * targets a prefix covers), with the RIB's parsers.
 */
export function parseAddressValue(text: string): { family: 4 | 6; value: bigint } | null {
  if (text.indexOf(':') < 0) {
    const v4 = parseIpv4(text);
    return v4 < 0 ? null : { family: 4, value: BigInt(v4) };
  }
  return parseIpv6Groups(text, 0, text.length) === NOT_IPV6 ? null : { family: 6, value: BigInt(`0x${groupNibbles(32)}`) };
}

/** The nibble-string key of the first `length` bits of a 32-nibble address. */
export function ipv6KeyOf(hex: string, length: number): string {
  const nibbles = (length + 3) >> 2;
  const rest = length & 3;
  if (rest === 0) return hex.slice(0, nibbles);
  const last = parseInt(hex.charAt(nibbles - 1), 16) & ((0xf << (4 - rest)) & 0xf);
  return hex.slice(0, nibbles - 1) + last.toString(16);
}

export function ipv4Mask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) | 0;
}

/** "10.0.0.0/8", "2001:db8::/32" -> key; host bits are masked off; null when invalid. */
export function parsePrefix(text: string): ParsedPrefix | null {
  const v4 = parseIpv4Prefix(text);
  if (v4 !== null) return v4;
  const slash = text.indexOf('/');
  if (slash <= 0 || text.indexOf(':') < 0) return null;
  const length = prefixLength(text, slash + 1);
  if (length < 0 || length > 128) return null;
  const form = parseIpv6Groups(text, 0, slash);
  if (form === NOT_IPV6) return null;
  const key = ipv6GroupsKey(length);
  // Canonical: written as formatPrefix writes it, host bits zero, the length without leading zero.
  const canonical = form === IPV6_CANONICAL && hostBitsZero(length) && lengthCanonical(text, slash + 1);
  return { afi: 'ipv6', length, key, canonical };
}

/** ipv6KeyOf(GROUPS as hex, length), without the 32-nibble string. */
function ipv6GroupsKey(length: number): string {
  const nibbles = (length + 3) >> 2;
  const rest = length & 3;
  if (rest === 0) return groupNibbles(nibbles);
  const last = (GROUPS[(nibbles - 1) >> 2]! >> (12 - 4 * ((nibbles - 1) & 3))) & 15 & ((0xf << (4 - rest)) & 0xf);
  return groupNibbles(nibbles - 1) + NIBBLES[last]!;
}

/** Are the bits of GROUPS past `length` all zero? */
function hostBitsZero(length: number): boolean {
  for (let g = 0; g < 8; g++) {
    const bitsBefore = g * 16;
    if (bitsBefore + 16 <= length) continue;
    const keep = Math.max(0, length - bitsBefore);
    const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
    if ((GROUPS[g]! & ~mask & 0xffff) !== 0) return false;
  }
  return true;
}

/**
 * "a.b.c.d/len" in one pass (the commonest prefix of a feed), or null (not IPv4, or invalid:
 * the same texts parseIpv4 and a 1-3 digit length up to 32 accept). It walks the octets as
 * parseIpv4 does, noting leading zeros on the way: calling parseIpv4 and scanning again for
 * them measured 25-40 % slower per prefix.
 */
function parseIpv4Prefix(text: string): ParsedPrefix | null {
  const n = text.length;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  let i = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) leadingZero = true;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else break;
  }
  if (dots !== 3 || digits === 0 || i === n || text.charCodeAt(i) !== 47 /* / */) return null;
  const addr = value * 256 + octet;
  const length = prefixLength(text, i + 1);
  if (length < 0 || length > 32) return null;
  const key = addr & ipv4Mask(length);
  const canonical = !leadingZero && (key >>> 0) === addr && lengthCanonical(text, i + 1);
  return { afi: 'ipv4', length, key, canonical };
}

/** The 1-3 digit prefix length from text[from] to the end, or -1. */
function prefixLength(text: string, from: number): number {
  const digits = text.length - from;
  if (digits < 1 || digits > 3) return -1;
  let length = 0;
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c < 48 || c > 57) return -1;
    length = length * 10 + (c - 48);
  }
  return length;
}

/** The length from text[from] is written as formatPrefix writes it (no leading zero). */
function lengthCanonical(text: string, from: number): boolean {
  return text.length - from === 1 || text.charCodeAt(from) !== 48;
}

export function formatIpv4(value: number): string {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** 32 hex nibbles -> RFC 5952 text (lowercase, longest zero run of 2+ groups compressed, IPv4-mapped with a dotted tail). */
export function formatIpv6Hex(hex: string): string {
  for (let i = 0; i < 8; i++) {
    let g = 0;
    for (let k = 0; k < 4; k++) {
      const c = hex.charCodeAt(i * 4 + k);
      g = g * 16 + (c <= 57 ? c - 48 : (c | 0x20) - 87);
    }
    GROUPS[i] = g;
  }
  return formatGroups();
}

/** GROUPS as RFC 5952 text (as the BMP decoder writes addresses: bgp/reader.ts ipv6Text). */
function formatGroups(): string {
  if (isMapped()) {
    const g = GROUPS;
    return `::ffff:${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
  const run = longestZeroRun(GROUPS);
  const runStart = run.length === 0 ? 8 : run.start;
  const runEnd = run.length === 0 ? 8 : run.start + run.length;
  let out = '';
  for (let i = 0; i < runStart; i++) out += (i === 0 ? '' : ':') + GROUPS[i]!.toString(16);
  if (runStart === 8) return out;
  out += '::';
  for (let i = runEnd; i < 8; i++) out += (i === runEnd ? '' : ':') + GROUPS[i]!.toString(16);
  return out;
}

export function formatPrefix(afi: IpFamily, key: number | string, length: number): string {
  if (afi === 'ipv4') return `${formatIpv4(key as number)}/${length}`;
  return `${formatIpv6Hex((key as string).padEnd(32, '0'))}/${length}`;
}
