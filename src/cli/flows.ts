import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { flowsSchema } from '../flows/config.js';
import { isFlowImportError } from '../flows/errors.js';
import { isFlowFormat, parseFlows } from '../flows/parse.js';
import { flowLimits } from '../flows/service.js';
import type { FlowParseResult } from '../flows/types.js';

export interface FlowsCliOptions {
  format?: string;
  top?: string;
  source?: string;
  to?: string;
  token?: string;
}

const DEFAULTS = flowsSchema.parse({});

function positiveInt(s: string | undefined, name: string, max: number): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > max) throw new Error(`--${name} must be a whole number from 1 to ${max}`);
  return Number(s);
}

/** Reads and parses a flow file with the default limits; problems go to stderr. Null (exit 1) when unusable. */
async function parseFile(file: string, opts: FlowsCliOptions, cmd: string): Promise<{ result: FlowParseResult; mtime: Date } | null> {
  const format = opts.format ?? 'auto';
  if (format !== 'auto' && !isFlowFormat(format)) throw new Error(`--format must be auto, csv, json or nfacctd, not "${format}"`);
  const limits = flowLimits(DEFAULTS, positiveInt(opts.top, 'top', 10_000));
  const st = file === '-' ? null : await stat(file);
  if (st && st.size > limits.maxBytes) throw new Error(`${file}: ${st.size} bytes is more than ${limits.maxBytes}`);
  const text = file === '-' ? await readStdin(limits.maxBytes) : await readFile(file, 'utf8');
  try {
    const result = parseFlows(text, format, limits, file === '-' ? '' : basename(file));
    for (const p of result.problems) process.stderr.write(`smoketrace ${cmd}: ${file}: ${p.line !== undefined ? `line ${p.line}` : `item ${p.item}`}: ${p.message}\n`);
    process.stderr.write(
      `smoketrace ${cmd}: ${file}: ${result.format}, ${result.rows} rows, ${result.skipped} skipped, ${result.hosts} hosts` +
        `${result.truncated ? ' (truncated)' : ''}, top ${result.talkers.length}\n`,
    );
    return { result, mtime: st?.mtime ?? new Date() };
  } catch (err) {
    if (!isFlowImportError(err)) throw err;
    process.stderr.write(`smoketrace ${cmd}: ${file}: ${err.code}: ${err.message}\n`);
    process.exitCode = 1;
    return null;
  }
}

async function readStdin(maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of process.stdin as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > maxBytes) throw new Error(`stdin: more than ${maxBytes} bytes`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `smoketrace flows parse FILE`: the FlowTalkers JSON of a CSV/JSON list or an nfacctd print file. */
export async function flowsParseCommand(file: string, opts: FlowsCliOptions): Promise<void> {
  const parsed = await parseFile(file, opts, 'flows parse');
  if (!parsed) return;
  const source = opts.source ?? (file === '-' ? 'stdin' : `file:${file}`);
  process.stdout.write(JSON.stringify({ source, time: parsed.mtime.toISOString(), talkers: parsed.result.talkers }, null, 2) + '\n');
}

/** `smoketrace flows import FILE --to URL`: parses locally, sends the talkers to a daemon's POST /api/flows. */
export async function flowsImportCommand(file: string, opts: FlowsCliOptions): Promise<void> {
  if (!opts.to) throw new Error('--to URL is needed (the daemon, e.g. http://127.0.0.1:8080)');
  const token = opts.token ?? process.env.SMOKETRACE_API_TOKEN;
  if (!token) throw new Error('an API token is needed: --token TOKEN or SMOKETRACE_API_TOKEN');
  const parsed = await parseFile(file, opts, 'flows import');
  if (!parsed) return;
  const url = new URL('/api/flows', opts.to);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      ...(opts.source ? { source: opts.source } : {}),
      time: parsed.mtime.toISOString(),
      talkers: parsed.result.talkers,
    }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) {
    process.stderr.write(`smoketrace flows import: ${url.href} answered ${res.status}: ${text}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
