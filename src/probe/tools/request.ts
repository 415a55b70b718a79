/**
 * The typed probe request every tool adapter takes, and its validation.
 * The target is always a bare IP literal (no hostname, no IPv6 zone id):
 * it goes to the tool as the last argv element, and an IP literal can never
 * start with "-" nor hold shell metacharacters, so it cannot be read as an
 * option or run anything (no shell is involved anyway: execa with argv).
 */
import { isIP } from 'node:net';
import type { ProbeMethod, ProbeTool } from '../types.js';

export interface ProbeRequest {
  tool: ProbeTool;
  /** Validated IPv4/IPv6 literal (hostnames are resolved and checked by the caller, not here). */
  address: string;
  method: ProbeMethod;
  probesPerHop: number;
  maxHops: number;
  waitSec: number;
  firstTtl?: number;
  /** Destination port (tcp methods; UDP base port for traceroute). */
  port?: number;
  ipVersion: 4 | 6;
  /** mtr output format; default json (mtr's own statistics). */
  mtrFormat?: 'json' | 'raw';
  /** Display name of the target, kept in the observation. */
  targetName?: string;
}

export type RequestErrorCode = 'BAD_ADDRESS' | 'BAD_OPTION' | 'UNSUPPORTED';

export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly code: RequestErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function intIn(name: string, v: unknown, lo: number, hi: number): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new RequestError('BAD_OPTION', `${name} must be an integer in ${lo}..${hi}, got ${String(v)}`);
  }
}

/** Throws RequestError; returns the request unchanged when it is safe to run. */
export function validateRequest(req: ProbeRequest): ProbeRequest {
  const family = typeof req.address === 'string' && !req.address.includes('%') ? isIP(req.address) : 0;
  if (family === 0) throw new RequestError('BAD_ADDRESS', `target must be an IP literal, got ${JSON.stringify(String(req.address).slice(0, 64))}`);
  if (family !== req.ipVersion) throw new RequestError('BAD_ADDRESS', `${req.address} is not an IPv${req.ipVersion} address`);
  intIn('probesPerHop', req.probesPerHop, 1, 10);
  intIn('maxHops', req.maxHops, 1, 64);
  if (typeof req.waitSec !== 'number' || !(req.waitSec > 0 && req.waitSec <= 60)) {
    throw new RequestError('BAD_OPTION', `waitSec must be in (0, 60], got ${String(req.waitSec)}`);
  }
  if (req.firstTtl !== undefined) intIn('firstTtl', req.firstTtl, 1, req.maxHops);
  if (req.port !== undefined) intIn('port', req.port, 1, 65535);
  return req;
}

/** Whole seconds for tools that only take integers (at least 1). */
export function wholeSeconds(sec: number): string {
  return String(Math.max(1, Math.ceil(sec)));
}
