/**
 * ExaBGP's "attribute" object -> RouteAttributes (without the next hop, which
 * ExaBGP gives per NLRI group).
 *
 * Two AS_PATH shapes exist:
 * - 4.x ("exabgp": "4.0.1"): "as-path": [asn...], "as-set": [asn...],
 *   "confederation-path": [...], "confederation-set": [...]. The order between
 *   the sequence and the set is lost in this shape; an AS_SET follows the
 *   sequence in practice (aggregation, RFC 4271 9.2.2.2), so it is appended last.
 * - 5.x/6.x: "as-path": {"0": {"element": "as-sequence", "value": [...]}, ...},
 *   segments in order; "confed-sequence"/"confed-set" go to confedPath.
 * An AS_SET becomes a nested array (RFC 4271 5.1.2), see AsPathElement.
 */

import type { Aggregator, AsPathElement, Origin, RouteAttributes } from '../types.js';
import { extendedCommunityText } from './ext-community.js';
import {
  arrayAt,
  isObject,
  objectAt,
  optionalString,
  optionalUint,
  shapeError,
  stringAt,
  uintAt,
  type JsonObject,
} from './shape.js';

export type AttributesWithoutNextHop = Omit<RouteAttributes, 'nextHop'>;

/** Named ExaBGP attributes we keep only as a type code (IANA BGP path attribute registry). */
const UNINTERPRETED_CODES = new Map<string, number>([
  ['pmsi', 22],
  ['tunnel-encapsulation', 23],
  ['aigp', 26],
  ['bgp-ls', 29],
  ['otc', 35],
  ['bgp-prefix-sid', 40],
]);

/** "attribute-0x27-0xE0": ExaBGP's name for an attribute it does not know (code 0x27, flags 0xE0). */
const GENERIC_ATTRIBUTE = /^attribute-0x([0-9a-fA-F]{1,2})-0x[0-9a-fA-F]{1,2}$/;

/**
 * The empty list of absent communities: one frozen array shared by every route (as the BMP
 * decoder shares its frozen attribute arrays), not a new array per update.
 */
const NONE = Object.freeze([]) as unknown as string[];
const NO_PATH = Object.freeze([]) as unknown as AsPathElement[];

/** A JSON number that is a non-negative integer (the common case of uintAt, without its `where`). */
function isUint(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * "asn:value" texts of 16-bit community pairs, in a small direct-mapped cache (a feed repeats
 * few communities; a miss costs one compare and the text it would have built anyway).
 */
const COMMUNITY_SLOTS = 4096;
const slotHi = new Int32Array(COMMUNITY_SLOTS).fill(-1);
const slotLo = new Int32Array(COMMUNITY_SLOTS).fill(-1);
const slotText = new Array<string>(COMMUNITY_SLOTS).fill('');

function communityText(hi: number, lo: number): string {
  if (hi > 0xffff || lo > 0xffff) return `${hi}:${lo}`;
  const slot = (hi * 31 + lo) & (COMMUNITY_SLOTS - 1);
  if (slotHi[slot] === hi && slotLo[slot] === lo) return slotText[slot]!;
  const text = `${hi}:${lo}`;
  slotHi[slot] = hi;
  slotLo[slot] = lo;
  slotText[slot] = text;
  return text;
}

export function readAttributes(attr: JsonObject): AttributesWithoutNextHop {
  const out: AttributesWithoutNextHop = {
    origin: readOrigin(attr['origin']),
    asPath: NO_PATH,
    med: optionalUint(attr['med'], 'attribute.med'),
    localPref: optionalUint(attr['local-preference'], 'attribute.local-preference'),
    communities: readCommunities(attr['community']),
    largeCommunities: readLargeCommunities(attr['large-community']),
    extCommunities: readExtCommunities(attr['extended-community']),
  };
  readAsPath(attr, out);
  if (attr['atomic-aggregate'] !== undefined) out.atomicAggregate = attr['atomic-aggregate'] === true;
  if (attr['aggregator'] !== undefined) out.aggregator = readAggregator(attr['aggregator']);
  if (attr['originator-id'] !== undefined) out.originatorId = optionalString(attr['originator-id'], 'attribute.originator-id');
  if (attr['cluster-list'] !== undefined) {
    out.clusterList = arrayAt(attr['cluster-list'], 'attribute.cluster-list').map((c, i) =>
      stringAt(c, `attribute.cluster-list[${i}]`),
    );
  }
  const unknown = uninterpretedCodes(attr);
  if (unknown !== null) out.unknownAttributes = unknown;
  return out;
}

function readOrigin(v: unknown): Origin | null {
  if (v === undefined) return null;
  if (v === 'igp' || v === 'egp' || v === 'incomplete') return v;
  throw shapeError('attribute.origin', '"igp", "egp" or "incomplete"');
}

/**
 * A list of ASNs. The parsed JSON array itself when it holds plain numbers (the line's parse
 * tree is ours: no copy), else a copy with the quoted long ones converted (or an error).
 */
function asnList(v: unknown, where: string): number[] {
  const list = arrayAt(v, where);
  let i = 0;
  while (i < list.length && isUint(list[i])) i++;
  if (i === list.length) return list as number[];
  const out = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    out[i] = isUint(a) ? a : uintAt(a, `${where}[${i}]`);
  }
  return out;
}

/** An empty JSON array (ExaBGP 4.x prints "confederation-path": [] on every update). */
function isEmptyArray(v: unknown): boolean {
  return Array.isArray(v) && v.length === 0;
}

