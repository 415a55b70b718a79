export { ExabgpParser, type ExabgpSession } from './parser.js';
export type { ExabgpCounters } from './counters.js';
export { EXABGP_ERROR_CODES, type ExabgpErrorCode } from './errors.js';
export { formatExtendedCommunity } from './ext-community.js';
export { parseJsonKeepingBigInts, quoteLongIntegers } from './json.js';
