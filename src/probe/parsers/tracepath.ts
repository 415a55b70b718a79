/**
 * tracepath (iputils) text, `tracepath -n`:
 *    1?: [LOCALHOST]                      0.022ms pmtu 1500
 *    1:  192.0.2.1                         0.5ms
 *    1:  192.0.2.1                         0.4ms pmtu 1492
 *    2:  no reply
 *    3:  192.0.2.3                         1.2ms asymm  4
 *    4:  192.0.2.4                         1.3ms reached
 *        Resume: pmtu 1492 hops 4 back 4
 * Each line is one probe; several lines may share a TTL ("?" marks a probe
 * whose TTL tracepath could not confirm). The [LOCALHOST] line only reports the
 * local MTU. pathMtu = the Resume line's pmtu, else the last "pmtu N" seen.
 * tracepath does not print the target: pass opts.target to judge "reached"
 * by address; the "reached" keyword alone also means reached.
 * A reply line with "pmtu N" keeps N on its probe (that router sent the ICMP
 * "fragmentation needed" / "packet too big"); "!H", "!N", ... stay as annotations.
 */
import { ParseError } from './errors.js';
import { buildObservation, hopFromProbes, normalizeIp, numberedLines, type ParseOptions } from './observation.js';
import type { PathObservation, ProbeReply } from '../types.js';

const PROBE_RE = /^\s*(\d+)\??:\s+(.*)$/;
const RESUME_RE = /^\s*(?:Resume|Too many hops): pmtu (\d+)(?: hops (\d+) back (\d+))?\s*$/;
const REPLY_RE = /^(\S+)(?:\s+\(([^)]+)\))?\s+(\d+(?:\.\d+)?)ms(.*)$/;

export function parseTracepath(text: string, opts: ParseOptions = {}): PathObservation {
  if (text.trim() === '') throw new ParseError('EMPTY_OUTPUT', 0, 'empty tracepath output');
  const byTtl = new Map<number, ProbeReply[]>();
  let pathMtu: number | null = null;
  let resumeMtu: number | null = null;
  let reachedByTool = false;
  for (const { no, text: line } of numberedLines(text)) {
    if (line.trim() === '') continue;
    const resume = RESUME_RE.exec(line);
    if (resume) {
      resumeMtu = Number(resume[1]);
      continue;
    }
    const m = PROBE_RE.exec(line);
    if (!m) throw new ParseError('UNEXPECTED_LINE', no, `not a tracepath line: "${line.slice(0, 80)}"`);
    const ttl = Number(m[1]);
    const rest = (m[2] as string).trim();
    const mtu = /pmtu (\d+)/.exec(rest);
    if (mtu) pathMtu = Number(mtu[1]);
    if (rest.startsWith('[LOCALHOST]')) continue;
    const probes = byTtl.get(ttl) ?? [];
    byTtl.set(ttl, probes);
    if (rest === 'no reply' || rest.startsWith('send failed')) {
      probes.push({ ip: null, rttMs: null });
      continue;
    }
    const r = REPLY_RE.exec(rest);
    if (!r) throw new ParseError('BAD_TOKEN', no, `not a tracepath reply: "${rest.slice(0, 80)}"`);
    const ip = normalizeIp((r[2] ?? r[1]) as string);
    if (ip === null) throw new ParseError('BAD_ADDRESS', no, `"${r[2] ?? r[1]}" is not an IP address`);
    const probe: ProbeReply = { ip, rttMs: Number(r[3]) };
    if (r[2] !== undefined) probe.name = r[1] as string;
    const tail = (r[4] as string).trim();
    const hopMtu = /\bpmtu (\d+)/.exec(tail);
    if (hopMtu) probe.pmtu = Number(hopMtu[1]);
    const bang = /(?:^|\s)(![A-Za-z]|!<\d+>)/.exec(tail);
    if (/\breached\b/.test(tail)) {
      reachedByTool = true;
      probe.annotation = 'reached';
    } else if (bang) probe.annotation = bang[1] as string;
    probes.push(probe);
  }
  if (byTtl.size === 0) throw new ParseError('NO_HOPS', 0, 'no hop lines in tracepath output');
  const hops = [...byTtl.entries()].sort((a, b) => a[0] - b[0]).map(([ttl, probes]) => hopFromProbes(ttl, probes));
  const last = hops[hops.length - 1];
  const destIp = reachedByTool ? last?.probes.find((p) => p.annotation === 'reached')?.ip ?? '' : '';
  return buildObservation(
    {
      tool: 'tracepath',
      method: 'udp',
      target: { name: destIp, address: destIp },
      hops,
      reachedByTool,
      pathMtu: resumeMtu ?? pathMtu,
    },
    opts,
  );
}