function readAsPath(attr: JsonObject, out: AttributesWithoutNextHop): void {
  const path = attr['as-path'];
  if (isObject(path)) {
    readSegmentedAsPath(path, out);
    return;
  }
  if (path !== undefined) out.asPath = asnList(path, 'attribute.as-path');
  if (attr['as-set'] !== undefined) {
    const set = asnList(attr['as-set'], 'attribute.as-set');
    if (set.length > 0) out.asPath = [...out.asPath, set];
  }
  const confedPath = attr['confederation-path'];
  const confedSet = attr['confederation-set'];
  if ((confedPath === undefined || isEmptyArray(confedPath)) && (confedSet === undefined || isEmptyArray(confedSet))) return;
  const confed: AsPathElement[] = [];
  if (confedPath !== undefined) confed.push(...asnList(confedPath, 'attribute.confederation-path'));
  if (confedSet !== undefined) {
    const set = asnList(attr['confederation-set'], 'attribute.confederation-set');
    if (set.length > 0) confed.push(set);
  }
  if (confed.length > 0) out.confedPath = confed;
}

/** 5.x/6.x: {"0": {"element": "as-sequence", "value": [...]}, "1": ...} in segment order. */
function readSegmentedAsPath(path: JsonObject, out: AttributesWithoutNextHop): void {
  const confed: AsPathElement[] = [];
  out.asPath = [];
  const keys = Object.keys(path).sort((a, b) => Number(a) - Number(b));
  for (const key of keys) {
    const where = `attribute.as-path.${key}`;
    const seg = objectAt(path[key], where);
    const asns = asnList(seg['value'], where + '.value');
    switch (seg['element']) {
      case 'as-sequence':
        out.asPath.push(...asns);
        break;
      case 'as-set':
        out.asPath.push(asns);
        break;
      case 'confed-sequence':
      case 'as-confed-sequence':
        confed.push(...asns);
        break;
      case 'confed-set':
      case 'as-confed-set':
        confed.push(asns);
        break;
      default:
        throw shapeError(where + '.element', 'an AS_PATH segment type');
    }
  }
  if (confed.length > 0) out.confedPath = confed;
}

function readCommunities(v: unknown): string[] {
  if (v === undefined) return NONE;
  const list = arrayAt(v, 'attribute.community');
  if (list.length === 0) return NONE;
  const out = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (Array.isArray(c) && c.length === 2 && isUint(c[0]) && isUint(c[1])) {
      out[i] = communityText(c[0], c[1]);
      continue;
    }
    const where = `attribute.community[${i}]`;
    if (typeof c === 'string') out[i] = c;
    else if (Array.isArray(c) && c.length === 2) out[i] = `${uintAt(c[0], where)}:${uintAt(c[1], where)}`;
    else {
      const n = uintAt(c, where);
      out[i] = communityText(Math.floor(n / 65536), n % 65536);
    }
  }
  return out;
}

function readLargeCommunities(v: unknown): string[] {
  if (v === undefined) return NONE;
  return arrayAt(v, 'attribute.large-community').map((c, i) => {
    const where = `attribute.large-community[${i}]`;
    if (typeof c === 'string') return c;
    const parts = arrayAt(c, where);
    if (parts.length !== 3) throw shapeError(where, 'three numbers');
    return `${uintAt(parts[0], where)}:${uintAt(parts[1], where)}:${uintAt(parts[2], where)}`;
  });
}

function readExtCommunities(v: unknown): string[] {
  if (v === undefined) return NONE;
  return arrayAt(v, 'attribute.extended-community').map((c, i) =>
    extendedCommunityText(c, `attribute.extended-community[${i}]`),
  );
}

/** "64521:10.6.39.0" (ExaBGP: "asn:address"); an { asn, address } object is accepted too. */
function readAggregator(v: unknown): Aggregator | null {
  if (v === null) return null;
  if (isObject(v)) {
    return { asn: uintAt(v['asn'], 'attribute.aggregator.asn'), address: stringAt(v['address'], 'attribute.aggregator.address') };
  }
  const text = stringAt(v, 'attribute.aggregator');
  const colon = text.indexOf(':');
  const asn = text.slice(0, colon);
  if (colon <= 0 || !/^\d+$/.test(asn)) throw shapeError('attribute.aggregator', '"asn:address"');
  return { asn: Number(asn), address: text.slice(colon + 1) };
}

/** Codes of the attributes kept only as a code, sorted; null when there are none (the common case). */
function uninterpretedCodes(attr: JsonObject): number[] | null {
  let codes: number[] | null = null;
  for (const key in attr) {
    // Only keys starting with a, b, o, p or t can be one (the commonest attributes are skipped).
    const c = key.charCodeAt(0);
    if (c !== 97 && c !== 98 && c !== 111 && c !== 112 && c !== 116) continue;
    if (key === 'origin' || key === 'as-path' || key === 'atomic-aggregate' || key === 'aggregator' || key === 'originator-id') continue;
    const named = UNINTERPRETED_CODES.get(key);
    if (named !== undefined) {
      (codes ??= []).push(named);
      continue;
    }
    if (key.charCodeAt(0) !== 97 /* a */ || !key.startsWith('attribute-')) continue;
    const m = GENERIC_ATTRIBUTE.exec(key);
    if (m?.[1] !== undefined) (codes ??= []).push(parseInt(m[1], 16));
  }
  return codes === null ? null : codes.sort((a, b) => a - b);
}
