/**
 * tcptraceroute 1.5 text. Header (printed on stderr by the tool, so it may be
 * missing from a captured stdout):
 *   Selected device eth0, address 192.168.2.103, port 45541 for outgoing packets
 *   Tracing the path to 3.88.100.61 on TCP port 80 (http), 30 hops max
 *   Tracing the path to www.example.com (192.0.2.1) on TCP port 443 (https), 30 hops max
 * The destination's answer is marked "[open]" (SYN/ACK) or "[closed]" (RST);
 * either means reached. An interrupted run ends with "10  *^C".
 */
import { ParseError } from './errors.js';
import { buildObservation, normalizeIp, numberedLines, type ParseOptions } from './observation.js';
import { collectHops } from './traceroute-hops.js';
import { draftToHop } from './traceroute.js';
import type { PathObservation } from '../types.js';

const DEVICE_RE = /^Selected device \S+, address \S+, port \d+ for outgoing packets\s*$/;
const TRACING_RE = /^Tracing the path to (\S+)(?: \(([^)]+)\))? on TCP port (\d+)(?: \([^)]*\))?, \d+ hops max\s*$/;

export function parseTcptraceroute(text: string, opts: ParseOptions = {}): PathObservation {
  if (text.trim() === '') throw new ParseError('EMPTY_OUTPUT', 0, 'empty tcptraceroute output');
  const { drafts, other } = collectHops(numberedLines(text), (t) => DEVICE_RE.test(t) || TRACING_RE.test(t));
  let target = { name: '', address: '' };
  for (const { no, text: line } of other) {
    const m = TRACING_RE.exec(line);
    if (!m) continue;
    const literal = (m[2] ?? m[1]) as string;
    const address = normalizeIp(literal);
    if (address === null) throw new ParseError('BAD_ADDRESS', no, `destination "${literal}" is not an IP address`);
    target = { name: m[1] as string, address };
  }
  if (drafts.length === 0) throw new ParseError('NO_HOPS', 0, 'no hop lines in tcptraceroute output');
  const hops = drafts.map(draftToHop);
  const reachedByTool = hops.some((h) => h.probes.some((p) => p.annotation === '[open]' || p.annotation === '[closed]'));
  return buildObservation({ tool: 'tcptraceroute', method: 'tcp', target, hops, reachedByTool }, opts);
}
