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
import { dataViewOf, LastView } from '../reader.js';
import type { RouteAttributes } from '../types.js';

/** MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760), as in ./attributes.ts (local: this is the hot loop). */
const ATTR_MP_REACH = 14;
const ATTR_MP_UNREACH = 15;

/** Extended Length flag (RFC 4271 4.3): a 2-octet attribute length. */
const FLAG_EXTENDED = 0x10;

/**
 * What the decoder learned of a cached block besides its attributes, as bits (the RFC 7606 3d
 * checks need them): ORIGIN, AS_PATH and NEXT_HOP present.
 */
export const HAS_ORIGIN = 1;
export const HAS_AS_PATH = 2;
export const HAS_NEXT_HOP = 4;

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

/**
 * Blocks kept per session by default (bmp.attributeCacheBlocks). A full table from a transit
 * router can carry a few hundred thousand distinct blocks: past the bound the cache starts
 * afresh, and a table with one block per three prefixes finds 16 % of its blocks decoded before
 * (bench/bmp-decode.ts with 200,000 attribute sets; 56 % with 262,144 kept). Each kept block
 * costs about 300 bytes (its attribute object and key bytes), so the default keeps memory for
 * the RIB; the table of slots and the arena grow as blocks come, so a session with few blocks
 * stays small.
 */
export const DEFAULT_ATTRIBUTE_CACHE_ENTRIES = 65_536;
/** Key bytes kept at most (the arena); when full the cache starts afresh. */
const ARENA_BYTES = 32 * 1024 * 1024;
/** Slots of a new (or emptied) table; it doubles whenever it is half full. */
const INITIAL_SLOTS = 4096;

export class AttributeCache {
  /**
   * An open-addressing hash table (linear probing) keyed by the key bytes (every attribute
   * but MP_REACH/MP_UNREACH, in order) and the AS_PATH width. The key bytes are copied into
   * one arena and compared on a hash match, four octets at a time; no string or Buffer is made
   * per lookup (building a latin1 key string per UPDATE cost twice as much, measured by
   * bench/bmp-decode.ts). A slot is 4 int32s: hash, entry index + 1 (0: empty), arena
   * offset, key length * 8 + ASN width, so a probe reads one cache line before the key bytes.
   */
  private slots: Int32Array;
  private mask: number;
  /** Per entry: the decoded attributes (frozen) and their HAS_* bits. */
  private values: RouteAttributes[] = [];
  private flags = new Uint8Array(INITIAL_SLOTS);
  private arena: Buffer;
  private arenaView: DataView;
  private arenaUsed = 0;
  /** A view of the buffer last looked up in. */
  private readonly views = new LastView();
  /** Blocks found decoded (a decode saved). */
  hits = 0;
  /** Blocks decoded: not found, or new to the cache (a message can count one of each: see fast-route-monitoring.ts). */
  misses = 0;

  /** At most `capacity` blocks are kept; when full the cache starts afresh. */
  constructor(readonly capacity = DEFAULT_ATTRIBUTE_CACHE_ENTRIES) {
    this.slots = new Int32Array(INITIAL_SLOTS * 4);
    this.mask = INITIAL_SLOTS - 1;
    this.arena = Buffer.allocUnsafe(Math.min(ARENA_BYTES, 1 << 16));
    this.arenaView = dataViewOf(this.arena);
  }

  /** Slots in the table now (it grows with the blocks kept). */
  get slotCount(): number {
    return this.mask + 1;
  }

  /** Twice the slots, every entry placed again by its stored hash (no key bytes read). */
  private grow(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    const slots = new Int32Array(size * 4);
    const mask = size - 1;
    for (let q = 0; q < old.length; q += 4) {
      if (old[q + 1] === 0) continue;
      let x = old[q]! & mask;
      while (slots[(x << 2) + 1] !== 0) x = (x + 1) & mask;
      slots.set(old.subarray(q, q + 4), x << 2);
    }
    this.slots = slots;
    this.mask = mask;
  }

