/**
 * Typed flow-import failures: the whole input is refused (a bad row only costs that row and is
 * counted in FlowParseResult.skipped instead).
 */
export type FlowImportErrorCode =
  | 'TOO_LARGE'
  | 'EMPTY'
  | 'NO_VALID_ROWS'
  | 'BAD_JSON'
  | 'BAD_SHAPE'
  | 'BAD_HEADER'
  | 'UNKNOWN_FORMAT';

export class FlowImportError extends Error {
  override readonly name = 'FlowImportError';
  constructor(
    readonly code: FlowImportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isFlowImportError(e: unknown): e is FlowImportError {
  return e instanceof FlowImportError;
}
