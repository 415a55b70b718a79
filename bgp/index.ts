/** Public API of the pure BMP/BGP decoding library. */
export { DecodeError, DECODE_ERROR_CODES, isDecodeError, type DecodeErrorCode, type Severity } from './errors.js';
export { Reader, ipv4Text, ipv6Text } from './reader.js';
export { BmpFramer, DEFAULT_MAX_MESSAGE, type BmpFramerOptions } from './bmp/framer.js';
export { decodeBmpMessage, BMP_TYPE_NAMES, type BmpEnvelope, type BmpMessage } from './bmp/message.js';
export type { PeerHeader } from './bmp/peer-header.js';
export { decodeUpdateBody, type DecodedUpdate, type FamilyRoutes, type UpdateOptions } from './bgp/update.js';
export { decodeOpenBody, readOpenMessage } from './bgp/open.js';
export { decodeNotificationBody, readNotificationMessage, type NotificationInfo } from './bgp/notification.js';
export { readBgpMessage, type BgpFrame } from './bgp/message.js';
export { BmpSession, decodeBmpStream, peerRef, type BmpCounters, type DecodeStreamOptions } from './bmp-normalize.js';
export type * from './types.js';
