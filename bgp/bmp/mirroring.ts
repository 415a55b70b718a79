/**
 * Route Mirroring (RFC 7854 4.7): TLV 0 carries a verbatim BGP PDU (kept as hex with its type),
 * TLV 1 an information code (0 errored PDU, 1 messages lost).
 */
import type { InfoTlv } from '../types.js';
import type { Reader } from '../reader.js';
import type { PeerHeader } from './peer-header.js';
import { readTlvs } from './tlv.js';

const MIRROR_INFO: Record<number, string> = { 0: 'errored-pdu', 1: 'messages-lost' };

export interface MirrorMessage {
  kind: 'mirror';
  peer: PeerHeader;
  info: InfoTlv[];
  unknownTlvs: number;
}

export function decodeMirroring(r: Reader, peer: PeerHeader): MirrorMessage {
  const info: InfoTlv[] = [];
  let unknownTlvs = 0;
  for (const t of readTlvs(r)) {
    if (t.type === 0) {
      info.push({ type: 0, name: 'bgpMessage', value: t.value.bytes(t.value.remaining).toString('hex') });
    } else if (t.type === 1 && t.value.remaining === 2) {
      const code = t.value.u16();
      info.push({ type: 1, name: 'information', value: MIRROR_INFO[code] ?? `code-${code}` });
    } else {
      unknownTlvs++;
      info.push({ type: t.type, name: `tlv-${t.type}`, value: t.value.bytes(t.value.remaining).toString('hex') });
    }
  }
  return { kind: 'mirror', peer, info, unknownTlvs };
}
