/** IPv4/IPv6 prefix arithmetic for matching route events to targets (the RIB's address parsers, as integers). */
import { parseAddressValue } from '../rib/prefix.js';

export interface ParsedPrefix {
  family: 4 | 6;
  /** Network bits as an unsigned integer (host bits cleared). */
  bits: bigint;
  length: number;
}

/** "192.0.2.0/24", "2001:db8::/32" or a bare address (a host prefix); null when malformed. */
export function parsePrefix(text: string): ParsedPrefix | null {
  const t = text.trim();
  const slash = t.indexOf('/');
  const address = parseAddressValue(slash < 0 ? t : t.slice(0, slash));
  if (address === null) return null;
  const max = address.family === 4 ? 32 : 128;
  const len = slash < 0 ? null : t.slice(slash + 1);
  const length = len === null ? max : /^\d{1,3}$/.test(len) ? Number(len) : -1;
  if (length < 0 || length > max) return null;
  const hostBits = BigInt(max - length);
  return { family: address.family, bits: (address.value >> hostBits) << hostBits, length };
}

/** True when `outer` contains `inner` (equal prefixes included). */
export function covers(outer: ParsedPrefix, inner: ParsedPrefix): boolean {
  if (outer.family !== inner.family || outer.length > inner.length) return false;
  const max = outer.family === 4 ? 32 : 128;
  const hostBits = BigInt(max - outer.length);
  return (inner.bits >> hostBits) === (outer.bits >> hostBits);
}

/** One prefix contains the other (a covering aggregate or a more-specific). */
export function overlaps(a: ParsedPrefix, b: ParsedPrefix): boolean {
  return covers(a, b) || covers(b, a);
}
