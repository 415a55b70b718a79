/** IPv4/IPv6 prefix arithmetic for matching route events to targets (the RIB's address parsers, as integers). */
import { ipv4Mask, parseAddressValue, parsePrefix as parseRibPrefix } from '../rib/prefix.js';

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

/**
 * "Does this prefix overlap one of `watched`?", asked of many prefixes (the route changes of a
 * correlation window): IPv4 prefixes are compared as 32-bit numbers (matchesIpv4, for a caller
 * that keeps them parsed; matches reads texts with the RIB's one-pass parser), others through
 * parsePrefix and overlaps.
 */
export class PrefixMatcher {
  private readonly v4nets: number[] = [];
  private readonly v4lengths: number[] = [];
  private readonly v6: ParsedPrefix[];
  /**
   * The first octets a prefix of length >= 8 must have to overlap a watched IPv4 prefix (1: one
   * may), so that most prefixes of a table are turned down by one lookup.
   */
  private readonly firstOctets = new Uint8Array(256);

  constructor(watched: readonly ParsedPrefix[]) {
    for (const w of watched) {
      if (w.family !== 4) continue;
      const net = Number(w.bits) | 0;
      this.v4nets.push(net);
      this.v4lengths.push(w.length);
      const first = net >>> 24;
      this.firstOctets.fill(1, first, first + 2 ** Math.max(0, 8 - w.length));
    }
    this.v6 = watched.filter((w) => w.family === 6);
  }

  /** Can a prefix other than IPv4 match (some watched prefix is IPv6)? */
  get hasOthers(): boolean {
    return this.v6.length > 0;
  }

  /** An IPv4 prefix given as the RIB's key (the masked network as an int32) and its length. */
  matchesIpv4(key: number, length: number): boolean {
    if (length >= 8 && this.firstOctets[key >>> 24] === 0) return false;
    for (let i = 0; i < this.v4nets.length; i++) {
      const mask = ipv4Mask(Math.min(this.v4lengths[i]!, length));
      if ((key & mask) === (this.v4nets[i]! & mask)) return true;
    }
    return false;
  }

  /** A parsed prefix of any family. */
  matchesParsed(p: ParsedPrefix): boolean {
    if (p.family === 4) return this.matchesIpv4(Number(p.bits) | 0, p.length);
    return this.v6.some((w) => overlaps(w, p));
  }

  matches(prefix: string): boolean {
    const v4 = ipv4PrefixKey(prefix);
    if (v4 !== null) return this.matchesIpv4(v4.key, v4.length);
    const parsed = parsePrefix(prefix);
    return parsed !== null && this.matchesParsed(parsed);
  }
}

/** An IPv4 prefix text as the RIB's key (masked network as an int32) and length, or null (not IPv4, or not a prefix). */
export function ipv4PrefixKey(prefix: string): { key: number; length: number } | null {
  if (prefix.indexOf(':') >= 0) return null;
  const p = parseRibPrefix(prefix);
  // The RIB's own result (no second object: this runs once per route change).
  return p === null || p.afi !== 'ipv4' ? null : (p as { key: number; length: number });
}
