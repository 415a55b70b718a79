/**
 * The BGP message header (RFC 4271 4.1): 16-octet marker of all ones, 2-octet length
 * (19..4096, or up to 65535 with Extended Messages, RFC 8654), 1-octet type.
 */
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';

export const BGP_HEADER_SIZE = 19;
export const BGP_OPEN = 1;
export const BGP_UPDATE = 2;
export const BGP_NOTIFICATION = 3;
export const BGP_KEEPALIVE = 4;
export const BGP_ROUTE_REFRESH = 5;

export interface BgpFrame {
  type: number;
  /** Reader over the message body (after the 19-octet header). */
  body: Reader;
  /** Stream offset of the marker. */
  offset: number;
}

/** Reads one whole BGP message from r; r moves past it. */
export function readBgpMessage(r: Reader): BgpFrame {
  const offset = r.offset;
  const marker = r.advance(16);
  for (let i = 0; i < 16; i++) {
    if (r.buf[marker + i] !== 0xff) throw new DecodeError('BGP_BAD_MARKER', offset, 'BGP marker is not all ones');
  }
  const length = r.u16();
  const type = r.u8();
  if (length < BGP_HEADER_SIZE || length - BGP_HEADER_SIZE > r.remaining) {
    throw new DecodeError('BGP_BAD_LENGTH', offset, `BGP length ${length} with ${r.remaining + BGP_HEADER_SIZE} byte(s) available`);
  }
  return { type, body: r.sub(length - BGP_HEADER_SIZE), offset };
}

/** Reads a BGP message and checks its type. */
export function expectBgpMessage(r: Reader, type: number, what: string): BgpFrame {
  const m = readBgpMessage(r);
  if (m.type !== type) {
    throw new DecodeError('BGP_UNEXPECTED_TYPE', m.offset, `expected ${what} (type ${type}), got BGP type ${m.type}`);
  }
  return m;
}
