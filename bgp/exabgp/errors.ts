/**
 * Coded problems of the ExaBGP JSON parser, in the style of ../errors.ts.
 *
 * Every problem costs exactly one line: the parser reports one `error` RouteEvent
 * (offset = line number) and goes on with the next line.
 */

import type { Severity } from '../errors.js';

interface CodeInfo {
  severity: Severity;
  description: string;
}

export const EXABGP_ERROR_CODES = {
  EXABGP_BAD_JSON: { severity: 'message-skip', description: 'the line is not valid JSON' },
  EXABGP_BAD_SHAPE: { severity: 'message-skip', description: 'valid JSON, but not the shape of an ExaBGP API message' },
  EXABGP_BAD_VERSION: { severity: 'message-skip', description: 'the "exabgp" version is not a 3.x-6.x JSON encoder' },
  EXABGP_BAD_PREFIX: { severity: 'message-skip', description: 'an NLRI of an IPv4/IPv6 family is not a prefix' },
  EXABGP_INTERNAL: { severity: 'message-skip', description: 'unexpected failure while reading the line' },
} as const satisfies Record<string, CodeInfo>;

export type ExabgpErrorCode = keyof typeof EXABGP_ERROR_CODES;

/** Thrown inside the parser when a message has the wrong shape; caught by parseLine. */
export class ExabgpShapeError extends Error {
  override readonly name = 'ExabgpShapeError';
  readonly code: ExabgpErrorCode;

  constructor(code: ExabgpErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
