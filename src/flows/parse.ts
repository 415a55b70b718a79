import { parseCsvTalkers } from './csv.js';
import { FlowImportError } from './errors.js';
import { parseJsonTalkers } from './json-list.js';
import { parseNfacctdTalkers } from './nfacctd.js';
import { FLOW_FORMATS, type FlowFormat, type FlowParseLimits, type FlowParseResult } from './types.js';

const PARSERS: Record<FlowFormat, (text: string, limits: FlowParseLimits) => FlowParseResult> = {
  csv: parseCsvTalkers,
  json: parseJsonTalkers,
  nfacctd: parseNfacctdTalkers,
};

export function isFlowFormat(s: string): s is FlowFormat {
  return (FLOW_FORMATS as readonly string[]).includes(s);
}

/**
 * The format of an input: by file name (.csv, .txt), else by content: "[" starts a JSON list,
 * "{" either a JSON list object ({"talkers": ...}) or nfacctd's one object per line.
 */
export function detectFlowFormat(text: string, name = ''): FlowFormat {
  if (/\.(csv|txt)$/i.test(name)) return 'csv';
  const body = text.replace(/^\uFEFF?\s*/, '');
  if (body.startsWith('[')) return 'json';
  if (body.startsWith('{')) {
    // One whole JSON object: a {"talkers": [...]} list, unless it is a one-line nfacctd file.
    // Several objects (nfacctd's one per line) fail JSON.parse at the second line, cheaply.
    try {
      const o = JSON.parse(body) as Record<string, unknown>;
      return 'talkers' in o ? 'json' : 'nfacctd';
    } catch {
      return 'nfacctd';
    }
  }
  return 'csv';
}

/**
 * Parses flow data of a known size (the caller bounds it: maxBytes). Throws FlowImportError when
 * the input as a whole is unusable: too large, empty, not the format, or not one valid row.
 */
export function parseFlows(text: string, format: FlowFormat | 'auto', limits: FlowParseLimits & { maxBytes: number }, name?: string): FlowParseResult {
  const bytes = Buffer.byteLength(text);
  if (bytes > limits.maxBytes) throw new FlowImportError('TOO_LARGE', `${bytes} bytes is more than the limit of ${limits.maxBytes}`);
  const f = format === 'auto' ? detectFlowFormat(text, name) : format;
  const parse = PARSERS[f];
  if (!parse) throw new FlowImportError('UNKNOWN_FORMAT', `unknown format "${String(format)}": one of ${FLOW_FORMATS.join(', ')}`);
  const result = parse(text, limits);
  if (result.rows === 0) throw new FlowImportError('EMPTY', 'no data rows');
  if (result.accepted === 0) {
    const first = result.problems[0];
    const where = first ? ` (first: ${first.line !== undefined ? `line ${first.line}` : `item ${first.item}`}: ${first.message})` : '';
    throw new FlowImportError('NO_VALID_ROWS', `none of the ${result.rows} rows is valid${where}`);
  }
  return result;
}
