/**
 * traceroute / traceroute6 text (Linux traceroute 2.x by Butskoy; BSD/macOS
 * traceroute in the same layout). Header, when present:
 *   traceroute to www.example.com (192.0.2.1), 30 hops max, 60 byte packets
 *   traceroute6 to x (2001:db8::1) from 2001:db8::2, 5 hops max, 12 byte packets
 * "traceroute: Warning: ..." lines are skipped. Hop lines: see traceroute-hops.ts.
 * reached = a probe came back from the destination address of the header
 * (or opts.target when there is no header).
 */
import { ParseError } from './errors.js';
import { buildObservation, hopFromProbes, normalizeIp, numberedLines, type ParseOptions } from './observation.js';
import { collectHops, type HopDraft } from './traceroute-hops.js';
import type { Hop, PathObservation } from '../types.js';

const HEADER_RE = /^\s*traceroute6? to (\S+) \(([^)]+)\)(?: from \S+)?, \d+ hops max(?:, \d+ byte packets)?\s*$/;
const WARNING_RE = /^\s*traceroute6?: Warning: /;

export function draftToHop(d: HopDraft): Hop {
  const hop = hopFromProbes(d.ttl, d.probes);
  if (d.mpls.length > 0) hop.mpls = d.mpls;
  if (d.extensions.length > 0) hop.icmpExtensions = d.extensions;
  return hop;
}

export function parseTraceroute(text: string, opts: ParseOptions = {}): PathObservation {
  if (text.trim() === '') throw new ParseError('EMPTY_OUTPUT', 0, 'empty traceroute output');
  const lines = numberedLines(text).filter((l) => !WARNING_RE.test(l.text));
  const { drafts, other } = collectHops(lines, (t) => HEADER_RE.test(t));
  let target = { name: '', address: '' };
  for (const { no, text: line } of other) {
    const m = HEADER_RE.exec(line) as RegExpExecArray;
    const address = normalizeIp(m[2] as string);
    if (address === null) throw new ParseError('BAD_ADDRESS', no, `destination "${m[2]}" is not an IP address`);
    target = { name: m[1] as string, address };
  }
  if (drafts.length === 0) throw new ParseError('NO_HOPS', 0, 'no hop lines in traceroute output');
  return buildObservation({ tool: 'traceroute', method: 'udp', target, hops: drafts.map(draftToHop) }, opts);
}
