/**
 * Textual form of BGP extended communities (RFC 4360, RFC 5668).
 *
 * ExaBGP prints an extended community as a string ("target:65000:1"), as an object
 * { value, string } (4.x) or as a bare 64-bit integer. Strings are kept as ExaBGP
 * wrote them; bare integers are decoded here: route target / route origin of the
 * three transitive address-specific types, anything else "0x" + 16 hex digits.
 */

import { toBigIntValue } from './json.js';
import { shapeError } from './shape.js';

const SUBTYPE_NAMES: Record<number, string> = { 0x02: 'target', 0x03: 'origin' };

/** RFC 4360 3.1 (two-octet AS), 3.2 (IPv4 address), RFC 5668 3 (four-octet AS); transitive only. */
export function formatExtendedCommunity(value: bigint): string {
  const type = Number((value >> 56n) & 0xffn);
  const name = SUBTYPE_NAMES[Number((value >> 48n) & 0xffn)];
  if (name !== undefined) {
    const low48 = value & 0xffff_ffff_ffffn;
    if (type === 0x00) return `${name}:${Number(low48 >> 32n)}:${Number(low48 & 0xffff_ffffn)}`;
    if (type === 0x02) return `${name}:${Number(low48 >> 16n)}:${Number(low48 & 0xffffn)}`;
    if (type === 0x01) {
      const ip = Number(low48 >> 16n);
      const dotted = `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
      return `${name}:${dotted}:${Number(low48 & 0xffffn)}`;
    }
  }
  return '0x' + value.toString(16).padStart(16, '0');
}

/** One element of ExaBGP's "extended-community" list, as text. */
export function extendedCommunityText(v: unknown, where: string): string {
  if (typeof v === 'string' && !/^\d+$/.test(v)) return v;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    const o = v as { string?: unknown; value?: unknown };
    if (typeof o.string === 'string') return o.string;
    return extendedCommunityText(o.value, where + '.value');
  }
  const n = toBigIntValue(v);
  if (n === null || n > 0xffff_ffff_ffff_ffffn) throw shapeError(where, 'an extended community');
  return formatExtendedCommunity(n);
}
