/**
 * Peer Up Notification (RFC 7854 4.10): local address and ports, the OPEN sent by the monitored
 * router and the OPEN it received, then information TLVs. For a Loc-RIB peer (RFC 9069 5.3)
 * the address and ports are zero and the OPENs are fabricated by the router.
 */
import type { BgpOpenInfo, InfoTlv } from '../types.js';
import type { DecodeError } from '../errors.js';
import { ipv4Text, ipv6Text, type Reader } from '../reader.js';
import { readOpenMessage } from '../bgp/open.js';
import type { PeerHeader } from './peer-header.js';
import { infoTlvs, PEER_UP_TLV_NAMES, readTlvs } from './tlv.js';

export interface PeerUpMessage {
  kind: 'peer-up';
  peer: PeerHeader;
  localAddress: string;
  localPort: number;
  remotePort: number;
  sentOpen: BgpOpenInfo;
  receivedOpen: BgpOpenInfo;
  info: InfoTlv[];
  unknownTlvs: number;
  issues: DecodeError[];
}

export function decodePeerUp(r: Reader, peer: PeerHeader): PeerUpMessage {
  const addr = r.bytes(16);
  const localAddress = peer.ipv6 ? ipv6Text(addr, 0) : ipv4Text(addr, 12);
  const localPort = r.u16();
  const remotePort = r.u16();
  const issues: DecodeError[] = [];
  const sentOpen = readOpenMessage(r, issues);
  const receivedOpen = readOpenMessage(r, issues);
  const { info, unknown } = infoTlvs(readTlvs(r), PEER_UP_TLV_NAMES);
  return { kind: 'peer-up', peer, localAddress, localPort, remotePort, sentOpen, receivedOpen, info, unknownTlvs: unknown, issues };
}
