/**
 * Argument arrays per tool (never a shell string). Checked against the
 * Debian builds installed here: traceroute 2.1.2, mtr 0.95, tcptraceroute
 * 1.5beta7, scamper 20211212, iputils tracepath 20221126. The validated
 * target address is the last element except for tcptraceroute, whose grammar
 * is `host [dport]`: there the port (a validated integer) follows it.
 */
import { RequestError, validateRequest, wholeSeconds, type ProbeRequest } from './request.js';
import type { ProbeMethod, ProbeTool } from '../types.js';

function unsupported(tool: ProbeTool, method: ProbeMethod): never {
  throw new RequestError('UNSUPPORTED', `${tool} does not support method ${method}`);
}

const firstTtl = (flag: string, req: ProbeRequest): string[] => (req.firstTtl === undefined ? [] : [flag, String(req.firstTtl)]);

/**
 * traceroute (Butskoy): udp (default), icmp (-I), tcp (-T -p PORT). -e prints
 * the ICMP extensions of a reply (RFC 4884/4950: MPLS label stacks inline as
 * <MPLS:L=..,E=..,S=..,T=..>, other objects as <class:...>); without it the
 * labels are never printed, so the observation could not carry them.
 */
export function tracerouteArgs(req: ProbeRequest): string[] {
  validateRequest(req);
  const method =
    req.method === 'udp' ? (req.port === undefined ? [] : ['-p', String(req.port)])
    : req.method === 'icmp' ? ['-I']
    : req.method === 'tcp' ? ['-T', '-p', String(req.port ?? 80)]
    : unsupported('traceroute', req.method);
  return [`-${req.ipVersion}`, '-n', '-e', ...method, '-q', String(req.probesPerHop), '-w', String(req.waitSec), '-m', String(req.maxHops), ...firstTtl('-f', req), req.address];
}

/**
 * mtr --json | --raw, -c probes per hop, -G grace time for the last replies,
 * -e (--mpls) for the MPLS labels of ICMP extensions ("m" lines in --raw;
 * mtr 0.95's JSON report has no field for them).
 */
export function mtrArgs(req: ProbeRequest): string[] {
  validateRequest(req);
  const method =
    req.method === 'icmp' ? []
    : req.method === 'udp' ? ['-u', ...(req.port === undefined ? [] : ['-P', String(req.port)])]
    : req.method === 'tcp' ? ['-T', '-P', String(req.port ?? 80)]
    : unsupported('mtr', req.method);
  const format = req.mtrFormat === 'raw' ? '--raw' : '--json';
  return [format, '-n', '-e', `-${req.ipVersion}`, ...method, '-c', String(req.probesPerHop), '-G', String(req.waitSec), '-m', String(req.maxHops), ...firstTtl('-f', req), req.address];
}

/** tcptraceroute 1.5 (IPv4 only, TCP SYN). */
export function tcptracerouteArgs(req: ProbeRequest): string[] {
  validateRequest(req);
  if (req.method !== 'tcp') unsupported('tcptraceroute', req.method);
  if (req.ipVersion !== 4) throw new RequestError('UNSUPPORTED', 'tcptraceroute 1.5 is IPv4 only');
  const args = ['-n', '-q', String(req.probesPerHop), '-w', wholeSeconds(req.waitSec), '-m', String(req.maxHops), ...firstTtl('-f', req), req.address];
  return req.port === undefined ? args : [...args, String(req.port)];
}

const SCAMPER_METHODS: Partial<Record<ProbeMethod, string>> = {
  'icmp-paris': 'icmp-paris',
  'udp-paris': 'udp-paris',
  tcp: 'tcp',
  'tcp-ack': 'tcp-ack',
  icmp: 'icmp',
  udp: 'udp',
};

/** The scamper "trace ..." command string (one argv element; scamper parses it itself). */
export function scamperTraceCommand(req: ProbeRequest): string {
  validateRequest(req);
  const method = SCAMPER_METHODS[req.method] ?? unsupported('scamper', req.method);
  const port = req.port !== undefined && (req.method === 'tcp' || req.method === 'tcp-ack') ? ['-d', String(req.port)] : [];
  return ['trace', '-P', method, '-q', String(req.probesPerHop), '-w', wholeSeconds(req.waitSec), '-m', String(req.maxHops), ...firstTtl('-f', req), ...port].join(' ');
}

