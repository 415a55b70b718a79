/** The pure output parsers, one per tool format. */
export { ParseError, isParseError, type ParseErrorCode } from './errors.js';
export type { ParseOptions } from './observation.js';
export { parseTraceroute } from './traceroute.js';
export { parseTcptraceroute } from './tcptraceroute.js';
export { parseMtrJson, parseMtrHeader, type MtrHeader } from './mtr-json.js';
export { parseMtrRaw } from './mtr-raw.js';
export { parseScamperJson, parseScamperJsonAll, parseScamperJsonDetailed, type ScamperParseResult } from './scamper-json.js';
export { parseTracepath } from './tracepath.js';
export { parseScamperPmtud } from './scamper-pmtud.js';
