/**
 * ExaBGP "open" messages -> BgpOpenInfo (RFC 4271 4.2, capabilities RFC 5492).
 *
 * ExaBGP prints capabilities as { "<code>": { "name": ..., ... } }. We keep every code,
 * and interpret the few that change how routes must be read: 4-octet ASN (RFC 6793),
 * multiprotocol (RFC 4760), ADD-PATH (RFC 7911), route refresh, graceful restart and
 * the FQDN capability (code 73, which ExaBGP 4.2 prints raw as "unknown").
 */

import type { BgpCapabilities, BgpOpenInfo } from '../types.js';
import { isObject, objectAt, stringAt, uintAt, type JsonObject } from './shape.js';

const CAP_MULTIPROTOCOL = '1';
const CAP_ROUTE_REFRESH = '2';
const CAP_GRACEFUL_RESTART = '64';
const CAP_ASN4 = '65';
const CAP_ADD_PATH = '69';
const CAP_FQDN = '73';

/** "ipv4/unicast" (ExaBGP) -> "ipv4 unicast" (our family notation). */
function familyName(f: string): string {
  return f.replace('/', ' ');
}

export function readOpen(open: JsonObject): BgpOpenInfo {
  const caps = isObject(open['capabilities']) ? open['capabilities'] : {};
  const capabilities = readCapabilities(caps);
  const asn4 = isObject(caps[CAP_ASN4]) ? caps[CAP_ASN4]['asn4'] : undefined;
  return {
    version: uintAt(open['version'] ?? 4, 'open.version'),
    // RFC 6793 4.1: with a 4-octet ASN the OPEN's My AS is AS_TRANS; the capability holds the real one.
    asn: asn4 !== undefined ? uintAt(asn4, 'open.capabilities.65.asn4') : uintAt(open['asn'], 'open.asn'),
    holdTime: uintAt(open['hold_time'] ?? 0, 'open.hold_time'),
    bgpId: stringAt(open['router_id'] ?? '0.0.0.0', 'open.router_id'),
    capabilities,
  };
}

function readCapabilities(caps: JsonObject): BgpCapabilities {
  const codes = Object.keys(caps)
    .filter((k) => /^\d+$/.test(k))
    .map(Number)
    .sort((a, b) => a - b);
  const out: BgpCapabilities = {
    codes,
    fourOctetAsn: caps[CAP_ASN4] !== undefined,
    multiprotocol: [],
    addPath: {},
  };
  const mp = caps[CAP_MULTIPROTOCOL];
  if (isObject(mp) && Array.isArray(mp['families'])) {
    out.multiprotocol = mp['families'].filter((f): f is string => typeof f === 'string').map(familyName);
  }
  const addPath = caps[CAP_ADD_PATH];
  if (isObject(addPath)) {
    for (const [family, mode] of Object.entries(addPath)) {
      if (family !== 'name' && typeof mode === 'string') out.addPath[familyName(family)] = mode;
    }
  }
  if (caps[CAP_ROUTE_REFRESH] !== undefined) out.routeRefresh = true;
  if (caps[CAP_GRACEFUL_RESTART] !== undefined) out.gracefulRestart = true;
  const hostname = readHostname(caps[CAP_FQDN]);
  if (hostname !== null) out.hostname = hostname;
  return out;
}

/** draft-walton-bgp-hostname-capability: hostname length, hostname, domain length, domain. */
function readHostname(cap: unknown): string | null {
  if (!isObject(cap)) return null;
  if (typeof cap['host-name'] === 'string') {
    const domain = typeof cap['domain-name'] === 'string' && cap['domain-name'] !== '' ? `.${cap['domain-name']}` : '';
    return cap['host-name'] + domain;
  }
  const raw = cap['raw'];
  if (typeof raw !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(raw)) return null;
  const bytes = Buffer.from(raw, 'hex');
  const hostLen = bytes[0] ?? 0;
  if (1 + hostLen > bytes.length) return null;
  const host = bytes.subarray(1, 1 + hostLen).toString('utf8');
  const domainLen = bytes[1 + hostLen] ?? 0;
  const domain = bytes.subarray(2 + hostLen, 2 + hostLen + domainLen).toString('utf8');
  return domain === '' ? host : `${host}.${domain}`;
}

/** The "open" object of a message, checked. */
export function openAt(v: unknown): JsonObject {
  return objectAt(v, 'neighbor.open');
}