/**
 * `-O rawtcp`: scamper 20211212 sends IPv4 TCP probes through a datalink
 * (AF_PACKET) socket by default. A frame injected that way on the way to an
 * address of this host is received like one from the wire, with no route
 * attached, so the kernel's input route lookup drops it as martian before TCP
 * sees it (127.0.0.1: drop reason IP_LOCALNET; an address of one of our own
 * interfaces: IP_LOCAL_SOURCE), and no RST ever comes: a tcp trace of a local
 * address stopped at HOPLIMIT with no reply. Observed on Linux 6.18 with
 * `perf record -e skb:kfree_skb` (stack packet_sendmsg -> ... -> ip_rcv_finish_core),
 * tshark on lo (SYNs, no RST, while traceroute -T and tcptraceroute, which send
 * through raw IP sockets, got theirs) and strace (AF_PACKET only without the
 * option, plus SOCK_RAW/IPPROTO_RAW with it). rawtcp sends IPv4 TCP through an
 * IPPROTO_RAW socket, which the kernel routes like any local packet; remote
 * hops trace the same either way (checked over a veth router in namespaces).
 * IPv6 TCP and the other methods are unaffected by the option.
 *
 * Known limit (not an argument problem): udp-paris over IPv6 finds no hop when
 * the probe leaves through an interface with TX checksum offload and no
 * hardware to fill the checksum (lo, veth). scamper sends IPv6 UDP through a
 * UDP socket, the kernel leaves the checksum partial (the same value in every
 * probe), routers quote that in their ICMPv6 errors, and scamper, which tells
 * udp-paris probes apart by their checksum, drops every reply; with the offload
 * off the same trace works (test/probe/tools/netns.test.ts shows both). A real
 * NIC fills the checksum, so Internet paths are not affected.
 */
export const SCAMPER_GLOBAL_OPTIONS: readonly string[] = ['-O', 'rawtcp'];

export function scamperArgs(req: ProbeRequest): string[] {
  return ['-O', 'json', ...SCAMPER_GLOBAL_OPTIONS, '-c', scamperTraceCommand(req), '-i', req.address];
}

/** scamper for many targets at a packets-per-second budget: -i takes several addresses. */
export function scamperBatchArgs(reqs: readonly ProbeRequest[], pps: number): string[] {
  if (reqs.length === 0) throw new RequestError('BAD_OPTION', 'no targets');
  if (!Number.isInteger(pps) || pps < 1 || pps > 10000) throw new RequestError('BAD_OPTION', `pps must be an integer in 1..10000, got ${pps}`);
  const command = scamperTraceCommand(reqs[0] as ProbeRequest);
  for (const r of reqs) {
    if (scamperTraceCommand(r) !== command) throw new RequestError('BAD_OPTION', 'all requests of one scamper batch must share the trace options');
  }
  return ['-O', 'json', ...SCAMPER_GLOBAL_OPTIONS, '-p', String(pps), '-c', command, '-i', ...reqs.map((r) => r.address)];
}

/** tracepath (iputils): path MTU; one probe per line, no -q. */
export function tracepathArgs(req: ProbeRequest): string[] {
  validateRequest(req);
  if (req.method !== 'udp') unsupported('tracepath', req.method);
  return [`-${req.ipVersion}`, '-n', '-m', String(req.maxHops), ...(req.port === undefined ? [] : ['-p', String(req.port)]), req.address];
}

export function toolArgs(req: ProbeRequest): string[] {
  switch (req.tool) {
    case 'traceroute':
      return tracerouteArgs(req);
    case 'mtr':
      return mtrArgs(req);
    case 'tcptraceroute':
      return tcptracerouteArgs(req);
    case 'scamper':
      return scamperArgs(req);
    case 'tracepath':
      return tracepathArgs(req);
  }
}
