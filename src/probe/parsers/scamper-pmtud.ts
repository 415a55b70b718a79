/**
 * scamper's text output of a traceroute with path MTU discovery,
 * `scamper -O text -c "trace -M -P udp-paris ..." -i ADDR` (scamper 20211212:
 * its JSON output leaves the PMTUD data out, the text output has it):
 *   traceroute from 10.98.1.2 to 10.98.2.2
 *    1  10.98.1.1  0.029 ms [mtu: 1500]
 *    2  10.98.2.2  0.051 ms [mtu: 1400]
 *    3  *
 * Per hop (scamper_trace_text.c): address, "RTT ms", an ICMP note (!H, !N,
 * !X, !F, !<n>, [closed] ...), then " [mtu: M]" (M = the MTU of the packets
 * that reached that hop) or " [*mtu: S]" (S inferred from a silent hop),
 * optionally " ptb ADDR" (another address sent the packet-too-big) and
 * " nhmtu N!". Several replies at one TTL: "addr  rtt ms  rtt ms  addr2  rtt ms".
 * pathMtu = the destination hop's MTU (null when the destination did not
 * answer: scamper does PMTUD only towards a responsive destination). A hop's
 * MTU is kept on its first probe (ProbeReply.pmtu). A starred size is an
 * inference from silence, not a router's word: when the packet-too-big was
 * lost (the router's ICMP rate limit, seen here in namespaces) scamper's
 * black-hole search settles on a table value such as 1280. It is kept on the
 * probe as annotation "[*mtu: S]" and never becomes the path MTU (null).
 * Known tool quirk: scamper 20211212 prints RTTs near 4294967 ms (an
 * unsigned underflow) on hops it probed during PMTUD; they are kept as printed.
 */
import { ParseError } from './errors.js';
import { buildObservation, hopFromProbes, normalizeIp, numberedLines, type ParseOptions } from './observation.js';
import type { Hop, PathObservation, ProbeReply } from '../types.js';

const HEADER_RE = /^traceroute(?: from (\S+))? to (\S+)(?: via (\S+))?\s*$/;
const HOP_RE = /^\s*(\d+)\s+(.*)$/;
const MTU_RE = /\s*\[(\*)?mtu: (\d+)\](?:\s+ptb (\S+))?(?:\s+nhmtu (\d+)!)?\s*$/;
const NOTE_RE = /^(?:!(?:[A-Za-z]|<\d+(?:,\d+)?>)|\[[a-z, A-Z]+\])$/;

/** One TTL's text after the number and without the MTU suffix → its replies. */
function replies(text: string, line: number): ProbeReply[] {
  const tokens = text.trim().split(/\s+/).filter((t) => t !== '');
  const out: ProbeReply[] = [];
  let ip: string | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i] as string;
    if (tok === '*') {
      out.push({ ip: null, rttMs: null });
      continue;
    }
    if (/^\d+(?:\.\d+)?$/.test(tok) && tokens[i + 1] === 'ms') {
      if (ip === null) throw new ParseError('BAD_TOKEN', line, `an RTT without an address: "${text.trim().slice(0, 80)}"`);
      const reply: ProbeReply = { ip, rttMs: Number(tok) };
      i++;
      // "[closed]"/"[open, ecn]" may hold a space: join bracket tokens until "]".
      let note = tokens[i + 1];
      if (note !== undefined && note.startsWith('[') && !note.endsWith(']')) {
        let j = i + 2;
        while (j < tokens.length && !note.endsWith(']')) note += ` ${tokens[j++] as string}`;
        if (NOTE_RE.test(note)) {
          reply.annotation = note;
          i = j - 1;
        }
      } else if (note !== undefined && NOTE_RE.test(note)) {
        reply.annotation = note;
        i++;
      }
      out.push(reply);
      continue;
    }
    const addr = normalizeIp(tok);
    if (addr === null) throw new ParseError('BAD_TOKEN', line, `"${tok.slice(0, 60)}" is neither an address, "*" nor an RTT`);
    ip = addr;
  }
  if (out.length === 0) throw new ParseError('BAD_TOKEN', line, `no reply on hop line "${text.trim().slice(0, 80)}"`);
  return out;
}

export function parseScamperPmtud(text: string, opts: ParseOptions = {}): PathObservation {
  if (text.trim() === '') throw new ParseError('EMPTY_OUTPUT', 0, 'empty scamper output');
  let dst: string | null = null;
  const hops: Hop[] = [];
  const mtuByTtl = new Map<number, number>();
  for (const { no, text: line } of numberedLines(text)) {
    if (line.trim() === '') continue;
    const header = HEADER_RE.exec(line.trim());
    if (header) {
      if (dst !== null) throw new ParseError('UNEXPECTED_LINE', no, 'a second trace: give one target per scamper -M run');
      dst = normalizeIp(header[2] as string);
      if (dst === null) throw new ParseError('BAD_ADDRESS', no, `"${header[2]}" is not an IP address`);
      continue;
    }
    const m = HOP_RE.exec(line);
    if (!m || dst === null) throw new ParseError('UNEXPECTED_LINE', no, `not a scamper trace line: "${line.slice(0, 80)}"`);
    const ttl = Number(m[1]);
    let rest = m[2] as string;
    const mtu = MTU_RE.exec(rest);
    const inferred = mtu?.[1] === '*';
    if (mtu) {
      if (!inferred) mtuByTtl.set(ttl, Number(mtu[2]));
      rest = rest.slice(0, mtu.index);
    }
    const probes = replies(rest, no);
    const first = probes.find((p) => p.ip !== null);
    if (mtu && first && !inferred) first.pmtu = Number(mtu[2]);
    if (mtu && first && inferred) first.annotation = `${first.annotation ? `${first.annotation} ` : ''}[*mtu: ${mtu[2]}]`;
    hops.push(hopFromProbes(ttl, probes));
  }
  if (dst === null) throw new ParseError('NO_HOPS', 0, 'no "traceroute from ... to ..." header');
  if (hops.length === 0) throw new ParseError('NO_HOPS', 0, 'no hop lines in scamper output');
  const destHop = hops.find((h) => h.probes.some((p) => p.ip === dst));
  const obs = buildObservation(
    {
      tool: 'scamper',
      method: 'udp-paris',
      target: { name: dst, address: dst },
      hops,
      pathMtu: destHop ? (mtuByTtl.get(destHop.ttl) ?? null) : null,
    },
    opts,
  );
  return obs;
}
