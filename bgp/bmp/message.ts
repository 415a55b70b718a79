/**
 * Decodes one whole BMP message (as framed by BmpFramer) into a typed message.
 * Common header: version, length, type (RFC 7854 4.1). Unknown types are returned as
 * kind 'unknown' for the caller to count, never thrown.
 */
import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { BMP_COMMON_HEADER_SIZE, isSupportedBmpVersion } from './framer.js';
import { decodeInitiation, decodeTermination, type InitiationMessage, type TerminationMessage } from './initiation.js';
import { decodeMirroring, type MirrorMessage } from './mirroring.js';
import { readPeerHeader, type PeerHeaderCache } from './peer-header.js';
import { decodePeerDown, type PeerDownMessage } from './peer-down.js';
import { decodePeerUp, type PeerUpMessage } from './peer-up.js';
import { decodeRouteMonitoring, type RouteMonitoringMessage } from './route-monitoring.js';
import { decodeStats, type StatsMessage } from './stats.js';

export const BMP_ROUTE_MONITORING = 0;
export const BMP_STATISTICS = 1;
export const BMP_PEER_DOWN = 2;
export const BMP_PEER_UP = 3;
export const BMP_INITIATION = 4;
export const BMP_TERMINATION = 5;
export const BMP_ROUTE_MIRRORING = 6;

export const BMP_TYPE_NAMES: Record<number, string> = {
  0: 'route-monitoring',
  1: 'statistics',
  2: 'peer-down',
  3: 'peer-up',
  4: 'initiation',
  5: 'termination',
  6: 'route-mirroring',
};

export interface UnknownMessage {
  kind: 'unknown';
  type: number;
}

export type BmpMessage =
  | RouteMonitoringMessage
  | StatsMessage
  | PeerDownMessage
  | PeerUpMessage
  | InitiationMessage
  | TerminationMessage
  | MirrorMessage
  | UnknownMessage;

export interface BmpEnvelope {
  version: number;
  type: number;
  length: number;
  offset: number;
  message: BmpMessage;
}

/**
 * msg must hold exactly one BMP message; streamOffset is where it starts in the stream.
 * A session decoding many messages passes its PeerHeaderCache (see ./peer-header.ts).
 */
export function decodeBmpMessage(msg: Buffer, streamOffset = 0, peers?: PeerHeaderCache): BmpEnvelope {
  const r = new Reader(msg, 0, msg.length, streamOffset);
  const version = r.u8();
  const length = r.u32();
  const type = r.u8();
  if (!isSupportedBmpVersion(version)) throw new DecodeError('BMP_BAD_VERSION', streamOffset, `BMP version ${version}`);
  if (length !== msg.length || length < BMP_COMMON_HEADER_SIZE) {
    throw new DecodeError('BMP_BAD_LENGTH', streamOffset, `BMP length ${length} for a ${msg.length}-byte message`);
  }
  return { version, type, length, offset: streamOffset, message: decodeBody(r, type, version, peers) };
}

function decodeBody(r: Reader, type: number, version: number, peers: PeerHeaderCache | undefined): BmpMessage {
  switch (type) {
    case BMP_INITIATION:
      return decodeInitiation(r);
    case BMP_TERMINATION:
      return decodeTermination(r);
    case BMP_ROUTE_MONITORING:
      return decodeRouteMonitoring(r, readPeerHeader(r, peers), version);
    case BMP_STATISTICS:
      return decodeStats(r, readPeerHeader(r, peers));
    case BMP_PEER_DOWN:
      return decodePeerDown(r, readPeerHeader(r, peers));
    case BMP_PEER_UP:
      return decodePeerUp(r, readPeerHeader(r, peers));
    case BMP_ROUTE_MIRRORING:
      return decodeMirroring(r, readPeerHeader(r, peers));
    default:
      return { kind: 'unknown', type };
  }
}
