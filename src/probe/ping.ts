/**
 * One ICMP echo with iputils `ping` (execa, argument array, no shell): the cheap reachability
 * check automatic targets use to find a responsive address inside a prefix. Never throws for
 * tool problems; the result says alive or why not:
 *   NO_REPLY      no echo reply within the timeout (ping exit code 1)
 *   BAD_ADDRESS   not an IP literal (nothing was run)
 *   TOOL_MISSING  ping is not installed (Debian package iputils-ping)
 *   TIMEOUT       ping itself did not finish in time and was killed
 *   CANCELLED     the caller's AbortSignal fired
 *   TOOL_FAILED   any other exit (2 = an error such as "network unreachable"), with stderr
 */
import { execa } from 'execa';
import { ipFamily } from './target.js';
import type { ExecaLike } from './tools/run.js';

export type PingCode = 'NO_REPLY' | 'BAD_ADDRESS' | 'TOOL_MISSING' | 'TIMEOUT' | 'CANCELLED' | 'TOOL_FAILED';

export type PingResult = { alive: true; rttMs: number | null } | { alive: false; code: PingCode; message: string };

export interface PingOptions {
  /** How long to wait for the reply. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Binary instead of `ping` (tests, non-PATH installs). */
  binary?: string;
  execaImpl?: ExecaLike;
}

/** ping's arguments: numeric output, one echo, a reply timeout in seconds (iputils accepts fractions). */
export function pingArgs(address: string, family: 4 | 6, timeoutMs: number): string[] {
  const seconds = (Math.max(timeoutMs, 100) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return [`-${family}`, '-n', '-q', '-c', '1', '-W', seconds, address];
}

const RTT_RE = /= ([\d.]+)\/[\d.]+\/[\d.]+\/[\d.]+ ms/;

export async function pingOnce(address: string, opts: PingOptions): Promise<PingResult> {
  const family = ipFamily(address);
  if (family === 0 || address.startsWith('-')) return { alive: false, code: 'BAD_ADDRESS', message: `"${address.slice(0, 60)}" is not an IP address` };
  const binary = opts.binary ?? 'ping';
  const exec = opts.execaImpl ?? (execa as unknown as ExecaLike);
  // ping ends on its own after -W; the extra second only catches a ping that hangs.
  const r = await exec(binary, pingArgs(address, family, opts.timeoutMs), {
    reject: false,
    timeout: opts.timeoutMs + 1_000,
    killSignal: 'SIGKILL',
    stdin: 'ignore',
    encoding: 'utf8',
    maxBuffer: 64 * 1024,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  if (r.code === 'ENOENT' || r.code === 'EACCES') return { alive: false, code: 'TOOL_MISSING', message: `${binary} not runnable (${r.code}): install the Debian package iputils-ping` };
  if (r.isCanceled) return { alive: false, code: 'CANCELLED', message: 'ping cancelled' };
  if (r.timedOut) return { alive: false, code: 'TIMEOUT', message: `ping killed after ${opts.timeoutMs + 1_000} ms` };
  if (r.exitCode === 0) {
    const m = RTT_RE.exec(typeof r.stdout === 'string' ? r.stdout : '');
    return { alive: true, rttMs: m ? Number(m[1]) : null };
  }
  if (r.exitCode === 1) return { alive: false, code: 'NO_REPLY', message: `no echo reply from ${address} within ${opts.timeoutMs} ms` };
  const stderr = typeof r.stderr === 'string' ? r.stderr.trim().slice(0, 200) : '';
  return { alive: false, code: 'TOOL_FAILED', message: `ping exit code ${String(r.exitCode)}${stderr ? `: ${stderr}` : ''}` };
}
