/**
 * Path attributes of an UPDATE (RFC 4271 4.3 / 5) with the error handling of RFC 7606:
 * each malformed attribute costs what its section 7 entry says (attribute discard or
 * treat-as-withdraw); only MP_REACH/MP_UNREACH problems cost the whole message.
 */
import type { Origin, RouteAttributes } from '../types.js';
import { DecodeError, type DecodeErrorCode, type Severity } from '../errors.js';
import { ipv4Text, ipv6Text, Reader } from '../reader.js';
import { AS_TRANS, mergeAs4Path, parseAsSegments, segmentsToElements, type AsSegment } from './as-path.js';
import { HAS_AS_PATH, HAS_NEXT_HOP, HAS_ORIGIN, type AttributeCache, type BlockScan } from './attribute-cache.js';
import { communitiesText, extCommunitiesText, largeCommunitiesText } from './communities.js';

export const ATTR_ORIGIN = 1;
export const ATTR_AS_PATH = 2;
export const ATTR_NEXT_HOP = 3;
export const ATTR_MED = 4;
export const ATTR_LOCAL_PREF = 5;
export const ATTR_ATOMIC_AGGREGATE = 6;
export const ATTR_AGGREGATOR = 7;
export const ATTR_COMMUNITIES = 8;
export const ATTR_ORIGINATOR_ID = 9;
export const ATTR_CLUSTER_LIST = 10;
export const ATTR_MP_REACH = 14;
export const ATTR_MP_UNREACH = 15;
export const ATTR_EXT_COMMUNITIES = 16;
export const ATTR_AS4_PATH = 17;
export const ATTR_AS4_AGGREGATOR = 18;
export const ATTR_LARGE_COMMUNITY = 32;

const FLAG_OPTIONAL = 0x80;
const FLAG_TRANSITIVE = 0x40;
const FLAG_EXTENDED = 0x10;

/** How an attribute's length is checked: exactly `a`, a non-zero multiple of `a`, at least `a`, `a` or `b`, or anything. */
const EXACT = 0;
const MULTIPLE = 1;
const AT_LEAST = 2;
const EITHER = 3;
const ANY = 4;

interface AttrSpec {
  /** Expected Optional and Transitive flag bits (RFC 7606 3c). */
  flags: number;
  /** Length rule (data, not a function: one monomorphic check for every attribute). */
  len: number;
  a: number;
  b: number;
  /** Cost of a malformed value (RFC 7606 7.x). */
  severity: Severity;
  code: DecodeErrorCode;
}

const WELL_KNOWN = FLAG_TRANSITIVE;
const OPT_TRANS = FLAG_OPTIONAL | FLAG_TRANSITIVE;
const OPT_NON_TRANS = FLAG_OPTIONAL;
const exactly = (a: number) => ({ len: EXACT, a, b: 0 });
const multipleOf = (a: number) => ({ len: MULTIPLE, a, b: 0 });
const atLeast = (a: number) => ({ len: AT_LEAST, a, b: 0 });
const any = { len: ANY, a: 0, b: 0 };

