/**
 * Runs one probe with execa 9 (argv array, no shell, reject: false, timeout,
 * SIGKILL, AbortSignal) and returns a PathObservation. It never throws for
 * tool problems: status "failed" with error.code
 *   BAD_REQUEST   the request failed validation (nothing was run)
 *   TOOL_MISSING  the binary is not installed (names the Debian package)
 *   TIMEOUT       killed after timeoutMs
 *   CANCELLED     the caller's AbortSignal fired
 *   TOOL_FAILED   non-zero exit: exit code + stderr excerpt
 *   PARSE_ERROR   the output did not parse (ParseError code and line)
 */
import { execa } from 'execa';
import { failedRun } from '../failed.js';
import { isParseError } from '../parsers/errors.js';
import { parseMtrJson } from '../parsers/mtr-json.js';
import { parseMtrRaw } from '../parsers/mtr-raw.js';
import type { ParseOptions } from '../parsers/observation.js';
import { parseScamperJson } from '../parsers/scamper-json.js';
import { parseTcptraceroute } from '../parsers/tcptraceroute.js';
import { parseTracepath } from '../parsers/tracepath.js';
import { parseTraceroute } from '../parsers/traceroute.js';
import type { PathObservation, ProbeTool } from '../types.js';
import { toolArgs } from './args.js';
import { RequestError, type ProbeRequest } from './request.js';

/** The part of execa's result the adapters read. */
export interface ExecResult {
  exitCode?: number | undefined;
  stdout?: unknown;
  stderr?: unknown;
  timedOut?: boolean;
  isCanceled?: boolean;
  failed?: boolean;
  code?: string | undefined;
  originalMessage?: string | undefined;
  /** The signal that ended the tool (a crash: SIGSEGV, SIGABRT, ...), when one did. */
  signal?: string | undefined;
}

export type ExecaLike = (file: string, args: readonly string[], options: Record<string, unknown>) => PromiseLike<ExecResult>;

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** Replace execa (tests). */
  execaImpl?: ExecaLike;
  /** Binary to run instead of the tool's own name (tests, non-PATH installs). */
  binary?: string;
  vantage?: string;
  now?: () => Date;
}

export const DEBIAN_PACKAGE: Record<ProbeTool, string> = {
  traceroute: 'traceroute',
  mtr: 'mtr-tiny',
  tcptraceroute: 'tcptraceroute',
  scamper: 'scamper',
  tracepath: 'iputils-tracepath',
};

const BINARY: Record<ProbeTool, string> = {
  traceroute: 'traceroute',
  mtr: 'mtr',
  tcptraceroute: 'tcptraceroute',
  scamper: 'scamper',
  tracepath: 'tracepath',
};

export type Parser = (text: string, opts: ParseOptions) => PathObservation;

function parserFor(req: ProbeRequest): Parser {
  switch (req.tool) {
    case 'traceroute':
      return parseTraceroute;
    case 'mtr':
      return req.mtrFormat === 'raw' ? parseMtrRaw : parseMtrJson;
    case 'tcptraceroute':
      return parseTcptraceroute;
    case 'scamper':
      return parseScamperJson;
    case 'tracepath':
      return parseTracepath;
  }
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** The failed observation of a tool request (see failed.ts, shared with the scheduler and the scamper pool). */
export function failedObservation(req: ProbeRequest, code: string, message: string, startedAt: string, durationMs: number, vantage = 'cli'): PathObservation {
  const target = { name: req.targetName ?? String(req.address), address: String(req.address) };
  return failedRun({ target, tool: req.tool, method: req.method, vantage, startedAt, durationMs }, code, message);
}

export interface ExecOutcome {
  ok: boolean;
  stdout: string;
  code?: string;
  message?: string;
}

/** Classify an execa result into ok / TOOL_MISSING / TIMEOUT / CANCELLED / TOOL_FAILED. */
export function classifyExec(tool: ProbeTool, binary: string, r: ExecResult, timeoutMs: number): ExecOutcome {
  const stdout = text(r.stdout);
  if (r.code === 'ENOENT' || r.code === 'EACCES') {
    return { ok: false, stdout, code: 'TOOL_MISSING', message: `${binary} not runnable (${r.code}): install the Debian package ${DEBIAN_PACKAGE[tool]}` };
  }
  if (r.timedOut) return { ok: false, stdout, code: 'TIMEOUT', message: `${tool} killed after ${timeoutMs} ms` };
  if (r.isCanceled) return { ok: false, stdout, code: 'CANCELLED', message: `${tool} run cancelled` };
  if (r.exitCode !== 0) {
    const stderr = text(r.stderr).trim().slice(0, 300);
    const why = r.exitCode !== undefined ? `exit code ${r.exitCode}` : r.signal ? `killed by ${r.signal}` : (r.originalMessage ?? 'no exit code');
    return { ok: false, stdout, code: 'TOOL_FAILED', message: `${tool} failed: ${why}${stderr ? `; stderr: ${stderr}` : ''}` };
  }
  return { ok: true, stdout };
}

export function execOptions(opts: RunOptions): Record<string, unknown> {
  const o: Record<string, unknown> = { reject: false, timeout: opts.timeoutMs, killSignal: 'SIGKILL', stdin: 'ignore', encoding: 'utf8', maxBuffer: 4_000_000 };
  if (opts.signal) o.cancelSignal = opts.signal;
  return o;
}

export async function runProbe(req: ProbeRequest, opts: RunOptions): Promise<PathObservation> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const startedAt = started.toISOString();
  const vantage = opts.vantage ?? 'cli';
  let args: string[];
  try {
    args = toolArgs(req);
  } catch (e) {
    if (e instanceof RequestError) return failedObservation(req, 'BAD_REQUEST', `${e.code}: ${e.message}`, startedAt, 0, vantage);
    throw e;
  }
  return execAndParse(req, args, parserFor(req), opts, started);
}

/**
 * Runs the tool with the given (validated) argv and parses its stdout; the
 * failure codes of runProbe. Shared with the path MTU runs (src/probe/pmtu),
 * whose argv and parser differ from the traceroute adapters'.
 */
export async function execAndParse(req: ProbeRequest, args: string[], parse: Parser, opts: RunOptions, started: Date): Promise<PathObservation> {
  const now = opts.now ?? (() => new Date());
  const startedAt = started.toISOString();
  const vantage = opts.vantage ?? 'cli';
  const binary = opts.binary ?? BINARY[req.tool];
  const exec = opts.execaImpl ?? (execa as unknown as ExecaLike);
  const result = await exec(binary, args, execOptions(opts));
  const durationMs = Math.max(0, now().getTime() - started.getTime());
  const outcome = classifyExec(req.tool, binary, result, opts.timeoutMs);
  if (!outcome.ok) return failedObservation(req, outcome.code as string, outcome.message as string, startedAt, durationMs, vantage);
  try {
    const obs = parse(outcome.stdout, {
      target: { name: req.targetName ?? req.address, address: req.address },
      method: req.method,
      vantage,
      startedAt,
    });
    obs.durationMs = durationMs;
    return obs;
  } catch (e) {
    if (isParseError(e)) return failedObservation(req, 'PARSE_ERROR', `${e.code}: ${e.message}`, startedAt, durationMs, vantage);
    throw e;
  }
}
