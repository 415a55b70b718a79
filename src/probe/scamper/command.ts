/**
 * One validated attach-mode trace command: `trace -U USERID -P METHOD ... ADDR`.
 * The userid (trace -U, a uint32 scamper copies into the result's "userid")
 * is how a result finds its request, since DATA blocks do not name the command.
 * Validation is the tool adapters' (IP literal, integer ranges); the result is
 * one line with no newline in it, so it cannot smuggle a second command.
 */
import { isIP } from 'node:net';
import { scamperTraceCommand } from '../tools/args.js';
import { RequestError } from '../tools/request.js';

export const POOL_METHODS = ['icmp-paris', 'udp-paris', 'tcp'] as const;
export type ScamperPoolMethod = (typeof POOL_METHODS)[number];

export interface ScamperTraceRequest {
  /** IPv4 or IPv6 literal. */
  address: string;
  method: ScamperPoolMethod;
  /** trace -q: attempts per hop (1..10). */
  probesPerHop: number;
  /** trace -w: seconds to wait for a reply (whole seconds, at least 1). */
  waitSec: number;
  /** trace -m (1..64). */
  maxHops: number;
  /** trace -f. */
  firstTtl?: number;
  /** trace -d for tcp. */
  port?: number;
  /** Display name kept in the observation. */
  targetName?: string;
}

export const MAX_USERID = 0xffff_ffff;

/** Throws RequestError when the request is not safe to send. */
export function traceCommandLine(req: ScamperTraceRequest, userid: number): string {
  if (!(POOL_METHODS as readonly string[]).includes(req.method)) {
    throw new RequestError('UNSUPPORTED', `the scamper pool traces with ${POOL_METHODS.join(', ')}, not ${String(req.method)}`);
  }
  if (!Number.isInteger(userid) || userid < 0 || userid > MAX_USERID) throw new RequestError('BAD_OPTION', `userid out of range: ${userid}`);
  const family = typeof req.address === 'string' && !req.address.includes('%') ? isIP(req.address) : 0;
  const cmd = scamperTraceCommand({
    tool: 'scamper',
    address: req.address,
    method: req.method,
    probesPerHop: req.probesPerHop,
    maxHops: req.maxHops,
    waitSec: req.waitSec,
    ...(req.firstTtl !== undefined ? { firstTtl: req.firstTtl } : {}),
    ...(req.port !== undefined ? { port: req.port } : {}),
    ipVersion: family === 6 ? 6 : 4,
  });
  // scamperTraceCommand starts with "trace " and validated the address (BAD_ADDRESS otherwise).
  return `trace -U ${userid} ${cmd.slice('trace '.length)} ${req.address}`;
}
