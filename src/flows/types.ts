/**
 * Flow import: top destination hosts from traffic data (a CSV/JSON list, nfacctd's JSON print
 * output) become FlowTalkers snapshots (src/core/events.ts) on the bus.
 */
import type { FlowTalker } from '../core/events.js';

export const FLOW_FORMATS = ['csv', 'json', 'nfacctd'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

/** A row that was skipped: where (1-based line of a CSV/nfacctd file, or 1-based item of a JSON list) and why. */
export interface RowProblem {
  line?: number;
  item?: number;
  message: string;
}

export interface FlowParseLimits {
  /** Data rows read at most; the rest of the input is ignored (truncated: true). */
  maxRows: number;
  /** Distinct addresses tracked at most; rows for further new addresses are counted in droppedHosts. */
  maxHosts: number;
  /** Talkers kept in the result, busiest first. */
  topN: number;
  /** Problems listed at most (all are counted in skipped). */
  maxProblems?: number;
}

export interface FlowParseResult {
  format: FlowFormat;
  /** The busiest topN hosts: bytes descending, then packets descending, then first seen. */
  talkers: FlowTalker[];
  /** Data rows read (headers, comments, blank lines and nfacctd markers are not rows). */
  rows: number;
  /** Rows that went into the totals. */
  accepted: number;
  /** Rows skipped as bad (each is in problems, up to maxProblems). */
  skipped: number;
  problems: RowProblem[];
  /** Distinct hosts before the top-N cut. */
  hosts: number;
  /** Rows for new hosts refused because maxHosts were already tracked. */
  droppedHosts: number;
  /** True when the input had more than maxRows rows. */
  truncated: boolean;
}

export const DEFAULT_MAX_PROBLEMS = 100;
