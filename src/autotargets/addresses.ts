/**
 * Addresses inside a prefix: containment, host offsets, and the ordered, de-duplicated list
 * of candidate addresses to try (hints first, then host offsets). Pure; BigInt arithmetic
 * so IPv4 and IPv6 share one path.
 */
import { formatIpv4, formatIpv6Hex, parseIpv4, parseIpv6Hex } from '../rib/prefix.js';

export interface PrefixSpan {
  family: 4 | 6;
  bits: 32 | 128;
  length: number;
  first: bigint;
  last: bigint;
}

function addressValue(address: string): { family: 4 | 6; value: bigint } | null {
  if (address.includes(':')) {
    const hex = parseIpv6Hex(address);
    return hex === null ? null : { family: 6, value: BigInt(`0x${hex}`) };
  }
  const v = parseIpv4(address);
  return v < 0 ? null : { family: 4, value: BigInt(v) };
}

function addressText(family: 4 | 6, value: bigint): string {
  return family === 4 ? formatIpv4(Number(value)) : formatIpv6Hex(value.toString(16).padStart(32, '0'));
}

/** The first and last address of "a.b.c.d/len" or "x::/len"; null when it is not a prefix. */
export function prefixSpan(prefix: string): PrefixSpan | null {
  const slash = prefix.indexOf('/');
  if (slash <= 0 || !/^\d{1,3}$/.test(prefix.slice(slash + 1))) return null;
  const a = addressValue(prefix.slice(0, slash));
  const length = Number(prefix.slice(slash + 1));
  if (a === null) return null;
  const bits = a.family === 4 ? 32 : 128;
  if (length > bits) return null;
  const host = (1n << BigInt(bits - length)) - 1n;
  const first = a.value & ~host & ((1n << BigInt(bits)) - 1n);
  return { family: a.family, bits, length, first, last: first | host };
}

/** Whether the address lies inside the prefix (same family). */
export function contains(prefix: string, address: string): boolean {
  const span = prefixSpan(prefix);
  const a = addressValue(address);
  return span !== null && a !== null && a.family === span.family && a.value >= span.first && a.value <= span.last;
}

/**
 * The address at a host offset: 1 = first after the network address, -1 = the last one
 * (IPv4 broadcast), -2 = the one before it. Null when outside the prefix, or when it would
 * be the network address or the IPv4 broadcast of a prefix with room for hosts.
 */
export function hostAt(span: PrefixSpan, offset: number): string | null {
  const size = span.last - span.first + 1n;
  const value = offset >= 0 ? span.first + BigInt(offset) : span.last + 1n + BigInt(offset);
  if (value < span.first || value > span.last) return null;
  // /31, /32, /127, /128: every address is a host (RFC 3021 for /31).
  if (size > 2n && (value === span.first || (span.family === 4 && value === span.last))) return null;
  return addressText(span.family, value);
}

/**
 * Candidate addresses of a prefix in the order to try: the given hints (only those inside
 * the prefix), then the host offsets; de-duplicated, at most `max`. A prefix of one or two
 * addresses contributes those.
 */
export function candidateAddresses(prefix: string, hints: readonly string[], offsets: readonly number[], max: number): string[] {
  const span = prefixSpan(prefix);
  if (span === null) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (a: string | null) => {
    if (a === null || out.length >= max) return;
    const canonical = addressValue(a);
    if (canonical === null || canonical.family !== span.family || canonical.value < span.first || canonical.value > span.last) return;
    const text = addressText(span.family, canonical.value);
    if (seen.has(text)) return;
    seen.add(text);
    out.push(text);
  };
  for (const h of hints) add(h);
  const size = span.last - span.first + 1n;
  if (size <= 2n) for (let v = span.first; v <= span.last; v++) add(addressText(span.family, v));
  for (const o of offsets) add(hostAt(span, o));
  return out;
}
