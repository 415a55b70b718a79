import { checkTalkerAddress } from './address.js';
import { TalkerTable } from './table.js';
import { DEFAULT_MAX_PROBLEMS, type FlowFormat, type FlowParseLimits, type FlowParseResult, type RowProblem } from './types.js';

export type RowPlace = { line: number } | { item: number };

/** A counter value: a non-negative whole number, as a JSON number or a string of digits (pmacct prints u64 counters as strings). */
export function parseCount(v: unknown, field: string): number | { error: string } {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v.trim()) && Number.isSafeInteger(Number(v.trim()))) return Number(v.trim());
  const shown = typeof v === 'string' ? `"${v.length > 30 ? `${v.slice(0, 30)}...` : v}"` : v === undefined ? 'missing' : JSON.stringify(v);
  return { error: `${field}: ${shown} is not a whole number >= 0` };
}

export interface RowValues {
  address: unknown;
  bytes: unknown;
  packets: unknown;
  flows: unknown;
}

/**
 * What every parser does with its rows: validate, sum per host, count and list the bad ones,
 * stop at maxRows. A bad row costs that row only.
 */
export class RowCollector {
  private rows = 0;
  private accepted = 0;
  private skipped = 0;
  private truncated = false;
  private readonly problems: RowProblem[] = [];
  private readonly table: TalkerTable;

  constructor(
    private readonly format: FlowFormat,
    private readonly limits: FlowParseLimits,
  ) {
    this.table = new TalkerTable(limits.maxHosts);
  }

  /** False once maxRows rows were read: the caller stops, the result says truncated. */
  room(): boolean {
    if (this.rows < this.limits.maxRows) return true;
    this.truncated = true;
    return false;
  }

  bad(place: RowPlace, message: string): void {
    this.rows++;
    this.skipped++;
    if (this.problems.length < (this.limits.maxProblems ?? DEFAULT_MAX_PROBLEMS)) this.problems.push({ ...place, message });
  }

  /** bytes/packets/flows undefined = not given (a plain address list): 0, 0 and no flows. */
  row(place: RowPlace, v: RowValues): void {
    if (typeof v.address !== 'string') return this.bad(place, v.address === undefined ? 'no address' : 'address: not a string');
    const addr = checkTalkerAddress(v.address);
    if (!addr.ok) return this.bad(place, addr.message);
    const bytes = v.bytes === undefined ? 0 : parseCount(v.bytes, 'bytes');
    if (typeof bytes !== 'number') return this.bad(place, bytes.error);
    const packets = v.packets === undefined ? 0 : parseCount(v.packets, 'packets');
    if (typeof packets !== 'number') return this.bad(place, packets.error);
    const flows = v.flows === undefined || v.flows === null ? undefined : parseCount(v.flows, 'flows');
    if (flows !== undefined && typeof flows !== 'number') return this.bad(place, flows.error);
    this.rows++;
    if (this.table.add(addr.address, bytes, packets, flows)) this.accepted++;
  }

  result(): FlowParseResult {
    return {
      format: this.format,
      talkers: this.table.top(this.limits.topN),
      rows: this.rows,
      accepted: this.accepted,
      skipped: this.skipped,
      problems: this.problems,
      hosts: this.table.size,
      droppedHosts: this.table.droppedHosts,
      truncated: this.truncated,
    };
  }
}

/** Splits text into lines with their 1-based numbers (\n or \r\n), calling fn until it returns false. */
export function forEachLine(text: string, fn: (line: string, n: number) => boolean | void): void {
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (!(start === text.length && end === start) && fn(line, n) === false) return;
    start = end + 1;
  }
}
