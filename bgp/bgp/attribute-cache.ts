/**
 * A per-session cache of decoded path attributes, keyed by the attribute bytes.
 *
 * Routers send the same attributes for many prefixes, often one prefix per UPDATE (a full
 * table in BMP Route Monitoring is 1M+ UPDATEs for a few hundred thousand attribute sets).
 * Decoding an attribute block is deterministic given its bytes and the session's ASN width
 * (RFC 6793), so a block seen before need not be decoded again: its RouteAttributes object
 * is reused (frozen, since it is then shared by the events of many UPDATEs).
 *
 * MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760) carry the NLRI, which differs per UPDATE: they
 * are left out of the key and always decoded (by parseAttributes). Only blocks decoded
 * without any issue are stored (issues carry stream offsets), so a hit yields exactly what a
 * fresh decode would.
 */
import type { RouteAttributes } from '../types.js';
import { ATTR_MP_REACH, ATTR_MP_UNREACH } from './attributes.js';

/** Extended Length flag (RFC 4271 4.3): a 2-octet attribute length. */
const FLAG_EXTENDED = 0x10;

/** What parseAttributes learns from the non-MP attributes of a block. */
export interface CachedAttributes {
  attrs: RouteAttributes;
  hasOrigin: boolean;
  hasAsPath: boolean;
  hasNextHop: boolean;
}


/**
 * The layout of one attribute block found by a walk over its headers: where its MP
 * attributes are, how many attributes it has, and the hash of its key bytes.
 */
export interface BlockScan {
  /** Attributes in the block. */
  count: number;
  /** Start (in the buffer) of the MP_REACH / MP_UNREACH attribute header, or -1. */
  mpReachAt: number;
  mpUnreachAt: number;
  /** Length of the key bytes. */
  keyLength: number;
}

export const DEFAULT_ATTRIBUTE_CACHE_ENTRIES = 65_536;

export class AttributeCache {
  /**
   * Keyed by the key bytes (every attribute but MP_REACH/MP_UNREACH, in order) as a latin1
   * string: V8 builds, hashes and compares such strings natively, faster than a JS byte loop.
   * One map per AS_PATH width.
   */
  private readonly by4 = new Map<string, CachedAttributes>();
  private readonly by2 = new Map<string, CachedAttributes>();
  hits = 0;
  misses = 0;

  /** At most `capacity` blocks are kept; when full the cache starts afresh. */
  constructor(readonly capacity = DEFAULT_ATTRIBUTE_CACHE_ENTRIES) {}

  get size(): number {
    return this.by4.size + this.by2.size;
  }

  /**
   * Walks the attribute headers of buf[start, end). Returns null when the block does not
   * split into whole attributes or repeats an MP attribute: such blocks are never cached
   * (the full decode reports their problems).
   */
  scan(buf: Buffer, start: number, end: number, out: BlockScan): boolean {
    let p = start;
    let count = 0;
    let mpReachAt = -1;
    let mpUnreachAt = -1;
    let keyLength = 0;
    while (p < end) {
      if (end - p < 3) return false;
      const flags = buf[p]!;
      const type = buf[p + 1]!;
      let len: number;
      let hdr: number;
      if ((flags & FLAG_EXTENDED) !== 0) {
        if (end - p < 4) return false;
        len = (buf[p + 2]! << 8) | buf[p + 3]!;
        hdr = 4;
      } else {
        len = buf[p + 2]!;
        hdr = 3;
      }
      const next = p + hdr + len;
      if (next > end) return false;
      count++;
      if (type === ATTR_MP_REACH || type === ATTR_MP_UNREACH) {
        if (type === ATTR_MP_REACH) {
          if (mpReachAt >= 0) return false;
          mpReachAt = p;
        } else {
          if (mpUnreachAt >= 0) return false;
          mpUnreachAt = p;
        }
      } else keyLength += next - p;
      p = next;
    }
    out.count = count;
    out.mpReachAt = mpReachAt;
    out.mpUnreachAt = mpUnreachAt;
    out.keyLength = keyLength;
    return true;
  }

  /** The attributes decoded earlier from the same key bytes with the same ASN width, if any. */
  get(buf: Buffer, start: number, end: number, s: BlockScan, fourOctetAsn: boolean): CachedAttributes | null {
    const v = (fourOctetAsn ? this.by4 : this.by2).get(keyOf(buf, start, end, s));
    if (v === undefined) {
      this.misses++;
      return null;
    }
    this.hits++;
    return v;
  }

  /** Stores a block decoded without issues; its attributes are frozen from now on. */
  set(buf: Buffer, start: number, end: number, s: BlockScan, fourOctetAsn: boolean, value: CachedAttributes): void {
    if (this.size >= this.capacity) {
      this.by4.clear();
      this.by2.clear();
    }
    freezeAttributes(value.attrs);
    (fourOctetAsn ? this.by4 : this.by2).set(keyOf(buf, start, end, s), Object.freeze(value));
  }
}

/** The key bytes of a scanned block as a latin1 string. */
function keyOf(buf: Buffer, start: number, end: number, s: BlockScan): string {
  if (s.mpReachAt < 0 && s.mpUnreachAt < 0) return buf.toString('latin1', start, end);
  const spans = keySpans(buf, start, end, s);
  let key = '';
  for (let i = 0; i < spans; i++) key += buf.toString('latin1', SPANS[2 * i]!, SPANS[2 * i + 1]!);
  return key;
}

function attributeEnd(buf: Buffer, p: number): number {
  const flags = buf[p]!;
  return (flags & FLAG_EXTENDED) !== 0 ? p + 4 + ((buf[p + 2]! << 8) | buf[p + 3]!) : p + 3 + buf[p + 2]!;
}

/** Spans [from, to) of key bytes (the block minus its MP attributes), as pairs; at most 3. */
const SPANS = new Int32Array(6);

/** Fills SPANS for a scanned block; returns the number of spans. */
function keySpans(buf: Buffer, start: number, end: number, s: BlockScan): number {
  const reachFirst = s.mpReachAt < s.mpUnreachAt;
  const first = reachFirst ? s.mpReachAt : s.mpUnreachAt;
  const second = reachFirst ? s.mpUnreachAt : s.mpReachAt;
  let n = 0;
  let from = start;
  if (first >= 0) {
    if (first > from) (SPANS[n++] = from), (SPANS[n++] = first);
    from = attributeEnd(buf, first);
  }
  if (second >= 0) {
    if (second > from) (SPANS[n++] = from), (SPANS[n++] = second);
    from = attributeEnd(buf, second);
  }
  if (end > from) (SPANS[n++] = from), (SPANS[n++] = end);
  return n >> 1;
}

/** Freezes the attributes and every array or object inside (they are shared from now on). */
function freezeAttributes(a: RouteAttributes): void {
  for (const v of Object.values(a)) {
    if (Array.isArray(v)) {
      for (const e of v) if (Array.isArray(e)) Object.freeze(e);
      Object.freeze(v);
    } else if (v !== null && typeof v === 'object') Object.freeze(v);
  }
  Object.freeze(a);
}
