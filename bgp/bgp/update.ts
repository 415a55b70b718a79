/**
 * BGP UPDATE (RFC 4271 4.3) into routes per family: IPv4 unicast from the classic fields,
 * IPv4/IPv6 unicast from MP_REACH/MP_UNREACH (RFC 4760); other families are named and counted.
 * End-of-RIB (RFC 4724 2) is reported per family.
 */
import type { Afi, RouteAttributes, Safi } from '../types.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { AttributeCache } from './attribute-cache.js';
import { parseAttributes } from './attributes.js';
import { AFI_IPV4, afiName, familyName, isUnicastIp, safiName, SAFI_UNICAST } from './families.js';
import { readPrefixes, type Nlri } from './nlri.js';

export interface FamilyRoutes {
  afi: Afi;
  safi: Safi;
  /** Next hop for these routes: NEXT_HOP for classic NLRI, the MP_REACH next hop otherwise. */
  nextHop: string | null;
  nextHopLinkLocal: string | null;
  prefixes: Nlri[];
}

export interface DecodedUpdate {
  /** Attributes shared by every announced prefix (null when the UPDATE has none). */
  attributes: RouteAttributes | null;
  announced: FamilyRoutes[];
  withdrawn: FamilyRoutes[];
  /** End-of-RIB marker for this family, if the UPDATE is one. */
  eor: { afi: Afi; safi: Safi } | null;
  /** RFC 7606 treat-as-withdraw: `announced` must be withdrawn instead (attributes is null). */
  treatAsWithdraw: boolean;
  /** Families present but not decoded (e.g. "ipv4 mpls-vpn"). */
  otherFamilies: string[];
  /** Non-fatal problems (attribute discard, treat-as-withdraw). */
  issues: DecodeError[];
}

export interface UpdateOptions {
  fourOctetAsn: boolean;
  /** ADD-PATH for received routes of this family: true/false when known, null to guess. */
  addPath(afi: number, safi: number): boolean | null;
  /** Attributes decoded earlier in this session, reused for identical blocks (frozen, shared). */
  attributeCache?: AttributeCache | undefined;
}

/** Decodes an UPDATE body (after the 19-octet BGP header). Throws DecodeError when unusable. */
export function decodeUpdateBody(r: Reader, opts: UpdateOptions): DecodedUpdate {
  const issues: DecodeError[] = [];
  const start = r.offset;
  const withdrawnLen = r.u16();
  if (withdrawnLen + 2 > r.remaining) {
    throw new DecodeError('UPDATE_BAD_LENGTHS', start, `withdrawn routes length ${withdrawnLen} overruns the UPDATE`);
  }
  const withdrawnR = r.sub(withdrawnLen);
  const attrLen = r.u16();
  if (attrLen > r.remaining) {
    throw new DecodeError('UPDATE_BAD_LENGTHS', start, `path attribute length ${attrLen} overruns the UPDATE`);
  }
  const attrR = r.sub(attrLen);
  const nlriR = r.rest();
  const out: DecodedUpdate = {
    attributes: null,
    announced: [],
    withdrawn: [],
    eor: null,
    treatAsWithdraw: false,
    otherFamilies: [],
    issues,
  };
  if (withdrawnLen === 0 && attrLen === 0 && nlriR.atEnd()) {
    out.eor = { afi: 'ipv4', safi: 'unicast' };
    return out;
  }
  const pa = parseAttributes(attrR, { fourOctetAsn: opts.fourOctetAsn, issues, cache: opts.attributeCache });

  if (withdrawnLen > 0) out.withdrawn.push(classic(withdrawnR, opts, null));
  if (pa.mpUnreach !== null) {
    const { afi, safi, nlri } = pa.mpUnreach;
    if (nlri.atEnd() && pa.count === 1 && withdrawnLen === 0 && nlriR.atEnd()) {
      out.eor = { afi: afiName(afi), safi: safiName(safi) };
      if (!isUnicastIp(afi, safi)) out.otherFamilies.push(familyName(afi, safi));
      return out;
    }
    if (isUnicastIp(afi, safi)) out.withdrawn.push(family(afi, safi, nlri, opts, null, null));
    else if (!nlri.atEnd()) out.otherFamilies.push(familyName(afi, safi));
  }
  const announced: FamilyRoutes[] = [];
  const hasClassicNlri = !nlriR.atEnd();
  if (hasClassicNlri) announced.push(classic(nlriR, opts, pa.attrs.nextHop));
  if (pa.mpReach !== null) {
    const { afi, safi, nlri, nextHop, nextHopLinkLocal } = pa.mpReach;
    if (isUnicastIp(afi, safi)) announced.push(family(afi, safi, nlri, opts, nextHop, nextHopLinkLocal));
    else out.otherFamilies.push(familyName(afi, safi));
  }
  const mandatory = missingMandatory(pa, hasClassicNlri, pa.mpReach !== null);
  if (mandatory !== null) {
    // RFC 7606 3d asks a BGP speaker to treat-as-withdraw. A monitoring station reports what
    // the router holds (pmacct 205: FRR post-policy routes without NEXT_HOP): keep the routes
    // and report the problem.
    issues.push(new DecodeError('ATTR_MISSING_MANDATORY', start, `missing well-known attribute ${mandatory}`));
  }
  out.announced = announced;
  if (pa.treatAsWithdraw) out.treatAsWithdraw = true;
  else out.attributes = pa.attrs;
  return out;
}

function classic(r: Reader, opts: UpdateOptions, nextHop: string | null): FamilyRoutes {
  return family(AFI_IPV4, SAFI_UNICAST, r, opts, nextHop, null);
}

function family(
  afi: number,
  safi: number,
  r: Reader,
  opts: UpdateOptions,
  nextHop: string | null,
  nextHopLinkLocal: string | null,
): FamilyRoutes {
  const name = afiName(afi) as 'ipv4' | 'ipv6';
  const prefixes: Nlri[] = [];
  readPrefixes(r, name, opts.addPath(afi, safi), prefixes);
  return { afi: name, safi: 'unicast', nextHop, nextHopLinkLocal, prefixes };
}

/** RFC 7606 3d: ORIGIN and AS_PATH always, NEXT_HOP when the classic NLRI field is used. */
function missingMandatory(
  pa: { hasOrigin: boolean; hasAsPath: boolean; hasNextHop: boolean; treatAsWithdraw: boolean },
  classicNlri: boolean,
  mpReach: boolean,
): string | null {
  if (!classicNlri && !mpReach) return null;
  if (pa.treatAsWithdraw) return null; // already reported through the malformed attribute
  if (!pa.hasOrigin) return 'ORIGIN';
  if (!pa.hasAsPath) return 'AS_PATH';
  if (classicNlri && !pa.hasNextHop) return 'NEXT_HOP';
  return null;
}