const SPECS: Record<number, AttrSpec> = {
  [ATTR_ORIGIN]: { flags: WELL_KNOWN, ...exactly(1), severity: 'treat-as-withdraw', code: 'ATTR_BAD_ORIGIN' }, // 7.1
  [ATTR_AS_PATH]: { flags: WELL_KNOWN, ...any, severity: 'treat-as-withdraw', code: 'ATTR_BAD_AS_PATH' }, // 7.2
  [ATTR_NEXT_HOP]: { flags: WELL_KNOWN, ...exactly(4), severity: 'treat-as-withdraw', code: 'ATTR_BAD_NEXT_HOP' }, // 7.3
  [ATTR_MED]: { flags: OPT_NON_TRANS, ...exactly(4), severity: 'treat-as-withdraw', code: 'ATTR_BAD_LENGTH' }, // 7.4
  [ATTR_LOCAL_PREF]: { flags: WELL_KNOWN, ...exactly(4), severity: 'treat-as-withdraw', code: 'ATTR_BAD_LENGTH' }, // 7.5
  [ATTR_ATOMIC_AGGREGATE]: { flags: WELL_KNOWN, ...exactly(0), severity: 'attribute-discard', code: 'ATTR_BAD_LENGTH' }, // 7.6
  [ATTR_AGGREGATOR]: { flags: OPT_TRANS, len: EITHER, a: 6, b: 8, severity: 'attribute-discard', code: 'ATTR_BAD_LENGTH' }, // 7.7
  [ATTR_COMMUNITIES]: { flags: OPT_TRANS, ...multipleOf(4), severity: 'treat-as-withdraw', code: 'ATTR_BAD_LENGTH' }, // 7.8
  [ATTR_ORIGINATOR_ID]: { flags: OPT_NON_TRANS, ...exactly(4), severity: 'treat-as-withdraw', code: 'ATTR_BAD_LENGTH' }, // 7.9
  [ATTR_CLUSTER_LIST]: { flags: OPT_NON_TRANS, ...multipleOf(4), severity: 'treat-as-withdraw', code: 'ATTR_BAD_LENGTH' }, // 7.10
  [ATTR_MP_REACH]: { flags: OPT_NON_TRANS, ...atLeast(5), severity: 'message-skip', code: 'ATTR_BAD_MP_REACH' }, // 7.11
  [ATTR_MP_UNREACH]: { flags: OPT_NON_TRANS, ...atLeast(3), severity: 'message-skip', code: 'ATTR_BAD_MP_REACH' }, // 7.11
  [ATTR_EXT_COMMUNITIES]: { flags: OPT_TRANS, ...multipleOf(8), severity: 'treat-as-withdraw', code: 'ATTR_BAD_LENGTH' }, // 7.14
  [ATTR_AS4_PATH]: { flags: OPT_TRANS, ...any, severity: 'attribute-discard', code: 'ATTR_BAD_AS4_PATH' }, // RFC 6793 6
  [ATTR_AS4_AGGREGATOR]: { flags: OPT_TRANS, ...exactly(8), severity: 'attribute-discard', code: 'ATTR_BAD_LENGTH' }, // RFC 6793 6
  [ATTR_LARGE_COMMUNITY]: { flags: OPT_TRANS, ...multipleOf(12), severity: 'treat-as-withdraw', code: 'ATTR_BAD_LENGTH' }, // RFC 8092 6
};

function lengthOk(spec: AttrSpec, n: number): boolean {
  switch (spec.len) {
    case EXACT:
      return n === spec.a;
    case MULTIPLE:
      return n > 0 && n % spec.a === 0;
    case AT_LEAST:
      return n >= spec.a;
    case EITHER:
      return n === spec.a || n === spec.b;
    default:
      return true;
  }
}

export interface MpReach {
  afi: number;
  safi: number;
  nextHop: string | null;
  nextHopLinkLocal: string | null;
  /** Reader over the NLRI field (decoded by the caller, which knows ADD-PATH). */
  nlri: Reader;
}

export interface MpUnreach {
  afi: number;
  safi: number;
  nlri: Reader;
}

export interface ParsedAttributes {
  attrs: RouteAttributes;
  hasOrigin: boolean;
  hasAsPath: boolean;
  hasNextHop: boolean;
  count: number;
  mpReach: MpReach | null;
  mpUnreach: MpUnreach | null;
  treatAsWithdraw: boolean;
}

export interface AttributeContext {
  /** Width of ASNs in AS_PATH and AGGREGATOR for this session (RFC 6793). */
  fourOctetAsn: boolean;
  issues: DecodeError[];
  /** Decoded attributes of blocks seen before (per session): see ./attribute-cache.ts. */
  cache?: AttributeCache | undefined;
  /**
   * Only what a cache entry keeps: MP_REACH / MP_UNREACH are checked (flags, length) but their
   * values not decoded (decodeForCache: the caller decodes them, and a hit checks them again).
   */
  keyOnly?: boolean;
}

/** The list of an attribute a block does not carry: one shared frozen array (nothing writes it). */
const NONE = Object.freeze([]) as unknown as never[];

/**
 * Attributes before the block is read. Every key is there, the optional ones undefined (JSON
 * and the event builders leave them out), so all decoded blocks have one object shape and the
 * property reads of the event builder (../events.ts) stay monomorphic: with the optional keys
 * added as attributes came, a table made eight shapes (frozen and not) and the reads went
 * megamorphic.
 */
function emptyAttributes(): RouteAttributes {
  return {
    nextHop: null,
    origin: null,
    asPath: NONE,
    confedPath: undefined,
    med: null,
    localPref: null,
    communities: NONE,
    largeCommunities: NONE,
    extCommunities: NONE,
    atomicAggregate: undefined,
    aggregator: undefined,
    originatorId: undefined,
    clusterList: undefined,
    unknownAttributes: undefined,
  };
}

const ORIGINS: Origin[] = ['igp', 'egp', 'incomplete'];

/** Scratch for AttributeCache.scan (the decoder is synchronous). */
const SCAN: BlockScan = { count: 0, mpReachAt: -1, mpUnreachAt: -1, keyLength: 0 };

