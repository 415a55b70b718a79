/**
 * Peer Down Notification (RFC 7854 4.9, RFC 9069 5.4). Reason codes:
 * 1 local close with NOTIFICATION, 2 local close with FSM event code, 3 remote close with
 * NOTIFICATION, 4 remote close without data, 5 peer de-configured, 6 local close with TLVs
 * (RFC 9069, Loc-RIB), 7 not assigned by RFC 9069: its data is kept as TLVs when they parse.
 */
import type { InfoTlv } from '../types.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import { readNotificationMessage, type NotificationInfo } from '../bgp/notification.js';
import type { PeerHeader } from './peer-header.js';
import { infoTlvs, PEER_UP_TLV_NAMES, readTlvs } from './tlv.js';

export const PEER_DOWN_REASONS: Record<number, string> = {
  1: 'local system closed, NOTIFICATION follows',
  2: 'local system closed, FSM event follows',
  3: 'remote system closed, NOTIFICATION follows',
  4: 'remote system closed, no data',
  5: 'peer de-configured',
  6: 'local system closed, TLV data follows',
  7: 'reason 7',
};

export interface PeerDownMessage {
  kind: 'peer-down';
  peer: PeerHeader;
  reasonCode: number;
  reason: string;
  notification: NotificationInfo | null;
  fsmEvent: number | null;
  info: InfoTlv[];
  unknownTlvs: number;
}

export function decodePeerDown(r: Reader, peer: PeerHeader): PeerDownMessage {
  const at = r.offset;
  const reasonCode = r.u8();
  const out: PeerDownMessage = {
    kind: 'peer-down',
    peer,
    reasonCode,
    reason: PEER_DOWN_REASONS[reasonCode] ?? `reason ${reasonCode}`,
    notification: null,
    fsmEvent: null,
    info: [],
    unknownTlvs: 0,
  };
  switch (reasonCode) {
    case 1:
    case 3:
      out.notification = readNotificationMessage(r);
      break;
    case 2:
      out.fsmEvent = r.u16();
      break;
    case 4:
    case 5:
      break;
    case 6:
    case 7: {
      const { info, unknown } = infoTlvs(readTlvs(r), PEER_UP_TLV_NAMES);
      out.info = info;
      out.unknownTlvs = unknown;
      break;
    }
    default:
      throw new DecodeError('BMP_BAD_PEER_DOWN', at, `Peer Down reason ${reasonCode} unknown`);
  }
  return out;
}
