/**
 * Route Monitoring (RFC 7854 4.6): the per-peer header then one BGP UPDATE PDU. The UPDATE is
 * not decoded here: that needs the session state (4-octet ASN, ADD-PATH) kept by BmpSession.
 *
 * BMP v4 (draft-ietf-grow-bmp-tlv 5): TLVs (type, length, index, value) follow the per-peer
 * header; type 4 holds the BGP PDU, type 1 a BGP capability for stateless parsing
 * (e.g. ADD-PATH), others (VRF name, group, path marking...) are skipped and counted. An older
 * draft form, the PDU first then TLVs, is recognised by the BGP marker.
 */
import type { BgpCapabilities } from '../types.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import { emptyCapabilities, readCapability } from '../bgp/capabilities.js';
import { readBgpMessage, BGP_UPDATE, type BgpFrame } from '../bgp/message.js';
import type { PeerHeader } from './peer-header.js';
import { readIndexedTlvs, type RawTlv } from './tlv.js';

const TLV_STATELESS_PARSING = 1;
const TLV_BGP_PDU = 4;

export interface RouteMonitoringMessage {
  kind: 'route-monitoring';
  peer: PeerHeader;
  /** The UPDATE body reader (after the BGP header). */
  update: Reader;
  updateOffset: number;
  /** Capabilities carried by v4 stateless-parsing TLVs (null when none). */
  statelessCaps: BgpCapabilities | null;
  unknownTlvs: number;
}

export function decodeRouteMonitoring(r: Reader, peer: PeerHeader, version: number): RouteMonitoringMessage {
  if (version < 4 || startsWithMarker(r)) {
    const frame = readUpdate(r);
    const tlvs = version >= 4 ? readIndexedTlvs(r) : [];
    return build(peer, frame, tlvs);
  }
  const tlvs = readIndexedTlvs(r);
  const pdu = tlvs.find((t) => t.type === TLV_BGP_PDU);
  if (pdu === undefined) throw new DecodeError('BMP_BAD_TLV', r.offset, 'BMP v4 Route Monitoring without a BGP PDU TLV');
  return build(peer, readUpdate(pdu.value), tlvs.filter((t) => t !== pdu));
}

function build(peer: PeerHeader, frame: BgpFrame, tlvs: RawTlv[]): RouteMonitoringMessage {
  let statelessCaps: BgpCapabilities | null = null;
  let unknownTlvs = 0;
  for (const t of tlvs) {
    if (t.type === TLV_STATELESS_PARSING && t.value.remaining >= 2) {
      statelessCaps ??= emptyCapabilities();
      const code = t.value.u8();
      const len = t.value.u8();
      readCapability(code, t.value.sub(len), statelessCaps, { asn4: null });
    } else unknownTlvs++;
  }
  return { kind: 'route-monitoring', peer, update: frame.body, updateOffset: frame.offset, statelessCaps, unknownTlvs };
}

function readUpdate(r: Reader): BgpFrame {
  const frame = readBgpMessage(r);
  if (frame.type !== BGP_UPDATE) {
    throw new DecodeError('BGP_UNEXPECTED_TYPE', frame.offset, `Route Monitoring carries BGP type ${frame.type}, not UPDATE`);
  }
  return frame;
}

function startsWithMarker(r: Reader): boolean {
  if (r.remaining < 16) return false;
  for (let i = 0; i < 16; i++) if (r.buf[r.position + i] !== 0xff) return false;
  return true;
}
