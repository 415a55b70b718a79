/**
 * Many targets in one scamper process at a packets-per-second budget
 * (`scamper -O json -p PPS -c "trace ..." -i ADDR...`). Requests are grouped
 * by their trace command (scamper applies one command to the whole list);
 * the result has one observation per request, in request order. A target
 * scamper printed no trace for gets status "failed" (TOOL_FAILED).
 */
import { isParseError } from '../parsers/errors.js';
import { parseScamperJsonAll } from '../parsers/scamper-json.js';
import type { PathObservation } from '../types.js';
import { scamperBatchArgs, scamperTraceCommand } from './args.js';
import { RequestError, type ProbeRequest } from './request.js';
import { classifyExec, execOptions, failedObservation, type ExecaLike, type RunOptions } from './run.js';
import { execa } from 'execa';

export async function runScamperBatch(requests: readonly ProbeRequest[], pps: number, opts: RunOptions): Promise<PathObservation[]> {
  const now = opts.now ?? (() => new Date());
  const vantage = opts.vantage ?? 'cli';
  const startedAt = now().toISOString();
  const out = new Map<ProbeRequest, PathObservation>();
  const groups = new Map<string, ProbeRequest[]>();
  for (const r of requests) {
    try {
      const cmd = scamperTraceCommand({ ...r, tool: 'scamper' });
      groups.set(cmd, [...(groups.get(cmd) ?? []), r]);
    } catch (e) {
      if (!(e instanceof RequestError)) throw e;
      out.set(r, failedObservation(r, 'BAD_REQUEST', `${e.code}: ${e.message}`, startedAt, 0, vantage));
    }
  }
  const exec = opts.execaImpl ?? (execa as unknown as ExecaLike);
  const binary = opts.binary ?? 'scamper';
  for (const group of groups.values()) {
    const t0 = now().getTime();
    const result = await exec(binary, scamperBatchArgs(group, pps), execOptions(opts));
    const durationMs = Math.max(0, now().getTime() - t0);
    const outcome = classifyExec('scamper', binary, result, opts.timeoutMs);
    const fail = (r: ProbeRequest, code: string, message: string) => out.set(r, failedObservation(r, code, message, startedAt, durationMs, vantage));
    if (!outcome.ok) {
      for (const r of group) fail(r, outcome.code as string, outcome.message as string);
      continue;
    }
    let traces: PathObservation[];
    try {
      traces = parseScamperJsonAll(outcome.stdout, { vantage });
    } catch (e) {
      if (!isParseError(e)) throw e;
      for (const r of group) fail(r, 'PARSE_ERROR', `${e.code}: ${e.message}`);
      continue;
    }
    const byDst = new Map(traces.map((t) => [t.target.address, t]));
    for (const r of group) {
      const t = byDst.get(r.address.toLowerCase());
      if (!t) {
        fail(r, 'TOOL_FAILED', `scamper printed no trace for ${r.address}`);
        continue;
      }
      t.target = { name: r.targetName ?? r.address, address: t.target.address };
      t.durationMs = durationMs;
      out.set(r, t);
    }
  }
  return requests.map((r) => out.get(r) as PathObservation);
}
