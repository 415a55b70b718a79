/**
 * BGP OPEN (RFC 4271 4.2), with optional parameters in the classic form and the extended
 * form of RFC 9072 (non-extended length 255 followed by parameter type 255).
 */
import type { BgpOpenInfo } from '../types.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import { emptyCapabilities, readCapabilities } from './capabilities.js';
import { BGP_OPEN, expectBgpMessage } from './message.js';

const PARAM_CAPABILITIES = 2;

/** Decodes the OPEN body. Non-fatal problems (bad capability, BGP ID 0) go to issues. */
export function decodeOpenBody(r: Reader, issues: DecodeError[]): BgpOpenInfo {
  const version = r.u8();
  const myAs = r.u16();
  const holdTime = r.u16();
  const idAt = r.offset;
  const bgpId = r.ipv4();
  if (bgpId === '0.0.0.0') {
    // RFC 4271 6.2 makes this a session error; a monitoring station still wants the rest.
    issues.push(new DecodeError('BGP_OPEN_BAD_BGP_ID', idAt, 'OPEN BGP Identifier 0.0.0.0'));
  }
  let paramsLen = r.u8();
  let extended = false;
  if (paramsLen === 255 && r.remaining >= 3 && r.buf[r.position] === 255) {
    r.u8();
    paramsLen = r.u16();
    extended = true;
  }
  if (paramsLen > r.remaining) {
    throw new DecodeError('BGP_BAD_OPEN', r.offset, `optional parameters length ${paramsLen} > ${r.remaining}`);
  }
  const params = r.sub(paramsLen);
  const capabilities = emptyCapabilities();
  let asn = myAs;
  while (!params.atEnd()) {
    const type = params.u8();
    const len = extended ? params.u16() : params.u8();
    const value = params.sub(len);
    if (type !== PARAM_CAPABILITIES) continue;
    const { asn4 } = readCapabilities(value, capabilities, issues);
    if (asn4 !== null) asn = asn4;
  }
  return { version, asn, holdTime, bgpId, capabilities };
}

/** Reads a whole BGP message that must be an OPEN. */
export function readOpenMessage(r: Reader, issues: DecodeError[]): BgpOpenInfo {
  return decodeOpenBody(expectBgpMessage(r, BGP_OPEN, 'OPEN').body, issues);
}
