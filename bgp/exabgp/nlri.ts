/**
 * NLRI lists of ExaBGP updates.
 *
 * Shapes met in the wild:
 * - 4.x/5.x: announce[family][nextHop] = [{ "nlri": "10.0.0.0/24", "path-information": "0.0.0.1" }, ...]
 *   (labelled/VPN families add "label" and "rd"); withdraw[family] = [{ "nlri": ... }, ...]
 * - 4.0 compact: announce[family][nextHop] = ["10.0.0.0/24", ...]; withdraw[family] = ["10.0.0.0/24", ...]
 * - older keyed form: the NLRI are object keys: announce[family][nextHop] = { "10.0.0.0/24": {...} },
 *   withdraw[family] = { "10.0.0.0/24": {...} }
 * Families whose NLRI are not prefixes (flow, evpn, bgp-ls, vpls, mup...) carry no "nlri"
 * string: they are counted and skipped by the caller.
 */

import type { Afi, Safi } from '../types.js';
import { ExabgpShapeError } from './errors.js';
import { isObject, shapeError, type JsonObject } from './shape.js';

export interface Family {
  afi: Afi;
  safi: Safi;
}

export interface NlriItem {
  prefix: string;
  /** ADD-PATH path identifier (RFC 7911), null without ADD-PATH. */
  pathId: number | null;
}

const familyCache = new Map<string, Family>();

/** "ipv4 unicast" -> { afi: "ipv4", safi: "unicast" }; "ipv6 mpls-vpn" keeps "mpls-vpn". */
export function readFamily(name: string): Family {
  let f = familyCache.get(name);
  if (f === undefined) {
    const space = name.indexOf(' ');
    if (space <= 0) throw shapeError(`family "${name.slice(0, 40)}"`, '"<afi> <safi>"');
    const afiText = name.slice(0, space);
    const afi: Afi = afiText === 'ipv4' || afiText === 'ipv6' || afiText === 'l2vpn' ? afiText : 'unknown';
    f = Object.freeze({ afi, safi: name.slice(space + 1) });
    if (familyCache.size < 256) familyCache.set(name, f);
  }
  return f;
}

/** /^[0-9a-fA-F:.]{2,45}\/\d{1,3}$/ by hand (checked for every IPv6 prefix of a feed). */
export function looksLikeIpv6Prefix(s: string): boolean {
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    // 0-9 : . (46, 48-58), A-F, a-f
    if ((c >= 48 && c <= 58) || c === 46 || ((c | 0x20) >= 97 && (c | 0x20) <= 102)) continue;
    break;
  }
  if (i < 2 || i > 45 || i === n || s.charCodeAt(i) !== 47 /* / */) return false;
  const digits = n - i - 1;
  if (digits < 1 || digits > 3) return false;
  for (let k = i + 1; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/ by hand, in one pass (the commonest check of a feed: cheaper than the regex). */
export function looksLikeIpv4Prefix(s: string): boolean {
  const n = s.length;
  if (n < 9 || n > 18) return false; // "1.1.1.1/8" ... "255.255.255.255/32"
  let dots = 0;
  let digits = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
    } else if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return false;
      digits = 0;
    } else if (c === 47 /* / */) {
      break;
    } else {
      return false;
    }
  }
  if (dots !== 3 || digits === 0) return false;
  const len = n - i - 1; // digits after the slash (-1 without a slash)
  if (len < 1 || len > 2) return false;
  const a = s.charCodeAt(i + 1);
  if (a < 48 || a > 57) return false;
  if (len === 2) {
    const b = s.charCodeAt(i + 2);
    if (b < 48 || b > 57) return false;
  }
  return true;
}

export function checkPrefix(afi: Afi, prefix: string): void {
  const ok = afi === 'ipv4' ? looksLikeIpv4Prefix(prefix) : afi === 'ipv6' ? looksLikeIpv6Prefix(prefix) : true;
  if (!ok) throw new ExabgpShapeError('EXABGP_BAD_PREFIX', `"${prefix.slice(0, 60)}" is not an ${afi} prefix`);
}

/** "0.0.0.1" (ExaBGP prints path ids as dotted quads) or a plain integer. */
export function readPathId(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  if (typeof v === 'string') {
    const parts = v.split('.');
    if (parts.length === 4) {
      let n = 0;
      for (const p of parts) {
        const b = Number(p);
        if (!Number.isInteger(b) || b < 0 || b > 255 || p === '') throw shapeError('path-information', 'a path id');
        n = n * 256 + b;
      }
      return n;
    }
    if (/^\d{1,10}$/.test(v) && Number(v) <= 0xffffffff) return Number(v);
  }
  throw shapeError('path-information', 'a path id');
}

/**
 * One NLRI entry, or null when the family's NLRI is not a prefix.
 * VPN routes (with "rd") get the GoBGP textual form "<rd>:<prefix>" so that the same prefix
 * in two VRFs stays two routes.
 */
export function readNlri(entry: unknown, family: Family): NlriItem | null {
  if (typeof entry === 'string') {
    if (entry.indexOf('/') < 0 && family.afi !== 'ipv4' && family.afi !== 'ipv6') return null;
    checkPrefix(family.afi, entry);
    return { prefix: entry, pathId: null };
  }
  if (!isObject(entry)) throw shapeError(`${family.afi} ${family.safi} NLRI`, 'a string or an object');
  const nlri = entry['nlri'];
  if (typeof nlri !== 'string') return null;
  checkPrefix(family.afi, nlri);
  const rd = entry['rd'];
  const prefix = typeof rd === 'string' ? `${rd}:${nlri}` : nlri;
  return { prefix, pathId: readPathId(entry['path-information']) };
}

/** The keyed form { "<prefix>": { "path-information"?: ... } }. */
export function readKeyedNlri(key: string, value: unknown, family: Family): NlriItem {
  checkPrefix(family.afi, key);
  return { prefix: key, pathId: isObject(value) ? readPathId(value['path-information']) : null };
}

/** Calls visit for each NLRI of a list or keyed object; returns how many entries had no prefix. */
export function forEachNlri(
  list: unknown,
  family: Family,
  where: string,
  visit: (prefix: string, pathId: number | null) => void,
): number {
  let skipped = 0;
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (isObject(entry) && typeof entry['nlri'] === 'string' && entry['rd'] === undefined) {
        // The common 4.x/5.x entry, without an intermediate object.
        const nlri = entry['nlri'];
        checkPrefix(family.afi, nlri);
        visit(nlri, readPathId(entry['path-information']));
        continue;
      }
      const item = readNlri(entry, family);
      if (item === null) skipped++;
      else visit(item.prefix, item.pathId);
    }
    return skipped;
  }
  if (!isObject(list)) throw shapeError(where, 'an NLRI list');
  const keyed: JsonObject = list;
  for (const key in keyed) {
    const item = readKeyedNlri(key, keyed[key], family);
    visit(item.prefix, item.pathId);
  }
  return skipped;
}

/** fe80::/10: a link-local next hop, listed by ExaBGP beside the global one (RFC 2545 3). */
export function isLinkLocal(nextHop: string | null): boolean {
  if (nextHop === null || nextHop.length < 4) return false;
  const c0 = nextHop.charCodeAt(0) | 0x20;
  const c1 = nextHop.charCodeAt(1) | 0x20;
  const c2 = nextHop.charCodeAt(2) | 0x20;
  return c0 === 0x66 && c1 === 0x65 && (c2 === 0x38 || c2 === 0x39 || c2 === 0x61 || c2 === 0x62);
}
