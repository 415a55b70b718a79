import { FlowImportError } from './errors.js';
import { forEachLine, RowCollector } from './rows.js';
import type { FlowParseLimits, FlowParseResult } from './types.js';

/** Header names understood, lowercase (pmacct's CSV print output says DST_IP, PACKETS, BYTES, FLOWS). */
export const ADDRESS_COLUMNS = ['address', 'ip', 'dst_host', 'ip_dst', 'dst_ip', 'dstaddr', 'host', 'destination'];
const BYTES_COLUMNS = ['bytes', 'octets', 'in_bytes'];
const PACKETS_COLUMNS = ['packets', 'pkts', 'in_pkts'];
const FLOWS_COLUMNS = ['flows'];

/** One CSV line into cells: commas, optional double quotes with "" as a quote (RFC 4180 without line breaks in cells). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (c === ',') {
      cells.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  cells.push(cur.trim());
  return cells;
}

interface Columns {
  address: number;
  bytes: number;
  packets: number;
  flows: number;
}

/** The columns of a header line, null when the line is data (no known column name in it). */
function headerColumns(cells: string[], line: number): Columns | null {
  const names = cells.map((c) => c.toLowerCase());
  const find = (aliases: string[]) => names.findIndex((n) => aliases.includes(n));
  const cols = { address: find(ADDRESS_COLUMNS), bytes: find(BYTES_COLUMNS), packets: find(PACKETS_COLUMNS), flows: find(FLOWS_COLUMNS) };
  if (cols.address < 0 && cols.bytes < 0 && cols.packets < 0 && cols.flows < 0) return null;
  if (cols.address < 0) {
    throw new FlowImportError('BAD_HEADER', `line ${line}: the header names no address column (one of ${ADDRESS_COLUMNS.join(', ')})`);
  }
  return cols;
}

/** Without a header a line is ADDRESS[,BYTES[,PACKETS[,FLOWS]]]: a plain one-address-per-line list works. */
const HEADERLESS: Columns = { address: 0, bytes: 1, packets: 2, flows: 3 };

/**
 * A CSV list of destination hosts: a header row naming the columns (address | ip | dst_host |
 * ip_dst ..., bytes, packets, optional flows; any order, other columns ignored), or no header.
 * Blank lines and lines starting with # are skipped; rows for one address are summed.
 */
export function parseCsvTalkers(text: string, limits: FlowParseLimits): FlowParseResult {
  const out = new RowCollector('csv', limits);
  let cols: Columns | null = null;
  forEachLine(text, (raw, n) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return true;
    const cells = splitCsvLine(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
    if (!cols) {
      cols = headerColumns(cells, n) ?? HEADERLESS;
      if (cols !== HEADERLESS) return true;
    }
    if (!out.room()) return false;
    const cell = (i: number) => (i >= 0 && i < cells.length && cells[i] !== '' ? cells[i] : undefined);
    out.row({ line: n }, { address: cell(cols.address), bytes: cell(cols.bytes), packets: cell(cols.packets), flows: cell(cols.flows) });
    return true;
  });
  return out.result();
}