  get size(): number {
    return this.values.length;
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

  /** The entry decoded earlier from the same key bytes with the same ASN width, or -1 (counted). */
  get(buf: Buffer, start: number, end: number, s: BlockScan, fourOctetAsn: boolean): number {
    const i = this.lookup(buf, start, end, s, fourOctetAsn);
    if (i < 0) this.misses++;
    else this.hits++;
    return i;
  }

  /** As get(), without counting (for a caller that may retry through get()). */
  lookup(buf: Buffer, start: number, end: number, s: BlockScan, fourOctetAsn: boolean): number {
    const spans = keySpans(buf, start, end, s);
    const width = fourOctetAsn ? 4 : 2;
    const view = this.views.of(buf);
    const h = hashSpans(view, buf, spans, width);
    const slots = this.slots;
    const mask = this.mask;
    const lw = s.keyLength * 8 + width;
    for (let x = h & mask; ; x = (x + 1) & mask) {
      const q = x << 2;
      const i = slots[q + 1]!;
      if (i === 0) return -1;
      if (slots[q] === h && slots[q + 3] === lw && this.sameKey(view, buf, spans, slots[q + 2]!)) return i - 1;
    }
  }

  /** The attributes of entry i (from get() or lookup()); frozen, shared by every UPDATE of the block. */
  attributes(i: number): RouteAttributes {
    return this.values[i]!;
  }

  /** The HAS_* bits of entry i. */
  has(i: number): number {
    return this.flags[i]!;
  }

  /** Stores a block decoded without issues (its attributes are frozen from now on); its entry. */
  set(buf: Buffer, start: number, end: number, s: BlockScan, fourOctetAsn: boolean, attrs: RouteAttributes, has: number): number {
    if (s.keyLength > ARENA_BYTES) return -1;
    if (this.size >= this.capacity || this.arenaUsed + s.keyLength > ARENA_BYTES) this.clear();
    freezeAttributes(attrs);
    const spans = keySpans(buf, start, end, s);
    const width = fourOctetAsn ? 4 : 2;
    const h = hashSpans(this.views.of(buf), buf, spans, width);
    if (this.arenaUsed + s.keyLength > this.arena.length) {
      let n = this.arena.length;
      while (n < this.arenaUsed + s.keyLength) n *= 2;
      const next = Buffer.allocUnsafe(Math.min(n, ARENA_BYTES));
      this.arena.copy(next, 0, 0, this.arenaUsed);
      this.arena = next;
      this.arenaView = dataViewOf(next);
    }
    const at = this.arenaUsed;
    const arena = this.arena;
    let w = at;
    // Byte by byte: a key is tens of octets, shorter than what a native copy call costs.
    for (let k = 0; k < spans; k++) {
      const to = SPANS[2 * k + 1]!;
      for (let p = SPANS[2 * k]!; p < to; p++) arena[w++] = buf[p]!;
    }
    this.arenaUsed = w;
    const entry = this.values.length;
    this.values.push(attrs);
    if (entry >= this.flags.length) {
      const flags = new Uint8Array(this.flags.length * 2);
      flags.set(this.flags);
      this.flags = flags;
    }
    this.flags[entry] = has;
    if (this.values.length * 2 > this.mask + 1) this.grow();
    const slots = this.slots;
    let x = h & this.mask;
    while (slots[(x << 2) + 1] !== 0) x = (x + 1) & this.mask;
    const q = x << 2;
    slots[q] = h;
    slots[q + 1] = entry + 1;
    slots[q + 2] = at;
    slots[q + 3] = s.keyLength * 8 + width;
    return entry;
  }

  private clear(): void {
    this.slots = new Int32Array(INITIAL_SLOTS * 4);
    this.mask = INITIAL_SLOTS - 1;
    this.values = [];
    this.arenaUsed = 0;
  }

  /** Do the key bytes of the spans equal the arena bytes at `at`? Four octets at a time, then the rest. */
  private sameKey(view: DataView, buf: Buffer, spans: number, at: number): boolean {
    const a = this.arenaView;
    const ab = this.arena;
    let q = at;
    for (let k = 0; k < spans; k++) {
      const to = SPANS[2 * k + 1]!;
      let p = SPANS[2 * k]!;
      for (; p + 4 <= to; p += 4, q += 4) if (view.getInt32(p) !== a.getInt32(q)) return false;
      for (; p < to; p++, q++) if (buf[p] !== ab[q]) return false;
    }
    return true;
  }
}

/** The hash lookup() and set() give the key bytes of a scanned block (exported for tests). */
export function keyHash(buf: Buffer, start: number, end: number, s: BlockScan, fourOctetAsn: boolean): number {
  return hashSpans(dataViewOf(buf), buf, keySpans(buf, start, end, s), fourOctetAsn ? 4 : 2);
}

/**
 * A 32-bit hash of the key bytes (the spans, in order) and the ASN width: two multiply-xor
 * lanes over 32-bit words (independent, so they overlap in the CPU; about twice as fast as one
 * lane reading bytes, measured), then a final mix of both.
 */
function hashSpans(view: DataView, buf: Buffer, spans: number, width: number): number {
  let a = 0x811c9dc5 ^ width;
  let b = 0x2545f491;
  for (let k = 0; k < spans; k++) {
    const e = SPANS[2 * k + 1]!;
    let i = SPANS[2 * k]!;
    for (; i + 8 <= e; i += 8) {
      a = Math.imul(a ^ view.getInt32(i, true), 0x9e3779b1);
      b = Math.imul(b ^ view.getInt32(i + 4, true), 0x85ebca6b);
    }
    if (i + 4 <= e) {
      a = Math.imul(a ^ view.getInt32(i, true), 0x9e3779b1);
      i += 4;
    }
    for (; i < e; i++) b = Math.imul(b ^ buf[i]!, 16777619);
    a ^= a >>> 15;
  }
  let h = a ^ Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return h ^ (h >>> 15);
}

function attributeEnd(buf: Buffer, p: number): number {
  const flags = buf[p]!;
  return (flags & FLAG_EXTENDED) !== 0 ? p + 4 + ((buf[p + 2]! << 8) | buf[p + 3]!) : p + 3 + buf[p + 2]!;
}

/** Spans [from, to) of key bytes (the block minus its MP attributes), as pairs; at most 3. */
const SPANS = new Int32Array(6);

/** Fills SPANS for a scanned block; returns the number of spans. */
function keySpans(buf: Buffer, start: number, end: number, s: BlockScan): number {
  if (s.mpReachAt < 0 && s.mpUnreachAt < 0) {
    SPANS[0] = start;
    SPANS[1] = end;
    return 1;
  }
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

/**
 * Freezes the attributes and every array or object inside (they are shared from now on). The
 * fields are named rather than walked with Object.values (half the cost, measured; this runs
 * once per new block, a tenth of a full table's UPDATEs).
 */
function freezeAttributes(a: RouteAttributes): void {
  freezePath(a.asPath);
  if (a.confedPath !== undefined) freezePath(a.confedPath);
  Object.freeze(a.communities);
  Object.freeze(a.largeCommunities);
  Object.freeze(a.extCommunities);
  if (a.aggregator != null) Object.freeze(a.aggregator);
  if (a.clusterList !== undefined) Object.freeze(a.clusterList);
  if (a.unknownAttributes !== undefined) Object.freeze(a.unknownAttributes);
  Object.freeze(a);
}

function freezePath(path: RouteAttributes['asPath']): void {
  for (let i = 0; i < path.length; i++) {
    const e = path[i];
    if (Array.isArray(e)) Object.freeze(e);
  }
  Object.freeze(path);
}
