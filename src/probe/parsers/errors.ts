/**
 * Typed parse failures. A parser never returns a silently empty observation:
 * output it cannot make sense of throws ParseError with a code, the 1-based
 * line number (0 when the problem is not tied to a line) and a message.
 * Severity: a ParseError costs that one run's output, never the caller.
 */
export type ParseErrorCode =
  | 'EMPTY_OUTPUT'
  | 'NO_HOPS'
  | 'UNEXPECTED_LINE'
  | 'BAD_TOKEN'
  | 'BAD_ADDRESS'
  | 'BAD_NUMBER'
  | 'TTL_ORDER'
  | 'BAD_JSON'
  | 'BAD_SHAPE';

export class ParseError extends Error {
  override readonly name = 'ParseError';
  readonly severity = 'run' as const;
  constructor(
    readonly code: ParseErrorCode,
    readonly line: number,
    message: string,
  ) {
    super(line > 0 ? `line ${line}: ${message}` : message);
  }
}

export function isParseError(e: unknown): e is ParseError {
  return e instanceof ParseError;
}
