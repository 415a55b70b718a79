/**
 * Hop lines shared by traceroute (Linux 2.x Butskoy, BSD/macOS) and
 * tcptraceroute 1.5, which print the same shape:
 *
 *    7  name (192.0.2.7)  1.234 ms  1.301 ms !H  other (192.0.2.8)  1.5 ms
 *    8  192.0.2.9  0.5 ms  *  0.6 ms          (-n)
 *    9  * * *
 *   10  192.0.2.10 [closed]  0.5 ms           (tcptraceroute)
 *       MPLS Label=24000 CoS=0 TTL=1 S=1       (BSD/macOS -e, on its own line)
 *   11  192.0.2.11 <MPLS:L=24000,E=0,S=1,T=1>  0.7 ms   (Linux -e, inline)
 *
 * An address printed mid-line applies to the RTTs after it (the reply came
 * from another router: ECMP or a route change during the run). Annotations
 * ("!H", "!N", "!P", "!X", "!S", "!F-1500", "!<10>", "!Z", "!A", "!C", ...)
 * are kept verbatim on the probe they follow.
 */
import { ParseError } from './errors.js';
import { normalizeIp } from './observation.js';
import type { MplsLabel, ProbeReply } from '../types.js';

export interface HopDraft {
  ttl: number;
  probes: ProbeReply[];
  mpls: MplsLabel[];
  extensions: string[];
}

const RTT_RE = /^\d+(?:\.\d+)?$/;
const NAME_RE = /^[A-Za-z0-9_.:%-]+$/;
const BRACKET_RE = /^\[(open|closed|[A-Za-z]+)\]$/;
const ASN_RE = /^\[AS[\d/]+\]$/i;
const MPLS_LINE_RE = /^\s+MPLS Label=(\d+) CoS=(\d+) TTL=(\d+) S=(\d+)\s*$/;
const HOP_LINE_RE = /^\s*(\d+)(?:\s+(.*))?$/;

/** "MPLS Label=24000 CoS=0 TTL=1 S=1" lines (BSD/macOS traceroute -e); null when the line is not one. */
export function parseMplsLine(line: string): MplsLabel | null {
  const m = MPLS_LINE_RE.exec(line);
  if (!m) return null;
  return { label: Number(m[1]), exp: Number(m[2]), ttl: Number(m[3]), s: m[4] === '1' };
}

/** Linux traceroute -e inline extension "<MPLS:L=24000,E=0,S=1,T=1/L=...>" into labels; null for other objects. */
function parseInlineMpls(token: string): MplsLabel[] | null {
  const m = /^<MPLS:(.*)>$/.exec(token);
  if (!m) return null;
  const labels: MplsLabel[] = [];
  for (const entry of (m[1] as string).split('/')) {
    const kv = new Map(entry.split(',').map((part) => part.split('=') as [string, string]));
    const label = Number(kv.get('L'));
    if (!Number.isInteger(label)) return null;
    labels.push({ label, exp: Number(kv.get('E') ?? 0), s: kv.get('S') === '1', ttl: Number(kv.get('T') ?? 0) });
  }
  return labels;
}

interface Cursor {
  ip: string | null | undefined;
  name: string | undefined;
  tag: string | undefined;
}