/** Decodes the path attribute block r (whose length was checked against the UPDATE by the caller). */
export function parseAttributes(r: Reader, ctx: AttributeContext): ParsedAttributes {
  const cache = ctx.cache;
  if (cache === undefined) return parseAll(r, ctx);
  const b = r.buf;
  const start = r.position;
  const end = r.end;
  if (!cache.scan(b, start, end, SCAN)) return parseAll(r, ctx);
  const hit = cache.get(b, start, end, SCAN, ctx.fourOctetAsn);
  if (hit >= 0) return fromCache(r, cache, hit, SCAN);
  // parseAll does not touch SCAN: it still describes the block for set().
  const issuesBefore = ctx.issues.length;
  const out = parseAll(r, ctx);
  keepIfClean(cache, b, start, end, SCAN, ctx, issuesBefore, out);
  return out;
}

/**
 * Decodes a block the cache does not hold, for a caller that wants it cached and nothing else
 * (the BMP fast path, ../bmp/fast-route-monitoring.ts): the block is decoded as parseAttributes
 * does, MP_REACH / MP_UNREACH only checked (the fast path decodes them, or declines and the
 * general decoder, reading the block from the cache, decodes them and reports their problems),
 * and kept when clean. Its cache entry, or -1 when it has any issue: the caller leaves the
 * message to the general decoder, which reports it.
 */
export function decodeForCache(cache: AttributeCache, b: Buffer, start: number, end: number, scan: BlockScan, fourOctetAsn: boolean): number {
  const ctx: AttributeContext = { fourOctetAsn, issues: [], keyOnly: true };
  let out: ParsedAttributes;
  try {
    out = parseAll(new Reader(b, start, end), ctx);
  } catch (e) {
    if (e instanceof DecodeError) return -1;
    throw e;
  }
  return keepIfClean(cache, b, start, end, scan, ctx, 0, out);
}

/** Stores the block parseAll decoded into `out` when it raised no issue; its entry, or -1. */
function keepIfClean(
  cache: AttributeCache,
  b: Buffer,
  start: number,
  end: number,
  scan: BlockScan,
  ctx: AttributeContext,
  issuesBefore: number,
  out: ParsedAttributes,
): number {
  if (ctx.issues.length !== issuesBefore || out.treatAsWithdraw) return -1;
  const has = (out.hasOrigin ? HAS_ORIGIN : 0) | (out.hasAsPath ? HAS_AS_PATH : 0) | (out.hasNextHop ? HAS_NEXT_HOP : 0);
  return cache.set(b, start, end, scan, ctx.fourOctetAsn, out.attrs, has);
}

/** A block whose other attributes were decoded before: only MP_REACH / MP_UNREACH are decoded, in block order. */
function fromCache(r: Reader, cache: AttributeCache, entry: number, s: BlockScan): ParsedAttributes {
  const has = cache.has(entry);
  const out: ParsedAttributes = {
    attrs: cache.attributes(entry),
    hasOrigin: (has & HAS_ORIGIN) !== 0,
    hasAsPath: (has & HAS_AS_PATH) !== 0,
    hasNextHop: (has & HAS_NEXT_HOP) !== 0,
    count: s.count,
    mpReach: null,
    mpUnreach: null,
    treatAsWithdraw: false,
  };
  const reachFirst = s.mpReachAt < s.mpUnreachAt;
  const first = reachFirst ? s.mpReachAt : s.mpUnreachAt;
  const second = reachFirst ? s.mpUnreachAt : s.mpReachAt;
  if (first >= 0) mpFromCache(r, first, out);
  if (second >= 0) mpFromCache(r, second, out);
  r.skip(r.remaining);
  return out;
}

/** The MP attribute whose header starts at buf position p: checked and decoded as parseAll does. */
function mpFromCache(r: Reader, p: number, out: ParsedAttributes): void {
  const b = r.buf;
  const flags = b[p]!;
  const type = b[p + 1]!;
  const extended = (flags & FLAG_EXTENDED) !== 0;
  const len = extended ? (b[p + 2]! << 8) | b[p + 3]! : b[p + 2]!;
  const v = p + (extended ? 4 : 3);
  const at = r.base + p;
  const spec = SPECS[type]!;
  const problem = checkShape(spec, flags, len);
  if (problem !== null) throw new DecodeError(spec.code, at, `attribute ${type}: ${problem}`, 'message-skip');
  mpValue(out, type, b, v, v + len, r.base + v);
}

