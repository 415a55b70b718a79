/**
 * The `flows` section of the configuration (zod 4): limits of every flow import (file, CLI,
 * API) and the files the daemon watches, e.g. nfacctd's print plugin output. The main schema
 * embeds it as `flows: flowsSchema.prefault({})`.
 */
import { z } from 'zod';
import { FLOW_FORMATS } from './types.js';

export const MAX_TOP_N = 10_000;
const topN = z.number().int().min(1).max(MAX_TOP_N);

export const flowSourceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,199}$/, 'letters, digits and . _ : @ / -, at most 200 characters');

const watchSchema = z.strictObject({
  /** The file to read, e.g. nfacctd's print_output_file (or its print_latest_file pointer). */
  path: z.string().min(1),
  format: z.enum(FLOW_FORMATS).default('nfacctd'),
  /** How often the file is checked; it is read only when its size or modification time changed. */
  pollIntervalSec: z.number().int().min(1).max(3600).default(10),
  /** Talkers kept from this file; null = flows.topN. */
  topN: topN.nullable().default(null),
  /** The snapshot's source name; null = "<format>:<path>". */
  source: flowSourceName.nullable().default(null),
});

export const flowsSchema = z.strictObject({
  /** Flow import (POST/GET /api/flows and the watched files); publishes the flow.talkers event. */
  enabled: z.boolean().default(true),
  /** A larger file or request body is refused whole. */
  maxFileBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Data rows read per import at most; the rest is ignored (reported as truncated). */
  maxRows: z.number().int().min(1).max(10_000_000).default(500_000),
  /** Distinct hosts summed per import at most; rows for further hosts are counted and dropped. */
  maxHosts: z.number().int().min(1).max(10_000_000).default(200_000),
  /** Talkers kept per snapshot (busiest by bytes). */
  topN: topN.default(1000),
  watch: z.array(watchSchema).max(32).default([]),
});

export type FlowsConfig = z.output<typeof flowsSchema>;
export type FlowWatchConfig = FlowsConfig['watch'][number];
