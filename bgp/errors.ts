/**
 * Typed, coded decode errors graded by severity (RFC 7606 section 2 vocabulary).
 *
 * Severity says what the decoder did about the problem, from mildest to worst:
 * - attribute-discard: one path attribute was dropped, the UPDATE is otherwise used (RFC 7606 2).
 * - treat-as-withdraw: the UPDATE's announced prefixes become withdrawals (RFC 7606 2).
 * - message-skip: one BMP message could not be used; the stream goes on. Errors that would
 *   reset the monitored BGP session (RFC 7606 "session reset") land here: a monitoring
 *   station cannot reset someone else's session, it can only skip the message.
 * - session-reset: the BMP framing is broken; nothing after this point can be trusted.
 */

export type Severity = 'attribute-discard' | 'treat-as-withdraw' | 'message-skip' | 'session-reset';

export interface CodeInfo {
  severity: Severity;
  description: string;
}

/** Every code the decoder can raise, with its default severity. */
export const DECODE_ERROR_CODES = {
  TRUNCATED: { severity: 'message-skip', description: 'read past the end of a message or field' },
  BMP_BAD_VERSION: { severity: 'session-reset', description: 'BMP common header version is not 3 or 4' },
  BMP_BAD_LENGTH: { severity: 'session-reset', description: 'BMP common header length below 6 or above the maximum' },
  BMP_TRAILING_DATA: { severity: 'session-reset', description: 'stream ended inside a BMP message' },
  BMP_BAD_TLV: { severity: 'message-skip', description: 'a BMP TLV overruns its message' },
  BMP_BAD_PEER_DOWN: { severity: 'message-skip', description: 'Peer Down data does not match its reason code' },
  BGP_BAD_MARKER: { severity: 'message-skip', description: 'BGP header marker is not 16 x 0xff (RFC 4271 4.1)' },
  BGP_BAD_LENGTH: { severity: 'message-skip', description: 'BGP header length inconsistent with the data (RFC 4271 6.1)' },
  BGP_UNEXPECTED_TYPE: { severity: 'message-skip', description: 'BGP message type not the one expected here' },
  BGP_BAD_OPEN: { severity: 'message-skip', description: 'malformed BGP OPEN (RFC 4271 6.2)' },
  BGP_BAD_CAPABILITY: { severity: 'attribute-discard', description: 'malformed capability, ignored (RFC 5492)' },
  BGP_OPEN_BAD_BGP_ID: { severity: 'attribute-discard', description: 'OPEN BGP Identifier is 0.0.0.0 (RFC 4271 6.2); kept as is' },
  UPDATE_BAD_LENGTHS: { severity: 'message-skip', description: 'withdrawn/attribute lengths overrun the UPDATE (RFC 7606 4)' },
  UPDATE_BAD_NLRI: { severity: 'message-skip', description: 'NLRI field cannot be parsed (RFC 7606 5.3)' },
  ATTR_OVERRUN: { severity: 'treat-as-withdraw', description: 'a path attribute overruns the attribute block (RFC 7606 4)' },
  ATTR_BAD_FLAGS: { severity: 'treat-as-withdraw', description: 'attribute flags conflict with the type (RFC 7606 3c)' },
  ATTR_BAD_LENGTH: { severity: 'treat-as-withdraw', description: 'attribute length wrong for its type (RFC 7606 7)' },
  ATTR_DUPLICATE: { severity: 'attribute-discard', description: 'attribute repeated, later copies discarded (RFC 7606 3g)' },
  ATTR_MISSING_MANDATORY: {
    severity: 'attribute-discard',
    description: 'well-known mandatory attribute missing (RFC 7606 3d); routes kept as the router reported them',
  },
  ATTR_BAD_ORIGIN: { severity: 'treat-as-withdraw', description: 'ORIGIN value undefined (RFC 7606 7.1)' },
  ATTR_BAD_AS_PATH: { severity: 'treat-as-withdraw', description: 'malformed AS_PATH (RFC 7606 7.2)' },
  ATTR_AS_PATH_WIDTH: { severity: 'attribute-discard', description: 'AS_PATH ASN width differs from the session (RFC 6793); parsed with the other width' },
  ATTR_BAD_AS4_PATH: { severity: 'attribute-discard', description: 'malformed AS4_PATH, ignored (RFC 6793 6, RFC 7606 7.2)' },
  ATTR_BAD_NEXT_HOP: { severity: 'treat-as-withdraw', description: 'malformed NEXT_HOP (RFC 7606 7.3)' },
  ATTR_BAD_MP_REACH: { severity: 'message-skip', description: 'malformed MP_REACH/MP_UNREACH_NLRI (RFC 7606 7.11)' },
  ATTR_DUPLICATE_MP: { severity: 'message-skip', description: 'MP_REACH or MP_UNREACH repeated (RFC 7606 3g)' },
} as const satisfies Record<string, CodeInfo>;

export type DecodeErrorCode = keyof typeof DECODE_ERROR_CODES;

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  readonly code: DecodeErrorCode;
  /** Byte offset in the stream (or in the buffer given to the decoder) where the problem was found. */
  readonly offset: number;
  readonly severity: Severity;

  constructor(code: DecodeErrorCode, offset: number, message: string, severity?: Severity) {
    super(message);
    this.code = code;
    this.offset = offset;
    this.severity = severity ?? DECODE_ERROR_CODES[code].severity;
  }
}

export function isDecodeError(e: unknown): e is DecodeError {
  return e instanceof DecodeError;
}