/** MP_REACH_NLRI / MP_UNREACH_NLRI value at b[p, end) (valueAt: its stream offset). */
function mpValue(out: ParsedAttributes, type: number, b: Buffer, p: number, end: number, valueAt: number): void {
  if (type === ATTR_MP_REACH) {
    out.mpReach = parseMpReach(new Reader(b, p, end, valueAt - p));
    return;
  }
  const u = new Reader(b, p, end, valueAt - p);
  out.mpUnreach = { afi: u.u16(), safi: u.u8(), nlri: u.rest() };
}

function parseAll(r: Reader, ctx: AttributeContext): ParsedAttributes {
  const out: ParsedAttributes = {
    attrs: emptyAttributes(),
    hasOrigin: false,
    hasAsPath: false,
    hasNextHop: false,
    count: 0,
    mpReach: null,
    mpUnreach: null,
    treatAsWithdraw: false,
  };
  // Attribute types seen (RFC 7606 3g): a bitmask for the common types < 32, a Set beyond.
  let seenLow = 0;
  let seenHigh: Set<number> | null = null;
  let asPath: AsSegment[] | null = null;
  let as4Path: AsSegment[] | null = null;
  let as4Aggregator: { asn: number; address: string } | null = null;
  const b = r.buf;
  while (!r.atEnd()) {
    const at = r.offset;
    if (r.remaining < 3) return overrun(out, ctx, at);
    const flags = r.u8();
    const type = r.u8();
    const len = flags & FLAG_EXTENDED ? (r.remaining >= 2 ? r.u16() : -1) : r.u8();
    if (len < 0 || len > r.remaining) return overrun(out, ctx, at);
    const valueAt = r.offset;
    const p = r.advance(len);
    const end = p + len;
    out.count++;
    const seen = type < 32 ? (seenLow & (1 << type)) !== 0 : (seenHigh?.has(type) ?? false);
    if (seen) {
      if (type === ATTR_MP_REACH || type === ATTR_MP_UNREACH) {
        throw new DecodeError('ATTR_DUPLICATE_MP', at, `attribute ${type} repeated`);
      }
      ctx.issues.push(new DecodeError('ATTR_DUPLICATE', at, `attribute ${type} repeated, discarded`));
      continue;
    }
    if (type < 32) seenLow |= 1 << type;
    else (seenHigh ??= new Set()).add(type);
    const spec = SPECS[type];
    if (spec === undefined) {
      (out.attrs.unknownAttributes ??= []).push(type);
      continue;
    }
    const problem = checkShape(spec, flags, len);
    if (problem !== null) {
      malformed(out, ctx, spec, at, `attribute ${type}: ${problem}`);
      continue;
    }
    switch (type) {
      case ATTR_ORIGIN: {
        const o = ORIGINS[b[p]!];
        if (o === undefined) malformed(out, ctx, spec, at, `ORIGIN value ${b[p]}`);
        else {
          out.attrs.origin = o;
          out.hasOrigin = true;
        }
        break;
      }
      case ATTR_AS_PATH:
        asPath = parseAsPath(b, p, end, ctx, at);
        if (asPath === null) malformed(out, ctx, spec, at, 'AS_PATH segments malformed');
        else out.hasAsPath = true;
        break;
      case ATTR_AS4_PATH:
        as4Path = parseAsSegments(b, 4, p, end);
        if (as4Path === null) malformed(out, ctx, spec, at, 'AS4_PATH segments malformed');
        break;
      case ATTR_NEXT_HOP:
        out.attrs.nextHop = ipv4Text(b, p);
        out.hasNextHop = true;
        break;
      case ATTR_MED:
        out.attrs.med = b.readUInt32BE(p);
        break;
      case ATTR_LOCAL_PREF:
        out.attrs.localPref = b.readUInt32BE(p);
        break;
      case ATTR_ATOMIC_AGGREGATE:
        out.attrs.atomicAggregate = true;
        break;
      case ATTR_AGGREGATOR:
        out.attrs.aggregator =
          len === 8 ? { asn: b.readUInt32BE(p), address: ipv4Text(b, p + 4) } : { asn: (b[p]! << 8) | b[p + 1]!, address: ipv4Text(b, p + 2) };
        break;
      case ATTR_AS4_AGGREGATOR:
        as4Aggregator = { asn: b.readUInt32BE(p), address: ipv4Text(b, p + 4) };
        break;
      case ATTR_COMMUNITIES:
        out.attrs.communities = communitiesText(b, p, end);
        break;
      case ATTR_EXT_COMMUNITIES:
        out.attrs.extCommunities = extCommunitiesText(b, p, end);
        break;
      case ATTR_LARGE_COMMUNITY:
        out.attrs.largeCommunities = largeCommunitiesText(b, p, end);
        break;
      case ATTR_ORIGINATOR_ID:
        out.attrs.originatorId = ipv4Text(b, p);
        break;
      case ATTR_CLUSTER_LIST: {
        const list: string[] = [];
        for (let i = p; i < end; i += 4) list.push(ipv4Text(b, i));
        out.attrs.clusterList = list;
        break;
      }
      case ATTR_MP_REACH:
      case ATTR_MP_UNREACH:
        if (ctx.keyOnly !== true) mpValue(out, type, b, p, end, valueAt);
        break;
    }
  }
  finishAsPath(out, asPath, as4Path, as4Aggregator, ctx);
  return out;
}

