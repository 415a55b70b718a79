/**
 * Compact prefix keys for the RIB's per-length maps, and their textual forms.
 *
 * IPv4: the masked network as an int32 (a V8 small integer: no heap allocation per key).
 * IPv6: the first ceil(len/4) hex nibbles of the masked network (a short one-byte string).
 * Hand-rolled parsing: this is on the insert and lookup hot paths.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedPrefix {
  afi: IpFamily;
  length: number;
  /** int32 masked network (IPv4) or nibble string (IPv6). */
  key: number | string;
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

/** IPv6 text (with ::, embedded IPv4) -> 32 lowercase hex nibbles, or null. */
export function parseIpv6Hex(text: string): string | null {
  const dbl = text.indexOf('::');
  if (dbl >= 0 && text.indexOf('::', dbl + 1) >= 0) return null;
  const head: number[] = [];
  const tail: number[] = [];
  if (dbl >= 0) {
    if (!parseGroups(text.slice(0, dbl), head, false) || !parseGroups(text.slice(dbl + 2), tail, true)) return null;
    if (head.length + tail.length > 7) return null;
  } else {
    if (!parseGroups(text, head, true) || head.length !== 8) return null;
  }
  let hex = '';
  for (const g of head) hex += hex4(g);
  for (let i = head.length + tail.length; i < 8; i++) hex += '0000';
  for (const g of tail) hex += hex4(g);
  return hex;
}

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function hex4(group: number): string {
  return group.toString(16).padStart(4, '0');
}

function parseGroups(part: string, out: number[], allowV4Tail: boolean): boolean {
  if (part === '') return true;
  const items = part.split(':');
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    if (allowV4Tail && i === items.length - 1 && item.indexOf('.') >= 0) {
      const v4 = parseIpv4(item);
      if (v4 < 0) return false;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (HEX_GROUP.test(item)) {
      out.push(parseInt(item, 16));
    } else {
      return false;
    }
  }
  return true;
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
  const slash = text.indexOf('/');
  if (slash <= 0) return null;
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) return null;
  const length = Number(lenText);
  if (text.indexOf(':') < 0) {
    const addr = parseIpv4(text, 0, slash);
    if (addr < 0 || length > 32) return null;
    return { afi: 'ipv4', length, key: addr & ipv4Mask(length) };
  }
  const hex = parseIpv6Hex(text.slice(0, slash));
  if (hex === null || length > 128) return null;
  return { afi: 'ipv6', length, key: ipv6KeyOf(hex, length) };
}

export function formatIpv4(value: number): string {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** 32 hex nibbles -> RFC 5952 text (lowercase, longest zero run of 2+ groups compressed). */
export function formatIpv6Hex(hex: string): string {
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

export function formatPrefix(afi: IpFamily, key: number | string, length: number): string {
  if (afi === 'ipv4') return `${formatIpv4(key as number)}/${length}`;
  return `${formatIpv6Hex((key as string).padEnd(32, '0'))}/${length}`;
}