/** Tokens after the TTL (or of a continuation line) appended to draft. */
export function parseHopTokens(rest: string, draft: HopDraft, lineNo: number): void {
  // "10  *^C": an interrupted run leaves ^C glued to the last token.
  const tokens = rest.replace(/\^C/g, ' ').trim().split(/\s+/).filter((t) => t !== '');
  // Each line (hop or continuation) names its address before its first RTT.
  const cur: Cursor = { ip: undefined, name: undefined, tag: undefined };
  let i = 0;
  while (i < tokens.length) {
    const tok = tokens[i] as string;
    const next = tokens[i + 1];
    if (tok === '*') {
      draft.probes.push({ ip: null, rttMs: null });
      i += 1;
    } else if (RTT_RE.test(tok) && next === 'ms') {
      if (cur.ip === undefined) throw new ParseError('BAD_TOKEN', lineNo, `RTT "${tok}" before any address`);
      const probe: ProbeReply = { ip: cur.ip, rttMs: Number(tok) };
      if (cur.name !== undefined) probe.name = cur.name;
      if (cur.tag !== undefined) probe.annotation = cur.tag;
      draft.probes.push(probe);
      i += 2;
    } else if (tok.startsWith('!')) {
      const target = draft.probes[draft.probes.length - 1];
      if (!target || target.rttMs === null) throw new ParseError('BAD_TOKEN', lineNo, `annotation "${tok}" without a reply`);
      target.annotation = target.annotation ? `${target.annotation} ${tok}` : tok;
      i += 1;
    } else if (ASN_RE.test(tok)) {
      i += 1; // -A / BSD -a AS lookups: the RIB annotator provides ASNs.
    } else if (BRACKET_RE.test(tok)) {
      cur.tag = tok; // tcptraceroute "[open]" / "[closed]": applies to the RTTs of this address
      i += 1;
    } else if (tok.startsWith('<') && tok.endsWith('>')) {
      const labels = parseInlineMpls(tok);
      if (labels) draft.mpls.push(...labels);
      else draft.extensions.push(tok.slice(1, -1));
      i += 1;
    } else if (NAME_RE.test(tok)) {
      const paren = next !== undefined ? /^\((.+)\)$/.exec(next) : null;
      if (paren) {
        const ip = normalizeIp(paren[1] as string);
        if (ip === null) throw new ParseError('BAD_ADDRESS', lineNo, `"${paren[1]}" is not an IP address`);
        cur.ip = ip;
        cur.name = tok.toLowerCase() === ip || normalizeIp(tok) === ip ? undefined : tok;
        i += 2;
      } else {
        const ip = normalizeIp(tok);
        // A name without an address (unparseable, e.g. a mangled IPv6 literal): the reply counts, its source is unknown.
        cur.ip = ip;
        cur.name = ip === null ? tok : undefined;
        i += 1;
      }
      cur.tag = undefined;
      const after = tokens[i];
      if (after === undefined || !(RTT_RE.test(after) || BRACKET_RE.test(after) || ASN_RE.test(after) || after.startsWith('<'))) {
        throw new ParseError('BAD_TOKEN', lineNo, `address "${tok}" not followed by an RTT`);
      }
    } else {
      throw new ParseError('BAD_TOKEN', lineNo, `unexpected token "${tok}"`);
    }
  }
}

export interface HopLineResult {
  drafts: HopDraft[];
  /** Lines that were not hop, continuation or MPLS lines, for the caller's header handling. */
  other: { no: number; text: string }[];
}

/** Walk lines: hop lines start with a TTL, indented lines continue the previous hop. */
export function collectHops(lines: readonly { no: number; text: string }[], isHeader: (text: string) => boolean): HopLineResult {
  const drafts: HopDraft[] = [];
  const other: { no: number; text: string }[] = [];
  for (const { no, text } of lines) {
    if (text.trim() === '') continue;
    if (isHeader(text)) {
      other.push({ no, text });
      continue;
    }
    const prev = drafts[drafts.length - 1];
    const mpls = parseMplsLine(text);
    if (mpls) {
      if (!prev) throw new ParseError('UNEXPECTED_LINE', no, 'MPLS label before any hop');
      prev.mpls.push(mpls);
      continue;
    }
    const m = HOP_LINE_RE.exec(text);
    if (m) {
      const ttl = Number(m[1]);
      if (prev && ttl <= prev.ttl) throw new ParseError('TTL_ORDER', no, `hop ${ttl} after hop ${prev.ttl}`);
      const draft: HopDraft = { ttl, probes: [], mpls: [], extensions: [] };
      parseHopTokens(m[2] ?? '', draft, no);
      drafts.push(draft);
      continue;
    }
    if (prev && /^\s+\S/.test(text)) {
      parseHopTokens(text, prev, no);
      continue;
    }
    throw new ParseError('UNEXPECTED_LINE', no, `not a traceroute line: "${text.slice(0, 80)}"`);
  }
  return { drafts, other };
}
