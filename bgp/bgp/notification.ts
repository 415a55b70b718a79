/** BGP NOTIFICATION (RFC 4271 4.5): error code, subcode, data (kept as hex). */
import type { Reader } from '../reader.js';
import { BGP_NOTIFICATION, expectBgpMessage } from './message.js';

export interface NotificationInfo {
  code: number;
  subcode: number;
  data?: string;
}

export function decodeNotificationBody(r: Reader): NotificationInfo {
  const code = r.u8();
  const subcode = r.u8();
  const rest = r.bytes(r.remaining);
  return rest.length > 0 ? { code, subcode, data: rest.toString('hex') } : { code, subcode };
}

export function readNotificationMessage(r: Reader): NotificationInfo {
  return decodeNotificationBody(expectBgpMessage(r, BGP_NOTIFICATION, 'NOTIFICATION').body);
}
