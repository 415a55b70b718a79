/**
 * AS_PATH / AS4_PATH segments (RFC 4271 4.3, RFC 5065 3 confederations, RFC 6793 4.2.3 merge).
 */
import type { AsPathElement } from '../types.js';

export const AS_SET = 1;
export const AS_SEQUENCE = 2;
export const AS_CONFED_SEQUENCE = 3;
export const AS_CONFED_SET = 4;
export const AS_TRANS = 23456;

export interface AsSegment {
  type: number;
  asns: number[];
}

/**
 * Parses segments with ASNs of `width` octets (2 or 4). Returns null when malformed
 * (RFC 7606 7.2: unknown segment type, zero segment length, or overrun/underrun).
 */
export function parseAsSegments(v: Buffer, width: 2 | 4, start = 0, end = v.length): AsSegment[] | null {
  const out: AsSegment[] = [];
  let p = start;
  while (p < end) {
    if (p + 2 > end) return null;
    const type = v[p]!;
    const count = v[p + 1]!;
    if (type < AS_SET || type > AS_CONFED_SET || count === 0) return null;
    p += 2;
    if (p + count * width > end) return null;
    const asns: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++, p += width) {
      asns[i] = width === 4 ? v.readUInt32BE(p) : (v[p]! << 8) | v[p + 1]!;
    }
    out.push({ type, asns });
  }
  return out;
}

/** Path length as counted by RFC 4271 9.1.2.2 / RFC 6793 4.2.3: a set counts 1, confed segments 0. */
export function countAses(segs: AsSegment[]): number {
  let n = 0;
  for (const s of segs) {
    if (s.type === AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AS_SET) n += 1;
  }
  return n;
}

/**
 * RFC 6793 4.2.3: rebuild the path from a 2-octet AS_PATH and an AS4_PATH. If AS_PATH holds
 * fewer ASes than AS4_PATH, AS4_PATH is ignored; otherwise the leading (n - n4) ASes of
 * AS_PATH are kept and AS4_PATH appended. Confederation segments found in AS4_PATH are
 * dropped (RFC 6793 6).
 */
export function mergeAs4Path(asPath: AsSegment[], as4Path: AsSegment[]): AsSegment[] {
  const as4 = as4Path.filter((s) => s.type === AS_SEQUENCE || s.type === AS_SET);
  const n = countAses(asPath);
  const n4 = countAses(as4);
  if (n < n4) return asPath;
  let keep = n - n4;
  const out: AsSegment[] = [];
  for (const s of asPath) {
    if (s.type === AS_CONFED_SEQUENCE || s.type === AS_CONFED_SET) {
      out.push(s);
    } else if (keep > 0 && s.type === AS_SET) {
      out.push(s);
      keep -= 1;
    } else if (keep > 0) {
      const take = Math.min(keep, s.asns.length);
      out.push({ type: s.type, asns: s.asns.slice(0, take) });
      keep -= take;
    }
  }
  return out.concat(as4);
}

/** Splits segments into the RouteAttributes form: asPath (sets nested) and confedPath. */
export function segmentsToElements(segs: AsSegment[]): { asPath: AsPathElement[]; confedPath: AsPathElement[] | null } {
  if (segs.length === 1 && segs[0]!.type === AS_SEQUENCE) return { asPath: segs[0]!.asns, confedPath: null };
  const asPath: AsPathElement[] = [];
  let confed: AsPathElement[] | null = null;
  for (const s of segs) {
    if (s.type === AS_SEQUENCE) for (const a of s.asns) asPath.push(a);
    else if (s.type === AS_SET) asPath.push(s.asns);
    else {
      confed ??= [];
      if (s.type === AS_CONFED_SEQUENCE) for (const a of s.asns) confed.push(a);
      else confed.push(s.asns);
    }
  }
  return { asPath, confedPath: confed };
}
