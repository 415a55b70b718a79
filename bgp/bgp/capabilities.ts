/**
 * BGP capabilities advertised in OPEN (RFC 5492), the ones that matter to decode UPDATEs
 * (multiprotocol RFC 4760, 4-octet ASN RFC 6793, ADD-PATH RFC 7911) and a few informative
 * ones (route refresh RFC 2918, graceful restart RFC 4724, hostname draft-walton-bgp-hostname).
 */
import type { BgpCapabilities } from '../types.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import { familyName } from './families.js';

export const CAP_MULTIPROTOCOL = 1;
export const CAP_ROUTE_REFRESH = 2;
export const CAP_GRACEFUL_RESTART = 64;
export const CAP_FOUR_OCTET_ASN = 65;
export const CAP_ADD_PATH = 69;
export const CAP_ENHANCED_ROUTE_REFRESH = 70;
export const CAP_HOSTNAME = 73;
export const CAP_CISCO_ROUTE_REFRESH = 128;

const ADD_PATH_MODES: Record<number, string> = { 1: 'receive', 2: 'send', 3: 'send/receive' };

export function emptyCapabilities(): BgpCapabilities {
  return { codes: [], fourOctetAsn: false, multiprotocol: [], addPath: {} };
}

export interface CapabilityResult {
  /** ASN from the 4-octet ASN capability, if present. */
  asn4: number | null;
}

/**
 * Reads capability TLVs (code, length, value) until r is exhausted, into caps.
 * A malformed capability value is recorded in issues and skipped (its length is trusted);
 * a capability header overrunning the parameter throws.
 */
export function readCapabilities(r: Reader, caps: BgpCapabilities, issues: DecodeError[]): CapabilityResult {
  const out: CapabilityResult = { asn4: null };
  while (!r.atEnd()) {
    const code = r.u8();
    const len = r.u8();
    const v = r.sub(len);
    caps.codes.push(code);
    try {
      readCapability(code, v, caps, out);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      issues.push(new DecodeError('BGP_BAD_CAPABILITY', e.offset, `capability ${code}: ${e.message}`));
    }
  }
  return out;
}

/** Applies one capability (code + value reader) to caps. Exported for BMP v4 stateless-parsing TLVs. */
export function readCapability(code: number, v: Reader, caps: BgpCapabilities, out: CapabilityResult): void {
  switch (code) {
    case CAP_MULTIPROTOCOL: {
      const afi = v.u16();
      v.u8();
      caps.multiprotocol.push(familyName(afi, v.u8()));
      break;
    }
    case CAP_FOUR_OCTET_ASN:
      caps.fourOctetAsn = true;
      out.asn4 = v.u32();
      break;
    case CAP_ADD_PATH:
      while (!v.atEnd()) {
        const afi = v.u16();
        const safi = v.u8();
        const mode = v.u8();
        caps.addPath[familyName(afi, safi)] = ADD_PATH_MODES[mode] ?? `mode-${mode}`;
      }
      break;
    case CAP_ROUTE_REFRESH:
    case CAP_ENHANCED_ROUTE_REFRESH:
    case CAP_CISCO_ROUTE_REFRESH:
      caps.routeRefresh = true;
      break;
    case CAP_GRACEFUL_RESTART:
      caps.gracefulRestart = true;
      break;
    case CAP_HOSTNAME: {
      const host = v.bytes(v.u8()).toString('utf8');
      caps.hostname = host;
      break;
    }
    default:
      break;
  }
}

/** Does the ADD-PATH mode string allow `dir` ("send" or "receive")? */
export function addPathAllows(mode: string | undefined, dir: 'send' | 'receive'): boolean {
  return mode === dir || mode === 'send/receive';
}
