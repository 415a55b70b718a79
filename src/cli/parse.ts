import { readFileSync } from 'node:fs';
import {
  isParseError,
  parseMtrJson,
  parseMtrRaw,
  parseScamperJsonAll,
  parseScamperPmtud,
  parseTcptraceroute,
  parseTraceroute,
  parseTracepath,
  type ParseOptions,
} from '../probe/parsers/index.js';
import type { PathObservation, ProbeMethod } from '../probe/types.js';

const PARSERS: Record<string, (text: string, o: ParseOptions) => PathObservation | PathObservation[]> = {
  traceroute: parseTraceroute,
  'mtr-json': parseMtrJson,
  'mtr-raw': parseMtrRaw,
  tcptraceroute: parseTcptraceroute,
  'scamper-json': parseScamperJsonAll,
  tracepath: parseTracepath,
  'scamper-pmtud': parseScamperPmtud,
};

export const PARSE_FORMATS = Object.keys(PARSERS);

/**
 * `smoketrace parse FORMAT FILE`: the PathObservation JSON of a saved tool
 * output (an array for scamper files holding several traces).
 */
export function parseCommand(format: string, file: string, opts: { target?: string; method?: string }): void {
  const parse = PARSERS[format];
  if (!parse) throw new Error(`unknown format "${format}": one of ${PARSE_FORMATS.join(', ')}`);
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const o: ParseOptions = {
    ...(opts.target ? { target: { address: opts.target } } : {}),
    ...(opts.method ? { method: opts.method as ProbeMethod } : {}),
  };
  try {
    const result = parse(text, o);
    process.stdout.write(JSON.stringify(Array.isArray(result) && result.length === 1 ? result[0] : result, null, 2) + '\n');
  } catch (err) {
    if (isParseError(err)) {
      process.stderr.write(`smoketrace parse: ${file}: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
