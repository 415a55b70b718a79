/**
 * NLRI prefix lists (RFC 4271 4.3, RFC 4760 5) with optional ADD-PATH path identifiers
 * (RFC 7911 3: a 4-octet Path Identifier before each prefix).
 */
import type { Reader } from '../reader.js';

export interface Nlri {
  prefix: string;
  pathId: number | null;
}

/**
 * Reads prefixes until r is exhausted. addPath null means "not known" (no Peer Up seen,
 * e.g. gobgpd's Loc-RIB): then guessAddPath() decides from the bytes.
 */
export function readPrefixes(r: Reader, afi: 'ipv4' | 'ipv6', addPath: boolean | null, out: Nlri[]): void {
  const withId = addPath ?? guessAddPath(r.buf, r.position, r.end, afi === 'ipv4' ? 32 : 128);
  while (!r.atEnd()) {
    const pathId = withId ? r.u32() : null;
    out.push({ prefix: r.prefix(afi), pathId });
  }
}

/** Scans an NLRI field without building strings: does it parse exactly, and does it hold a /0? */
function scan(buf: Buffer, start: number, end: number, maxBits: number, withId: boolean): { ok: boolean; zeroLen: boolean } {
  let p = start;
  let zeroLen = false;
  while (p < end) {
    if (withId) p += 4;
    if (p >= end) return { ok: false, zeroLen };
    const bits = buf[p]!;
    if (bits > maxBits) return { ok: false, zeroLen };
    if (bits === 0) zeroLen = true;
    p += 1 + ((bits + 7) >> 3);
  }
  return { ok: p === end, zeroLen };
}

/**
 * ADD-PATH heuristic for sessions whose capabilities are unknown (documented limitation):
 * use path identifiers when the field only parses with them, or when it parses both ways but
 * the plain reading contains a /0 (typical of the zero high octets of a small Path Identifier,
 * and a default route is rare inside a multi-prefix UPDATE).
 */
export function guessAddPath(buf: Buffer, start: number, end: number, maxBits: number): boolean {
  if (start >= end) return false;
  const plain = scan(buf, start, end, maxBits, false);
  const withId = scan(buf, start, end, maxBits, true);
  if (!withId.ok) return false;
  if (!plain.ok) return true;
  return plain.zeroLen && !withId.zeroLen;
}