function checkShape(spec: AttrSpec, flags: number, len: number): string | null {
  if ((flags & (FLAG_OPTIONAL | FLAG_TRANSITIVE)) !== spec.flags) return `flags 0x${flags.toString(16)} conflict with the type`;
  return lengthOk(spec, len) ? null : `length ${len} invalid`;
}

function malformed(out: ParsedAttributes, ctx: AttributeContext, spec: AttrSpec, at: number, message: string): void {
  if (spec.severity === 'message-skip') throw new DecodeError(spec.code, at, message, 'message-skip');
  if (spec.severity === 'treat-as-withdraw') out.treatAsWithdraw = true;
  ctx.issues.push(new DecodeError(spec.code, at, message, spec.severity));
}

/** RFC 7606 4: an attribute overrunning the block; the rest of the block is unusable. */
function overrun(out: ParsedAttributes, ctx: AttributeContext, at: number): ParsedAttributes {
  out.treatAsWithdraw = true;
  ctx.issues.push(new DecodeError('ATTR_OVERRUN', at, 'path attribute overruns the attribute block'));
  return out;
}

/**
 * AS_PATH with the session's ASN width. Some speakers (seen in pmacct test 205, FRR behind
 * 6WIND) send 2-octet paths in BMP while the A flag and OPENs say 4-octet: when the expected
 * width does not parse but the other one parses exactly, the other one is used and the
 * mismatch is reported as an attribute-discard-level issue (nothing is dropped).
 */
function parseAsPath(v: Buffer, start: number, end: number, ctx: AttributeContext, at: number): AsSegment[] | null {
  const width = ctx.fourOctetAsn ? 4 : 2;
  const segs = parseAsSegments(v, width, start, end);
  if (segs !== null) return segs;
  const other = parseAsSegments(v, width === 4 ? 2 : 4, start, end);
  if (other !== null) {
    ctx.issues.push(
      new DecodeError('ATTR_AS_PATH_WIDTH', at, `AS_PATH does not parse with ${width}-octet ASNs, parsed with ${6 - width}-octet`),
    );
  }
  return other;
}

/** RFC 6793 4.2.3: AS4_PATH/AS4_AGGREGATOR only matter on a 2-octet session. */
function finishAsPath(
  out: ParsedAttributes,
  asPath: AsSegment[] | null,
  as4Path: AsSegment[] | null,
  as4Aggregator: { asn: number; address: string } | null,
  ctx: AttributeContext,
): void {
  let segs = asPath;
  if (!ctx.fourOctetAsn) {
    const agg = out.attrs.aggregator;
    // An AGGREGATOR with a real 2-octet AS means the AS4_* attributes are stale: ignore both.
    const stale = agg != null && agg.asn !== AS_TRANS;
    if (!stale && as4Aggregator !== null && agg != null) out.attrs.aggregator = as4Aggregator;
    if (!stale && segs !== null && as4Path !== null) segs = mergeAs4Path(segs, as4Path);
  }
  if (segs === null) return;
  const { asPath: elements, confedPath } = segmentsToElements(segs);
  out.attrs.asPath = elements;
  if (confedPath !== null) out.attrs.confedPath = confedPath;
}

/** MP_REACH_NLRI (RFC 4760 3): AFI, SAFI, next hop, reserved octet, NLRI. */
function parseMpReach(r: Reader): MpReach {
  const afi = r.u16();
  const safi = r.u8();
  const nhLen = r.u8();
  const nh = r.advance(nhLen);
  r.u8(); // reserved (was SNPA count in RFC 2858)
  let nextHop: string | null = null;
  let nextHopLinkLocal: string | null = null;
  if (nhLen === 4) nextHop = ipv4Text(r.buf, nh);
  else if (nhLen === 16 || nhLen === 32) {
    // RFC 2545 3: global address, optionally followed by the link-local one.
    nextHop = ipv6Text(r.buf, nh);
    if (nhLen === 32) nextHopLinkLocal = ipv6Text(r.buf, nh + 16);
  }
  return { afi, safi, nextHop, nextHopLinkLocal, nlri: r.rest() };
}
